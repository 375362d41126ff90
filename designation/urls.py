from django.urls import path

from designation import views
from designation.feed_views import partner_facts_import_page

urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organization_list, name="organization-index"),
    path(
        "organizations/<int:organization_id>/settings/",
        views.organization_settings,
        name="organization-settings",
    ),
    path(
        "organizations/<int:organization_id>/settings/account/",
        views.account_facts_edit,
        name="account-facts-edit",
    ),
    path(
        "organizations/<int:organization_id>/settings/<slug:kind>/add/",
        views.fact_edit,
        name="fact-add",
    ),
    path(
        "organizations/<int:organization_id>/settings/<slug:kind>/<int:pk>/edit/",
        views.fact_edit,
        name="fact-edit",
    ),
    path(
        "organizations/<int:organization_id>/settings/<slug:kind>/<int:pk>/delete/",
        views.fact_delete,
        name="fact-delete",
    ),
    path(
        "organizations/<int:organization_id>/settings/partner-acts/",
        views.partner_acts_edit,
        name="partner-acts-edit",
    ),
    path(
        "organizations/<int:organization_id>/change-requests/new/<slug:kind>/",
        views.change_request_new,
        name="change-request-new",
    ),
    path(
        "organizations/<int:organization_id>/change-requests/new/<slug:kind>/<int:pk>/",
        views.change_request_new,
        name="change-request-new-for",
    ),
    path(
        "organizations/<int:organization_id>/change-requests/<int:pk>/",
        views.change_request_page,
        name="change-request-page",
    ),
    path(
        "organizations/<int:organization_id>/change-requests/<int:pk>/decide/",
        views.change_request_decide,
        name="change-request-decide",
    ),
    path(
        "organizations/<int:organization_id>/change-requests/<int:pk>/evidence/",
        views.change_request_evidence,
        name="change-request-evidence",
    ),
    path("organizations/<int:organization_id>/badge/", views.badge, name="badge"),
    path(
        "organizations/<int:organization_id>/badge/letter.pdf",
        views.badge_letter,
        name="badge-letter",
    ),
    path("partner-facts/import/", partner_facts_import_page, name="partner-facts-import"),
    path("directory/", views.directory, name="directory"),
    path("verify/<str:credential_id>/", views.verify_page, name="verify-page"),
]
