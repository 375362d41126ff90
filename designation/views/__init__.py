"""Pages of the designation app: organisations and their facts, badges, the public directory and
verification. The journey's pages (enrollment, assessments, queues, overview) are in journey/."""

from designation.views.badges import (
    badge,
    badge_download,
    badge_letter,
    badge_locations,
    verify_badge_image,
    verify_credential,
    verify_page,
)
from designation.views.credentials import did_document, jwks, status_list
from designation.views.directory import directory
from designation.views.facts import (
    account_facts_edit,
    change_request_decide,
    change_request_evidence,
    change_request_new,
    change_request_page,
    fact_delete,
    fact_edit,
    partner_acts_edit,
)
from designation.views.notifications import (
    notification_list,
    notification_open,
    notification_preferences,
    notification_read_all,
)
from designation.views.organizations import home, organization_list, organization_settings

__all__ = [
    "account_facts_edit",
    "badge",
    "badge_download",
    "badge_letter",
    "badge_locations",
    "did_document",
    "change_request_decide",
    "change_request_evidence",
    "change_request_new",
    "change_request_page",
    "directory",
    "fact_delete",
    "fact_edit",
    "home",
    "jwks",
    "notification_list",
    "notification_open",
    "notification_preferences",
    "notification_read_all",
    "organization_list",
    "organization_settings",
    "status_list",
    "verify_badge_image",
    "verify_credential",
    "partner_acts_edit",
    "verify_page",
]
