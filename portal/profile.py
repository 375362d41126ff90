"""Everyone's own account: profile (display name, email), password change and reset, two-factor
status, and signing out everywhere."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_http_methods, require_POST
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from portal.accounts import two_factor_status, verified_login_required

User = get_user_model()


class ProfileForm(forms.ModelForm):
    """Display name and email; changing the email asks for the current password."""

    current_password = forms.CharField(
        label="Current password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Needed only to change your email address.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        labels = {"first_name": "First name", "last_name": "Last name", "email": "Email address"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["email"].required = True
        if not self.instance.has_usable_password():
            del self.fields["current_password"]
            self.fields["email"].disabled = True
            self.fields["email"].help_text = "Set by your organisation's sign-in (Microsoft)."

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another account uses this email address.")
        return email

    def clean(self):
        cleaned = super().clean()
        changed = "email" in self.changed_data
        if changed and not self.instance.check_password(cleaned.get("current_password") or ""):
            self.add_error("current_password", "Enter your current password to change your email.")
        return cleaned


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your password.")
        return self.cleaned_data["password"]


@verified_login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own account page."""
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was saved.")
        return redirect("account")
    context = {
        "form": form,
        **two_factor_status(user),
        "has_password": user.has_usable_password(),
        "signout_form": ConfirmPasswordForm(user),
    }
    return render(request, "registration/account.html", context)


def sign_out_everywhere_for(user, password: str | None) -> None:
    """End every session and API token of `user`: re-hashing the password (new salt) changes
    the hash each session was signed with, so Django drops them all on their next request."""
    with transaction.atomic():
        if password is not None:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        AuthToken.objects.filter(user=user).delete()  # every API token, hashed or not


@verified_login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    password = None
    if user.has_usable_password():
        form = ConfirmPasswordForm(user, request.POST)
        if not form.is_valid():
            messages.error(request, "Sign out everywhere: that is not your password.")
            return redirect("account")
        password = form.cleaned_data["password"]
    sign_out_everywhere_for(user, password)
    logout(request)
    messages.success(request, "You are signed out on every device, here included.")
    return redirect("login")


class PasswordResetThrottle(SimpleRateThrottle):
    """Reset requests per client address and per email address (THROTTLE_PASSWORD_RESET_RATE)."""

    scope = "password_reset"

    def __init__(self, ident: str = ""):
        super().__init__()
        self.ident = ident

    def get_cache_key(self, request, view):
        ident = self.ident or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email, rate limited; the same answer whether the address exists."""

    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].lower()
        by_email = salted_hmac("password-reset-throttle", email).hexdigest()
        throttles = [PasswordResetThrottle(), PasswordResetThrottle(ident=by_email)]
        if not all(throttle.allow_request(self.request, self) for throttle in throttles):
            form.add_error(
                None,
                "Too many password reset requests: wait an hour, then try again.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("password_change_done")


password_change = verified_login_required(PasswordChangeView.as_view())
password_change_done = verified_login_required(auth_views.PasswordChangeDoneView.as_view())
