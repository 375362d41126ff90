from django.urls import include, path

from designation import views
from designation.feed_views import partner_facts_import_page
from designation.team import oidc

urlpatterns = [
    path("", views.home, name="home"),
    path("oidc/authenticate/", oidc.SignInWithMicrosoft.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.MicrosoftCallback.as_view(), name="oidc_authentication_callback"),
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
    path(
        "organizations/<int:organization_id>/badge/locations/",
        views.badge_locations,
        name="badge-locations",
    ),
    *[
        path(
            f"organizations/<int:organization_id>/badge/{filename}",
            views.badge_download,
            {"kind": kind},
            name=name,
        )
        for filename, kind, name in (
            ("badge.svg", "svg", "badge-svg"),
            ("badge.png", "png", "badge-png"),
            ("credential.jwt", "jwt", "badge-credential-jwt"),
            ("credential.json", "json", "badge-credential-json"),
        )
    ],
    path("partner-facts/import/", partner_facts_import_page, name="partner-facts-import"),
    path("directory/", views.directory, name="directory"),
    path("verify/", views.verify_credential, name="verify-credential"),
    path("notifications/", views.notification_list, name="notification-centre"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification-open-form",
    ),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all-form"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification-preferences-page",
    ),
    path("verify/<str:credential_id>/", views.verify_page, name="verify-page"),
    path(
        "verify/<str:credential_id>/badge.svg",
        views.verify_badge_image,
        name="verify-badge-image",
    ),
    path(".well-known/did.json", views.did_document, name="did-document"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(
        "credentials/status/<int:status_list_id>/",
        views.status_list,
        name="credential-status-list",
    ),
    path("", include("designation.team.urls")),
]
