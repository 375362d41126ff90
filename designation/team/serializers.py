"""JSON shapes of members and invitations."""

from rest_framework import serializers

from designation.models import Invitation, Membership
from designation.team.rules import display_name


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    last_sign_in = serializers.DateTimeField(source="user.last_login", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "name", "email", "role", "role_label", "last_sign_in"]
        read_only_fields = ["id"]

    def get_name(self, membership) -> str:
        user = membership.user
        return display_name(user.first_name, user.last_name, user.get_username())


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "role_label",
            "status",
            "status_label",
            "sent_at",
            "expires_at",
        ]
        read_only_fields = ["id", "sent_at", "expires_at"]


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
