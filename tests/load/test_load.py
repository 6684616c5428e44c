"""Load: 50 simulated users for ``LOAD_SECONDS`` (default 60) against gunicorn (2 workers) on
127.0.0.1, on a PostgreSQL database of its own (created, migrated and seeded here, dropped
afterwards). Partners file drafts and claims with a PoE file, submit drafts and comment;
reviewers list and filter the queue, open claims and post internal notes.

Passes only with 0 errors (no 5xx, no unexpected status, no connection error or timeout)
and 0 lost or duplicated rows: every claim, PoE file, comment, note and audit event the
clients saw succeed is in the database exactly once, and nothing else was written.

Knobs (environment): ``LOAD_SECONDS`` (60), ``LOAD_USERS`` (50; 60 % partners),
``LOAD_THINK`` (0.5: each user pauses up to this many seconds between actions)."""

import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.helpers import wait_until_healthy
from tests.load.simulate import Browser, LoadError, PartnerPlan, PartnerUser, ReviewerUser, Stats, percentile

pytestmark = pytest.mark.services

BASE_DIR = Path(__file__).resolve().parents[2]
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
THINK = float(os.environ.get("LOAD_THINK", "0.5"))
PARTNERS = {"contoso.admin": "4649120", "fabrikam.admin": "5120877", "litware.admin": "229031"}
REVIEWERS = ("reviewer1", "reviewer2", "lead")
WORKLOADS = ("exchange-online", "sharepoint-online", "teams", "intune", "onedrive")
NAMESPACE = uuid.UUID("3d0c1f53-5b0e-4b8e-9a41-7a4f2f1c0b77")
TABLES = ("claims_claim", "claims_poefile", "claims_comment", "audit_auditevent")


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def _cache_url() -> str:
    """A Redis database of the load server's own: the suite's tests flush theirs."""
    parts = urlsplit(os.environ["REDIS_URL"])
    return urlunsplit(parts._replace(path="/6"))


def _psql(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _directory_file(path: Path, tenants: int) -> list[tuple[str, str]]:
    """Customer tenants only the load uses, each with a Microsoft 365 E3 subscription, so
    every simulated partner has association keys nobody else claims."""
    records, out = [], []
    for i in range(tenants):
        tenant_id = str(uuid.uuid5(NAMESPACE, f"tenant-{i}"))
        domain = f"load{i:05d}.example"
        records.append(
            {
                "record": "tenant",
                "tenant_id": tenant_id,
                "name": f"Load Customer {i:05d}",
                "domains": [f"load{i:05d}.onmicrosoft.com", domain],
            }
        )
        records.append(
            {
                "record": "subscription",
                "subscription_id": str(uuid.uuid5(NAMESPACE, f"subscription-{i}")),
                "tenant_id": tenant_id,
                "channel": "csp",
                "status": "active",
                "provisioned": True,
                "products": ["m365-e3", *WORKLOADS],
            }
        )
        out.append((tenant_id, domain))
    path.write_text(json.dumps(records))
    return out


@pytest.fixture
def load_server(postgres_required, tmp_path):
    name = f"cpor_load_{os.getpid()}"
    url = _database_url(name)
    admin_url = _database_url("postgres")
    with _psql(admin_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cpor_portal.settings_test",
        "DJANGO_ENV": "test",
        "CPOR_VAR_DIR": str(tmp_path / "var"),
        "DEMO_PASSWORD": "cpor-demo",
        "DATABASE_CONN_MAX_AGE": "60",
        # The queue's page cache on, as in production: shared by both workers through Redis.
        **({"REDIS_CACHE_URL": _cache_url(), "QUEUE_CACHE_SECONDS": "60"} if os.environ.get("REDIS_URL") else {}),
        "PYTHONUNBUFFERED": "1",
    }
    server = None
    log = tmp_path / "gunicorn.log"
    try:
        partner_sessions = max(1, round(USERS * 0.6))
        per_user = max(6, math.ceil(SECONDS / 5))
        tenants = _directory_file(tmp_path / "load-directory.json", partner_sessions * per_user)
        for command in (
            ["migrate", "--noinput", "-v", "0"],
            ["seed_demo", "-v", "0"],
            ["import_directory", str(tmp_path / "load-directory.json")],
        ):
            done = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, f"manage.py {command[0]} failed:\n{done.stdout}\n{done.stderr}"
        with _psql(url) as conn:
            mpns = dict(conn.execute("SELECT number, id FROM partners_mpn").fetchall())
            products = conn.execute(
                "SELECT id, code FROM directory_product WHERE code = ANY(%s) ORDER BY code", [list(WORKLOADS)]
            ).fetchall()
            baseline = {t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        port = int(os.environ.get("LOAD_PORT") or _free_port())
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cpor_portal.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--error-logfile",
                str(log),
                "--access-logfile",
                str(tmp_path / "access.log"),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(L)s",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until_healthy(server, port, log, pause=0.3)
        yield {
            "port": port,
            "url": url,
            "baseline": baseline,
            "mpns": mpns,
            "products": products,
            "tenants": tenants,
            "per_user": per_user,
            "partner_sessions": partner_sessions,
            "log": log,
            "access_log": tmp_path / "access.log",
        }
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        with _psql(admin_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_users(server) -> tuple[Stats, list, float]:
    stats = Stats()
    port, rng = server["port"], random.Random(8)  # noqa: S311
    start = time.monotonic()
    deadline = start + SECONDS
    users = []
    for i in range(server["partner_sessions"]):
        username = list(PARTNERS)[i % len(PARTNERS)]
        plan = PartnerPlan(
            username=username,
            mpn_pk=server["mpns"][PARTNERS[username]],
            products=server["products"],
            tenants=server["tenants"][i * server["per_user"] : (i + 1) * server["per_user"]],
        )
        browser = Browser("127.0.0.1", port, stats, f"p{i}-{username}")
        users.append((username, PartnerUser(browser, plan, deadline, random.Random(rng.random()), THINK)))
    for i in range(USERS - server["partner_sessions"]):
        username = REVIEWERS[i % len(REVIEWERS)]
        browser = Browser("127.0.0.1", port, stats, f"r{i}-{username}")
        users.append((username, ReviewerUser(browser, deadline, random.Random(rng.random()), THINK)))

    def work(username, user):
        time.sleep(user.rng.uniform(0, 2))  # people do not all arrive in the same millisecond
        try:
            user.b.sign_in(username)
        except LoadError:
            return
        user.run()

    threads = [threading.Thread(target=work, args=pair, daemon=True) for pair in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 120)
    elapsed = time.monotonic() - start
    stuck = [t for t in threads if t.is_alive()]
    assert not stuck, f"{len(stuck)} simulated users did not stop"
    return stats, [user for _, user in users], elapsed


def test_fifty_users_lose_nothing(load_server):
    server = load_server
    stats, users, elapsed = _run_users(server)

    claims, poe_files, comments, notes, refused = {}, 0, Counter(), Counter(), 0
    for user in users:
        ledger = user.ledger
        for token, status in ledger.claims.items():
            assert token not in claims
            claims[token] = status
        poe_files += ledger.poe_files
        comments.update(ledger.comments)
        notes.update(ledger.notes)
        refused += ledger.refused
    client_submitted = sum(1 for s in claims.values() if s == "submitted")

    base = server["baseline"]
    with _psql(server["url"]) as conn:
        rows = conn.execute(
            "SELECT description, status FROM claims_claim WHERE id > %s", [base["claims_claim"]]
        ).fetchall()
        db_poe = conn.execute("SELECT count(*) FROM claims_poefile WHERE id > %s", [base["claims_poefile"]]).fetchone()[
            0
        ]
        db_comments = conn.execute(
            "SELECT body, internal, kind, code FROM claims_comment WHERE id > %s", [base["claims_comment"]]
        ).fetchall()
        db_events = Counter(
            dict(
                conn.execute(
                    "SELECT action, count(*) FROM audit_auditevent WHERE id > %s GROUP BY action",
                    [base["audit_auditevent"]],
                ).fetchall()
            )
        )

    latencies = stats.latencies
    requests = len(latencies) + len(stats.errors)
    # The server's own time per request (gunicorn's access log): the rest of the client's
    # latency is waiting for one of the two workers.
    served = [float(line.split()[-1]) for line in server["access_log"].read_text().splitlines() if line.strip()]
    statuses = Counter(line.split()[2] for line in server["access_log"].read_text().splitlines() if line.strip())
    report = [
        f"load: {len(users)} users ({server['partner_sessions']} partners, {len(users) - server['partner_sessions']} "
        f"reviewers) for {elapsed:.1f} s against gunicorn (2 workers) on PostgreSQL",
        f"  requests {requests}, {requests / elapsed:.1f} req/s, latency p50 {percentile(latencies, 50) * 1000:.0f} ms"
        f" · p95 {percentile(latencies, 95) * 1000:.0f} ms · p99 {percentile(latencies, 99) * 1000:.0f} ms"
        f" · max {max(latencies, default=0) * 1000:.0f} ms, errors {len(stats.errors)}",
        f"  server time per request (gunicorn): p50 {percentile(served, 50) * 1000:.0f} ms"
        f" · p95 {percentile(served, 95) * 1000:.0f} ms · p99 {percentile(served, 99) * 1000:.0f} ms;"
        f" statuses {dict(sorted(statuses.items()))}",
        f"  client successes: claims {len(claims)} (submitted {client_submitted}, refused submissions {refused}),"
        f" PoE files {poe_files}, comments {sum(comments.values())}, internal notes {sum(notes.values())}",
        f"  database, new rows: claims {len(rows)}, PoE files {db_poe}, comments {len(db_comments)},"
        f" audit events {sum(db_events.values())} {dict(sorted(db_events.items()))}",
    ]
    for route, values in sorted(stats.by_route.items(), key=lambda item: -len(item[1])):
        report.append(
            f"    {route:<40} {len(values):>6}×  p50 {percentile(values, 50) * 1000:>5.0f} ms"
            f"  p95 {percentile(values, 95) * 1000:>5.0f} ms"
        )
    print("\n" + "\n".join(report))

    assert not stats.errors, f"{len(stats.errors)} errors, first ones:\n" + "\n".join(stats.errors[:20])
    assert not [code for code in statuses if code.startswith("5")], statuses
    assert len(claims) > 0 and sum(notes.values()) > 0 and sum(comments.values()) > 0, report

    # Claims: each token the clients saw exactly once, nothing else, in the state they saw.
    db_tokens = Counter()
    db_status = {}
    for description, status in rows:
        token = next((word for word in description.split() if word.startswith("LOAD-")), None)
        db_tokens[token] += 1
        db_status[token] = status
    duplicated = [t for t, n in db_tokens.items() if n > 1]
    assert not duplicated, f"duplicated claims: {duplicated[:10]}"
    assert set(db_tokens) == set(claims), (
        f"lost claims: {sorted(set(claims) - set(db_tokens))[:10]}; "
        f"unexpected claims: {sorted(set(db_tokens) - set(claims))[:10]}"
    )
    mismatched = {t: (s, db_status[t]) for t, s in claims.items() if s != "?" and db_status[t] != s}
    assert not mismatched, f"claims whose state differs from what the client saw: {list(mismatched.items())[:10]}"
    db_submitted = sum(1 for s in db_status.values() if s == "submitted")
    assert db_poe == poe_files

    # Comments and notes: each exactly once, with the right visibility; one system comment per submission.
    written = Counter((body, internal) for body, internal, kind, _code in db_comments if kind == "comment")
    expected = Counter({(body, False): n for body, n in comments.items()})
    expected.update({(body, True): n for body, n in notes.items()})
    assert written == expected, (
        f"comments lost: {list((expected - written).items())[:5]}; extra: {list((written - expected).items())[:5]}"
    )
    system = Counter(code for _b, _i, kind, code in db_comments if kind == "system")
    assert system == Counter({"submitted": db_submitted}), system

    # Audit events: exactly one per thing done.
    assert db_events == Counter(
        {
            "claims.claim.created": len(claims),
            "claims.poe.added": poe_files,
            # Each claim form's files are received for the form (claims.pending) in one event.
            "claims.upload.received": len(claims),
            "claims.claim.submitted": db_submitted,
            # each submission asks the customer for consent (consent.requests)
            "consent.request.opened": db_submitted,
            "claims.comment.added": sum(comments.values()) + sum(notes.values()),
        }
    ), db_events
    assert client_submitted <= db_submitted <= client_submitted + sum(1 for s in claims.values() if s == "?")
