from django.urls import path

from designation import views

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
    path("organizations/<int:organization_id>/badge/", views.badge, name="badge"),
    path(
        "organizations/<int:organization_id>/badge/letter.pdf",
        views.badge_letter,
        name="badge-letter",
    ),
    path("directory/", views.directory, name="directory"),
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
]
