"""The Makefile's set-up for operators: ``make run`` points e-mail links at its own port, and
``make bench`` creates a missing PostgreSQL database as ``serve-prod`` does. Run with stand-ins
for Python, psql and wrk, so nothing is installed, served or created."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def stand_in(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture
def fake(tmp_path):
    """A bin directory with a fake python (prints its arguments and SITE_URL), psql (logs its
    arguments; "the database does not exist yet") and wrk; and a venv that counts as installed."""
    bin_dir, venv, log = tmp_path / "bin", tmp_path / "venv", tmp_path / "calls.log"
    bin_dir.mkdir()
    venv.mkdir()
    (venv / ".installed").touch()
    stand_in(bin_dir / "python", f'echo "python $* SITE_URL=$SITE_URL" >> {log}\n')
    stand_in(bin_dir / "psql", f'echo "psql $*" >> {log}\ncase "$*" in *"select 1"*) exit 2;; esac\n')
    stand_in(bin_dir / "wrk", "exit 0\n")

    def make(target, **env):
        base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SITE_URL", "PORT", "MAKEFLAGS"}}
        base["PATH"] = f"{bin_dir}:{base['PATH']}"
        result = subprocess.run(
            ["make", "-s", "-C", str(ROOT), target, f"PY={bin_dir / 'python'}", f"VENV={venv}"],
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return log.read_text().splitlines() if log.exists() else []

    return make


def test_run_builds_email_links_from_its_port(fake):
    calls = fake("run", PORT="18101")
    assert [c.split(" SITE_URL=")[0] for c in calls] == [
        "python manage.py migrate --noinput",
        "python manage.py seed_demo",
        "python manage.py runserver 127.0.0.1:18101",
    ]
    assert all(c.endswith("SITE_URL=http://127.0.0.1:18101") for c in calls), calls


def test_run_keeps_a_site_url_that_is_set(fake):
    calls = fake("run", PORT="18101", SITE_URL="https://cpor.example.com")
    assert all(c.endswith("SITE_URL=https://cpor.example.com") for c in calls), calls


def test_bench_creates_its_missing_postgresql_database(fake):
    url = "postgres://postgres@127.0.0.1:5432/cpor_bench_x?sslmode=disable"
    calls = fake("bench", DATABASE_URL=url)
    assert calls[0] == f"psql {url} -c select 1"
    assert calls[1] == 'psql postgres://postgres@127.0.0.1:5432/postgres -qc CREATE DATABASE "cpor_bench_x"'
    assert calls[2].startswith("python -m bench.run")


def test_bench_on_sqlite_asks_psql_nothing(fake):
    calls = fake("bench", DATABASE_URL="sqlite:///tmp/bench.sqlite3")
    assert [c for c in calls if c.startswith("psql")] == []
    assert calls[-1].startswith("python -m bench.run")
