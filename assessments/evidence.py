"""Checking an evidence file before it is stored: name, size and type judged by content.

python-magic reads the bytes (libmagic); the decisions are plain functions tested directly.
"""

import unicodedata
import zipfile
from typing import BinaryIO

import magic
from pypdf import PdfReader

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
ARCHIVE_TYPES = {DOCX, XLSX}  # Office files are zip archives: checked for zip bombs
MAX_ARCHIVE_MEMBERS = 2_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What a browser sniffing a file's first bytes takes for a web page (a PDF/HTML polyglot).
HTML_SNIFF_BYTES = 1024
HTML_MARKERS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<img",
    b"<object",
    b"<embed",
    b"<meta",
    b"<style",
    b"<a href",
)


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


def archive_refusal(
    stream: BinaryIO, *, max_members: int | None = None, max_unpacked: int | None = None
) -> str | None:
    """Why a DOCX/XLSX archive is refused (a zip bomb or a broken file), or None.

    The unpacked size is measured by decompressing, not read from the headers, which can lie.
    """
    max_members = max_members or MAX_ARCHIVE_MEMBERS
    max_unpacked = max_unpacked or MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                return (
                    f"This Office file holds {len(members):,} parts; at most {max_members:,} "
                    "are accepted."
                )
            unpacked = 0
            for member in members:
                with archive.open(member) as part:
                    while chunk := part.read(1024 * 1024):
                        unpacked += len(chunk)
                        if unpacked > max_unpacked:
                            return (
                                "This Office file unpacks to more than "
                                f"{max_unpacked / 1_048_576:.0f} MB: it is refused as a "
                                "possible zip bomb."
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        return "This Office file is damaged or not a real DOCX/XLSX archive."
    finally:
        stream.seek(0)
    return None


def pdf_refusal(stream: BinaryIO) -> str | None:
    """Why a file libmagic calls a PDF is refused: it does not parse as one (pypdf), it has no
    page, or its first bytes also read as HTML (a polyglot a browser could render). None if fine.
    """
    try:
        stream.seek(0)
        head = stream.read(HTML_SNIFF_BYTES).lower()
        if any(marker in head for marker in HTML_MARKERS):
            return (
                "This PDF also reads as a web page (it carries HTML at its start). Export or "
                "print it to PDF again and upload that file."
            )
        stream.seek(0)
        pages = len(PdfReader(stream, strict=False).pages)
    except Exception:  # pypdf raises many kinds of error on a broken file; all mean "not a PDF"
        return "This file says it is a PDF but does not open as one. Export it again as a PDF."
    finally:
        stream.seek(0)
    if pages < 1:
        return "This PDF has no pages."
    return None


def content_refusal(content_type: str, stream: BinaryIO) -> str | None:
    """Why the file's content is refused once its type is known (archives, PDFs), or None."""
    if content_type in ARCHIVE_TYPES:
        return archive_refusal(stream)
    if content_type == "application/pdf":
        return pdf_refusal(stream)
    return None
