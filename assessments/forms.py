"""Forms for evidence uploads, auditors' submissions and reviewers' determinations."""

from django import forms

from assessments import rules as audit_rules
from portal import bounds


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files chosen in one input; cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


EVIDENCE_HELP = "PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT, up to 25 MB each; checked by content."


class EvidenceForm(forms.Form):
    """Evidence files in one submit: one file input per component of the audit's kind, each
    taking several files; all are stored, or none when one is refused."""

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = audit_rules.components_for(kind)
        for code, label in self.components:
            self.fields[f"files_{code}"] = MultipleFileField(
                label=label,
                required=False,
                widget=MultipleFileInput(attrs={"data-file-list": ""}),
                help_text=EVIDENCE_HELP if len(self.components) == 1 else "",
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f"files_{code}") for code, _ in self.components):
            first = f"files_{self.components[0][0]}"
            self.add_error(
                first if len(self.components) == 1 else None,
                "No file was chosen: choose at least one file, then upload.",
            )
        return data

    def uploads(self) -> list[tuple[str, object]]:
        """(component, file) for every file chosen, in the order of the components."""
        return [
            (code, upload)
            for code, _ in self.components
            for upload in self.cleaned_data.get(f"files_{code}", [])
        ]


class PerformanceSubmitForm(forms.Form):
    """The exclusions (picked on the frozen case list or typed), and the validated volume: the
    frozen volume less the exclusions, or an explicit adjustment with its reason."""

    excluded_cases = forms.CharField(
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "One excluded case per line: case ID, a comma, then the reason. Cases picked on the "
            "frozen case list are filled in here."
        ),
    )
    validated_case_volume = bounds.CASE_VOLUME.form_field(
        required=False,
        label="Validated case volume (only to adjust)",
        help_text=(
            "Leave empty: the frozen volume less the excluded cases. A different number is an "
            "explicit adjustment and needs its reason."
        ),
    )
    adjustment_reason = forms.CharField(
        required=False,
        max_length=2000,
        label="Reason for the adjustment",
        widget=forms.Textarea(attrs={"rows": 2}),
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


# --- The audit conversation (changes requested and answered) ------------------------------


class ChangeRequestForm(forms.Form):
    component = forms.ChoiceField(required=False, label="Concerning")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What is missing or needs changing"
    )
    due_on = forms.DateField(
        required=False,
        label="Answer due by",
        help_text="YYYY-MM-DD; empty: the program's default (14 days).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [
            ("", "The whole audit"),
            *audit_rules.components_for(kind),
        ]


class ChangeAnswerForm(forms.Form):
    reply = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Your reply")
    file = forms.FileField(
        required=False,
        label="New evidence (optional)",
        help_text="A new revision beside the earlier ones; checked like every upload.",
    )
    component = forms.ChoiceField(
        required=False, label="Component of the new evidence (for a whole-audit request)"
    )
    effective_on = forms.DateField(
        required=False,
        label="Date the evidence is about (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "—"), *audit_rules.components_for(kind)]


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Comment"
    )
    internal = forms.BooleanField(
        required=False, label="Internal note (Microsoft and ISSI staff only)"
    )
    file = forms.FileField(
        required=False,
        label="Attach a file (optional)",
        help_text="PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT; checked as evidence is.",
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["internal"]


class AppealForm(forms.Form):
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="Why the decision should change"
    )
    file = forms.FileField(
        required=False,
        label="Supporting evidence (optional)",
        help_text="PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT; checked as evidence is.",
    )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("uphold", "Uphold: the decision stands"), ("overturn", "Overturn")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
