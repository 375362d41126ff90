"""Form widgets every app shares."""

from django import forms


class IsoDateInput(forms.DateInput):
    """A day typed as YYYY-MM-DD. Not `type="date"`: the browser's picker shows the day in the
    browser's locale (12/01/2026) beside the ISO dates on every page."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None):
        attrs = {
            "placeholder": "YYYY-MM-DD",
            "inputmode": "numeric",
            "pattern": r"\d{4}-\d{2}-\d{2}",
            "autocomplete": "off",
            "size": 12,
            "class": "date-input",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format="%Y-%m-%d")
