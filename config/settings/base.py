"""Settings shared by every environment, read from the environment with django-environ.

Embedded defaults (no server needed): SQLite under ``var/`` and kombu's ``filesystem://``
broker under ``var/broker``. Set ``DATABASE_URL`` and ``REDIS_URL`` to use PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "core.lockout.AxesConfig",  # django-axes, named in the admin in the reader's language
    "csp",
    "core",
    "governance",
    "grids",
    "residents",
    "cases",
    "escalation",
    "assessment",
    "interop",
    "mobilisation",
    "mediation",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.hostile_input.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.hostile_input.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.replica.ReplicaReadsMiddleware",
    "residents.visibility.ReachPerRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DomainErrorMiddleware",
    # Last: turns a login refused by the lockout into the lockout answer (core.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "escalation.context_processors.unread_notices",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web, the worker and beat share the file; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The covering indexes' INCLUDE columns (open cases, ratings: index-only counts on PostgreSQL) do not exist
    # on SQLite, which builds the same indexes without them — expected, not worth a warning on every migrate.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A read replica (streaming replication of the primary) for the dashboard and assessment reads: core/replica.py.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_READS = env.bool("REPLICA_READS", default=True)  # off: the replica alias stays configured but unused
#: URL names (shell patterns) whose GET reads of case data may go to the replica when one is configured.
REPLICA_READ_VIEWS = [
    "escalation:dashboard",
    "escalation:dashboard-counters",
    "escalation:dashboard-whistles",
    "escalation:dashboard-map",
    "escalation:dashboard-export",
    "assessment:*",
    "dashboard-counters",
    "dashboard-grids",
    "dashboard-assessment",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username or address before any check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"  # the home view sends each role to its page
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# --- Headers ---------------------------------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from this site's own files — no inline script, no eval,
# no CDN. Inline *styles* are allowed (Swagger UI and Redoc inject them); images may be data: URIs (the docs'
# icons). Nothing may frame the site. The other headers: Django's defaults kept (nosniff, X-Frame-Options DENY,
# Referrer-Policy same-origin, COOP same-origin) plus Permissions-Policy (core.hostile_input).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],  # blob: the photo previews of a form (static/js/cases.js)
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
#: Browser features the pages may use: the grid worker's form reads the phone's position; nothing else.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"

# --- Login lockout (django-axes; core/lockout.py) ------------------------------------------
# Failed logins counted per username and, separately, per client address on the login page, the admin
# login and /api/v1/auth/token/; at the limit both are refused for the cool-off. Admins unlock in the admin.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
# The client address: REMOTE_ADDR unless the deployment says which proxy header to trust (never trusted by default).
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_VERBOSE = False  # our own log line per lockout (gridcase.security), not axes' per-attempt chatter

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
# Pixels an image may decode to, all its frames together (width × height × frames): every image is decoded and
# re-encoded, and a small file can hold a huge or many-framed picture. 50 million: a 48-megapixel phone photo.
EVIDENCE_MAX_PIXELS = env.int("EVIDENCE_MAX_PIXELS", default=50_000_000)
# Content types accepted as evidence (decided from the bytes, never the name; cases/evidence.py).
EVIDENCE_ALLOWED_TYPES = env.list(
    "EVIDENCE_ALLOWED_TYPES",
    default=[
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "video/mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
# Images are re-encoded without metadata; keep the uploaded bytes too (outside MEDIA_ROOT, never served)?
EVIDENCE_KEEP_ORIGINALS = env.bool("EVIDENCE_KEEP_ORIGINALS", default=False)
EVIDENCE_ORIGINALS_ROOT = Path(env.str("EVIDENCE_ORIGINALS_ROOT", default=str(VAR_DIR / "evidence-originals")))
# Production: the media view checks the scope, then nginx sends the file from this internal location.
MEDIA_X_ACCEL_REDIRECT = env.str("MEDIA_X_ACCEL_REDIRECT", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cache, broker, Celery -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # kombu defaults to ./control in the working directory
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
SWEEP_INTERVAL_SECONDS = env.float("SWEEP_INTERVAL_SECONDS", default=60.0)
# The assessment's kept figures (assessment.services): district-wide scopes, fixed periods, refreshed by beat; a page
# uses them while younger than MAX_AGE (else it counts live). Levels: region levels whose scopes are kept.
ASSESSMENT_FIGURES_INTERVAL = env.float("ASSESSMENT_FIGURES_INTERVAL", default=600.0)
ASSESSMENT_FIGURES_MAX_AGE = env.float("ASSESSMENT_FIGURES_MAX_AGE", default=2 * ASSESSMENT_FIGURES_INTERVAL + 60)
ASSESSMENT_FIGURES_LEVELS = env.list("ASSESSMENT_FIGURES_LEVELS", default=["street", "district", "city"])
CELERY_BEAT_SCHEDULE = {
    "contact-retention": {
        "task": "cases.tasks.anonymise_expired_contacts",
        "schedule": timedelta(hours=24),
        "options": {"expires": 3600},
    },
    "escalation-sweep": {
        "task": "escalation.tasks.sweep",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "residents-visit-sweep": {
        "task": "residents.tasks.visits_sweep",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "residents-retention": {
        "task": "residents.tasks.anonymise_moved_away",
        "schedule": timedelta(hours=24),
        "options": {"expires": 3600},
    },
    "mobilisation-wish-deadlines": {
        "task": "mobilisation.tasks.return_overdue_wishes",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "mediation-track-deadlines": {
        "task": "mediation.tasks.flag_overdue_disputes",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "notice-outbox": {
        "task": "escalation.tasks.send_pending_notices",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
    "assessment-figures": {
        "task": "assessment.tasks.refresh_figures",
        "schedule": timedelta(seconds=ASSESSMENT_FIGURES_INTERVAL),
        "options": {"expires": ASSESSMENT_FIGURES_INTERVAL},
    },
    "interop-outbox": {
        "task": "interop.tasks.deliver_due",
        "schedule": timedelta(seconds=SWEEP_INTERVAL_SECONDS),
        "options": {"expires": SWEEP_INTERVAL_SECONDS},
    },
}

# --- Product knobs ----------------------------------------------------------------------------
YELLOW_THRESHOLD = env.float("YELLOW_THRESHOLD", default=0.8)  # share of the time used before a case turns yellow
# A deadline or expected time asked for (extension, hold, the hotline's due times) may lie at most this many days
# ahead: the working-time clock looks ten years ahead at most, and a date in 2045 or 9999 made the approval fail.
MAX_DUE_HORIZON_DAYS = env.int("MAX_DUE_HORIZON_DAYS", default=366)
TOP_LEVEL = env.str("TOP_LEVEL", default="district")  # district, or city where the city centre takes part
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=5000)
# Connections a sweep works on at once (PostgreSQL; its batches lock disjoint rows). 1: one after another.
SWEEP_WORKERS = env.int("SWEEP_WORKERS", default=2)
# API lists count exactly up to this many rows; above it they say "more than" with PostgreSQL's estimate.
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=1000)
# Celery tasks one sweep fans out to, each for its share of the districts (escalation.tasks.sweep_shard).
SWEEP_SHARDS = env.int("SWEEP_SHARDS", default=1)
# A point filed with a chosen grid (or community) must lie in it, or this close to its edge (GPS drift), else refused.
GRID_LOCATION_TOLERANCE_M = env.float("GRID_LOCATION_TOLERANCE_M", default=300.0)
# Citizens' name and phone are erased this many days after their case closed (the case and its statistics stay).
CONTACT_RETENTION_DAYS = env.int("CONTACT_RETENTION_DAYS", default=730)
CITIZEN_REPORT_RATE = env.str("CITIZEN_REPORT_RATE", default="10/h")
REOPEN_ON_UNSATISFIED = env.bool("REOPEN_ON_UNSATISFIED", default=True)
# Open311 GET requests publish only cases filed through these channels (others were promised a private link).
# Open311 POST needs the api_key of an active client (admin → Open311 客户端); off: optional for citizen apps.
OPEN311_REQUIRE_API_KEY = env.bool("OPEN311_REQUIRE_API_KEY", default=False)
OPEN311_PUBLISHED_CHANNELS = env.list("OPEN311_PUBLISHED_CHANNELS", default=["open311"])
# The signed outbox (12345 callbacks, webhooks): tries, backoff (base × 2^(n−1), capped), POST timeout.
INTEROP_MAX_ATTEMPTS = env.int("INTEROP_MAX_ATTEMPTS", default=8)
INTEROP_BACKOFF_BASE_SECONDS = env.float("INTEROP_BACKOFF_BASE_SECONDS", default=30.0)
INTEROP_BACKOFF_CAP_SECONDS = env.float("INTEROP_BACKOFF_CAP_SECONDS", default=3600.0)
INTEROP_TIMEOUT_SECONDS = env.float("INTEROP_TIMEOUT_SECONDS", default=10.0)
# The hotline's own satisfaction rate counts a "basically satisfied" follow-up as this much (Beijing: 0.9).
HOTLINE_BASIC_SATISFIED_CREDIT = env.float("HOTLINE_BASIC_SATISFIED_CREDIT", default=0.9)
# Absolute links in outbound messages (evidence files): this site's public address.
SITE_URL = env.str("SITE_URL", default="")

# --- Residents (people, homes, special populations) ---------------------------------------------------
# Fernet keys for ID numbers and phones at rest (first encrypts, all decrypt: rotation); HMAC key for exact search.
# Unset: both derived from SECRET_KEY (set them in production; see .env.example).
RESIDENTS_DATA_KEYS = env.list("RESIDENTS_DATA_KEYS", default=[])
RESIDENTS_HMAC_KEY = env.str("RESIDENTS_HMAC_KEY", default="")
RESIDENTS_RETENTION_DAYS = env.int("RESIDENTS_RETENTION_DAYS", default=730)  # moved away → anonymised after
RESIDENTS_PERMIT_WARN_DAYS = env.int("RESIDENTS_PERMIT_WARN_DAYS", default=30)  # permit expiry → worker's task
# Exact searches by a full ID number or phone a user may run in an hour (each one is logged; residents.services)
RESIDENTS_EXACT_SEARCHES_PER_HOUR = env.int("RESIDENTS_EXACT_SEARCHES_PER_HOUR", default=60)

# --- Mobilisation (微心愿) ------------------------------------------------------------------------
# A claimed wish's claimer is warned this many hours before its deadline (at the latest halfway through it).
WISH_WARN_HOURS = env.int("WISH_WARN_HOURS", default=24)

# --- Mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="gridcase@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call answers 401 with WWW-Authenticate: Token (session first would say 403).
        # DRF's TokenAuthentication with its lookup compiled once (core.authentication).
        "core.authentication.PreparedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exception_handler.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"citizen_report": CITIZEN_REPORT_RATE, "public_wish": CITIZEN_REPORT_RATE},
}
SPECTACULAR_SETTINGS = {
    # Every operation documents its error answers (core/schema.py); enums stay post-processed as before.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.add_error_responses"],
    "TITLE": "Grid-event case management API",
    "DESCRIPTION": "网格事件管理 — cases, escalation (吹哨报到) and the configuration they run on.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps use fields named status/level/handler_kind with different choice sets: name each set once.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.Status",
        "RequestStatusEnum": "cases.choices.RequestStatus",
        "CaseHandlerKindEnum": "cases.choices.HandlerKind",
        "RatingResultEnum": "cases.choices.RatingResult",
        "ChannelEnum": "cases.choices.Channel",
        "LevelEnum": "governance.choices.Level",
        "RegionLevelEnum": "governance.choices.RegionLevel",
        "RuleHandlerKindEnum": "governance.choices.HandlerKind",
        "TimeUnitEnum": "governance.choices.TimeUnit",
        "RegistrationStatusEnum": "mobilisation.choices.RegistrationStatus",
        "RegistrantKindEnum": "mobilisation.choices.RegistrantKind",
        "ServiceTaskStatusEnum": "mobilisation.choices.TaskStatus",
        "TaskTypeEnum": "mobilisation.choices.TaskType",
        "PostableTaskTypeEnum": "mobilisation.choices.POSTABLE_TASK_CHOICES",
        "WishStatusEnum": "mobilisation.choices.WishStatus",
        "AppraisalStatusEnum": "mobilisation.choices.AppraisalStatus",
        "TopicStatusEnum": "mobilisation.choices.TopicStatus",
        "TopicSourceEnum": "mobilisation.choices.TopicSource",
        "PointsSourceEnum": "mobilisation.choices.PointsSource",
        "FollowUpKindEnum": "mobilisation.choices.FollowUpKind",
        "ColourEnum": "mobilisation.choices.Colour",
        "AppraisalRatingEnum": "mobilisation.choices.Rating",
        "DisputeStatusEnum": "mediation.choices.Status",
        "DisputeKindEnum": "mediation.choices.DisputeKind",
        "MediationTrackEnum": "mediation.choices.Track",
        "MediationPlaceEnum": "mediation.choices.Place",
        "PartyKindEnum": "mediation.choices.PartyKind",
        "SessionOutcomeEnum": "mediation.choices.Outcome",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Citizens' follow-up tokens never appear in a log line (core/log_redaction.py).
    "filters": {"redact_tokens": {"()": "core.log_redaction.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" its own console handler too: without this, every line prints twice.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
