"""Public issuer endpoints: the did:web DID document, the JWKS and the signed status lists."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from designation import badge_selectors
from designation.credentials import keys, status


def _public(response: HttpResponse, *, max_age: int) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch these from anywhere
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_GET
def did_document(request: HttpRequest) -> HttpResponse:
    """The issuer's DID document (did:web of SITE_URL) with every key that ever signed."""
    response = JsonResponse(keys.did_document(), content_type="application/did+json")
    return _public(response, max_age=300)


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    """The same public keys as a JSON Web Key Set."""
    return _public(JsonResponse({"keys": keys.published_jwks()}), max_age=300)


@require_GET
def status_list(request: HttpRequest, status_list_id: int) -> HttpResponse:
    """One Bitstring Status List credential, signed as a VC-JWT, fresh for a day."""
    token = status.status_list_credential(badge_selectors.status_list(status_list_id))
    return _public(HttpResponse(token, content_type="application/vc+jwt"), max_age=300)
