"""The designed badge (SVG, rendered to PNG) and Open Badges 3.0 baking: the credential in an
`openbadges:credential` element of the SVG and an `openbadgecredential` iTXt chunk of the PNG."""

import io
import textwrap

import cairosvg
from defusedxml import ElementTree
from django.template.loader import render_to_string
from PIL import Image, PngImagePlugin

from designation.models import Designation, IssuedCredential

OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
PNG_KEYWORD = "openbadgecredential"
PROGRAM = "Microsoft AI Cloud Partner Program"
PNG_SIZE = 600
MAX_PNG_PIXELS = 4096 * 4096


def _name_lines(name: str) -> tuple[list[dict], int]:
    """The partner's name on the ribbon: one line, or two smaller ones, shortened past that."""
    if len(name) <= 24:
        return [{"text": name, "y": 445}], 28
    lines = textwrap.wrap(name, 34, max_lines=2, placeholder="…")
    if len(lines) == 1:
        return [{"text": lines[0], "y": 443}], 22
    return [{"text": lines[0], "y": 430}, {"text": lines[1], "y": 456}], 20


def _years(credential: IssuedCredential | None, designation: Designation) -> str:
    start = credential.valid_from if credential else designation.attained_on
    end = credential.valid_until if credential else designation.anniversary_on
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


def badge_svg(designation: Designation, credential: IssuedCredential | None = None) -> bytes:
    """The badge art for one organisation; the credential baked in when one is given."""
    lines, size = _name_lines(designation.organization.legal_name)
    return render_to_string(
        "designation/badges/badge_art.svg",
        {
            "program": PROGRAM,
            "designation_name": "Support Services designation",
            "partner_name": designation.organization.legal_name,
            "name_lines": lines,
            "name_size": size,
            "years": _years(credential, designation),
            "token": credential.jwt if credential else "",
        },
    ).encode()


def badge_png(designation: Designation, credential: IssuedCredential | None = None) -> bytes:
    """The badge rendered to PNG (cairosvg), the credential in an iTXt chunk when given."""
    plain = cairosvg.svg2png(
        bytestring=badge_svg(designation),
        output_width=PNG_SIZE,
        output_height=PNG_SIZE,
    )
    if credential is None:
        return plain
    info = PngImagePlugin.PngInfo()
    info.add_itxt(PNG_KEYWORD, credential.jwt, zip=False)
    out = io.BytesIO()
    with Image.open(io.BytesIO(plain)) as image:
        image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def svg_credential(data: bytes) -> str:
    """The credential baked into an SVG badge ('' when there is none)."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as exc:
        raise ValueError("That SVG file could not be read.") from exc
    node = root.find(f".//{{{OB3_NAMESPACE}}}credential")
    if node is None:
        return ""
    return (node.get("verify") or node.text or "").strip()


def png_credential(data: bytes) -> str:
    """The credential baked into a PNG badge ('' when there is none)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            # Reading text chunks that follow the image data decodes the image: refuse sizes no
            # badge has before that can cost memory (a decompression bomb).
            width, height = image.size
            if width * height > MAX_PNG_PIXELS:
                raise ValueError("That image is far larger than a badge.")
            return str(image.text.get(PNG_KEYWORD, "")).strip()
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError("That PNG file could not be read.") from exc
