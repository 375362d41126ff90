"""Forms for evidence uploads, auditors' submissions and reviewers' determinations."""

from django import forms

from assessments import rules as audit_rules
from portal import bounds


class EvidenceForm(forms.Form):
    component = forms.ChoiceField(choices=audit_rules.EVIDENCE_COMPONENTS)
    file = forms.FileField(
        help_text="PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT, up to 25 MB; checked by content."
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = audit_rules.components_for(kind)


class PerformanceSubmitForm(forms.Form):
    validated_case_volume = bounds.CASE_VOLUME.form_field()
    excluded_cases = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One excluded case per line: case ID, a comma, then the reason.",
    )

    def clean_excluded_cases(self) -> list[dict]:
        cases = []
        for number, line in enumerate(self.cleaned_data["excluded_cases"].splitlines(), start=1):
            if not line.strip():
                continue
            case_id, comma, reason = line.partition(",")
            if not comma or not case_id.strip() or not reason.strip():
                raise forms.ValidationError(f"Line {number}: write the case ID, a comma, a reason.")
            cases.append({"case_id": case_id.strip(), "reason": reason.strip()})
        return cases


class CsatSubmitForm(forms.Form):
    methodology_ok = forms.TypedChoiceField(
        label="Survey methodology",
        choices=[("yes", "Accepted"), ("no", "Not accepted")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    score = bounds.CSAT_SCORE.form_field(label="Final CSAT score", help_text="From 1.0 to 5.0.")


class CapabilitySubmitForm(forms.Form):
    """One score per dimension (0-100); the total is their mean."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (title, _parts) in audit_rules.CAPABILITY_DIMENSIONS.items():
            self.fields[name] = bounds.CAPABILITY_SCORE.form_field(label=title)

    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in audit_rules.CAPABILITY_DIMENSIONS}


class DetermineForm(forms.Form):
    final_case_rate = bounds.CASE_RATE.form_field(
        required=False,
        help_text="Leave empty to confirm the validated rate; give a value to override it.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you override the validated rate.",
    )
