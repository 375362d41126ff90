"""API representations of insights: readiness, cohort benchmarks, program figures."""

from rest_framework import serializers


class StepOutlookSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        help_text="1 prerequisites, 2 performance, 3 CSAT, 4 capability."
    )
    title = serializers.CharField()
    outlook = serializers.ChoiceField(choices=["likely", "at_risk", "unlikely", "unknown", "done"])
    label = serializers.CharField(help_text="The outlook in words.")
    expected_on = serializers.DateField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class FeeLineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    attempts = serializers.IntegerField(help_text="2 when the step looks likely to fail.")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()


class WhatIfSerializer(serializers.Serializer):
    meets = serializers.BooleanField()
    cases_to_remove = serializers.IntegerField(allow_null=True)
    revenue_to_add_usd = serializers.DecimalField(max_digits=18, decimal_places=2)


class ReadinessSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    start_on = serializers.DateField()
    expected_end_on = serializers.DateField()
    overall = serializers.CharField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    case_volume = serializers.IntegerField()
    billed_revenue_usd = serializers.DecimalField(max_digits=18, decimal_places=2)
    case_rate = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    case_rate_target = serializers.DecimalField(max_digits=8, decimal_places=2)
    months_still_to_come = serializers.IntegerField()
    what_if = WhatIfSerializer()
    projection = serializers.CharField()
    steps = StepOutlookSerializer(many=True)
    fees = FeeLineSerializer(many=True)
    fee_totals = serializers.ListField(child=serializers.CharField())
    expected_retakes = serializers.IntegerField()


def readiness_payload(page) -> dict:
    r, f = page.readiness, page.figures
    return {
        "organization": page.organization.pk,
        "start_on": r.start_on,
        "expected_end_on": r.expected_end_on,
        "overall": r.overall,
        "window_start": f.window_start,
        "window_end": f.window_end,
        "case_volume": f.case_volume,
        "billed_revenue_usd": f.billed_revenue_usd,
        "case_rate": f.case_rate,
        "case_rate_target": f.case_rate_target,
        "months_still_to_come": page.months_still_to_come,
        "what_if": r.what_if.__dict__,
        "projection": r.projection,
        "steps": [{**s.__dict__, "label": s.label} for s in r.steps],
        "fees": [line.__dict__ for line in r.fees],
        "fee_totals": r.fee_totals,
        "expected_retakes": r.expected_retakes,
    }


class CohortSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["overall", "area", "country"])
    key = serializers.CharField(help_text="Solution area or country code; empty for overall.")
    title = serializers.CharField()
    organizations = serializers.IntegerField()
    p25 = serializers.DecimalField(max_digits=14, decimal_places=2)
    median = serializers.DecimalField(max_digits=14, decimal_places=2)
    p75 = serializers.DecimalField(max_digits=14, decimal_places=2)
    deciles = serializers.ListField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2),
        help_text="10th to 90th percentile.",
    )
    standing = serializers.CharField(help_text="Where the organisation's rate stands, in words.")


class BenchmarksSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    as_of = serializers.DateField(allow_null=True, help_text="The day the cohorts were computed.")
    case_rate = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    minimum = serializers.IntegerField(help_text="Fewest organisations a cohort shows.")
    cohorts = CohortSerializer(many=True)
    not_shown = serializers.ListField(child=serializers.CharField())


def benchmarks_payload(page) -> dict:
    return {
        "organization": page.organization.pk,
        "as_of": page.as_of,
        "case_rate": page.case_rate,
        "minimum": page.minimum,
        "cohorts": [
            {**row.cohort.__dict__, "title": row.title, "standing": row.standing}
            for row in page.rows
        ],
        "not_shown": page.not_shown,
    }


PROGRAM_TABLES = (
    "funnel",
    "flows",
    "pass-rates",
    "median-days",
    "turnaround",
    "fees",
    "appeals",
    "incentive",
    "renewals",
)


class ProgramTableSerializer(serializers.Serializer):
    slug = serializers.ChoiceField(
        choices=PROGRAM_TABLES,
        help_text=(
            "Its CSV name: /program/insights/<slug>.csv. `appeals`: per month and what was "
            "appealed (in words), appeals filed, decided, upheld, overturned, and the median "
            "days from filing to decision of those decided that month (null when none was)."
        ),
    )
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text="One list of values per row, in the order of `columns`.",
    )


class ProgramInsightsSerializer(serializers.Serializer):
    start = serializers.DateField(source="from_day")
    end = serializers.DateField(source="to_day")
    today = serializers.DateField()
    tables = ProgramTableSerializer(many=True)


def program_payload(insights) -> dict:
    return {
        "from_day": insights.start,
        "to_day": insights.end,
        "today": insights.today,
        "tables": [
            {**t.__dict__, "rows": [[_plain(v) for v in row] for row in t.rows]}
            for t in insights.tables.values()
        ],
    }


def _plain(value):
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value
