"""Django admin for program admins: organisations and dated program-rule versions."""

from django.contrib import admin

from designation.labels import country_name
from designation.models import (
    CspEnrollment,
    Designation,
    Enrollment,
    ExternalIdentity,
    IncentiveGrant,
    Invitation,
    Location,
    Membership,
    MembershipChange,
    Organization,
    ProgramRules,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.models.organizations import PROGRAM_RULES_RANGES
from portal import bounds


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class _FactOfRecordInline(admin.TabularInline):
    """Shown, not edited here: facts of record change on the organisation's Facts page (or by
    the feed), where every change is kept with who, when, before and after."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SolutionsPartnerInline(_FactOfRecordInline):
    model = SolutionsPartnerDesignation


class CspInline(_FactOfRecordInline):
    model = CspEnrollment


class SupportContractInline(_FactOfRecordInline):
    model = SupportContract


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "partner_id", "country_display", "in_good_standing"]
    search_fields = ["legal_name", "partner_id"]
    list_filter = ["country", "in_good_standing", "facts_source"]
    # The facts of record change on the organisation's Facts page or through the feed, where
    # every change is kept; admin shows them once the organisation exists.
    kept_fields = [
        "legal_name",
        "country",
        "in_good_standing",
        "partner_center_registered",
        "tax_billing_on_file",
        "facts_source",
        "facts_confirmed_at",
        "code_of_conduct_accepted_on",
        "code_of_conduct_accepted_by",
        "representative_attested",
        "representative_attested_by",
        "representative_attested_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.kept_fields if obj is not None else []

    inlines = [
        MembershipInline,
        LocationInline,
        SolutionsPartnerInline,
        CspInline,
        SupportContractInline,
    ]

    @admin.display(description="Country", ordering="country")
    def country_display(self, organization: Organization) -> str:
        return country_name(organization.country)


@admin.register(ProgramRules)
class ProgramRulesAdmin(bounds.BoundedAdminMixin, admin.ModelAdmin):
    """Saving a change stores a new dated version; earlier versions stay as they were."""

    ranges = PROGRAM_RULES_RANGES

    list_display = [
        "effective_from",
        "case_rate_target",
        "csat_minimum",
        "capability_minimum_total",
        "capability_minimum_dimension",
        "incentive_quota",
        "unified_generally_available",
        "created_at",
        "created_by",
    ]
    readonly_fields = ["created_at", "created_by"]
    save_as = True

    def save_model(self, request, obj, form, change):
        obj.pk = None  # never overwrite a version that decisions may have quoted
        obj._state.adding = True
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    """The journey's records change only through its services; admin shows them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(_ReadOnlyAdmin):
    list_display = ["organization", "kind", "state", "submitted_on", "enrolled_on", "created_at"]
    list_filter = ["kind", "state"]
    list_select_related = ["organization"]
    search_fields = ["organization__legal_name", "organization__partner_id"]


@admin.register(Designation)
class DesignationAdmin(_ReadOnlyAdmin):
    list_display = ["organization", "state", "attained_on", "anniversary_on", "credential_id"]
    list_filter = ["state"]
    list_select_related = ["organization"]


@admin.register(IncentiveGrant)
class IncentiveGrantAdmin(_ReadOnlyAdmin):
    list_display = ["position", "organization", "discount_percent", "granted_on"]


@admin.register(Invitation)
class InvitationAdmin(_ReadOnlyAdmin):
    """Invitations are sent, resent and revoked by partner admins on their Users page."""

    list_display = ["email", "organization", "role", "sent_at", "expires_at", "accepted_at"]
    list_select_related = ["organization"]
    search_fields = ["email", "organization__legal_name"]
    exclude = ["key"]


@admin.register(MembershipChange)
class MembershipChangeAdmin(_ReadOnlyAdmin):
    list_display = ["at", "organization", "by_name", "action", "subject_name"]
    list_filter = ["action"]
    list_select_related = ["organization"]
    search_fields = ["organization__legal_name", "subject_name", "by_name"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """A program admin may unlink an account from its Microsoft identity (delete the row)."""

    list_display = ["user", "issuer", "subject", "linked_at"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["user", "issuer", "subject", "linked_at"]

    def has_add_permission(self, request) -> bool:
        return False
