"""Badge pages: the badge with its downloads, the locations that show it and its letter for the
organisation; public verification (by badge id, or of a pasted or uploaded credential)."""

import json
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from designation import badge_selectors, selectors
from designation import badges as badge_services
from designation.api import verification_of
from designation.credentials import baking, issue, report, verify
from designation.letters import certificate_letter_pdf
from designation.permissions import is_partner_admin, is_partner_member, is_reviewer

DOWNLOADS = {
    "svg": ("image/svg+xml", "svg"),
    "png": ("image/png", "png"),
    "jwt": ("application/vc+jwt", "jwt"),
    "json": ("application/vc+ld+json", "json"),
}


def linkedin_url(designation, credential) -> str:
    """LinkedIn's documented add-to-profile link for a certification (no network call)."""
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": "Microsoft Support Services designation",
        "organizationName": issue.PROGRAM,
        "issueYear": credential.valid_from.year,
        "issueMonth": credential.valid_from.month,
        "expirationYear": credential.valid_until.year,
        "expirationMonth": credential.valid_until.month,
        "certUrl": issue.verification_url(designation),
        "certId": designation.credential_id,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def embed_snippet(designation) -> str:
    """HTML for a partner's own site: the badge image linking to its verification page."""
    image = settings.SITE_URL + reverse("verify-badge-image", args=[designation.credential_id])
    name = designation.organization.legal_name.replace('"', "&quot;").replace("<", "&lt;")
    return (
        f'<a href="{issue.verification_url(designation)}" title="Verify this badge">'
        f'<img src="{image}" width="160" height="160" '
        f'alt="Microsoft Support Services designation held by {name}: verify it"></a>'
    )


@login_required
def badge(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The badge, its downloads and public verification link, the letter, and the locations."""
    organization, designation = badge_selectors.badge_of(request.user, organization_id)
    today = timezone.localdate()
    history = badge_selectors.credential_history(designation) if designation else []
    credential = badge_selectors.current_credential(history, today=today)
    context = {
        "organization": organization,
        "nav_section": "badge",
        "designation": designation,
        "credential": credential,
        "history": [report.credential_entry(c, today=today) for c in history],
        "verification_url": issue.verification_url(designation) if designation else "",
        "grant": selectors.incentive_of(organization),
        "locations": list(organization.locations.all()),
        "can_choose_locations": is_partner_admin(request.user, organization),
    }
    if designation and credential:
        context["linkedin_url"] = linkedin_url(designation, credential)
        context["embed_snippet"] = embed_snippet(designation)
    return render(request, "designation/badge.html", context)


@login_required
@require_GET
def badge_download(request: HttpRequest, organization_id: int, kind: str) -> HttpResponse:
    """The badge (SVG or PNG, the credential baked in) or the raw credential (.jwt, JSON)."""
    designation, credential = badge_selectors.listed_badge_of(request.user, organization_id)
    if kind == "svg":
        body = baking.badge_svg(designation, credential)
    elif kind == "png":
        body = baking.badge_png(designation, credential)
    elif kind == "jwt":
        body = credential.jwt.encode()
    else:
        body = json.dumps(issue.credential_json(credential), indent=2).encode()
    content_type, extension = DOWNLOADS[kind]
    response = HttpResponse(body, content_type=content_type)
    partner_id = designation.organization.partner_id
    filename = f"support-services-badge-{partner_id}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def badge_locations(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The partner admin chooses which locations show the badge."""
    organization, _ = badge_selectors.badge_of(request.user, organization_id)
    if not is_partner_admin(request.user, organization):
        raise PermissionDenied("Only a partner admin chooses where the badge is shown.")
    chosen = {int(v) for v in request.POST.getlist("locations") if v.isdigit()}
    shown = badge_services.set_badge_locations(
        organization_id=organization.pk, by=request.user, location_ids=chosen
    )
    messages.success(request, f"The badge is now shown on {shown} location(s).")
    return redirect("badge", organization_id=organization.pk)


@login_required
def badge_letter(request: HttpRequest, organization_id: int) -> HttpResponse:
    """The certificate letter as a PDF download (members of the organisation and reviewers)."""
    organization, _ = badge_selectors.badge_of(request.user, organization_id)
    if not (is_partner_member(request.user, organization) or is_reviewer(request.user)):
        raise Http404("No letter among those you can see.")
    designation, credential = badge_selectors.listed_badge_of(
        request.user, organization_id, require_credential=False
    )
    pdf = certificate_letter_pdf(designation, credential)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"support-services-designation-{organization.partner_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def verify_page(request: HttpRequest, credential_id: str) -> HttpResponse:
    """Public: anyone can check a badge's credential id."""
    try:
        designation = badge_selectors.designation_by_credential(credential_id)
    except Http404:
        # The public's own not-found page, in every mode: DEBUG's technical 404 and the signed-in
        # 404 ("Go to your overview") mean nothing to a visitor who followed a badge link.
        return render(request, "public_404.html", {"credential_id": credential_id}, status=404)
    return render(
        request,
        "designation/verify.html",
        {"badge": verification_of(designation), "form": CredentialForm()},
    )


@require_GET
def verify_badge_image(request: HttpRequest, credential_id: str) -> HttpResponse:
    """Public: the badge art of a listed designation, for partners' sites to embed."""
    designation = badge_selectors.listed_designation_by_credential(credential_id)
    response = HttpResponse(baking.badge_svg(designation), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


class CredentialForm(forms.Form):
    credential = forms.CharField(
        label="Paste a credential (VC-JWT)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    badge = forms.FileField(label="…or upload a badge image (SVG or PNG)", required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("badge")
        if upload:
            raw = upload.read(verify.MAX_UPLOAD_BYTES + 1)
        else:
            raw = (data.get("credential") or "").encode()
        if not raw.strip():
            raise forms.ValidationError("Paste a credential or choose a badge image.")
        try:
            data["token"] = verify.token_from_upload(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


def verify_credential(request: HttpRequest) -> HttpResponse:
    """Public: check a pasted credential or a baked badge image against the published keys."""
    posted = request.method == "POST"
    form = CredentialForm(request.POST, request.FILES) if posted else CredentialForm()
    check = None
    if posted and form.is_valid():
        check = verify.check_token(form.cleaned_data["token"], today=timezone.localdate())
    return render(request, "designation/verify_credential.html", {"form": form, "check": check})
