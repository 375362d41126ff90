"""The browser's import form: one CSV file."""

from django import forms
from django.conf import settings


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, header row first, columns in any order, up to "
        f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        # An empty file is an attempt like any other: the importer says what is wrong with it
        # and records it in the import history.
        allow_empty_file=True,
        error_messages={"required": "No file was chosen: choose the CSV file, then import it."},
    )
