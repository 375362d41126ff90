"""The pre-enrollment declaration checked against the facts of record on a day (used by the
journey's enrollment services for the page and the API alike)."""

from datetime import date

from django.db.models import Max, prefetch_related_objects
from django.utils import timezone

from designation import selectors
from designation.models import FactChange, FactKind, FactSource, ProgramRules
from designation.rules import all_met
from designation.rules.declarations import (
    Allowed,
    Comparison,
    Provenance,
    allowed_on,
    contradictions,
    declared_vs_recorded,
)
from portal.errors import ConditionFailed


def allowed_for(organization, on: date) -> Allowed:
    """What the organisation's facts of record allow its pre-enrollment form to declare."""
    program = ProgramRules.objects.in_force(on)
    return allowed_on(
        organization.prerequisite_facts(),
        on,
        unified_generally_available=program.unified_generally_available,
    )


def check_declaration(*, organization_id: int, form: dict, on: date) -> None:
    """Raise ConditionFailed (400) naming the first field that contradicts the facts. While a
    prerequisite is unmet, submitting is refused for that reason instead (with its next action),
    so the declaration is judged only once they all hold."""
    if not {"solution_areas", "csp_type", "support_plan"} & set(form):
        return
    organization = selectors.organization_for_journey(organization_id)
    if not all_met(selectors.prerequisites_for(organization, on)):
        return
    program = ProgramRules.objects.in_force(on)
    found = contradictions(
        solution_areas=form.get("solution_areas") or (),
        csp_type=form.get("csp_type", ""),
        support_plan=form.get("support_plan", ""),
        facts=organization.prerequisite_facts(),
        on=on,
        unified_generally_available=program.unified_generally_available,
    )
    if found:
        raise ConditionFailed(found[0].message, field=found[0].field)


def _kept(facts) -> list[tuple]:
    """(the rule's fact, its provenance) for each fact of record of one kind."""
    return [
        (
            fact.as_fact(),
            Provenance(
                source=FactSource(fact.source).label,
                confirmed_on=timezone.localdate(fact.confirmed_at) if fact.confirmed_at else None,
            ),
        )
        for fact in facts
    ]


# The declared field each kind of fact of record backs.
FIELD_OF_KIND = {
    FactKind.SOLUTIONS_PARTNER: "solution_areas",
    FactKind.CSP: "csp_type",
    FactKind.SUPPORT_CONTRACT: "support_plan",
}


def _changed_after(organization, on: date) -> dict[str, date]:
    """Per declared field, the last day its facts of record changed after `on` (one query)."""
    rows = (
        FactChange.objects.filter(
            organization=organization, at__date__gt=on, kind__in=FIELD_OF_KIND
        )
        .values("kind")
        .annotate(last=Max("at"))
        .order_by()
    )
    return {FIELD_OF_KIND[r["kind"]]: timezone.localdate(r["last"]) for r in rows}


def declaration_day(enrollment, today: date) -> date:
    """The day the declaration was made: when it was submitted (today for a draft)."""
    return enrollment.submitted_on or today


def declared_vs_recorded_for(enrollment, *, today: date) -> list[Comparison]:
    """The enrollment's declared values beside the facts of record on its declaration day,
    with each fact's source and last confirmation, and what changed since: five queries whatever
    the number of facts."""
    organization = enrollment.organization
    prefetch_related_objects(
        [organization], "solutions_partner_designations", "csp_enrollments", "support_contracts"
    )
    on = declaration_day(enrollment, today)
    program = ProgramRules.objects.latest_on(on) or ProgramRules.objects.in_force(today)
    return declared_vs_recorded(
        solution_areas=enrollment.solution_areas,
        csp_type=enrollment.csp_type,
        support_plan=enrollment.support_plan,
        solutions_partner=_kept(organization.solutions_partner_designations.all()),
        csp=_kept(organization.csp_enrollments.all()),
        support_contracts=_kept(organization.support_contracts.all()),
        on=on,
        unified_generally_available=program.unified_generally_available,
        changed_after=_changed_after(organization, on),
    )
