"""Two-factor sign-in (TOTP): mandatory for Microsoft reviewers, ISSI auditors and program admins,
a choice for partner users; recovery codes (django-otp static tokens) for whoever has a device."""

from functools import wraps
from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import has_staff_role, requires_two_factor

RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODE_COUNT = 10


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\d{6}$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.RegexField(
        label="Recovery code",
        regex=r"^[a-z2-7]{8}$",
        strip=True,
        error_messages={"invalid": "A recovery code is 8 letters and digits, as printed."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def clean_recovery_code(self):
        return self.cleaned_data["recovery_code"].lower()


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


def verified_login_required(view):
    """Signed in, and past the second factor when the account has one: the /accounts/ pages
    are open before two-factor sign-in, so each of them that changes the account checks."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_verified() and requires_two_factor(request.user):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two-factor')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def _verify(request: HttpRequest, device, code: str, form: forms.Form, field: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        form.add_error(field, "Too many wrong codes: wait a few seconds, then retry.")
    elif device.verify_token(code):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        django_otp.login(request, device)
        return True
    else:
        form.add_error(field, "That code is not valid. Check your device's clock and retry.")
    return False


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator (first time, staff) or enter its code or a recovery code."""
    user = request.user
    if not requires_two_factor(user) or user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    recovery = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
    using_recovery = request.method == "POST" and "recovery_code" in request.POST
    form = TokenForm(None if using_recovery else (request.POST or None))
    recovery_form = RecoveryCodeForm(request.POST if using_recovery else None)
    if using_recovery and recovery is not None and recovery_form.is_valid():
        code = recovery_form.cleaned_data["recovery_code"]
        if _verify(request, recovery, code, recovery_form, "recovery_code"):
            remaining = recovery.token_set.count()
            messages.warning(request, f"Recovery code used: {remaining} left.")
            return redirect(_safe_next(request))
    elif using_recovery and recovery is None:
        recovery_form.add_error(None, "This account has no recovery codes.")
    elif (
        request.method == "POST"
        and form.is_valid()
        and _verify(request, device, form.cleaned_data["otp_token"], form, "otp_token")
    ):
        return redirect(_safe_next(request))
    context = {
        "form": form,
        "recovery_form": recovery_form if recovery is not None and device.confirmed else None,
        "next": _safe_next(request),
        "setting_up": not device.confirmed,
    }
    if not device.confirmed:
        context["qr_svg"] = _qr_svg(device.config_url)
        context["secret"] = device.key
    return render(request, "registration/two_factor.html", context)


def two_factor_status(user) -> dict:
    """What the account page says about the user's second factor."""
    return {
        "two_factor_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "two_factor_mandatory": has_staff_role(user),
        "recovery_codes_left": StaticToken.objects.filter(
            device__user=user, device__name=RECOVERY_DEVICE
        ).count(),
    }


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones; each works once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@verified_login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """A partner user turns on an authenticator app; they get their recovery codes at once."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _verify(request, device, form.cleaned_data["otp_token"], form, "otp_token")
    ):
        codes = new_recovery_codes(user)
        return render(request, "registration/recovery_codes.html", {"codes": codes})
    context = {"form": form, "qr_svg": _qr_svg(device.config_url), "secret": device.key}
    return render(request, "registration/two_factor_setup.html", context)


@verified_login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for anyone with an authenticator."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.error(request, "Turn on two-factor sign-in first: recovery codes back it up.")
        return redirect("account")
    codes = new_recovery_codes(request.user)
    return render(request, "registration/recovery_codes.html", {"codes": codes})


@verified_login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """A partner user turns two-factor sign-in off; staff cannot (it is mandatory for them)."""
    if has_staff_role(request.user):
        messages.error(request, "Two-factor sign-in is mandatory for program staff.")
        return redirect("account")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).delete()
        StaticDevice.objects.filter(user=request.user, name=RECOVERY_DEVICE).delete()
    messages.success(request, "Two-factor sign-in is off; your recovery codes no longer work.")
    return redirect("account")
