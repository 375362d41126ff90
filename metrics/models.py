"""Cases, revenue, monthly rollups, case-rate snapshots and the record of every import."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from designation.models import Organization
from metrics import rules
from portal import bounds


class Case(models.Model):
    """A support case the partner opened with Microsoft, imported from cases.csv."""

    class Program(models.TextChoices):
        CSP = "CSP", "Cloud Solution Provider"
        EA = "EA", "Enterprise Agreement"
        MCA = "MCA", "Microsoft Customer Agreement"
        OTHER = "OTHER", "Other"

    class Severity(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    # The unique (organization, case_id) index serves every lookup by organisation; no other
    # index on cases (measured: each costs ~25% of a 1M-row import). Reads use the rollups.
    # No per-row foreign key (its checks were half the cost of loading 1M cases): triggers
    # (migration 0003) check the organisations once per statement and refuse deleting or
    # re-keying an organisation that still has cases; the ORM still cascades deletes.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="cases",
        db_index=False,
        db_constraint=False,
    )
    # Byte order ("C"): case IDs are identifiers; sorting and comparing them is memcmp.
    case_id = models.CharField(max_length=64, validators=[MinLengthValidator(1)], db_collation="C")
    opened_on = models.DateField()
    program = models.CharField(max_length=5, choices=Program.choices)
    customer_tenant_id = models.CharField(max_length=100, blank=True)
    severity = models.CharField(max_length=1, choices=Severity.choices, blank=True)
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-opened_on", "case_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "case_id"], name="case_id_per_org"),
            models.CheckConstraint(
                condition=Q(program__in=rules.CASE_PROGRAMS), name="case_program_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id} ({self.program}, {self.opened_on:%Y-%m-%d})"


class RevenueLine(models.Model):
    """One month's billed revenue from one source (CSP or ACR), imported from revenue.csv."""

    class Source(models.TextChoices):
        CSP = "CSP", "CSP billed revenue"
        ACR = "ACR", "Azure consumed revenue"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="revenue_lines", db_index=False
    )
    billing_month = models.DateField(help_text="The first day of the billing month.")
    source = models.CharField(max_length=3, choices=Source.choices)
    amount_usd = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["-billing_month", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "billing_month", "source"], name="revenue_per_org_month"
            ),
            bounds.REVENUE_AMOUNT.constraint("amount_usd", "revenue_amount_in_range"),
            models.CheckConstraint(
                condition=Q(billing_month__day=1), name="revenue_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.billing_month:%Y-%m}: USD {self.amount_usd}"


class MonthlyRollup(models.Model):
    """One organisation's month: CSP cases opened and revenue billed; kept current by imports."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="monthly_rollups", db_index=False
    )
    month = models.DateField(help_text="The first day of the month.")
    csp_case_count = models.PositiveIntegerField(default=0)
    csp_revenue_usd = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    acr_revenue_usd = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["organization", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="rollup_per_org_month"),
            models.CheckConstraint(
                condition=Q(csp_revenue_usd__gte=0, acr_revenue_usd__gte=0),
                name="rollup_revenue_not_negative",
            ),
        ]
        # The nightly job sums twelve months for every organisation: an index-only scan of the
        # window's months (measured at 500k organisations: 6M rows read without the table).
        indexes = [
            models.Index(
                fields=["month", "organization"],
                include=["csp_case_count", "csp_revenue_usd", "acr_revenue_usd"],
                name="rollup_month_figures",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month:%Y-%m}"

    @property
    def billed_revenue_usd(self) -> Decimal:
        return self.csp_revenue_usd + self.acr_revenue_usd


class CaseRateSnapshot(models.Model):
    """One organisation's TTM figures for one day, stored nightly (a rerun replaces the row)."""

    # No per-row foreign key (its checks at COMMIT were a quarter of the nightly job at 500k
    # organisations): the nightly statement reads its organisations itself and holds them
    # under a lock that deleting or re-keying one waits for; triggers (migration 0008) refuse
    # that while snapshots remain and check any other writer's rows. The ORM still cascades.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="case_rate_snapshots",
        db_index=False,
        db_constraint=False,
    )
    as_of = models.DateField()
    window_start = models.DateField()
    window_end = models.DateField()
    case_volume = models.PositiveIntegerField()
    billed_revenue_usd = models.DecimalField(max_digits=18, decimal_places=2)
    case_rate = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Empty: no revenue."
    )
    case_rate_target = models.DecimalField(
        "case-rate target in force", max_digits=8, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "organization"]
        # Day first: the nightly job appends a day's 500,000 rows at the index's right edge
        # (organisation first scattered them over the whole index), and the same index serves
        # every read, by day or by day and organisation, so no separate as_of index.
        constraints = [
            models.UniqueConstraint(fields=["as_of", "organization"], name="snapshot_per_org_day"),
            bounds.in_order("window_start", "window_end", "snapshot_window_order"),
            models.CheckConstraint(
                condition=Q(billed_revenue_usd__gte=0), name="snapshot_revenue_not_negative"
            ),
            bounds.RATE_FIGURE.constraint(
                "case_rate", "snapshot_case_rate_in_range", nullable=True
            ),
            bounds.CASE_RATE_TARGET.constraint(
                "case_rate_target", "snapshot_target_in_range", nullable=True
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} on {self.as_of:%Y-%m-%d}: {self.case_rate}"


class ImportRecord(models.Model):
    """Who loaded which file into which organisation, when, and what came of it."""

    class Kind(models.TextChoices):
        CASES = "cases", "cases.csv"
        REVENUE = "revenue", "revenue.csv"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        LOADING = "loading", "Loading the file"
        VALIDATING = "validating", "Checking every row"
        SAVING = "saving", "Checking and saving every row"
        DONE = "done", "Done"

    class Outcome(models.TextChoices):
        OK = "ok", "Imported"
        REJECTED = "rejected", "Rejected, nothing changed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="metric_imports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=500, blank=True)
    errors = models.JSONField(default=list, blank=True, help_text="The first errors found.")
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Rows new, changed and unchanged per month; the case rate before and after.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]
        constraints = [bounds.PERCENTAGE.constraint("progress", "import_progress_0_to_100")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} into {self.organization_id} at {self.created_at}"

    @property
    def finished(self) -> bool:
        return self.status == self.Status.DONE


class CohortBenchmark(models.Model):
    """One day's case-rate distribution of one cohort of designated partners (overall, a solution
    area or a country), stored by the nightly job; only `published` cohorts are ever shown."""

    class Kind(models.TextChoices):
        OVERALL = "overall", "All designated partners"
        AREA = "area", "Solution area"
        COUNTRY = "country", "Country"

    as_of = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=40, blank=True, help_text="Area code or country code.")
    organizations = models.PositiveIntegerField()
    p25 = models.DecimalField(max_digits=14, decimal_places=2)
    median = models.DecimalField(max_digits=14, decimal_places=2)
    p75 = models.DecimalField(max_digits=14, decimal_places=2)
    deciles = ArrayField(
        models.DecimalField(max_digits=14, decimal_places=2),
        size=9,
        help_text="The 10th to 90th percentiles (never the minimum or maximum: each is one "
        "organisation's own figure).",
    )
    published = models.BooleanField(
        help_text="At least the program's minimum of organisations, and no published cohort "
        "differs from it by fewer than that minimum."
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "kind", "key"], name="one_benchmark_per_cohort"
            ),
            models.CheckConstraint(
                condition=Q(p25__gte=0, median__gte=F("p25"), p75__gte=F("median")),
                name="benchmark_quartiles_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} on {self.as_of:%Y-%m-%d}"


class StepStay(models.Model):
    """One stay of an enrollment in a step, from the move into it to the move out of it, stored
    by the nightly job (metrics/stays.py) so that the program's median days in each step read an
    index instead of a window over the whole event log."""

    # The move that ended the stay. No database constraint: the event log is append-only, and a
    # per-row foreign-key check would double the cost of the first run at the program's scale.
    ended_by = models.OneToOneField(
        "designation.EnrollmentEvent",
        primary_key=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    state = models.CharField(max_length=30, help_text="The step stayed in.")
    left_at = models.DateTimeField(help_text="When the ending move was recorded.")
    days = models.FloatField(help_text="Days from the move in to the move out.")

    class Meta:
        ordering = ["ended_by"]
        indexes = [
            # The figure scans one step's stays ended in a date range, in step order, and reads
            # their days from the index alone.
            models.Index(fields=["state", "left_at"], include=["days"], name="stepstay_by_step")
        ]

    def __str__(self) -> str:
        return f"{self.state}: {self.days:.1f} days to {self.left_at:%Y-%m-%d}"
