from django.urls import include, path

from designation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/", views.organization_list, name="organization-index"),
    path(
        "organizations/<int:organization_id>/",
        views.organization_overview,
        name="organization-overview",
    ),
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
        "organizations/<int:organization_id>/enrollment/",
        views.enrollment_home,
        name="enrollment-home",
    ),
    path(
        "organizations/<int:organization_id>/enrollment/apply/",
        views.enrollment_apply,
        name="enrollment-apply",
    ),
    path(
        "organizations/<int:organization_id>/assessments/",
        views.organization_assessments,
        name="organization-assessments",
    ),
    path("organizations/<int:organization_id>/badge/", views.badge, name="badge"),
    path(
        "organizations/<int:organization_id>/badge/letter.pdf",
        views.badge_letter,
        name="badge-letter",
    ),
    path("enrollments/<int:enrollment_id>/", views.enrollment_detail, name="enrollment-page"),
    path(
        "enrollments/<int:enrollment_id>/<slug:name>/",
        views.enrollment_transition,
        name="enrollment-transition",
    ),
    path("queues/", views.review_queues, name="review-queues"),
    path("directory/", views.directory, name="directory"),
    path("verify/<str:credential_id>/", views.verify_page, name="verify-page"),
    path("", include("designation.team.urls")),
]
