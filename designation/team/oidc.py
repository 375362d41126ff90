"""Sign in with Microsoft Entra ID (OpenID Connect) through mozilla-django-oidc.

The library runs the flow (authorization code with PKCE, state, nonce, ID token signature); this
module adds what the portal needs: endpoints and keys from the issuer's discovery document, the
ID token's audience and issuer checked, accounts matched by subject then verified email and never
created for strangers (an invitation is needed), and staff excused from the portal's own second
factor when the token's `amr` says multi-factor was done (OIDC_TRUST_MFA_CLAIM).
"""

import logging

import django_otp
import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from designation.models import ExternalIdentity
from designation.team import services
from portal.roles import requires_two_factor, user_with_roles

logger = logging.getLogger(__name__)
IDP_MFA_DEVICE = "Multi-factor at the identity provider"
DISCOVERY_SECONDS = 3600


class DiscoveryError(Exception):
    pass


def discovery() -> dict:
    """The issuer's OpenID configuration (cached for an hour); its `issuer` must be ours."""
    issuer = settings.OIDC_ISSUER
    key = f"oidc-discovery:{issuer}"
    config = cache.get(key)
    if config is None:
        try:
            response = requests.get(
                f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
            )
            response.raise_for_status()
            config = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise DiscoveryError(f"OpenID discovery failed: {exc}") from exc
        if config.get("issuer", "").rstrip("/") != issuer:
            raise DiscoveryError("The discovery document names another issuer.")
        cache.set(key, config, DISCOVERY_SECONDS)
    return config


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates only the OIDC callback (the one caller that passes a nonce)."""

    def __init__(self, *args, **kwargs):
        # Django builds every backend on each sign-in and session lookup: stay cheap here and
        # read the provider's endpoints only when a callback arrives.
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or not settings.OIDC_ENABLED:
            return None
        try:
            self.configure()
            return super().authenticate(request, **kwargs)
        except (DiscoveryError, KeyError, SuspiciousOperation, requests.RequestException) as exc:
            logger.warning("Microsoft sign-in refused: %s", exc)
            return None

    def get_user(self, user_id):
        """The session's account, as long as it may still sign in (not deactivated)."""
        user = user_with_roles(user_id)  # with the roles, in one query (portal/roles.py)
        return user if user is not None and self.user_can_authenticate(user) else None

    def configure(self) -> None:
        """The provider's endpoints from discovery, and our client, as the library reads them."""
        config = discovery()
        self.OIDC_OP_TOKEN_ENDPOINT = config["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = config.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = config["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def _verify_jws(self, payload, key):
        """The signature, and that the token is for us, from our issuer, and current."""
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"ID token signed with {alg!r}, not {self.OIDC_RP_SIGN_ALGO}."
            )
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, already verified; kept on the request for the MFA decision."""
        self.request.oidc_claims = payload
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("The ID token has no subject.")
        issuer, subject = settings.OIDC_ISSUER, claims["sub"]
        identity = ExternalIdentity.objects.select_related("user").filter(
            issuer=issuer, subject=subject
        )
        user = next((i.user for i in identity), None)
        email = (claims.get("email") or "").strip().lower()
        verified = email and claims.get("email_verified") is True
        if user is None and verified:
            matches = list(self.UserModel.objects.filter(email__iexact=email)[:2])
            if len(matches) > 1:
                raise SuspiciousOperation("Two accounts share this email address.")
            user = matches[0] if matches else None
            if user is None:
                user = services.accept_invitations_for_new_sign_in(
                    email=email,
                    first_name=(claims.get("given_name") or "")[:150],
                    last_name=(claims.get("family_name") or "")[:150],
                )
        if user is None:
            logger.info("Microsoft sign-in refused: no account or invitation for this person.")
            return None
        ExternalIdentity.objects.get_or_create(issuer=issuer, subject=subject, user=user)
        return user


class SignInWithMicrosoft(OIDCAuthenticationRequestView):
    """Starts the flow: redirect to the provider with state, nonce and a PKCE challenge."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except (DiscoveryError, KeyError) as exc:
            logger.warning("Microsoft sign-in unavailable: %s", exc)
            messages.error(
                request, "Microsoft sign-in is unavailable right now: use your password."
            )
            return HttpResponseRedirect(reverse("login"))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class MicrosoftCallback(OIDCAuthenticationCallbackView):
    """The provider's answer: sign in the matched account, or say why not."""

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404("Sign-in with Microsoft is not configured.")
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            "Microsoft sign-in did not let you in: there is no portal account or invitation for "
            "this Microsoft account. Ask your organisation's partner admin to invite you.",
        )
        return HttpResponseRedirect(reverse("login"))

    def login_success(self):
        response = super().login_success()
        claims = getattr(self.request, "oidc_claims", {})
        amr = claims.get("amr") or []
        if settings.OIDC_TRUST_MFA_CLAIM and "mfa" in amr and requires_two_factor(self.user):
            # The provider did the second factor: record it as a (tokenless) device so that
            # django-otp treats this session as verified.
            device, _ = StaticDevice.objects.get_or_create(
                user=self.user, name=IDP_MFA_DEVICE, defaults={"confirmed": True}
            )
            django_otp.login(self.request, device)
        return response
