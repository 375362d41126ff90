"""A stored upload sent back to its reader: always as an attachment, never sniffed or run."""

from django.http import FileResponse


def stored_file_response(stored) -> FileResponse:
    """`stored` has the upload's `file`, `original_name` and `content_type` (evidence, a comment's
    or an appeal's attachment)."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
