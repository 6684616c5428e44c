"""A real Celery worker against the real Redis and PostgreSQL (CI sets REDIS_URL and
DATABASE_URL; elsewhere this skips and says why).

1. A claim's reminder is due; the sweep task is sent twice at once to a worker running two
   processes: exactly one notification and one e-mail.
2. Many reminders are due; the worker is killed (SIGKILL) in the middle of the sweep,
   restarted, and the sweep sent again (as beat would): every reminder exists once and is
   e-mailed once.

The worker uses this test's database (pytest-django's ``test_…``), Redis database 5 (so the
queue is ours alone), and the file-based e-mail backend in a temporary directory.
"""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from claims.models import Claim, DueKind
from claims.states import Status
from lib.business_days import business_days_after
from notifications.models import EmailState, Notification
from notifications.tests.helpers import under_review
from tests.helpers import needs_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

REDIS_DB = 5
CELERY = Path(sys.executable).with_name("celery")
TIMEOUT = 25


@pytest.fixture(autouse=True)
def _review_groups(transactional_db):
    """The reviewer groups come from a data migration, which an earlier transactional test's
    flush removed; recreate them before the user fixtures need them."""
    from django.contrib.auth.models import Group

    from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP

    for name in (REVIEWERS_GROUP, REVIEW_LEADS_GROUP):
        Group.objects.get_or_create(name=name)


def _redis_url() -> str:
    parts = urlsplit(needs_service("REDIS_URL", "a real Redis server for the Celery worker"))
    return f"{parts.scheme}://{parts.netloc}/{REDIS_DB}"


def _database_url() -> str:
    needs_service("DATABASE_URL", "a real PostgreSQL server for the Celery worker")
    if connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL is set but the test database is not PostgreSQL")
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


def wait_for(predicate, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


class Worker:
    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.proc, self.runs = tmp_path, env, None, 0

    def start(self):
        self.runs += 1
        self.log = self.tmp_path / f"worker-{self.runs}.log"
        command = [
            str(CELERY),
            "-A",
            "cpor_portal",
            "worker",
            "--pool=prefork",
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
            "-n",
            f"jobs-test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(  # noqa: S603
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: b" ready." in self.log.read_bytes() or self.proc.poll() is not None, "the worker to start")
        assert self.proc.poll() is None, self.log.read_text()

    def kill(self):
        """SIGKILL the worker and its pool processes: no warm shutdown, no acks."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def worker(tmp_path):
    broker = _redis_url()
    import redis

    redis.Redis.from_url(broker).flushdb()  # our own database number: stale messages of earlier runs
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cpor_portal.settings",
        "DJANGO_ENV": "test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CPOR_VAR_DIR": str(tmp_path / "var"),
    }
    w = Worker(tmp_path, env)
    w.broker, w.mail_dir = broker, mail_dir
    yield w
    w.kill()


def send(broker: str, task: str, **kwargs):
    from celery import Celery

    probe = Celery("probe", broker=broker)
    try:
        probe.send_task(task, kwargs=kwargs)
    finally:
        probe.close()


def mailed_ids(mail_dir: Path) -> list[int]:
    """Notification ids of every e-mail the worker wrote (one header per message)."""
    if not mail_dir.exists():
        return []
    text = "".join(p.read_text(errors="replace") for p in mail_dir.iterdir())
    return [int(x) for x in re.findall(r"^X-CPOR-Notification: (\d+)$", text, flags=re.M)]


def make_due_claims(template: Claim, n: int, due_at) -> list[int]:
    """n claims under review, assigned, due at ``due_at`` (bulk setup: the state machine is
    tested elsewhere; here only the sweep's behaviour under a crash matters)."""
    fields = {
        f.attname: getattr(template, f.attname)
        for f in Claim._meta.concrete_fields
        if f.attname not in {"id", "association_key"}
    }
    rows = [
        Claim(
            **{
                **fields,
                "status": Status.UNDER_REVIEW,
                "association_key": f"test:{uuid.uuid4()}",
                "due_at": due_at,
                "due_kind": DueKind.DECISION,
            }
        )
        for _ in range(n)
    ]
    return [c.pk for c in Claim.objects.bulk_create(rows)]


def test_real_worker_concurrent_sweeps_and_a_crash(worker, draft, contoso_admin, reviewer1):
    claim = under_review(draft, contoso_admin, reviewer1)
    now = timezone.now()
    Claim.objects.filter(pk=claim.pk).update(due_at=now + (business_days_after(now, 1) - now) / 2)
    worker.start()

    # 1. Two sweeps at the same moment, on two worker processes.
    send(worker.broker, "notifications.tasks.sla_sweep")
    send(worker.broker, "notifications.tasks.sla_sweep")
    wait_for(lambda: len(mailed_ids(worker.mail_dir)) >= 1, "the reminder e-mail")
    time.sleep(1.5)  # room for a duplicate to show up, if there were one
    reminders = Notification.objects.filter(kind="reviewer_reminder")
    assert reminders.count() == 1
    assert mailed_ids(worker.mail_dir) == [reminders.get().pk]
    assert reminders.get().email_state == EmailState.SENT
    log = worker.log.read_text()
    assert log.count("Task notifications.tasks.sla_sweep[") >= 2, log  # both ran

    # 2. Kill the worker in the middle of a long sweep (small chunks, many due claims).
    total = 400
    # Due just inside the next business day, as a deadline set a moment ago would be.
    due_at = business_days_after(timezone.now(), 1) - dt.timedelta(minutes=1)
    make_due_claims(claim, total, due_at)
    send(worker.broker, "notifications.tasks.sla_sweep", chunk_size=2)
    wait_for(lambda: Notification.objects.filter(kind="reviewer_reminder").count() > 1, "the sweep to be under way")
    worker.kill()
    partial = Notification.objects.filter(kind="reviewer_reminder").count()
    assert 1 < partial < total + 1, f"the sweep was not killed half-way ({partial} of {total + 1})"

    worker.start()
    send(worker.broker, "notifications.tasks.sla_sweep")  # what beat does two minutes later
    wait_for(
        lambda: (
            not Notification.objects.filter(kind="reviewer_reminder").exclude(email_state=EmailState.SENT).exists()
            and Notification.objects.filter(kind="reviewer_reminder").count() == total + 1
        ),
        "every reminder to be created and sent",
        timeout=40,
    )
    time.sleep(1)
    rows = Notification.objects.filter(kind="reviewer_reminder")
    assert rows.count() == total + 1
    assert rows.values("claim_id").distinct().count() == total + 1  # one per claim: nothing doubled
    ids = mailed_ids(worker.mail_dir)
    assert len(ids) == len(set(ids)) == total + 1  # each e-mailed once: nothing lost, nothing twice
    assert set(ids) == set(rows.values_list("pk", flat=True))
