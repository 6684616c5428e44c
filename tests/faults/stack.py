"""The real stack for the fault suite, on loopback, all of it the test's own so that it can be
broken without touching anything else on the machine: a PostgreSQL cluster (``initdb`` into
the test's directory, on a free port), a ``redis-server``, an SMTP sink that records every
``Message-ID`` (aiosmtpd), and the portal as deployed — ``deploy/serve``: nginx → gunicorn,
the Celery worker and beat, each supervised (deploy/supervisord.conf).

Standard library and psycopg only on the client side, so the load is as independent of the
portal's code as the SRE run's was."""

import asyncio
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "cpor-demo"
CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing() -> str | None:
    """Why the stack cannot run here, or None."""
    if pg_bin() is None:
        return "PostgreSQL's server binaries (initdb) are not installed"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        return "nginx is not installed (apt-get install nginx-light)"
    return None


def _wait(predicate, seconds: float, what: str, pause: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(pause)
    raise AssertionError(f"{what} did not happen within {seconds:g} s")


class Postgres:
    """A cluster of the test's own. As root, the server runs as the ``postgres`` user."""

    def __init__(self):
        # Not under pytest's temporary directory: that is private to root, and the server runs
        # as postgres.
        self.dir = Path(tempfile.mkdtemp(prefix="cpor-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.bin = pg_bin()
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/cpor_faults"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{tool} failed:\n{done.stdout}\n{done.stderr}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self) -> None:
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE cpor_faults")

    def query(self, sql: str, params=()):
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    def __init__(self, root: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self._answers, 10, "redis-server answering")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def close(self) -> None:
        self.thaw()
        self.process.terminate()
        self.process.wait(timeout=10)


class SmtpSink:
    """Accepts every message; records each ``Message-ID`` in arrival order. ``delay`` seconds
    per message make a batch take long enough to kill a worker in the middle of it."""

    def __init__(self):
        self.port = free_port()
        self.message_ids: list[str] = []
        self.delay = 0.0
        self._lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                if sink.delay:
                    await asyncio.sleep(sink.delay)
                match = re.search(rb"^Message-ID:\s*(\S+)", envelope.content, re.M | re.I)
                with sink._lock:
                    sink.message_ids.append(match[1].decode() if match else "")
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def received(self) -> list[str]:
        with self._lock:
            return list(self.message_ids)

    def close(self) -> None:
        self.controller.stop()


class Stack:
    """The portal as ``deploy/serve`` runs it, on the private services above."""

    def __init__(self, root: Path):
        self.root = root
        # Not under pytest's directory (private to root): nginx's workers run as nobody and
        # write their request buffers under var/nginx. Its logs are copied to ``root`` at the end.
        self.var = Path(tempfile.mkdtemp(prefix="cpor-faults-var-"))
        self.var.chmod(0o755)
        self.pg = Postgres()
        self.pg.start()
        self.pg.create_database()
        self.redis = Redis(root)
        self.smtp = SmtpSink()
        self.port = free_port()
        self.web_port = free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_", "EMAIL_", "CPOR_", "PROMETHEUS_"))
        }
        self.env |= {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "cpor_portal.settings",
            "DJANGO_SECRET_KEY": "fault-suite-" + "s" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": self.pg.url,
            "REDIS_URL": self.redis.url(0),
            "REDIS_CACHE_URL": self.redis.url(1),
            "QUEUE_CACHE_SECONDS": "60",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "EMAIL_STALE_AFTER_SECONDS": "10",
            "OUTBOX_SEND_EVERY_SECONDS": "3",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "CPOR_VAR_DIR": str(self.var),
            "CPOR_BIN": str(Path(sys.executable).parent),
            "PORT": str(self.port),
            "WEB_BIND": f"127.0.0.1:{self.web_port}",
            "CELERY_CONCURRENCY": "2",
            "DEMO_PASSWORD": PASSWORD,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = None

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("seed_demo", "-v", "0")
        self.process = subprocess.Popen(
            [str(BASE_DIR / "deploy" / "serve")],
            cwd=BASE_DIR,
            env=self.env,
            stdout=open(self.root / "serve.log", "wb"),  # noqa: SIM115 (the file lives as long as the stack)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait(lambda: self.healthy(), 90, "the stack answering /healthz through nginx", pause=0.5)
        _wait(lambda: all(self.pid(p) for p in ("web", "worker", "beat", "proxy")), 30, "every process running")

    def healthy(self) -> bool:
        assert self.process.poll() is None, (self.root / "serve.log").read_text()
        try:
            return self.get_status("/healthz") == 200
        except OSError:
            return False

    def get_status(self, path: str, timeout: float = 2) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        finally:
            connection.close()

    def ctl(self, *args: str) -> str:
        supervisorctl = Path(sys.executable).parent / "supervisorctl"
        done = subprocess.run(
            [str(supervisorctl), "-c", str(BASE_DIR / "deploy" / "supervisord.conf"), *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return done.stdout

    def pid(self, program: str) -> int | None:
        """The running program's pid, per the supervisor; None unless it is RUNNING."""
        match = re.search(rf"^{program}\s+RUNNING\s+pid (\d+)", self.ctl("status", program), re.M)
        return int(match[1]) if match else None

    def log(self, program: str) -> str:
        path = self.var / "log" / f"{program}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def tracebacks(self, program: str) -> int:
        """Tracebacks logged (a chained exception prints several "Traceback" headers: one)."""
        count, previous = 0, ""
        for line in self.log(program).splitlines():
            if line.startswith("Traceback (most recent call last)") and not previous.startswith(CHAINED):
                count += 1
            if line.strip():
                previous = line
        return count

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.smtp.close()
        self.redis.close()
        try:
            self.pg.stop()
        except AssertionError:
            pass
        self.pg.remove()
        shutil.copytree(self.var / "log", self.root / "log", dirs_exist_ok=True)
        shutil.copy(self.var / "nginx" / "access.log", self.root / "log" / "nginx-access.log")
        shutil.rmtree(self.var, ignore_errors=True)


def statuses(results) -> Counter:
    return Counter(status for _seconds, status, _headers in results)
