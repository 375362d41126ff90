"""Pages of the designation app: organisations and their facts; the enrollment journey."""

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
from designation.views.enrollment import (
    enrollment_apply,
    enrollment_detail,
    enrollment_home,
    enrollment_transition,
    organization_assessments,
    review_queues,
)
from designation.views.organizations import (
    account_facts_edit,
    fact_delete,
    fact_edit,
    home,
    organization_list,
    organization_overview,
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
    "enrollment_apply",
    "enrollment_detail",
    "enrollment_home",
    "enrollment_transition",
    "fact_delete",
    "fact_edit",
    "home",
    "jwks",
    "organization_assessments",
    "organization_list",
    "organization_overview",
    "organization_settings",
    "review_queues",
    "status_list",
    "verify_badge_image",
    "verify_credential",
    "verify_page",
]
