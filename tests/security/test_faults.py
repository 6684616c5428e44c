"""Faults: the database unreachable (a real process pointed at a closed port), a PoE write
that dies half-way, and Redis down while partners submit and reviewers decide."""

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.move import file_move_safe
from django.urls import reverse

from claims.models import Claim, PoeFile
from claims.services import poe_attach_many
from claims.states import Status
from claims.tests.factories import SubscriptionFactory
from claims.tests.test_uploads import pdf_bytes, upload
from claims.uploads import CheckedUpload
from cpor_portal.celery import app as celery_app
from notifications.models import EmailState, Notification
from tests.helpers import claim_form_data, current_version, login
from tests.security.conftest import stored_files
from tests.security.scan import problems

BASE_DIR = Path(settings.BASE_DIR)
CLOSED_PORT = 1  # nothing listens on port 1

# Runs in a fresh interpreter: the real WSGI application, as gunicorn would call it.
WSGI_PROBE = r"""
import io, json, sys
from wsgiref.util import setup_testing_defaults
from cpor_portal.wsgi import application

def call(path, cookie=None, method="GET"):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "HTTP_HOST": "portal.example", "wsgi.input": io.BytesIO()}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    seen = {}
    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)
    body = b"".join(application(environ, start_response)).decode()
    return {"status": int(seen["status"].split()[0]), "headers": seen["headers"], "body": body}

print(json.dumps({
    "healthz": call("/healthz"),
    "page": call("/claims/", cookie="sessionid=0123456789abcdefghijklmnopqrstuv"),
    "login": call("/accounts/login/"),
}))
"""


def _production_env(**extra):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "cpor_portal.settings",
        "DJANGO_SECRET_KEY": "faults-suite-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    for key in ("DJANGO_DEBUG", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(key, None)
    env.update(extra)
    return env


def test_database_unreachable_gives_503_health_and_a_friendly_503_page(tmp_path):
    env = _production_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{CLOSED_PORT}/cpor",
        CPOR_VAR_DIR=str(tmp_path),
    )
    # as deployed: static files collected (the pages, the 500 page too, link the hashed CSS)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
        check=True,
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", WSGI_PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert time.monotonic() - started < 60  # a refused connection fails fast, nothing hangs
    out = json.loads(result.stdout.strip().splitlines()[-1])

    health = out["healthz"]
    assert health["status"] == 503
    assert health["headers"]["Content-Type"] == "application/json"
    body = json.loads(health["body"])
    assert body["status"] == "unavailable" and body["database"] == "unreachable"

    page = out["page"]
    assert page["status"] == 503  # the database is away: come back, not "we have a bug"
    assert page["headers"]["Retry-After"] == "30"
    assert page["headers"]["Content-Type"].startswith("text/html")
    html = page["body"]
    assert "The portal is briefly unavailable" in html
    for leak in (
        "Traceback",
        "OperationalError",
        "psycopg",
        "connection",
        "127.0.0.1",
        "SELECT",
        "django_session",
        'File "',
    ):
        assert leak not in html, leak
    assert not problems(html)
    assert page["headers"].get("Content-Security-Policy")

    # the sign-in page itself needs no database: it still renders
    assert out["login"]["status"] == 200


def test_database_unreachable_in_the_process_under_test(client, db, quiet_request_log):
    """The same, in this process: every query fails while the page renders."""
    from django.db.utils import OperationalError

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        health = client.get("/healthz")
        client.raise_request_exception = False
        client.cookies["sessionid"] = "0123456789abcdefghijklmnopqrstuv"
        page = client.get(reverse("claims:list"))
    assert health.status_code == 503
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert "The portal is briefly unavailable" in html and "OperationalError" not in html


# --- a write that dies half-way ----------------------------------------------------------------


class Disconnected(OSError):
    """What the storage sees when the write cannot finish (client gone, disk full, I/O error)."""


def _chunks_that_break(self, chunk_size=None):
    """The first chunk is written, then the write fails."""
    self.seek(0)
    yield self.read(16)
    raise Disconnected("the connection went away mid-write")


REAL_MOVE = file_move_safe


def _moves_that_break(on_call: int):
    """A stand-in for the move of an upload's temporary file into the PoE storage (uploads stream
    to temporary files): call ``on_call`` copies the first bytes, as a copy to another
    filesystem would, then fails; the others move the file."""
    calls = {"n": 0}

    def move(old, new, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == on_call:
            with open(old, "rb") as source, open(new, "wb") as target:
                target.write(source.read(16))
            raise Disconnected("the connection went away mid-write")
        return REAL_MOVE(old, new, *args, **kwargs)

    return calls, mock.patch("django.core.files.storage.filesystem.file_move_safe", move)


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_poe_write_that_dies_half_way_leaves_nothing(
    poe_dir, client, contoso_admin, contoso_mpn, dynamics_sales, action, quiet_request_log
):
    login(client, contoso_admin)
    client.raise_request_exception = False
    data = claim_form_data(SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales, action=action)
    data["poe"] = [upload("first.pdf", pdf_bytes()), upload("second.pdf", pdf_bytes() + b"%second\n")]
    calls, second_write_breaks = _moves_that_break(2)  # the first file is stored whole, the second dies half-way
    with second_write_breaks:
        response = client.post(reverse("claims:new"), data)
    assert calls["n"] == 2
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert not Claim.objects.exists()
    assert not PoeFile.objects.exists()
    assert stored_files(poe_dir) == [], "a stored file without its row (or a partial file) was left behind"


def test_a_poe_write_that_dies_on_an_existing_claim_leaves_nothing(
    poe_dir, client, contoso_admin, draft, quiet_request_log
):
    login(client, contoso_admin)
    client.raise_request_exception = False
    before_files, version = stored_files(poe_dir), draft.version
    assert len(before_files) == 1  # the draft's own PoE: the check looks where files really go
    calls, write_breaks = _moves_that_break(1)
    with write_breaks:
        response = client.post(
            reverse("claims:poe_add", args=[draft.pk]),
            {"version": current_version(draft), "poe": [upload("more.pdf", pdf_bytes())]},
        )
    assert calls["n"] == 1
    assert response.status_code == 500
    assert PoeFile.objects.filter(claim=draft).count() == 1
    assert stored_files(poe_dir) == before_files
    draft.refresh_from_db()
    assert draft.version == version


def test_a_batch_whose_third_write_dies_stores_none_of_its_files(poe_dir, contoso_admin, draft):
    """The use case itself (files given as in-memory content, written in chunks): the two
    files written before the failure are deleted again, and no row is left."""
    before_files, version = stored_files(poe_dir), draft.version
    uploads = []
    for i in range(3):
        content = pdf_bytes() + b"%%%d\n" % i
        checked = CheckedUpload(
            name=f"p{i}.pdf",
            file=ContentFile(content),
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            kind="pdf",
            content_type="application/pdf",
        )
        uploads.append(checked)
    calls = {"n": 0}
    real_chunks = ContentFile.chunks

    def third_write_breaks(self, chunk_size=None):
        calls["n"] += 1
        return _chunks_that_break(self, chunk_size) if calls["n"] == 3 else real_chunks(self, chunk_size)

    with mock.patch.object(ContentFile, "chunks", third_write_breaks), pytest.raises(Disconnected):
        poe_attach_many(claim=draft, user=contoso_admin, uploads=uploads)
    assert calls["n"] == 3
    assert PoeFile.objects.filter(claim=draft).count() == 1
    assert stored_files(poe_dir) == before_files
    draft.refresh_from_db()
    assert draft.version == version


def test_a_client_that_disconnects_mid_upload_leaves_nothing(
    poe_dir, client, contoso_admin, contoso_mpn, dynamics_sales, quiet_request_log
):
    """The upload is read before the view runs: a body cut short never reaches the services."""
    from django.http.request import UnreadablePostError

    login(client, contoso_admin)
    client.raise_request_exception = False
    data = claim_form_data(SubscriptionFactory(products=[dynamics_sales]), contoso_mpn, dynamics_sales)
    data["poe"] = [upload("first.pdf", pdf_bytes())]

    def cut(self, *args, **kwargs):
        raise UnreadablePostError("client went away")

    with mock.patch("django.core.handlers.wsgi.LimitedStream.read", cut):
        response = client.post(reverse("claims:new"), data)
    assert response.status_code in (400, 500)
    assert not Claim.objects.exists() and not PoeFile.objects.exists() and stored_files(poe_dir) == []


# --- Redis down --------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """A real (not eager) Celery whose broker, and the cache, point at a closed port: Redis is down."""
    url = f"redis://127.0.0.1:{CLOSED_PORT}/0"
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    celery_app._pool = None
    settings.CELERY_BROKER_URL = url
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    yield url  # (changing settings.CACHES resets the cache handlers)
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    celery_app._pool = None


def test_submissions_and_decisions_succeed_with_redis_down(
    redis_down,
    client,
    contoso_admin,
    contoso_viewer,
    draft,
    reviewer1,
    django_capture_on_commit_callbacks,
    quiet_request_log,
):
    partner = login(client, contoso_admin)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = partner.post(reverse("claims:submit", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302, response.content[:2000]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED

    review = login(type(client)(), reviewer1)
    with django_capture_on_commit_callbacks(execute=True):
        response = review.post(reverse("review:start", args=[draft.pk]), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = review.post(reverse("review:approve", args=[draft.pk]), {"version": draft.version, "message": "OK"})
    assert response.status_code == 302, response.content[:2000]
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED
    assert time.monotonic() - started < 15  # no long broker retries inside requests

    # the notifications are written and wait for a sender: nothing lost
    decision = Notification.objects.filter(claim=draft, kind="decision")
    assert decision.count() == 2  # both Contoso members
    assert set(decision.values_list("email_state", flat=True)) == {EmailState.PENDING}
    # the pages the partner lands on still work
    assert partner.get(reverse("claims:detail", args=[draft.pk])).status_code == 200
    assert partner.get(reverse("claims:list")).status_code == 200
    assert review.get(reverse("review:queue")).status_code == 200
