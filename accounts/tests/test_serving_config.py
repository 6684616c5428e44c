"""The serving configuration (deploy/): nginx rendered with the portal's own PoE limits and
accepted by nginx itself, and the statement timeout that only web processes get."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.management.commands.nginx_config import body_limit
from tests.helpers import needs_service

BASE_DIR = Path(settings.BASE_DIR)


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        if os.environ.get("CPOR_REQUIRE_SERVICES"):
            pytest.fail("nginx is not installed but CPOR_REQUIRE_SERVICES=1")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return found


def test_the_body_limit_is_the_most_a_claim_may_hold(settings):
    settings.POE_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.POE_MAX_FILES_PER_CLAIM = 5
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    assert body_limit() == 50 * 1024 * 1024 + 2 * 1024 * 1024 + 1024 * 1024


def test_nginx_accepts_the_rendered_configuration(tmp_path):
    nginx = _nginx()
    run = tmp_path / "nginx"
    call_command(
        "nginx_config",
        listen="127.0.0.1:18000",
        upstream="127.0.0.1:18001",
        run_dir=str(run),
        output=str(tmp_path / "n.conf"),
    )
    text = (tmp_path / "n.conf").read_text()
    assert f"client_max_body_size {body_limit()};" in text
    assert "proxy_request_buffering on;" in text and "server 127.0.0.1:18001" in text
    assert not [line for line in text.splitlines() if "@@" in line and not line.startswith("#")]  # all filled
    command = [nginx, "-t", "-c", str(tmp_path / "n.conf"), "-p", str(run)]
    checked = subprocess.run(command, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_web_processes_get_a_statement_timeout_and_others_do_not():
    # the server's own "postgres" database: the suite's may not exist yet
    url = urlunsplit(urlsplit(needs_service("DATABASE_URL", "a real PostgreSQL server"))._replace(path="/postgres"))
    probe = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cpor_portal.settings", "DJANGO_ENV": "test"}
    env.pop("DATABASE_STATEMENT_TIMEOUT_MS", None)

    def shown(**extra):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            cwd=BASE_DIR,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert shown() == "0"  # Celery, migrations, commands
    assert shown(DATABASE_STATEMENT_TIMEOUT_MS="15000") == "15s"  # what deploy/gunicorn.conf.py sets
    assert "DATABASE_STATEMENT_TIMEOUT_MS" in (BASE_DIR / "deploy" / "gunicorn.conf.py").read_text()
