from django.urls import include, path

from designation.team import api, views

ORG = "organizations/<int:id>"
api_v1 = [
    path(f"{ORG}/members/", api.MembersView.as_view(), name="api-members"),
    path(
        f"{ORG}/members/<int:membership_id>/",
        api.MemberDetailView.as_view(),
        name="api-member-detail",
    ),
    path(f"{ORG}/invitations/", api.InvitationsView.as_view(), name="api-invitations"),
    path(
        f"{ORG}/invitations/<int:invitation_id>/",
        api.InvitationDetailView.as_view(),
        name="api-invitation-detail",
    ),
    path(
        f"{ORG}/invitations/<int:invitation_id>/resend/",
        api.InvitationResendView.as_view(),
        name="api-invitation-resend",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("organizations/<int:organization_id>/users/", views.team, name="team"),
    path("organizations/<int:organization_id>/users/invite/", views.invite, name="team-invite"),
    path(
        "organizations/<int:organization_id>/users/invitations/<int:invitation_id>/resend/",
        views.invitation_action,
        {"action": "resend"},
        name="invitation-resend",
    ),
    path(
        "organizations/<int:organization_id>/users/invitations/<int:invitation_id>/revoke/",
        views.invitation_action,
        {"action": "revoke"},
        name="invitation-revoke",
    ),
    path(
        "organizations/<int:organization_id>/users/<int:membership_id>/role/",
        views.member_role,
        name="member-role",
    ),
    path(
        "organizations/<int:organization_id>/users/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
