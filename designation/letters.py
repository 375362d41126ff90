"""The certificate letter (PDF, landscape, one page): the badge art, the organisation, the
designation and its dates, the credential, a QR code and the verification link from SITE_URL."""

import io

import qrcode
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from designation.credentials import baking, issue
from designation.models import Designation, IssuedCredential

BLUE = HexColor("#0078d4")
DARK = HexColor("#1b1b1b")
GREY = HexColor("#484644")


def _qr_png(url: str) -> ImageReader:
    image = qrcode.make(url, border=1, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _frame(pdf: canvas.Canvas, width: float, height: float) -> None:
    pdf.setStrokeColor(BLUE)
    pdf.setLineWidth(3)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setLineWidth(0.75)
    pdf.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)


def certificate_letter_pdf(
    designation: Designation, credential: IssuedCredential | None = None
) -> bytes:
    """One landscape page; text is drawn as text (selectable) and left uncompressed."""
    buffer = io.BytesIO()
    pagesize = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=pagesize, pageCompression=0, invariant=1)
    organization = designation.organization
    url = issue.verification_url(designation)
    pdf.setTitle(f"Support Services designation: {organization.legal_name}")
    pdf.setAuthor(issue.PROGRAM)
    pdf.setSubject(f"Certificate of designation, credential {designation.credential_id}")
    width, height = pagesize
    _frame(pdf, width, height)

    art = ImageReader(io.BytesIO(baking.badge_png(designation, None)))
    pdf.drawImage(art, 24 * mm, height - 118 * mm, 92 * mm, 92 * mm, mask="auto")

    x = 128 * mm
    y = height - 38 * mm
    pdf.setFillColor(BLUE)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(x, y, issue.PROGRAM.upper())
    pdf.setFillColor(DARK)
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawString(x, y - 16 * mm, "Certificate of designation")
    pdf.setFillColor(GREY)
    pdf.setFont("Helvetica", 13)
    pdf.drawString(x, y - 30 * mm, "This certifies that")
    pdf.setFillColor(DARK)
    pdf.setFont("Helvetica-Bold", 20 if len(organization.legal_name) <= 40 else 15)
    pdf.drawString(x, y - 41 * mm, organization.legal_name)
    pdf.setFillColor(GREY)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(x, y - 49 * mm, f"Partner ID {organization.partner_id} · {organization.country}")
    pdf.setFont("Helvetica", 13)
    pdf.drawString(x, y - 61 * mm, "holds the")
    pdf.setFillColor(BLUE)
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(x, y - 71 * mm, "Microsoft Support Services designation")

    facts = [
        ("Attained on", designation.attained_on.isoformat()),
        ("Valid until", designation.anniversary_on.isoformat()),
        ("Credential ID", designation.credential_id),
    ]
    if credential is not None:
        facts.append(("Open Badges credential", credential.urn))
    pdf.setFillColor(DARK)
    fy = y - 86 * mm
    for label, value in facts:
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(x, fy, label)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(x + 48 * mm, fy, value)
        fy -= 7 * mm

    pdf.drawImage(_qr_png(url), 24 * mm, 22 * mm, 34 * mm, 34 * mm)
    pdf.setFillColor(DARK)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(62 * mm, 46 * mm, "Verify this designation")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(62 * mm, 40 * mm, url)
    pdf.setFillColor(GREY)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(
        62 * mm,
        33 * mm,
        "Scan the code or open the link: the verification page shows the current status and "
        "checks the signed credential.",
    )
    pdf.drawString(
        62 * mm,
        28 * mm,
        f"Issued by {issue.PROGRAM}. The designation is renewed each year on its anniversary.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
