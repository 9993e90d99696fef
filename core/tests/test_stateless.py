"""Beyond one machine (config/stateless.py): the media storage and session engine chosen by the environment,
and the queue of every task. No network: the S3 storage is built and asked for a signed address only."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import stateless
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
S3_VARS = (
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
    "AWS_QUERYSTRING_EXPIRE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "SESSION_BACKEND",
)
MINIO = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "tdkt-media",
    "AWS_S3_ENDPOINT_URL": "http://minio.internal:9000",
    "AWS_S3_REGION_NAME": "ap-southeast-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
    "AWS_LOCATION": "/ha-noi/",
    "AWS_ACCESS_KEY_ID": "portal",
    "AWS_SECRET_ACCESS_KEY": "portal-secret",
}


@pytest.fixture
def environment(monkeypatch):
    """Set variables (the others of this module unset); returns a fresh environ.Env reading them."""
    for name in S3_VARS:
        monkeypatch.delenv(name, raising=False)

    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return environ.Env()

    return set_


# --- media ------------------------------------------------------------------------------------------------


def test_media_storage_is_the_file_system_by_default(environment):
    assert stateless.media_storage(environment()) == {"BACKEND": "core.storage.AtomicFileSystemStorage"}


def test_media_storage_s3_builds_a_private_signed_bucket(environment):
    config = stateless.media_storage(environment(**MINIO))

    assert config == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "tdkt-media",
            "endpoint_url": "http://minio.internal:9000",
            "region_name": "ap-southeast-1",
            "addressing_style": "path",
            "location": "ha-noi",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "file_overwrite": True,
            "access_key": "portal",
            "secret_key": "portal-secret",
        },
    }


def test_the_s3_storage_builds_from_that_configuration_and_signs_without_the_network(environment):
    from storages.backends.s3 import S3Storage

    options = stateless.media_storage(environment(**MINIO))["OPTIONS"]
    bucket = S3Storage(**options)

    url = urlsplit(bucket.url("nominations/7/abc.pdf"))
    query = parse_qs(url.query)
    assert (url.scheme, url.netloc, url.path) == (
        "http",
        "minio.internal:9000",
        "/tdkt-media/ha-noi/nominations/7/abc.pdf",
    )
    assert (query["X-Amz-Algorithm"], query["X-Amz-Expires"], "X-Amz-Signature" in query) == (
        ["AWS4-HMAC-SHA256"],
        ["300"],
        True,
    )
    assert (bucket.default_acl, bucket.get_available_name("documents/x/1.pdf")) == ("private", "documents/x/1.pdf")


def test_media_storage_s3_without_keys_leaves_them_to_boto3(environment):
    values = {k: v for k, v in MINIO.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")}
    options = stateless.media_storage(environment(**values))["OPTIONS"]
    assert ("access_key" in options, "secret_key" in options) == (False, False)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"MEDIA_STORAGE": "nfs"}, "MEDIA_STORAGE must be one of file, s3, not 'nfs'."),
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME."),
        (
            {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ADDRESSING_STYLE": "host"},
            "AWS_S3_ADDRESSING_STYLE must be one of auto, path, virtual.",
        ),
        (
            {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "only-the-id"},
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.",
        ),
    ],
)
def test_media_storage_refuses_an_incomplete_or_unknown_configuration(environment, values, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        stateless.media_storage(environment(**values))
    assert str(refused.value) == message


def test_the_settings_with_media_storage_s3_make_the_default_storage_that_bucket():
    env = {k: v for k, v in os.environ.items() if k not in S3_VARS}
    env.update(MINIO, DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.location, s.default_acl, s.querystring_auth)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "S3Storage tdkt-media http://minio.internal:9000 ha-noi private True",
    ), result.stderr


# --- sessions ---------------------------------------------------------------------------------------------


def test_sessions_live_in_the_database_by_default(environment):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert stateless.session_engine(environment(), "django.core.cache.backends.locmem.LocMemCache") == (
        "django.contrib.sessions.backends.db"
    )


@pytest.mark.parametrize("backend", ["cache", "cached_db"])
def test_sessions_in_the_cache_need_a_shared_cache(environment, backend):
    env = environment(SESSION_BACKEND=backend)
    redis = stateless.session_engine(env, "django.core.cache.backends.redis.RedisCache")
    with pytest.raises(ImproperlyConfigured) as refused:
        stateless.session_engine(env, "django.core.cache.backends.locmem.LocMemCache")
    assert redis == f"django.contrib.sessions.backends.{backend}"
    assert str(refused.value) == (
        f"SESSION_BACKEND={backend} needs a cache shared by every web process: set CACHE_URL=redis://…"
    )


def test_an_unknown_session_backend_is_refused(environment):
    with pytest.raises(ImproperlyConfigured):
        stateless.session_engine(environment(SESSION_BACKEND="file"), "django.core.cache.backends.redis.RedisCache")


def test_expired_sessions_are_cleared_by_beat_every_night():
    celery_app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["units-clear-expired-sessions"]
    assert (entry["task"], entry["schedule"].hour, entry["task"] in celery_app.tasks) == (
        "units.clear_expired_sessions",
        {3},
        True,
    )


# --- queues -----------------------------------------------------------------------------------------------


def test_every_task_goes_to_the_queue_of_its_kind_of_work():
    celery_app.loader.import_default_modules()
    tasks = sorted(name for name in celery_app.tasks if not name.startswith("celery."))

    routed = {name: celery_app.amqp.router.route({}, name)["queue"].name for name in tasks}

    documents = {name for name in tasks if name.startswith("documents.")}
    notifications = {name for name in tasks if name.startswith("notifications.")}
    assert documents >= {"documents.render", "documents.requeue_stale"}
    assert notifications >= {"notifications.send_mail", "notifications.sweep_outbox"}
    assert routed == {
        name: "documents"
        if name in documents
        else "notifications"
        if name in notifications or name == "campaigns.send_deadline_reminders"
        else "celery"
        for name in tasks
    }
    assert routed["units.clear_expired_sessions"] == "celery"


def test_the_workers_of_compose_and_ci_consume_every_routed_queue():
    compose = (ROOT / "docker-compose.yml").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    consumed = {line.strip().removeprefix("- --queues=") for line in compose.splitlines() if "--queues=" in line}
    assert consumed == set(stateless.QUEUES)
    assert "-Q celery,documents,notifications" in ci
    assert {route["queue"] for route in stateless.TASK_ROUTES.values()} | {"celery"} == set(stateless.QUEUES)


@pytest.mark.worker
@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: no real Celery worker (see .ci/run)")
def test_the_running_worker_consumes_the_three_queues():
    answers = celery_app.control.inspect(timeout=5).active_queues() or {}
    assert answers, "no Celery worker answered; start one (see .ci/run)"
    assert any({q["name"] for q in queues} >= set(stateless.QUEUES) for queues in answers.values()), answers
