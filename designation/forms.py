"""Forms: facts of record (reviewers, program admins), the partner's own acts and change
requests (partner admins), the pre-enrollment form, reviewers' decisions."""

from django import forms
from django_countries import countries

from designation.models import (
    CspEnrollment,
    Enrollment,
    FactKind,
    Organization,
    SolutionsPartnerDesignation,
    SupportContract,
)
from designation.models.enrollment import PRE_ENROLLMENT_FIELDS
from designation.rules import SolutionArea
from portal import bounds
from portal.widgets import IsoDateInput as DateInput


class CountryField(forms.ChoiceField):
    """A country chosen by its name; the ISO code is stored (`fr` is taken as `FR`)."""

    def __init__(self, **kwargs):
        super().__init__(choices=lambda: [("", "Choose a country…"), *countries], **kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()


class ChangeReasonMixin(forms.Form):
    """Why a fact of record changes: kept with the change and shown in its history."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text="Why the fact changes (kept with the change).",
    )


class AccountFactsForm(ChangeReasonMixin, forms.ModelForm):
    """The account facts of record (reviewers and program admins)."""

    country = CountryField(label="Country")

    class Meta:
        model = Organization
        fields = [
            "legal_name",
            "country",
            "in_good_standing",
            "partner_center_registered",
            "tax_billing_on_file",
        ]

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class PartnerActsForm(forms.Form):
    """The partner admin's own acts, each recorded with who and when."""

    accept_code_of_conduct = forms.BooleanField(
        required=False, label="We accept the Partner Code of Conduct"
    )
    attest = forms.BooleanField(
        required=False, label="I attest that I am authorised to represent this organisation"
    )


class SolutionsPartnerForm(ChangeReasonMixin, forms.ModelForm):
    performance_points = bounds.CAPABILITY_POINTS.form_field(required=False)
    skilling_points = bounds.CAPABILITY_POINTS.form_field(required=False)
    customer_success_points = bounds.CAPABILITY_POINTS.form_field(required=False)

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


class CspEnrollmentForm(ChangeReasonMixin, forms.ModelForm):
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


class SupportContractForm(ChangeReasonMixin, forms.ModelForm):
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


def fact_form_for(kind: str) -> type[forms.ModelForm]:
    """The form that checks a fact of record of this kind (pages and change requests alike)."""
    return {
        FactKind.ACCOUNT: AccountFactsForm,
        FactKind.SOLUTIONS_PARTNER: SolutionsPartnerForm,
        FactKind.CSP: CspEnrollmentForm,
        FactKind.SUPPORT_CONTRACT: SupportContractForm,
    }[kind]


class ChangeRequestForm(forms.Form):
    """Why the partner asks for the change, with an optional evidence file."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="What is wrong and why; the reviewer reads this.",
    )
    evidence = forms.FileField(
        required=False,
        help_text="Optional: PDF, PNG, JPEG or TXT, up to 10 MB (a contract, a letter).",
    )


class ChangeDecisionForm(forms.Form):
    """A reviewer's decision on a change request; a decline needs a reason."""

    decision = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the change is declined: the partner reads it.")
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

    def __init__(self, *args, allowed=None, user=None, **kwargs):
        """`allowed` (designation.rules.declarations.Allowed) limits the choices to what the
        facts of record support that day; `user` prefills the contact."""
        super().__init__(*args, **kwargs)
        for name in PRE_ENROLLMENT_FIELDS:
            self.fields[name].required = True
        if user is not None and self.instance.pk is None:
            self.initial.setdefault("contact_name", user.get_full_name() or user.username)
            self.initial.setdefault("contact_email", user.email)
        if allowed is not None:
            self._limit("solution_areas", allowed.solution_areas, "active Solutions Partner")
            self._limit("csp_type", allowed.csp_types, "active eligible CSP enrollment")
            self._limit("support_plan", allowed.support_plans, "active accepted support contract")

    def _limit(self, name: str, values: tuple[str, ...], what: str) -> None:
        if not values:  # the prerequisite is unmet: submitting says so, with its next action
            return
        field = self.fields[name]
        field.choices = [(v, label) for v, label in field.choices if v in values]
        field.help_text = (
            f"From your facts of record (each {what}). A wrong fact? Propose a change under Facts."
        )
        if len(values) == 1 and self.instance.pk is None:
            self.initial.setdefault(name, list(values) if name == "solution_areas" else values[0])


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
