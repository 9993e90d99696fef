"""One settings module, read from the environment with strict parsers.

Every variable is documented in README.md ("Cấu hình"). Defaults give a
zero-setup development portal: SQLite, eager Celery, console e-mail.
"""

import datetime
import secrets
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config import stateless
from config.strict_env import env_bool

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Booleans are strict (config/strict_env.py): "Ture" refuses to start instead of reading as False.
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # nosec B105  # DEBUG only
    elif Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] not in (["runserver"], ["check"]):
        # One-off commands (migrate, makemigrations --check, seed_demo) sign nothing that
        # outlives them; the web server, the workers and `check --deploy` still need the key.
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
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
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "core",
    "units",
    "notifications",
    "awards",
    "campaigns",
    "nominations",
    "councils",
    "workbench",
    "search",
    "documents",
    "reports",
    "audit",
    "demo",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "units.middleware.ActiveRoleMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.portal_identity",
                "units.context_processors.active_role",
                "workbench.context_processors.todo_badge",
            ],
            # `{% url %}` of a name without arguments reversed once per process (core/templatetags/cached_url.py).
            "builtins": ["core.templatetags.cached_url"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection costs about 4 ms per request (issue 14); the health
# check replaces one the server closed, before the request uses it. CONN_MAX_AGE=0 closes after each request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The zero-setup default (`make run`): a transaction that reads then writes (casting a ballot, filing)
    # takes the write lock at BEGIN and waits up to 20 s for it, instead of failing at once with "database is
    # locked" when two requests do it together (core/tests/test_sqlite_concurrency.py). WAL lets readers go on
    # while one request writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("DB_JIT", default=False):
    # PostgreSQL's JIT compiles a statement whose estimated cost passes jit_above_cost (100,000): 15-25 ms of
    # CPU each time, more than the portal's statements take to run (the Sở administrator's home paid it on
    # every request until its statement was rewritten; BENCHMARKS «fixes», V3). Off for the portal's sessions;
    # DB_JIT=true gives it back.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Lists count their rows up to this many (core.views.CappedPaginator): past it a page says «hơn N dòng».
PAGINATION_COUNT_CAP = env.int("PAGINATION_COUNT_CAP", default=10000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Which portal this is (login page, header, footer) and where a user asks for help; blank hides the line.
PORTAL_ORGANISATION_NAME = env.str("PORTAL_ORGANISATION_NAME", default="Sở Giáo dục và Đào tạo").strip()
PORTAL_HELP_LINE = env.str(
    "PORTAL_HELP_LINE",
    default="Chưa có tài khoản hoặc quên mật khẩu: liên hệ thư ký thi đua – khen thưởng của đơn vị "
    "hoặc bộ phận quản trị cổng của Sở.",
).strip()
if not PORTAL_ORGANISATION_NAME:
    raise ImproperlyConfigured("PORTAL_ORGANISATION_NAME must name the Sở that runs the portal.")

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# Our own Vietnamese for stock messages that Django's or django-filter's catalogue leaves in English or
# cuts short ("Nhập địa chỉ email." for an invalid address): locale/vi/LC_MESSAGES, looked up first.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Dates are shown dd/mm/yyyy everywhere; FORMAT_MODULE_PATH overrides the
# Vietnamese locale where it differs from what our users expect.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cổng TĐKT <no-reply@tdkt.local>")

# Django's cache. The public notice's objection limit (nominations/notice.py) counts in it, so with several
# gunicorn workers it must be shared: CACHE_URL=redis://redis:6379/1 (not the Celery broker's database).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Redis down or restarting: the cache reads as empty and stores nothing instead of a 500 (core/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.TolerantRedisCache"
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)  # dashboard figures kept (0: live)
# Beyond one machine (config/stateless.py; docs/operations.md, "Mở rộng"): media through the storage API on
# the file system or an S3-compatible bucket (MEDIA_STORAGE=file|s3, replacing STORAGES["default"] above),
# sessions in the database unless SESSION_BACKEND says cache|cached_db (then CACHE_URL must be Redis), and
# one Celery queue per kind of work (workers consume them with -Q: docker-compose.yml, .ci/run).
STORAGES["default"] = stateless.media_storage(env)
SESSION_ENGINE = stateless.session_engine(env, CACHES["default"]["BACKEND"])
# cached_db whose one cache read also brings the session's companions (the to-do counter): core/sessions.py.
if SESSION_ENGINE == "django.contrib.sessions.backends.cached_db":
    SESSION_ENGINE = "core.sessions"
CELERY_TASK_DEFAULT_QUEUE = stateless.QUEUE_DEFAULT
CELERY_TASK_ROUTES = stateless.TASK_ROUTES
# Reverse proxies in front of gunicorn that append the client's address to X-Forwarded-For (the nginx of
# docs/operations.md: 1). 0 uses REMOTE_ADDR only. Read for the objection limit's client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# Public notice (công khai): default length in days (no verified rule fixes it), objections per client
# address and notice within the window (seconds).
NOMINATION_NOTICE_DAYS = env.int("NOMINATION_NOTICE_DAYS", default=10)
NOMINATION_OBJECTION_RATE_LIMIT = env.int("NOMINATION_OBJECTION_RATE_LIMIT", default=5)
NOMINATION_OBJECTION_RATE_WINDOW = env.int("NOMINATION_OBJECTION_RATE_WINDOW", default=3600)

# Celery: without REDIS_URL every task runs eagerly, in-process, so
# `make run` needs no server. With it, tasks go through Redis to workers.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message taken by a worker that dies comes back after this many seconds (acks_late; documents.render).
# Kombu looks for such messages every `unacked_restore_interval` seconds but scans Redis only on every
# `unacked_restore_throttle`-th look: a dead worker's message returns within visibility + interval x throttle.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Deadline reminders (campaigns): once a day; idempotent, so a second run sends nothing.
    "campaigns-deadline-reminders": {
        "task": "campaigns.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The e-mail outbox (notifications): queue again mails whose task was lost (broker down at
    # commit) or is overdue. Cheap when there is nothing to do: one indexed query.
    "notifications-sweep-outbox": {
        "task": "notifications.sweep_outbox",
        "schedule": 60.0,
    },
    # Expired sessions (units.clear_expired_sessions, as `manage.py clearsessions`): once a night.
    "units-clear-expired-sessions": {
        "task": "units.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # Documents whose render task was lost (documents.services.documents_requeue_stale): every 5 minutes.
    "documents-requeue-stale": {
        "task": "documents.requeue_stale",
        "schedule": 300.0,
    },
    # Evidence files left without a row by a rolled-back upload (nominations/orphans.py): once a night.
    "nominations-clean-orphan-files": {
        "task": "nominations.clean_orphan_files",
        "schedule": crontab(hour=2, minute=30),
    },
}
# Days before each campaign deadline on which reminders go out (the code defaults to 7,1).
CAMPAIGN_REMINDER_DAYS = env.list("CAMPAIGN_REMINDER_DAYS", cast=int, default=[7, 1])
# Days a receiving unit has to appraise a sent dossier when its campaign sets no deadline for it (the
# reviewer inbox marks it overdue after). The law's time limit was not found (LAW.md (c), unverified):
# 20 follows the 20 working days of the provincial commendation procedures, counted in calendar days so
# the marker shows early rather than late.
# Documents (documents app): the address printed under each PDF's QR code, the render lease of a worker.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
DOCUMENT_RENDER_LEASE = env.int("DOCUMENT_RENDER_LEASE", default=30)
# A queued row untouched this long has lost its task (broker down at commit, a purged queue): asking again
# or the beat sweep sends it anew. A waiting pack touches its row every few seconds, so it is never taken.
DOCUMENT_REQUEUE_AFTER = env.int("DOCUMENT_REQUEUE_AFTER", default=120)
DOCUMENT_VERIFY_RATE_LIMIT = env.int("DOCUMENT_VERIFY_RATE_LIMIT", default=30)  # lookups per address per hour
# Upload limits (bytes): a signing key (PKCS#12, never stored), a scan of a signed original, a PDF to verify.
DOCUMENT_P12_MAX_BYTES = env.int("DOCUMENT_P12_MAX_BYTES", default=64 * 1024)
DOCUMENT_SCAN_MAX_BYTES = env.int("DOCUMENT_SCAN_MAX_BYTES", default=20 * 1024 * 1024)
DOCUMENT_VERIFY_MAX_BYTES = env.int("DOCUMENT_VERIFY_MAX_BYTES", default=30 * 1024 * 1024)
NOMINATION_APPRAISAL_DAYS = env.int("NOMINATION_APPRAISAL_DAYS", default=20)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's renderer with the stock input and select widgets in Python (same bytes, a sixth of a list page's CPU).
FORM_RENDERER = "core.form_renderer.PortalFormRenderer"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Off unless every subdomain serves HTTPS only (check --deploy W005/W021 name them; docs/operations.md).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; docs/architecture.md «Content-Security-Policy»): scripts, styles, fonts and
# requests only from the portal itself, never inline (no <script> body, <style>, style="" or on…= anywhere: checked
# by core/tests/test_csp.py on every page and by the journeys' guard in Chromium). On in DEBUG too, so a developer
# sees a violation in the browser console before CI does (django-csp leaves DEBUG's own 404/500 pages alone).
INSTALLED_APPS += ["csp"]
# django-csp's middleware with the settings' header built once per process (core/middleware.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "core.middleware.SettingsCSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.SettingsCSPMiddleware") + 1, "core.middleware.PermissionsPolicyMiddleware"
)
# A body larger than the largest upload is refused unread (413, core/middleware.py), with the headers above.
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.PermissionsPolicyMiddleware") + 1, "core.middleware.RequestBodyLimitMiddleware"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap's icons are data: SVGs in its stylesheet
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The other security headers (Django's SecurityMiddleware; Permissions-Policy: core/middleware.py). Only features
# Chromium knows: an unknown one is a console error on every page.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Uploads (core/uploads.py; docs/operations.md «Tệp tải lên»). Limits in bytes, checked before the content is read.
# Imports (Excel): refuse anything larger before parsing; then bound what its zip directory promises.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_ZIP_RATIO = env.int("IMPORT_MAX_ZIP_RATIO", default=100)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=1000)
# Evidence files of a nomination (PDF, JPEG, PNG).
NOMINATION_ATTACHMENT_MAX_BYTES = env.int("NOMINATION_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Django's own: request bodies other than files kept in memory up to 2.5 MB (a bigger form is refused), files
# above 2.5 MB spooled to a temporary file, at most 10 files per request (every upload form sends one).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Whole request bodies: at most the largest upload limit plus 1 MB (core.uploads.request_body_max_bytes, 31 MB
# by default): a larger Content-Length is refused unread, a chunked body or a multipart file counted as it is read
# (core.middleware.RequestBodyLimitMiddleware, core.uploads.BodyCapUploadHandler before Django's own handlers).
FILE_UPLOAD_HANDLERS = [
    "core.uploads.BodyCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Evidence images are decoded whole before they are kept; more pixels than this is refused (decompression bombs).
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=50_000_000)
# Production: downloads checked by the permission kernel, then sent by nginx from an `internal;` location with
# this prefix (X-Accel-Redirect, core.uploads.protected_download); empty streams them through Django.
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="").strip()
if MEDIA_ACCEL_REDIRECT and not (MEDIA_ACCEL_REDIRECT.startswith("/") and MEDIA_ACCEL_REDIRECT.endswith("/")):
    raise ImproperlyConfigured("MEDIA_ACCEL_REDIRECT must be a path prefix such as /_media_noi_bo/ (or empty).")
# Excel export of a list ("Xuất Excel"): at most this many rows; the sheet says when rows were left out.
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=20000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The councils' ballot box never reaches a log line, even the SQL log of DEBUG (docs/ballot_secrecy.md).
    "filters": {"hide_ballot_box": {"()": "councils.logfilters.HideBallotBox"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        # documents.rendering listens to it for the progress bar; the log itself would list every page.
        "weasyprint.progress": {"level": "WARNING", "propagate": False},
        "django.db.backends": {"filters": ["hide_ballot_box"]},
    },
}

# --- Accounts and login (accounts app; README «Tài khoản và đăng nhập», docs/operations.md) ---------------
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "accounts"]
# django-otp reads the verified device after authentication; the OTP gate sends a login that still owes a
# code (or an enrolment its role requires) to that page; axes turns a lock-out into its page (last, as documented).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += ["accounts.middleware.OTPGateMiddleware", "axes.middleware.AxesMiddleware"]
# Axes refuses a locked-out login before the password is even checked (first backend).
# PortalBackend is ModelBackend reading the account and its roles in one query per request (accounts/backends.py).
# Sessions opened under ModelBackend's name end once when this list no longer names it: sign in again.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.PortalBackend"]
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# AXES_FAILURE_LIMIT wrong passwords for one username from one address lock that pair for AXES_COOLOFF_MINUTES.
# The pair, not the address: a school behind one NAT address is not locked out by one account's failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock ends AXES_COOLOFF_TIME after the last counted failure: tries while locked do not push it back, so the
# time shown on the page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address as the rest of the portal reads it (TRUSTED_PROXY_COUNT, nominations.notice.client_address).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The portal keeps its own login log (accounts.LoginEvent, with failures and the session to end).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# TOTP (django-otp): optional for everyone; required of these roles (units.enums.Role values, comma-separated,
# e.g. reviewer,council_member,administrator; superusers count as administrators). Checked at startup.
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Cổng TĐKT")
# «Hoạt động đăng nhập gần đây»: login events older than this are deleted each night.
LOGIN_EVENT_RETENTION_DAYS = env.int("LOGIN_EVENT_RETENTION_DAYS", default=90)
CELERY_BEAT_SCHEDULE["accounts-purge-login-events"] = {
    "task": "accounts.purge_login_events",
    "schedule": crontab(hour=3, minute=40),
}
