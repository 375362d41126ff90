"""The pre-enrollment declaration checked against the facts of record on a day (used by the
journey's enrollment services for the page and the API alike)."""

from datetime import date

from designation import selectors
from designation.models import ProgramRules
from designation.rules import all_met
from designation.rules.declarations import Allowed, allowed_on, contradictions
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
