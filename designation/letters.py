"""The certificate letter (PDF): organisation, designation, dates and a verification link."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from designation.grants import verification_url
from designation.models import Designation


def certificate_letter_pdf(designation: Designation) -> bytes:
    """A one-page letter; text is left uncompressed so it can be searched and checked."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
    organization = designation.organization
    pdf.setTitle(f"Support Services designation: {organization.legal_name}")
    pdf.setAuthor("Microsoft AI Cloud Partner Program")
    width, height = A4
    y = height - 30 * mm
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(25 * mm, y, "Certificate of designation")
    lines = [
        ("Helvetica", 12, ""),
        ("Helvetica", 12, "This certifies that"),
        ("Helvetica-Bold", 14, organization.legal_name),
        ("Helvetica", 11, f"Partner ID {organization.partner_id}, {organization.country}"),
        ("Helvetica", 12, "holds the"),
        ("Helvetica-Bold", 14, "Microsoft Support Services designation"),
        ("Helvetica", 12, ""),
        ("Helvetica", 12, f"Attained on: {designation.attained_on.isoformat()}"),
        ("Helvetica", 12, f"Valid until: {designation.anniversary_on.isoformat()}"),
        ("Helvetica", 12, f"Credential ID: {designation.credential_id}"),
        ("Helvetica", 12, ""),
        ("Helvetica", 11, "Verify this designation at:"),
        ("Helvetica", 11, verification_url(designation)),
    ]
    for font, size, text in lines:
        y -= 9 * mm
        pdf.setFont(font, size)
        pdf.drawString(25 * mm, y, text)
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(
        25 * mm,
        20 * mm,
        "The designation is renewed each year on its anniversary date; verification shows its "
        "current status.",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
