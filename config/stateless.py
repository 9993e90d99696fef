"""Where a web process keeps what outlives a request: media files, sessions, and which queue a task goes to.

Read by config/settings.py from the environment (README, "Configuration"; docs/operations.md, "Mở rộng" and
"Quy mô quốc gia"). Kept apart from the settings so the parsing is tested without reloading them.

- Media go through Django's storage API only: `MEDIA_STORAGE=file` (default, `MEDIA_ROOT`) or `s3` (any
  S3-compatible object store through django-storages; private objects, downloads still pass the portal's
  permission checks and are streamed by the view, never a public bucket address).
- Sessions live in the database (`SESSION_BACKEND=db`, the default on a per-process cache) or, when the cache is
  shared by every web process (Redis: `CACHE_URL`), in the database with a copy in the cache (`cached_db`, the
  default then): a request reads its session from Redis, not PostgreSQL, and a Redis restart loses no session.
  `cache` and `cached_db` are refused on a per-process cache.
- Tasks: PDF renders on the "documents" queue, mail and reminders on "notifications", the rest on "celery",
  so a burst of renders never holds back a password-reset mail, and each pool scales on its own.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

MEDIA_STORAGES = ("file", "s3")
ADDRESSING_STYLES = ("auto", "path", "virtual")
SESSION_BACKENDS = ("db", "cache", "cached_db")
# Per-process caches: a session kept there is unknown to the other web processes, and a logout in one
# process would leave the session alive in another one's copy.
LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# Redis (config/settings.py swaps Django's class for core.cache's, which reads a Redis outage as a miss).
REDIS_CACHES = ("django.core.cache.backends.redis.RedisCache", "core.cache.TolerantRedisCache")

QUEUE_DEFAULT = "celery"
QUEUE_DOCUMENTS = "documents"
QUEUE_NOTIFICATIONS = "notifications"
QUEUES = (QUEUE_DEFAULT, QUEUE_DOCUMENTS, QUEUE_NOTIFICATIONS)
TASK_ROUTES = {
    # Every task of the documents app: renders (CPU- and memory-heavy, seconds each) and their re-queue sweep.
    "documents.*": {"queue": QUEUE_DOCUMENTS},
    # The mail outbox and its sweep.
    "notifications.*": {"queue": QUEUE_NOTIFICATIONS},
    # Deadline reminders: they write notifications and queue mail, nothing heavy.
    "campaigns.send_deadline_reminders": {"queue": QUEUE_NOTIFICATIONS},
    # Anything else (unit counts, session clean-up, orphan files) stays on the default "celery" queue.
}


def media_storage(env: environ.Env) -> dict:
    """The `STORAGES["default"]` entry chosen by `MEDIA_STORAGE`: the file system, or an S3-compatible bucket."""
    kind = env.str("MEDIA_STORAGE", default="file").strip().lower()
    if kind not in MEDIA_STORAGES:
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be one of {', '.join(MEDIA_STORAGES)}, not {kind!r}.")
    if kind == "file":
        # Written to a temporary name, then renamed: a full disk leaves no half file (core/storage.py).
        return {"BACKEND": "core.storage.AtomicFileSystemStorage"}
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    style = env.str("AWS_S3_ADDRESSING_STYLE", default="auto").strip().lower()
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"AWS_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}.")
    options = {
        "bucket_name": bucket,
        # Unset: Amazon S3 itself; a MinIO / Ceph / provider address otherwise.
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="").strip() or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="").strip() or None,
        "addressing_style": None if style == "auto" else style,
        # A prefix inside the bucket: several provinces (or portals) can share one bucket.
        "location": env.str("AWS_LOCATION", default="").strip().strip("/"),
        # Objects are private: every download goes through the portal's view, which checks the user's scope.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
        "signature_version": "s3v4",
        # A re-rendered document replaces its object in one PUT (documents.services.file_write_atomically);
        # upload names are random, so nothing else is ever overwritten.
        "file_overwrite": True,
    }
    # Unset keys: boto3's own chain (AWS_* in the environment, an instance or pod role).
    access_key = env.str("AWS_ACCESS_KEY_ID", default="")
    secret_key = env.str("AWS_SECRET_ACCESS_KEY", default="")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.")
    if access_key:
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def session_engine(env: environ.Env, cache_backend: str) -> str:
    """`SESSION_ENGINE` for `SESSION_BACKEND`; refuses a cache-held session on a cache no other process sees.

    Unset: `cached_db` on Redis (every request's session read is a cache hit, not a query; writes still
    go to the database, so a Redis restart signs no one out), `db` on any other cache."""
    default = "cached_db" if cache_backend in REDIS_CACHES else "db"
    backend = env.str("SESSION_BACKEND", default=default).strip().lower() or default
    if backend not in SESSION_BACKENDS:
        raise ImproperlyConfigured(f"SESSION_BACKEND must be one of {', '.join(SESSION_BACKENDS)}, not {backend!r}.")
    if backend != "db" and cache_backend in LOCAL_CACHES:
        raise ImproperlyConfigured(
            f"SESSION_BACKEND={backend} needs a cache shared by every web process: set CACHE_URL=redis://…"
        )
    return f"django.contrib.sessions.backends.{backend}"
