"""The benchmark: ``make bench`` (or ``python -m bench.run``).

Loads ``BENCH_CLAIMS`` claims with ``seed_demo --claims`` (default 1,000,000 on PostgreSQL,
100,000 on SQLite; an already-loaded database is reused when it holds enough), then measures
every case in its own process — warm-up, then many timed runs — and prints a table with the
anchors (Django admin with our ModelAdmin and a stock one, the raw SQL through the driver, a
minimal view) and the ratios. ``bench/results.json`` gets median/p95 ms, SQL query count and
peak RSS per case, the load time, the SLA sweep and the HTTP runs (gunicorn + wrk).

Environment: BENCH_CLAIMS, BENCH_REPEAT (timed runs, default 40), BENCH_WARMUP (5),
BENCH_HTTP_SECONDS (20; 0 skips the HTTP runs), BENCH_RESULTS (output path).
"""

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

MARKER_PARTNER = "Bench Arbitration Partner 1"
BIG_CLAIM_NOTE = "bench: review screen with 20 PoE and 200 comments"


def _setup():
    import django

    django.setup()


def _env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# --------------------------------------------------------------------------- preparation


def prepare(target: int) -> dict:
    """Migrate, seed the demo, load claims up to ``target``, create the fixtures the cases
    need. Returns facts for the cases (ids, urls) and the load timing."""
    from django.core.management import call_command

    from claims.models import Claim

    call_command("migrate", verbosity=0)
    _flush_cache()
    call_command("seed_demo", verbosity=0)
    have = Claim.objects.count()
    load = {"requested": target, "before": have}
    if have < target:
        started = time.perf_counter()
        call_command("seed_demo", claims=target - have, verbosity=0)
        load["loaded"] = target - have
        load["seconds"] = round(time.perf_counter() - started, 2)
    else:
        load["loaded"] = 0
        load["seconds"] = None  # reused
    load["after"] = Claim.objects.count()
    facts = _fixtures()
    facts["load"] = load
    _vacuum()
    return facts


def _vacuum():
    """VACUUM ANALYZE before measuring, as autovacuum would have done in production: without
    it the figures depend on whether a table happened to be vacuumed (on a machine with
    autovacuum off, the stock admin's COUNT took 135 ms on a fresh load and 72 ms once the
    table was vacuumed). Not timed; the load time above excludes it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from audit.models import AuditEvent
    from claims.models import Claim, Comment
    from notifications.models import Notification

    tables = [model._meta.db_table for model in (Claim, Claim.products.through, AuditEvent, Comment, Notification)]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def _flush_cache():
    """Start from an empty cache (the bench's own Redis database); an unreachable one is fine."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as error:  # noqa: BLE001 (the bench goes on without a cache)
        print(f"cache unreachable ({error}); the queue is drawn on every request", flush=True)


def _fixtures() -> dict:
    """A claim with 20 PoE files and 200 comments; an arbitration case with 5 competing
    claims; the largest partner; search and filter values. Idempotent."""
    from django.db.models import Count

    from arbitration.models import ArbitrationCase, CaseStatus
    from claims.models import Claim, Comment
    from claims.states import OPEN_STATUSES
    from partners.models import Membership

    facts = {}
    big = Claim.objects.filter(description=BIG_CLAIM_NOTE).first() or _make_big_claim()
    facts["big_claim"] = big.pk
    assert Comment.objects.filter(claim=big).count() >= 200
    case = (
        ArbitrationCase.objects.filter(status=CaseStatus.OPEN, association_key__startswith="bench:")
        .annotate(n=Count("participants"))
        .filter(n__gte=5)
        .first()
    ) or _make_arbitration_case()
    facts["case"] = case.pk
    largest = (
        Claim.objects.values("partner_id").annotate(n=Count("id")).order_by("-n").values_list("partner_id", flat=True)
    )[0]
    facts["largest_partner"] = largest
    member = Membership.objects.filter(partner_id=largest).select_related("user").first()
    facts["largest_partner_user"] = member.user.username if member else None
    sample = (
        Claim.objects.filter(status__in=OPEN_STATUSES)
        .exclude(customer_domain="")
        .order_by("due_at", "id")
        .values("customer_domain", "name")
        .first()
    )
    facts["search"] = sample["customer_domain"][:12] if sample else "contoso"
    # The start of a queue claim's name, as a reviewer types it (claim_name_upper_idx).
    facts["name_search"] = sample["name"][:14].lower() if sample else "northwind"
    return facts


def _make_big_claim():
    from django.core.files.base import ContentFile
    from django.db import transaction

    from claims import services
    from claims.models import Claim, Comment
    from claims.services import system_comment
    from claims.states import Status
    from demo.files import demo_pdf, demo_png
    from partners.models import Membership

    base = (
        Claim.objects.filter(status=Status.UNDER_REVIEW, partner__name="Contoso", poe_files__isnull=True)
        .order_by("id")
        .first()
    )
    membership = Membership.objects.filter(partner_id=base.partner_id, role="incentives_admin").select_related("user")
    partner_user = membership.first().user
    reviewer = base.assignee or _user("reviewer1")
    with transaction.atomic():
        Claim.objects.filter(pk=base.pk).update(description=BIG_CLAIM_NOTE)
        base.refresh_from_db()
        for i in range(20):
            content = demo_pdf(f"PoE {i}") if i % 2 else demo_png(i)
            kind = "application/pdf" if i % 2 else "image/png"
            name = f"poe-{i:02d}.{'pdf' if i % 2 else 'png'}"
            Claim.objects.filter(pk=base.pk).update(status=Status.SUBMITTED)  # poe_attach's allowed states
            base.refresh_from_db()
            services.poe_attach(claim=base, user=partner_user, name=name, file=ContentFile(content), content_type=kind)
        Claim.objects.filter(pk=base.pk).update(status=Status.UNDER_REVIEW)
        rows = []
        for i in range(200):
            if i % 10 == 0:
                system_comment(base, "review_started")
                continue
            internal = i % 3 == 0
            author = reviewer if (internal or i % 2) else partner_user
            rows.append(
                Comment(claim=base, author=author, body=f"Comment {i}: checked the PoE pages.", internal=internal)
            )
        Comment.objects.bulk_create(rows)
    return base


def _make_arbitration_case():
    from django.db import transaction

    from arbitration.models import ArbitrationCase, CaseClaim
    from claims.models import Claim
    from claims.states import Status
    from claims.tests.factories import ClaimFactory, MpnFactory, PartnerFactory, member

    sample = Claim.objects.filter(status=Status.UNDER_REVIEW).exclude(tenant=None).order_by("id").first()
    key = f"bench:{sample.tenant_id}:arbitration"
    with transaction.atomic():
        case = ArbitrationCase.objects.create(association_key=key, tenant_id=sample.tenant_id, activity="usage")
        for i in range(5):
            partner = PartnerFactory(name=f"Bench Arbitration Partner {i + 1}")
            mpn = MpnFactory(partner=partner, number=f"{990000 + i}")
            user = member(partner, f"bench.partner{i + 1}")
            claim = ClaimFactory(mpn=mpn, created_by=user, customer_domain="bench.example", description=f"PoE {i}")
            status = Status.APPROVED if i == 0 else Status.UNDER_REVIEW
            Claim.objects.filter(pk=claim.pk).update(
                status=status, association_key=key, tenant_id=sample.tenant_id, is_competing=True
            )
            CaseClaim.objects.create(case=case, claim=claim, is_incumbent=i == 0)
    return case


def _user(username):
    from accounts.models import User

    return User.objects.get(username=username)


# --------------------------------------------------------------------------- cases


def case_definitions(facts: dict) -> list[dict]:
    from django.urls import NoReverseMatch, reverse

    filters = "status=under_review&activity=presales"
    queue = [
        {"name": "queue_default", "user": "reviewer1", "url": "/review/"},
        {"name": "queue_status_activity", "user": "reviewer1", "url": f"/review/?{filters}"},
        {"name": "queue_partner", "user": "reviewer1", "url": f"/review/?partner={facts['largest_partner']}"},
        {"name": "queue_deep_page", "user": "reviewer1", "url": "DEEP"},
        {"name": "queue_search_domain", "user": "reviewer1", "url": f"/review/?q={facts['search']}"},
        {"name": "queue_search_name", "user": "reviewer1", "url": f"/review/?{urlencode({'q': facts['name_search']})}"},
    ]
    # Each queue page as a reviewer gets it when nothing changed (the page cache serves the
    # repeated query), and right after a change to some claim (``_changed``: the table is
    # drawn, the filter form comes from the cache); one page also with the cache off.
    cases = [
        *queue,
        *({**case, "name": f"{case['name']}_changed", "cache": "changed"} for case in queue),
        {**queue[1], "name": "queue_status_activity_drawn", "cache": False},
        {"name": "review_screen", "user": "reviewer1", "url": f"/review/claims/{facts['big_claim']}/"},
        {"name": "partner_my_claims", "user": facts["largest_partner_user"], "url": "/claims/"},
        # My claims searched by a claim's name (any part of it) and sorted by name.
        {
            "name": "partner_my_claims_search_sorted",
            "user": facts["largest_partner_user"],
            "url": "/claims/?q=rollout&sort=name",
        },
        # The dashboard's figures are kept a minute (the page says "As of"); drawn, every one
        # is an aggregate over the claims and ten weeks of decisions.
        {"name": "dashboard", "user": "lead", "url": "/review/dashboard/"},
        {"name": "dashboard_drawn", "user": "lead", "url": "/review/dashboard/", "cache": False},
        {"name": "admin_changelist_ours", "user": "admin", "url": f"/admin/claims/claim/?{_admin_q()}"},
        {"name": "admin_changelist_stock", "user": "admin", "url": f"/bench/stock-admin/claims/claim/?{_admin_q()}"},
        {"name": "raw_sql", "user": None, "url": None},
        {"name": "minimal_view", "user": "reviewer1", "url": "/bench/minimal/"},
    ]
    try:
        url = reverse("arbitration:case", args=[facts["case"]])
        after = next(i for i, case in enumerate(cases) if case["name"] == "review_screen") + 1
        cases.insert(after, {"name": "arbitration_side_by_side", "user": "reviewer1", "url": url})
    except NoReverseMatch:
        pass
    return cases


def _admin_q():
    return "status__exact=under_review&activity__exact=presales"


def _deep_page_url(pages=1000, per=25):
    """The cursor of the 1000th page (or the deepest there is), made the way the queue makes
    it: the position of the last row of the page before."""
    from claims.models import Claim
    from claims.states import OPEN_STATUSES
    from review.cursor import ASC, encode_cursor

    qs = Claim.objects.filter(status__in=OPEN_STATUSES).order_by("due_at", "id")
    total_pages = pages
    offset = (pages - 1) * per - 1
    row = qs.values("due_at", "id")[offset : offset + 1].first()
    if row is None:
        count = qs.count()
        total_pages = max(1, count // per)
        offset = (total_pages - 1) * per - 1
        row = qs.values("due_at", "id")[max(offset, 0) : max(offset, 0) + 1].first()
    token = encode_cursor(due_at=row["due_at"], pk=row["id"], order=ASC)
    from urllib.parse import urlencode

    return "/review/?" + urlencode({"cursor": token}), total_pages


def run_case(case: dict, repeat: int, warmup: int) -> dict:
    """Runs in a fresh process: warm-up, timed runs, one counted run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if case["name"] == "raw_sql":
        return _run_raw_sql(repeat, warmup)
    if case.get("cache") is False:
        from django.conf import settings

        settings.QUEUE_CACHE_SECONDS = 0
        settings.DASHBOARD_CACHE_SECONDS = 0
    client = Client()
    if case["user"]:
        client.force_login(_user(case["user"]), backend="django.contrib.auth.backends.ModelBackend")
    url, note = case["url"], ""
    if url == "DEEP":
        url, depth = _deep_page_url()
        note = f"page {depth}"
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{case['name']}: {url} answered {response.status_code}")
    changed = _claims_changed if case.get("cache") == "changed" else lambda: None
    timings = []
    for _ in range(repeat):
        changed()
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    changed()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return _summary(case["name"], timings, len(ctx.captured_queries), note)


def _claims_changed():
    """What any write to a claim does to the queue's cache (``Claim.save`` and friends): a new
    claims generation. Outside the timed request."""
    from claims.cache import claims_changed

    claims_changed()


def _run_raw_sql(repeat, warmup):
    """The data floor: the queue's first page (same 25 rows, same columns the queue reads)
    through the database driver, no ORM."""
    from django.db import connection

    from review import selectors

    filterset = selectors.queue_filter(data={}, request=None) if _accepts_request() else selectors.queue_filter(data={})
    qs = filterset.qs[:25]
    sql, params = qs.query.sql_with_params()
    if connection.vendor == "sqlite":  # the sqlite3 driver's own placeholder style
        sql = sql.replace("%s", "?").replace("%%", "%")
    with connection.cursor() as django_cursor:
        raw = django_cursor.connection.cursor() if hasattr(django_cursor, "connection") else django_cursor
        for _ in range(warmup):
            raw.execute(sql, params)
            raw.fetchall()
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            raw.execute(sql, params)
            rows = raw.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return _summary("raw_sql", timings, 1, f"{len(rows)} rows")


def _accepts_request():
    import inspect

    from review import selectors

    return "request" in inspect.signature(selectors.queue_filter).parameters


def _summary(name, timings, queries, note=""):
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    return {
        "name": name,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(p95, 2),
        "runs": len(timings),
        "queries": queries,
        "peak_rss_mb": _peak_rss_mb(),
        "note": note,
    }


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would carry
    the parent's peak (the loader's) into every case process."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_sweep_case() -> dict:
    """The SLA sweep over the loaded claims with exactly 10% of them due now, spread over the
    five rules (``bench.sweep_case``). Runs inside a transaction that is rolled back, so the
    data set stays the same between runs."""
    from django.db import connection, transaction

    from bench import sweep_case

    try:
        from claims.jobs.sweep import run_sla_sweep
    except ImportError:
        return {"name": "sla_sweep", "note": "no sweep yet"}
    facts = None
    result = None
    try:
        with transaction.atomic():
            facts = sweep_case.prepare()
            started = time.perf_counter()
            result = run_sla_sweep()
            elapsed = (time.perf_counter() - started) * 1000
            raise _Rollback
    except _Rollback:
        pass
    sweep_case.tidy()
    return {
        "name": "sla_sweep",
        "median_ms": round(elapsed, 1),
        "p95_ms": round(elapsed, 1),
        "runs": 1,
        "queries": None,
        "peak_rss_mb": _peak_rss_mb(),
        "note": f"{sweep_case.note(facts, result)}; rolled back ({connection.vendor})",
    }


class _Rollback(Exception):
    pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_runs(seconds: int) -> list[dict]:
    """gunicorn with 2 workers on 127.0.0.1 and wrk with 16 connections: the queue page and the
    minimal view on one server, then the queue again on a server with the page cache off."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    wrk = shutil.which("wrk")
    if not wrk:
        return [{"name": "http", "note": "wrk not installed (apt-get install wrk)"}]
    user = _user("reviewer1")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.save()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    results = []
    runs = (
        ({}, (("http_queue", "/review/"), ("http_minimal_view", "/bench/minimal/"))),
        ({"QUEUE_CACHE_SECONDS": "0"}, (("http_queue_drawn", "/review/"),)),
    )
    for env_extra, targets in runs:
        with _gunicorn(env_extra) as port:
            for name, path in targets:
                cmd = [
                    wrk,
                    "-t2",
                    "-c16",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(ROOT / "bench" / "wrk_report.lua"),
                    "-H",
                    f"Cookie: {cookie}",
                    f"http://127.0.0.1:{port}{path}",
                ]
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
                results.append({"name": name, **_parse_wrk(out)})
    return results


@contextlib.contextmanager
def _gunicorn(env_extra: dict):
    """gunicorn with 2 workers on a free port, stopped on exit."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **env_extra}
    command = [sys.executable, "-m", "gunicorn", "bench.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True)
    try:
        _wait_for_port(port)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def _wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _parse_wrk(out: str) -> dict:
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return {"note": "wrk gave no result", "raw": out[-500:]}
    data = json.loads(line[len("WRKJSON ") :])
    return {
        "requests": data["requests"],
        "requests_per_s": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p95_ms": round(data["p95_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "errors": data["socket_errors"] + data["non2xx"],
    }


# --------------------------------------------------------------------------- orchestration


def _in_subprocess(args: list[str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", *args], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    if out.returncode != 0:
        raise SystemExit(f"bench case {args} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--case":
        _setup()
        case = json.loads(sys.argv[2])
        if case["name"] == "sla_sweep":
            print(json.dumps(run_sweep_case()))
        else:
            print(json.dumps(run_case(case, _env_int("BENCH_REPEAT", 40), _env_int("BENCH_WARMUP", 5))))
        return

    _setup()
    from django.conf import settings
    from django.db import connection

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)  # the SQLite file lives there
    vendor = connection.vendor
    target = _env_int("BENCH_CLAIMS", 1_000_000 if vendor == "postgresql" else 100_000)
    print(f"CPOR Portal benchmark on {vendor}, {target:,} claims", flush=True)
    started = time.perf_counter()
    facts = prepare(target)
    load = facts["load"]
    print(
        f"data: {load['after']:,} claims ("
        + (f"loaded {load['loaded']:,} in {load['seconds']} s" if load["loaded"] else "reused")
        + ")",
        flush=True,
    )
    connection.close()

    results = []
    for case in case_definitions(facts):
        result = _in_subprocess(["--case", json.dumps(case)])
        results.append(result)
        print(
            f"  {result['name']:<26} median {result['median_ms']:>8} ms  "
            f"p95 {result['p95_ms']:>8} ms  q={result['queries']}",
            flush=True,
        )
    sweep = _in_subprocess(["--case", json.dumps({"name": "sla_sweep"})])
    results.append(sweep)
    seconds = _env_int("BENCH_HTTP_SECONDS", 20)
    http = http_runs(seconds) if seconds > 0 else []
    report = {
        "vendor": vendor,
        "claims": load["after"],
        "load": load,
        "cases": results,
        "http": http,
        "ratios": _ratios(results, http),
        "total_seconds": round(time.perf_counter() - started, 1),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results.json"))
    path.write_text(json.dumps(report, indent=2, default=str))
    print(render_table(report))
    print(f"\nwritten: {path}")


def _ratios(results, http):
    by = {r["name"]: r for r in results if "median_ms" in r}
    out = {}
    labels = (
        ("queue_status_activity", "queue (filtered)"),
        ("queue_status_activity_changed", "after a change"),
        ("queue_status_activity_drawn", "cache off"),
    )
    for case, label in labels:
        q = by.get(case)
        if not q:
            continue
        for anchor in ("admin_changelist_stock", "admin_changelist_ours"):
            if anchor in by and by[anchor]["median_ms"]:
                out[f"{anchor} ÷ {label}, median"] = round(by[anchor]["median_ms"] / q["median_ms"], 2)
        if "raw_sql" in by:
            out[f"{label} ÷ raw_sql, median"] = round(q["median_ms"] / by["raw_sql"]["median_ms"], 1)
    hq = {h["name"]: h for h in http if h.get("requests_per_s")}
    for name, label in (("http_queue", "queue"), ("http_queue_drawn", "queue drawn")):
        if name in hq and "http_minimal_view" in hq:
            out[f"{label} req/s ÷ minimal view req/s"] = round(
                hq[name]["requests_per_s"] / hq["http_minimal_view"]["requests_per_s"], 3
            )
    return out


def render_table(report) -> str:
    lines = ["", f"{'case':<26} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'peak MB':>8}  note", "-" * 90]
    for r in report["cases"]:
        if "median_ms" not in r:
            lines.append(f"{r['name']:<26} {'—':>10} {'—':>10} {'—':>8} {'—':>8}  {r.get('note', '')}")
            continue
        lines.append(
            f"{r['name']:<26} {r['median_ms']:>10} {r['p95_ms']:>10} {str(r['queries']):>8} "
            f"{r['peak_rss_mb']:>8}  {r.get('note', '')}"
        )
    load = report["load"]
    lines.append(
        f"{'seed_demo --claims':<26} {str(load['seconds'] or 'reused'):>10} s  ({load['loaded']:,} rows this run)"
    )
    if report["http"]:
        lines += [
            "",
            f"{'HTTP (gunicorn -w 2, wrk -c16)':<32} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'errors':>7}",
        ]
        for h in report["http"]:
            if h.get("requests_per_s") is None:
                lines.append(f"{h['name']:<32} {h.get('note', 'no result')}")
                continue
            lines.append(
                f"{h['name']:<32} {h['requests_per_s']:>9} {h['p50_ms']:>8} {h['p95_ms']:>8} "
                f"{h['p99_ms']:>8} {h['errors']:>7}"
            )
    if report["ratios"]:
        lines += ["", "ratios:"] + [f"  {k}: {v}" for k, v in report["ratios"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
