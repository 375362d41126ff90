"""Checking an evidence file before it is stored: name, size and type judged by content.

python-magic reads the bytes (libmagic); the decisions are plain functions tested directly.
"""

import unicodedata

import magic

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    DOCX: ".docx",
    XLSX: ".xlsx",
    "text/csv": ".csv",
    "text/plain": ".txt",
}
ACCEPTED_WORDS = "PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT"
SNIFF_BYTES = 256 * 1024
MAX_NAME_LENGTH = 150


class EvidenceRefused(ValueError):
    """The file cannot be kept as evidence; the message says why and what to do."""


def clean_original_name(raw: str) -> str:
    """The uploaded name, kept for display and download only; path-like names are refused."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name or name in {".", ".."}:
        raise EvidenceRefused("The file has no usable name.")
    if "/" in name or "\\" in name or ".." in name or name.startswith("."):
        raise EvidenceRefused(
            "The file name looks like a path (it contains '/', '\\', '..' or starts with a dot). "
            "Rename the file and upload it again."
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise EvidenceRefused("The file name contains control characters. Rename the file.")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: MAX_NAME_LENGTH - len(extension) - 1] + dot + extension) if dot else name
        name = name[:MAX_NAME_LENGTH]
    return name


def size_refusal(size: int, max_bytes: int) -> str | None:
    if size <= 0:
        return "The file is empty."
    if size > max_bytes:
        return (
            f"The file is {size / 1_048_576:.1f} MB; evidence files may be at most "
            f"{max_bytes / 1_048_576:.0f} MB each."
        )
    return None


def type_refusal(content_type: str) -> str | None:
    """Why a detected content type is refused, or None when it is accepted."""
    if content_type in ACCEPTED:
        return None
    if content_type in {"text/html", "application/xhtml+xml"}:
        return f"This file is HTML, whatever its name says. Evidence must be {ACCEPTED_WORDS}."
    if content_type == "image/svg+xml":
        return f"SVG images are not accepted (they can carry scripts). Use {ACCEPTED_WORDS}."
    if content_type in {
        "application/x-dosexec",
        "application/x-executable",
        "application/x-sharedlib",
        "application/x-mach-binary",
        "application/x-pie-executable",
    }:
        return "Executable files are not accepted as evidence."
    return f"This file's content is {content_type}. Evidence must be {ACCEPTED_WORDS}."


def detect_content_type(head: bytes) -> str:
    """The content type libmagic reads from the file's first bytes."""
    return magic.from_buffer(head, mime=True)
