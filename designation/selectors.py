"""Reads for designation: scoped first, then shaped for the page or API that asks."""

from datetime import date

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_fsm import can_proceed

from designation import rules as prerequisite_rules
from designation.models import (
    CspEnrollment,
    Designation,
    Enrollment,
    EnrollmentEvent,
    FactChange,
    FactChangeRequest,
    IncentiveGrant,
    Membership,
    Organization,
    ProgramRules,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.models.enrollment import OPEN_STATES, PUBLIC_TRANSITIONS
from designation.models.organizations import Scope
from portal import compiled
from portal.folded import folded, prefetched, unfolded


def organizations_for(user) -> QuerySet[Organization]:
    """Organisations the user may see, in name order."""
    return Organization.objects.visible_to(user).order_by("legal_name", "id")


def organizations_matching(user, query: str) -> QuerySet[Organization]:
    """The organisations the user may see whose name contains `query` or whose partner ID is it."""
    organizations = organizations_for(user)
    if not query:
        return organizations
    return organizations.filter(Q(legal_name__icontains=query) | Q(partner_id=query))


def first_membership(user) -> Membership | None:
    """The user's first membership (where their work is), or None."""
    return (
        Membership.objects.filter(user=user).select_related("organization").order_by("id").first()
    )


FACT_RELATIONS = {
    "solutions_partner_designations": SolutionsPartnerDesignation,
    "csp_enrollments": CspEnrollment,
    "support_contracts": SupportContract,
}


def _with_facts(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """The prerequisite facts read inside the organisation's own query (portal/folded.py)."""
    return queryset.annotate(
        **{
            f"folded_{relation}": folded(model.objects.filter(organization=OuterRef("pk")))
            for relation, model in FACT_RELATIONS.items()
        }
    )


def _unfold_facts(organization: Organization) -> Organization:
    """Hand the folded facts to the relations, as prefetch_related would have."""
    for relation, model in FACT_RELATIONS.items():
        prefetched(
            organization, relation, unfolded(model, getattr(organization, f"folded_{relation}"))
        )
    return organization


def organization_for(user, organization_id) -> Organization:
    """One organisation the user may see, with its prerequisite facts (and who made the
    partner's own acts), in one query; 404 otherwise."""
    organizations = organizations_for(user).select_related(
        "code_of_conduct_accepted_by", "representative_attested_by"
    )
    return _unfold_facts(get_object_or_404(_with_facts(organizations), pk=organization_id))


def organization_named_for(user, organization_id, **annotations) -> QuerySet[Organization]:
    """Only the id and name of one organisation the user may see (none otherwise), with what a
    caller above adds to the same query (the dashboard's cache fingerprint): a page's shell."""
    organizations = organizations_for(user).only("id", "legal_name").annotate(**annotations)
    return organizations.filter(pk=organization_id)


def organization_with_designation_for(user, organization_id) -> Organization:
    """organization_for, plus its designation and incentive grant (when it has them) in the
    same query: the dashboard's first read, compiled once per thread for the user's scope
    (portal/compiled.py); 404 otherwise."""
    scope = Scope.of(user)
    if scope is None or not compiled.in_id_range(Organization, organization_id):
        raise Http404("No such organisation.")
    shape = ("organization with designation", *scope.compiled_shape())

    def build(organization_id):
        organizations = organizations_for(user).select_related(
            "code_of_conduct_accepted_by",
            "representative_attested_by",
            "designation",
            "incentive_grant",
        )
        return _with_facts(organizations).filter(pk=organization_id)

    found = compiled.instances(shape, build, organization_id=int(organization_id))
    if not found:
        raise Http404("No such organisation.")
    return _unfold_facts(found[0])


def organization_for_journey(organization_id: int) -> Organization:
    """An organisation with its facts, for a service that has already checked the caller."""
    return _unfold_facts(_with_facts(Organization.objects.all()).get(pk=organization_id))


def prerequisites_for(
    organization: Organization, on: date
) -> list[prerequisite_rules.Prerequisite]:
    """Every prerequisite of the organisation on day `on`, judged by the rules in force then."""
    program = ProgramRules.objects.in_force(on)
    return prerequisite_rules.evaluate_prerequisites(
        organization.prerequisite_facts(),
        on,
        unified_generally_available=program.unified_generally_available,
    )


# --- Enrollments ---------------------------------------------------------------------------


def enrollments_for(user) -> QuerySet[Enrollment]:
    """Enrollments the user may see, newest first, with their organisation."""
    return (
        Enrollment.objects.visible_to(user)
        .select_related("organization")
        .order_by("-created_at", "-id")
    )


def current_enrollments(organization: Organization) -> QuerySet[Enrollment]:
    """The organisation's enrollments, its open one first, then the latest."""
    open_first = Case(
        When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Enrollment.objects.filter(organization=organization)
        .annotate(open_first=open_first)
        .order_by("open_first", "-created_at", "-id")
    )


def current_enrollment(organization: Organization) -> Enrollment | None:
    """The organisation's open enrollment, or else its latest one, in one query."""
    return current_enrollments(organization).first()


def available_transitions(enrollment: Enrollment, user, on: date) -> list[str]:
    """The public transitions `user` may call now (state, permission and conditions hold).

    Submit's prerequisites are checked for day `on` on an unsaved copy of the snapshot.
    """
    if not enrollment.is_open:
        return []
    names = []
    for name in PUBLIC_TRANSITIONS:
        method = getattr(enrollment, name)
        if not can_proceed(method, check_conditions=False):
            continue
        transition = method._django_fsm.get_transition(enrollment.state)
        if not transition.has_perm(enrollment, user):
            continue
        if name == "submit":
            organization = organization_for_journey(enrollment.organization_id)
            enrollment.record_prerequisites(prerequisites_for(organization, on), on)
        if all(condition(enrollment) for condition in transition.conditions):
            names.append(name)
    return names


def eligibility_queue() -> QuerySet[Enrollment]:
    """Enrollments waiting for a reviewer's eligibility decision, oldest first."""
    return (
        Enrollment.objects.filter(state=Enrollment.State.ELIGIBILITY_REVIEW)
        .select_related("organization")
        .order_by("submitted_on", "created_at", "id")
    )


def verify_event_chain(enrollment_id: int | None = None) -> list[prerequisite_rules.ChainProblem]:
    """Every break in the enrollments' event chains (all enrollments, or one)."""
    enrollments = Enrollment.objects.all().order_by("id")
    if enrollment_id is not None:
        enrollments = enrollments.filter(pk=enrollment_id)
    problems = []
    heads = dict(enrollments.values_list("id", "last_event_hash"))
    events: dict[int, list] = {pk: [] for pk in heads}
    for event in EnrollmentEvent.objects.filter(enrollment_id__in=heads).order_by(
        "enrollment_id", "sequence"
    ):
        events[event.enrollment_id].append(
            (event.sequence, event.hashed_fields(), event.previous_hash, event.hash)
        )
    for pk, head in heads.items():
        problems += prerequisite_rules.chain_problems(pk, events[pk], head)
    return problems


# --- Designations --------------------------------------------------------------------------


def renewals_at_risk() -> QuerySet[Designation]:
    """Designations in their renewal window (open or grace) without a completed renewal for the
    current anniversary, the soonest anniversary first; with the renewal enrollment, if any."""
    renewals = Enrollment.objects.filter(
        renewal_of=OuterRef("pk"), renewal_for_anniversary=OuterRef("anniversary_on")
    )
    return (
        Designation.objects.filter(
            state__in=(Designation.State.RENEWAL_OPEN, Designation.State.GRACE)
        )
        .exclude(Exists(renewals.filter(state=Enrollment.State.ENROLLED)))
        .annotate(
            renewal_id=Subquery(renewals.order_by("-id").values("pk")[:1]),
            renewal_state=Subquery(renewals.order_by("-id").values("state")[:1]),
        )
        .select_related("organization")
        .order_by("anniversary_on", "id")
    )


def incentive_of(organization: Organization) -> IncentiveGrant | None:
    """The early-adoption incentive granted to the organisation, if any."""
    return IncentiveGrant.objects.filter(organization=organization).first()


def fact_of(organization: Organization, related_name: str, pk: int):
    """One prerequisite fact of the organisation (of the kind `related_name` names); 404
    otherwise."""
    return get_object_or_404(getattr(organization, related_name), pk=pk)


# --- Facts of record and change requests ------------------------------------------------------


def fact_changes_of(organization: Organization, limit: int = 50) -> list[FactChange]:
    """The latest changes to the organisation's facts of record, newest first, with who."""
    return list(
        FactChange.objects.filter(organization=organization)
        .select_related("by", "change_request")
        .order_by("-at", "-id")[:limit]
    )


def change_requests_of(organization: Organization, limit: int = 50) -> list[FactChangeRequest]:
    """The organisation's change requests, newest first, with who asked and who decided."""
    return list(
        FactChangeRequest.objects.filter(organization=organization)
        .select_related("requested_by", "decided_by")
        .order_by("-requested_at", "-id")[:limit]
    )


def change_request_queue() -> QuerySet[FactChangeRequest]:
    """Change requests waiting for a reviewer, oldest first."""
    return (
        FactChangeRequest.objects.filter(status=FactChangeRequest.Status.PENDING)
        .select_related("organization", "requested_by")
        .order_by("requested_at", "id")
    )


def change_requests_for(user) -> QuerySet[FactChangeRequest]:
    """Change requests of the organisations the user may see (reviewers and program admins:
    every one), oldest first, with who asked and who decided."""
    return (
        FactChangeRequest.objects.filter(organization__in=Organization.objects.visible_to(user))
        .select_related("organization", "requested_by", "decided_by")
        .order_by("requested_at", "id")
    )


def change_request_for(user, organization_id, request_id) -> FactChangeRequest:
    """One change request of an organisation the user may see; 404 otherwise."""
    return get_object_or_404(
        FactChangeRequest.objects.filter(
            organization__in=Organization.objects.visible_to(user)
        ).select_related("organization", "requested_by", "decided_by"),
        pk=request_id,
        organization_id=organization_id,
    )
