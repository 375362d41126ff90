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
from designation.views.organizations import (
    account_facts_edit,
    fact_delete,
    fact_edit,
    home,
    organization_list,
    organization_settings,
)

__all__ = [
    "account_facts_edit",
    "badge",
    "badge_download",
    "badge_letter",
    "badge_locations",
    "did_document",
    "directory",
    "fact_delete",
    "fact_edit",
    "home",
    "jwks",
    "organization_list",
    "organization_settings",
    "status_list",
    "verify_badge_image",
    "verify_credential",
    "verify_page",
]
