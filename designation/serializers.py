"""API representations of organisations and prerequisites."""

from rest_framework import serializers

from designation.models import Location, Organization


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "city", "country", "shows_badge"]


class OrganizationSerializer(serializers.ModelSerializer):
    locations = LocationSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "partner_id",
            "legal_name",
            "country",
            "in_good_standing",
            "partner_center_registered",
            "tax_billing_on_file",
            "code_of_conduct_accepted_on",
            "representative_attested",
            "locations",
        ]


class PrerequisiteSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    met = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["met", "warning", "unmet"])
    detail = serializers.CharField()
    next_action = serializers.CharField(allow_blank=True)
    warning = serializers.CharField(allow_blank=True)


class PrerequisitesSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    on = serializers.DateField()
    all_met = serializers.BooleanField()
    prerequisites = PrerequisiteSerializer(many=True)


class DateQuerySerializer(serializers.Serializer):
    """A day given as ?on=YYYY-MM-DD (defaults to today)."""

    on = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
