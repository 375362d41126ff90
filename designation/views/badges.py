"""Badge pages: the badge and its letter for the organisation, public verification for anyone."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from designation import selectors
from designation.api import verification_of
from designation.grants import verification_url
from designation.letters import certificate_letter_pdf
from designation.models import Designation, IncentiveGrant
from designation.permissions import is_partner_member, is_reviewer


@login_required
def badge(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The badge, its public verification link, the letter and the incentive, once enrolled."""
    organization = selectors.organization_for(request.user, organization_id)
    designation = Designation.objects.filter(organization=organization).first()
    grant = IncentiveGrant.objects.filter(organization=organization).first()
    return render(
        request,
        "designation/badge.html",
        {
            "organization": organization,
            "nav_section": "badge",
            "designation": designation,
            "verification_url": verification_url(designation) if designation else "",
            "grant": grant,
        },
    )


@login_required
def badge_letter(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The certificate letter as a PDF download (members of the organisation and reviewers)."""
    organization = selectors.organization_for(request.user, organization_id)
    if not (is_partner_member(request.user, organization) or is_reviewer(request.user)):
        raise Http404("No letter among those you can see.")
    designation = get_object_or_404(Designation.objects.listed(), organization=organization)
    response = HttpResponse(certificate_letter_pdf(designation), content_type="application/pdf")
    filename = f"support-services-designation-{organization.partner_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def verify_page(request: HttpRequest, credential_id: str) -> HttpResponse:
    """Public: anyone can check a badge's credential id."""
    try:
        designation = selectors.designation_by_credential(credential_id)
    except Http404:
        # The public's own not-found page, in every mode: DEBUG's technical 404 and the signed-in
        # 404 ("Go to your overview") mean nothing to a visitor who followed a badge link.
        return render(request, "public_404.html", {"credential_id": credential_id}, status=404)
    return render(request, "designation/verify.html", {"badge": verification_of(designation)})
