"""Pages of the designation app: organisations and their facts; the enrollment journey."""

from designation.views.badges import badge, badge_letter, verify_page
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
    "badge_letter",
    "directory",
    "enrollment_apply",
    "enrollment_detail",
    "enrollment_home",
    "enrollment_transition",
    "fact_delete",
    "fact_edit",
    "home",
    "organization_assessments",
    "organization_list",
    "organization_overview",
    "organization_settings",
    "review_queues",
    "verify_page",
]
