"""The claims the test provider puts in ID tokens, like Entra ID's optional claims."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": not user.username.startswith("unverified-"),
            "given_name": user.first_name,
            "family_name": user.last_name,
            # Users named mfa-... did a second factor at the provider.
            "amr": ["pwd", "mfa"] if user.username.startswith("mfa-") else ["pwd"],
        }
