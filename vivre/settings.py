"""Settings for Vivre, read from the environment.

The local default needs no configuration: a SQLite database and generated secrets
under ``var/``. Production sets ``VIVRE_PRODUCTION=1`` and the variables listed in
the README (``DATABASE_URL``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, mail settings).
"""

import secrets
import warnings
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("VIVRE_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env.bool("VIVRE_PRODUCTION", default=False)
# Serves a bare view at /_bench/bare/ as the benchmark's baseline (bench/pages.py).
VIVRE_BENCH = env.bool("VIVRE_BENCH", default=False)


def _local_secret(name: str) -> str:
    """Return a secret kept in var/, generating it on first use (local default only)."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret("secret_key")

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_FAILURE_VIEW = "vivre.storefront.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "vivre.core",
    "vivre.privacy",
    "vivre.catalog",
    "vivre.cart",
    "vivre.orders",
    "vivre.payments",
    "vivre.checkout",
    "vivre.messaging",
    "vivre.fulfilment",
    "vivre.returns",
    "vivre.care",
    "vivre.storefront",
    "vivre.accounts",
    "vivre.marketing",
    "vivre.tracking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: signing a remembered device in may merge its bag and say so.
    "vivre.accounts.middleware.RememberedDeviceMiddleware",
    # Global Privacy Control first, so tracking below already sees the opt-out.
    "vivre.privacy.gpc.GlobalPrivacyControlMiddleware",
    "vivre.tracking.middleware.TrackingMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vivre.core.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vivre.urls"
WSGI_APPLICATION = "vivre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vivre" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vivre.storefront.context_processors.shop",
                "vivre.privacy.cookies.cookie_choices",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'vivre.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialize writers up front instead of failing with
    # "database is locked" halfway through a checkout; WAL lets readers go on.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Keep connections across requests: opening one (and, on SQLite, running the
# PRAGMAs above) cost more than a whole cached listing page.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out e-mail or IP address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:overview"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset or confirmation link works for a day

# Failed sign-ins (P12) are throttled per account and per IP address by django-axes.
# It stores a keyed hash of the e-mail, never the address, and no log of successes.
AXES_FAILURE_LIMIT = env.int("VIVRE_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("VIVRE_SIGN_IN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "vivre.accounts.throttling.hashed_username"
AXES_CLIENT_IP_CALLABLE = "vivre.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "vivre.accounts.throttling.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "vivre" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Locally, static files come from the finders; there is no collected STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 300

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Mail: SMTP in production; the local default writes messages to var/mail so a
# person can read what the demo sends.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Vivre <care@vivre.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Per-process memory cache: catalogue fragments are keyed by the catalogue version
# read from the database on every request, so each app server stays correct alone.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env.int("VIVRE_CACHE_ENTRIES", default=5000)},
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_cards": {"()": "vivre.core.logging.RedactCardNumbers"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_cards"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- The shop -------------------------------------------------------------

VIVRE = {
    "STORE_NAME": "Vivre",
    "CURRENCY": "USD",
    "POSTAL_ADDRESS": env.str(
        "VIVRE_POSTAL_ADDRESS", default="Vivre, 11 Mercer Street, New York, NY 10013, USA"
    ),
    "CARE_EMAIL": env.str("VIVRE_CARE_EMAIL", default="care@vivre.example"),
    "CARE_PHONE": env.str("VIVRE_CARE_PHONE", default="+1 212 555 0148"),
    # The shop's address for links in e-mails, e.g. https://shop.vivre.example;
    # empty: taken from the request (local use).
    "SITE_URL": env.str("VIVRE_SITE_URL", default=""),
    # P11: the IP kept with a cart helps diagnose problems; it is cleared after this.
    "CART_IP_RETENTION_DAYS": env.int("VIVRE_CART_IP_RETENTION_DAYS", default=30),
    # An order keeps the IP it was placed from for fraud checks, then forgets it.
    "ORDER_IP_RETENTION_DAYS": env.int("VIVRE_ORDER_IP_RETENTION_DAYS", default=30),
    # Step-1 checkout details of a bag that was never paid for.
    "CHECKOUT_DETAILS_RETENTION_DAYS": env.int("VIVRE_CHECKOUT_DETAILS_RETENTION_DAYS", default=30),
    "CART_COOKIE": "vivre_cart",
    # Functions that forget data kept past its limit; `manage.py apply_retention`.
    "RETENTION_RULES": [
        "vivre.cart.services.clear_expired_ips",
        "vivre.orders.services.clear_expired_ips",
        "vivre.checkout.services.forget_abandoned_details",
        "vivre.core.throttle.clear_old_attempts",
        "vivre.accounts.export.forget_expired_exports",
        "vivre.accounts.throttling.forget_old_sign_in_failures",
        "vivre.accounts.devices.forget_expired_devices",
        "vivre.accounts.registration.forget_unconfirmed_accounts",
        "vivre.payments.saved_cards.purge_expired_cards",
        "vivre.marketing.catalogue.forget_old_catalogue_requests",
        "vivre.marketing.contests.forget_finished_contest_entries",
    ],
    "CART_MAX_QUANTITY": 20,
    # P21: how long a "remember me" device cookie lasts unless revoked.
    "REMEMBER_DEVICE_DAYS": env.int("VIVRE_REMEMBER_DEVICE_DAYS", default=90),
    # Registrations whose e-mail was never confirmed are deleted after this.
    "UNCONFIRMED_ACCOUNT_DAYS": env.int("VIVRE_UNCONFIRMED_ACCOUNT_DAYS", default=7),
    # Contest entries are deleted this long after their contest closed.
    "CONTEST_ENTRY_RETENTION_DAYS": env.int("VIVRE_CONTEST_ENTRY_RETENTION_DAYS", default=180),
    # A catalogue request, once sent, is kept this long unless its sender wants more mail.
    "CATALOGUE_REQUEST_RETENTION_DAYS": env.int(
        "VIVRE_CATALOGUE_REQUEST_RETENTION_DAYS", default=400
    ),
    # A prepared copy of a customer's data can be downloaded for this long.
    "EXPORT_RETENTION_DAYS": env.int("VIVRE_EXPORT_RETENTION_DAYS", default=7),
    "PAYMENT_PROCESSOR": env.str(
        "VIVRE_PAYMENT_PROCESSOR", default="vivre.payments.sandbox.SandboxProcessor"
    ),
    # How long the sandbox processor "hangs" on its outage test card before it
    # gives up, like a real gateway's client timeout.
    "SANDBOX_TIMEOUT_SECONDS": env.float("VIVRE_SANDBOX_TIMEOUT_SECONDS", default=2.0),
    # P7: the card vault's key-encryption keys live outside the database: in
    # VIVRE_CARD_KEYS (JSON) or in this file (generated under var/ for local use).
    "CARD_KEYS": env.str("VIVRE_CARD_KEYS", default=""),
    "CARD_KEY_FILE": env.str("VIVRE_CARD_KEY_FILE", default=str(VAR_DIR / "card_keys.json")),
    # Gift wrap for an order sent as a gift (P25).
    "GIFT_WRAP_CHARGE": Decimal("7.50"),
    # Gift certificates: the values a customer may choose between (inclusive).
    "GIFT_CERTIFICATE_MIN": Decimal("25.00"),
    "GIFT_CERTIFICATE_MAX": Decimal("2000.00"),
    "FREE_SHIPPING_THRESHOLD": Decimal("250.00"),
    # Days after shipping in which items can be sent back (P25, money-back guarantee).
    "RETURN_WINDOW_DAYS": env.int("VIVRE_RETURN_WINDOW_DAYS", default=30),
    "PAGE_SIZE": 24,
}
