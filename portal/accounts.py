"""Two-factor sign-in (TOTP) for Microsoft reviewers, ISSI auditors and program admins."""

from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import requires_two_factor


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\d{6}$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]  # inline in HTML: no XML declaration


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (first time) or enter its code (every sign-in)."""
    user = request.user
    if not requires_two_factor(user) or user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("otp_token", "Too many wrong codes: wait a few seconds, then retry.")
        elif device.verify_token(form.cleaned_data["otp_token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error(
                "otp_token", "That code is not valid. Check your device's clock and retry."
            )
    context = {"form": form, "next": _safe_next(request), "setting_up": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = device.key
    return render(request, "registration/two_factor.html", context)
