"""Settings of the API: REST framework (pagination, throttles, errors), tokens, the schema."""

from datetime import timedelta

from portal.environment import DEBUG, PROXY_COUNT, _read, env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an anonymous caller gets 401 with WWW-Authenticate.
        "portal.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["portal.filters.FilterBackend"],
    # DRF's own client address (for any throttle that asks it) agrees with portal.clientip.
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("THROTTLE_TOKEN_RATE", default="10/minute"),
        "imports": env.str("THROTTLE_IMPORT_RATE", default="30/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/hour"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
# API tokens: only a SHA-512 hash is stored (django-rest-knox); each expires.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=_read("API_TOKEN_TTL_DAYS", env.int, default=30)),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Support Services designation portal API",
    "DESCRIPTION": "Organisations, prerequisites, enrollments, ISSI audits and case rates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.document_error_responses",
    ],
    # Two models have a `kind`: name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "EnrollmentKindEnum": "designation.models.Enrollment.Kind",
        "AuditKindEnum": "assessments.models.AuditRecord.Kind",
        "CredentialStatusEnum": "designation.credentials.status.CREDENTIAL_STATUSES",
        "DesignationStatusEnum": ["active", "expired"],
        "FactKindEnum": "designation.models.FactKind",
    },
}
