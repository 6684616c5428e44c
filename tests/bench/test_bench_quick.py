"""`make bench` in quick mode (BENCH_CLAIMS=20000), end to end, so the harness cannot rot.

Runs on its own database: a fresh PostgreSQL database when DATABASE_URL is set (dropped
afterwards), else a SQLite file in a temporary folder."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.bench

EXPECTED_CASES = {
    "queue_default",
    "queue_status_activity",
    "queue_partner",
    "queue_deep_page",
    "queue_search_domain",
    "queue_search_name",
    "queue_default_changed",
    "queue_deep_page_changed",
    "queue_status_activity_drawn",
    "review_screen",
    "arbitration_side_by_side",
    "partner_my_claims",
    "partner_my_claims_search_sorted",
    "dashboard",
    "dashboard_drawn",
    "admin_changelist_ours",
    "admin_changelist_stock",
    "raw_sql",
    "minimal_view",
    "sla_sweep",
}


def _admin_sql(url, sql):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def test_quick_bench_runs_end_to_end(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        BENCH_CLAIMS="20000",
        BENCH_REPEAT="5",
        BENCH_WARMUP="2",
        BENCH_HTTP_SECONDS="3",
        BENCH_RESULTS=str(tmp_path / "results.json"),
        CPOR_VAR_DIR=str(tmp_path / "var"),
    )
    database_url = os.environ.get("DATABASE_URL")
    name = None
    if database_url:
        parts = urlsplit(database_url)
        name = f"cpor_bench_quick_{uuid.uuid4().hex[:8]}"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        _admin_sql(admin_url, f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        elapsed = time.monotonic() - started
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    finally:
        if name:
            _admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert elapsed < 120, f"quick bench took {elapsed:.0f} s"
    report = json.loads((tmp_path / "results.json").read_text())
    assert report["claims"] >= 20000
    cases = {c["name"]: c for c in report["cases"]}
    assert set(cases) >= EXPECTED_CASES
    for name_, case in cases.items():
        if name_ != "sla_sweep":
            assert case["median_ms"] > 0 and case["queries"] >= 1, case
    assert cases["queue_default"]["queries"] <= 8
    assert "ratios" in report and report["ratios"]
    assert "median" in result.stdout and "ratios:" in result.stdout
