"""Forms partner admins use to keep their facts current and to apply; reviewers' decisions."""

from django import forms
from django_countries import countries

from designation.models import (
    CspEnrollment,
    Enrollment,
    Organization,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS
from designation.rules import SolutionArea
from portal.widgets import IsoDateInput as DateInput


class CountryField(forms.ChoiceField):
    """A country chosen by its name; the ISO code is stored (`fr` is taken as `FR`)."""

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "Choose a country…"), *countries], **kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()


class AccountFactsForm(forms.ModelForm):
    country = CountryField(label="Country")

    class Meta:
        model = Organization
        fields = [
            "legal_name",
            "country",
            "in_good_standing",
            "partner_center_registered",
            "tax_billing_on_file",
            "code_of_conduct_accepted_on",
            "representative_attested",
        ]
        widgets = {"code_of_conduct_accepted_on": DateInput()}

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class SolutionsPartnerForm(forms.ModelForm):
    class Meta:
        model = SolutionsPartnerDesignation
        fields = [
            "area",
            "attained_on",
            "anniversary_on",
            "performance_points",
            "skilling_points",
            "customer_success_points",
        ]
        widgets = {"attained_on": DateInput(), "anniversary_on": DateInput()}

    def clean(self):
        data = super().clean()
        attained, anniversary = data.get("attained_on"), data.get("anniversary_on")
        if attained and anniversary and anniversary <= attained:
            self.add_error(
                "anniversary_on", "The anniversary date must be after the attainment date."
            )
        return data


class CspEnrollmentForm(forms.ModelForm):
    class Meta:
        model = CspEnrollment
        fields = ["kind", "enrolled_on", "ended_on"]
        widgets = {"enrolled_on": DateInput(), "ended_on": DateInput()}
        labels = {"kind": "CSP enrollment type", "ended_on": "Ended on (leave empty if current)"}

    def clean(self):
        data = super().clean()
        start, end = data.get("enrolled_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", "The end date cannot be before the enrollment date.")
        return data


class SupportContractForm(forms.ModelForm):
    class Meta:
        model = SupportContract
        fields = ["plan", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The contract cannot end before it starts.")
        return data


class PreEnrollmentForm(forms.ModelForm):
    """The pre-enrollment form: contact, solution areas, CSP type, support plan, attestation."""

    solution_areas = forms.MultipleChoiceField(
        choices=[(a.value, a.label) for a in SolutionArea],
        widget=forms.CheckboxSelectMultiple,
        help_text="The Solutions Partner areas your support covers.",
    )

    class Meta:
        model = Enrollment
        fields = list(PRE_ENROLLMENT_FIELDS)
        labels = {"csp_type": "CSP enrollment type"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PRE_ENROLLMENT_FIELDS:
            self.fields[name].required = True


class ReasonForm(forms.Form):
    """A decision that needs a reason the partner will read."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
