"""API representations of case-rate figures and import answers."""

from rest_framework import serializers


class CaseRateSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    as_of = serializers.DateField()
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    case_volume = serializers.IntegerField(help_text="CSP cases opened in the window.")
    billed_revenue_usd = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="CSP + ACR billed revenue in the window, USD."
    )
    case_rate = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="CSP cases per USD 1M of billed revenue; null when there is no revenue.",
    )
    case_rate_target = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="The target in force on as_of (a maximum).",
    )
    meets_target = serializers.BooleanField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file, UTF-8, header row first.")


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="The file's row number; the header is row 1."
    )
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = ImportErrorSerializer(many=True, help_text="The first 100 errors, by row.")
    error_count = serializers.IntegerField(help_text="How many errors there are in all.")
