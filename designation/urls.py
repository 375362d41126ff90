from django.contrib.auth import views as auth_views
from django.urls import path

from designation import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
]
