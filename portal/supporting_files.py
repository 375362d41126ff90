"""A small check for supporting files (change-request evidence): name, size, type by content.

Audit evidence has its fuller checks in assessments/evidence.py (Office archives, scanning);
this one accepts only the simple formats a partner attaches to a correction.
"""

import unicodedata

import magic

ACCEPTED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "text/plain": ".txt",
}
ACCEPTED_WORDS = "PDF, PNG, JPEG or TXT"
MAX_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 150


class UploadRefused(ValueError):
    """The file is refused; the message says why and what to do."""


def check_supporting_file(upload) -> tuple[str, str]:
    """(clean display name, extension to store under) for an accepted file; UploadRefused
    otherwise. Reads at most the first 256 KB and rewinds."""
    name = unicodedata.normalize("NFC", upload.name or "").strip()
    if not name or "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise UploadRefused("The file name is not usable (it looks like a path). Rename it.")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise UploadRefused("The file name contains control characters. Rename it.")
    if upload.size <= 0:
        raise UploadRefused("The file is empty.")
    if upload.size > MAX_BYTES:
        raise UploadRefused(
            f"The file is {upload.size / 1_048_576:.1f} MB; at most "
            f"{MAX_BYTES // 1_048_576} MB is accepted."
        )
    upload.seek(0)
    head = upload.read(256 * 1024)
    upload.seek(0)
    content_type = magic.from_buffer(head, mime=True)
    if content_type not in ACCEPTED:
        raise UploadRefused(
            f"This file's content is {content_type}, whatever its name says; "
            f"attach {ACCEPTED_WORDS}."
        )
    return name[:MAX_NAME_LENGTH], ACCEPTED[content_type]
