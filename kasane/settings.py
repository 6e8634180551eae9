"""Settings: safe development defaults, production values from the environment (docs/OPERATIONS.md)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KASANE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Development (make run, tests) runs with an insecure fixed key; production must set SECRET_KEY.
_DEV_KEY = "dev-insecure-kasane-key-do-not-use-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_KEY if env_bool("KASANE_DEV", False) else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY を環境変数で設定してください（開発時は KASANE_DEV=1）。")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_htmx",
    "kasane.core",
    "kasane.directory",
    "kasane.people",
    "kasane.intake",
    "kasane.cases",
    "kasane.meetings",
    "kasane.outreach",
    "kasane.participation",
    "kasane.community",
    "kasane.evaluation",
    "kasane.practices",
    "kasane.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kasane.core.middleware.RequestContextMiddleware",
    "kasane.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kasane.urls"
WSGI_APPLICATION = "kasane.wsgi.application"

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
                "kasane.core.context_processors.navigation",
            ],
            "builtins": ["kasane.core.templatetags.kasane"],
        },
    },
]

# The embedded default is SQLite under var/ (WAL); production sets DATABASE_URL (PostgreSQL).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kasane.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address.
AXES_FAILURE_LIMIT = int(os.environ.get("KASANE_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KASANE_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Idle timeout: the session expires after this many minutes without a request.
KASANE_IDLE_TIMEOUT_MINUTES = int(os.environ.get("KASANE_IDLE_TIMEOUT_MINUTES", "30"))
SESSION_COOKIE_AGE = KASANE_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = os.environ.get("KASANE_OTP_ISSUER", "kasane")

# Secure headers. HTTPS-only settings are on unless KASANE_INSECURE_HTTP=1 (development, tests).
_INSECURE_HTTP = env_bool("KASANE_INSECURE_HTTP", env_bool("KASANE_DEV", False))
SECURE_SSL_REDIRECT = not _INSECURE_HTTP
SESSION_COOKIE_SECURE = not _INSECURE_HTTP
CSRF_COOKIE_SECURE = not _INSECURE_HTTP
SECURE_HSTS_SECONDS = 0 if _INSECURE_HTTP else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not _INSECURE_HTTP
SECURE_HSTS_PRELOAD = not _INSECURE_HTTP and env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("KASANE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kasane.core.errorviews.csrf_failure"
SILENCED_SYSTEM_CHECKS = ["security.W017"] if _INSECURE_HTTP else []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # consultation_stats_idx's covering column (INCLUDE id) is a PostgreSQL feature; SQLite builds the index
    # without it, which is all it needs (W040 said so on every command). Never put `include` on a
    # UniqueConstraint: Django leaves the whole constraint out on SQLite.
    SILENCED_SYSTEM_CHECKS += ["models.W040"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("KASANE_DEV", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("KASANE_DEV", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kasane.api.authentication.ApiTokenAuthentication",
        "kasane.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "kasane.api.parsing.BoundedPagination",
    "DEFAULT_PARSER_CLASSES": ["kasane.api.parsing.SafeJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kasane.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kasane API",
    "DESCRIPTION": "重層的支援体制整備事業の支援記録 API。アクセス方針と閲覧記録は画面と同じに適用されます。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several serializers share.
    # One name per choice set: several apps have a "kind", "status", "method" or "outcome" of their own.
    "ENUM_NAME_OVERRIDES": {
        "ProblemEnum": "kasane.intake.models.Problem",
        "ConsentMethodEnum": "kasane.intake.models.Consent.Method",
        "ConsultationStatusEnum": "kasane.intake.models.Consultation.Status",
        "ReferralStatusEnum": "kasane.intake.models.Referral.Status",
        "SupportKindEnum": "kasane.cases.models.SupportKind",
        "ContactMethodEnum": "kasane.cases.models.ContactMethod",
        "ContactOutcomeEnum": "kasane.cases.models.ContactOutcome",
        "MeetingKindEnum": "kasane.meetings.models.Kind",
        "AgendaItemKindEnum": "kasane.meetings.models.ItemKind",
        "MeetingOutcomeEnum": "kasane.meetings.models.Outcome",
        "GapStatusEnum": "kasane.meetings.models.ResourceGap.Status",
        "CommunityProjectEnum": "kasane.community.models.Project",
        "ActivityKindEnum": "kasane.community.models.ActivityKind",
        "CoordinatorKindEnum": "kasane.community.models.Coordinator.Kind",
        "NetworkMeetingKindEnum": "kasane.community.models.NetworkMeeting.Kind",
        "EvaluationProjectEnum": "kasane.evaluation.models.Project",
        "EngagementStageEnum": "kasane.outreach.models.Stage",
        "EngagementStatusEnum": "kasane.outreach.models.Status",
        "ResourceStatusEnum": "kasane.participation.models.Resource.Status",
        "MatchStatusEnum": "kasane.participation.models.Match.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "kasane.core.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# PDFs: IPAex (Debian fonts-ipaexfont) when installed, else the Noto CJK font installed from PyPI.
KASANE_PDF_FONT_FAMILIES = env_list("KASANE_PDF_FONT_FAMILIES", "IPAexGothic,KasaneNotoJP")
