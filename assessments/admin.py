"""Django admin: the dated ISSI fee schedule (program admins edit it); audit records read-only."""

from django.contrib import admin

from assessments.models import AuditRecord, FeeSchedule
from portal import bounds


@admin.register(FeeSchedule)
class FeeScheduleAdmin(bounds.BoundedAdminMixin, admin.ModelAdmin):
    """Saving a change stores a new dated fee; audit records keep the fee they were created with."""

    ranges = {"amount": bounds.FEE_AMOUNT}

    list_display = ["kind", "effective_from", "amount", "currency", "note", "created_at"]
    list_filter = ["kind"]
    save_as = True

    def save_model(self, request, obj, form, change):
        obj.pk = None  # never rewrite a fee that audit records may have quoted
        obj._state.adding = True
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Audit records change only through the portal's services; here they are for reading."""

    list_display = ["enrollment", "kind", "attempt", "status", "auditor", "verdict", "fee_amount"]
    list_filter = ["kind", "status", "verdict"]
    list_select_related = ["enrollment__organization", "auditor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
