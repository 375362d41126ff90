"""Pages of the designation app: organisations and their facts, badges, the public directory and
verification. The journey's pages (enrollment, assessments, queues, overview) are in journey/."""

from designation.views.badges import badge, badge_letter, verify_page
from designation.views.directory import directory
from designation.views.notifications import (
    notification_list,
    notification_open,
    notification_preferences,
    notification_read_all,
)
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
    "badge_letter",
    "directory",
    "fact_delete",
    "fact_edit",
    "home",
    "notification_list",
    "notification_open",
    "notification_preferences",
    "notification_read_all",
    "organization_list",
    "organization_settings",
    "verify_page",
]
