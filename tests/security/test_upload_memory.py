"""Uploads stream to disk: a real gunicorn worker (one sync worker, its own SQLite database)
takes a new-claim form with 20 PoE files of 19 MiB each, and its peak resident memory
(``VmHWM`` of the worker process) stays under 200 MiB; all 20 files are stored.

The client streams the 380 MiB body from a generator (``http.client``, a known
Content-Length), so the test process holds no more than one chunk of it either.
"""

import hashlib
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import wait_until_healthy

BASE_DIR = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
FILES = 20
FILE_BYTES = 19 * MIB
PEAK_LIMIT_MIB = 200
PASSWORD = "memory-test-password"  # noqa: S105
CHUNK = 256 * 1024
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads the worker's peak memory from /proc (Linux)"
)

# Run in the server's environment once it is migrated: a partner, its MPN and a writer.
SETUP = f"""
from accounts.models import User
from partners.models import Membership, Mpn, Partner, Role
partner = Partner.objects.create(name="Memory Test AB")
mpn = Mpn.objects.create(partner=partner, number="7000001", location="Uppsala", incentive_enrolled=True)
user = User.objects.create_user(username="memory.admin", password={PASSWORD!r})
Membership.objects.create(user=user, partner=partner, role=Role.INCENTIVES_ADMIN)
print("MPN", mpn.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pdf_parts(index: int, total: int):
    """A well-formed PDF of exactly ``total`` bytes: one page and one stream object padded with
    zeros, with a correct xref table. Yielded in chunks, never whole."""
    head = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n"
    )
    offsets = [head.index(b"1 0 obj"), head.index(b"2 0 obj"), head.index(b"3 0 obj"), len(head)]

    def tail(stream_len):
        xref_at = len(head) + len(stream_head(stream_len)) + stream_len + len(b"\nendstream\nendobj\n")
        entries = b"".join(b"%010d 00000 n \n" % off for off in offsets)
        return (
            b"\nendstream\nendobj\n"
            b"xref\n0 5\n0000000000 65535 f \n" + entries + b"trailer\n<< /Size 5 /Root 1 0 R >>\n"
            b"startxref\n%d\n%%%%EOF\n" % xref_at
        )

    def stream_head(stream_len):
        return b"4 0 obj\n<< /Length %010d >>\nstream\n" % stream_len

    marker = f"% memory test file {index}\n".encode()
    padding = total
    for _attempt in range(3):  # the tail's length depends on the offsets it names
        stream_len = len(marker) + padding
        padding = total - len(head) - len(stream_head(stream_len)) - len(marker) - len(tail(stream_len))
    stream_len = len(marker) + padding
    assert padding > 0
    yield head + stream_head(stream_len) + marker
    zeros = bytes(CHUNK)
    left = padding
    while left:
        step = min(left, CHUNK)
        yield zeros[:step]
        left -= step
    yield tail(stream_len)


def _multipart(fields, files, boundary):
    """(Content-Length, generator) of a multipart/form-data body. ``files`` are
    ``(field, filename, size, parts)`` with ``parts()`` yielding the file's ``size`` bytes."""
    segments = []  # (bytes, None) or (None, (size, parts)): written in order
    for name, value in fields:
        segments.append(
            (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode(), None)
        )
    for name, filename, size, parts in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        segments += [(head, None), (None, (size, parts)), (b"\r\n", None)]
    segments.append((f"--{boundary}--\r\n".encode(), None))
    length = sum(len(data) if data is not None else stream[0] for data, stream in segments)

    def body():
        for data, stream in segments:
            if data is not None:
                yield data
            else:
                yield from stream[1]()

    return length, body()


class Session:
    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, *, body=None, length=None, content_type=""):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.putrequest(method, path, skip_host=True)
            origin = f"http://127.0.0.1:{self.port}"
            connection.putheader("Host", f"127.0.0.1:{self.port}")
            if self.cookies:
                connection.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                connection.putheader("Origin", origin)
                connection.putheader("Referer", origin + path)
                connection.putheader("Content-Type", content_type)
                connection.putheader("Content-Length", str(length))
            connection.endheaders()
            if body is not None:
                for chunk in body:
                    connection.send(chunk)
            answer = connection.getresponse()
            text = answer.read().decode("utf-8", "replace")
            for header in answer.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(header)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            return answer.status, answer.headers, text
        finally:
            connection.close()

    def post_form(self, path, fields):
        data = urlencode(fields).encode()
        return self.request(
            "POST", path, body=[data], length=len(data), content_type="application/x-www-form-urlencoded"
        )


def _worker_pid(master: int) -> int:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise AssertionError("gunicorn started no worker")


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture
def server(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "REDIS_CACHE_URL", "CELERY_BROKER_URL", "POE_ROOT")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "cpor_portal.settings_test",
        "DJANGO_ENV": "test",
        "CPOR_VAR_DIR": str(tmp_path / "var"),
        "TMPDIR": str(tmp_path),  # the upload's temporary files: here, and removed with the test
        "PYTHONUNBUFFERED": "1",
    }
    (tmp_path / "var").mkdir()
    for args in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", SETUP]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    mpn_pk = int(re.search(r"MPN (\d+)", done.stdout)[1])
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cpor_portal.wsgi",
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--error-logfile",
            str(log),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_healthy(process, port, log, pause=0.2)
        yield {
            "port": port,
            "worker": _worker_pid(process.pid),
            "mpn": mpn_pk,
            "db": tmp_path / "var" / "cpor.sqlite3",
            "poe": tmp_path / "var" / "test-poe",
            "log": log,
        }
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def test_twenty_files_of_19_mib_keep_the_worker_under_200_mib(server):
    session = Session(server["port"])
    status, _headers, page = session.request("GET", "/accounts/login/")
    assert status == 200
    status, headers, text = session.post_form(
        "/accounts/login/",
        [
            ("csrfmiddlewaretoken", CSRF_RE.search(page)[1]),
            ("username", "memory.admin"),
            ("password", PASSWORD),
            ("next", ""),
        ],
    )
    assert status == 302 and "sessionid" in session.cookies, text[:2000]
    status, _headers, page = session.request("GET", "/claims/new/")
    assert status == 200
    token = CSRF_RE.search(page)[1]
    before = _peak_mib(server["worker"])

    boundary = f"----cpor-memory-{uuid.uuid4().hex}"
    fields = [
        ("csrfmiddlewaretoken", token),
        ("action", "save"),
        ("name", "Memory test"),
        ("mpn", server["mpn"]),
        ("description", "memory"),
    ]
    files = [("poe", f"proof-{i:02d}.pdf", FILE_BYTES, lambda i=i: _pdf_parts(i, FILE_BYTES)) for i in range(FILES)]
    length, body = _multipart(fields, files, boundary)
    assert length > FILES * FILE_BYTES
    started = time.monotonic()
    status, headers, text = session.request(
        "POST", "/claims/new/", body=body, length=length, content_type=f"multipart/form-data; boundary={boundary}"
    )
    seconds = time.monotonic() - started
    after = _peak_mib(server["worker"])
    print(f"\nworker peak RSS: {before:.0f} MiB before the upload, {after:.0f} MiB after ({seconds:.1f} s)")
    assert status == 302, f"HTTP {status}: {text[:3000]}"
    assert re.match(r"^(http://[^/]+)?/claims/\d+/$", headers["Location"]), headers["Location"]

    with sqlite3.connect(server["db"]) as db:
        rows = db.execute("SELECT file, size, sha256 FROM claims_poefile").fetchall()
    assert len(rows) == FILES
    expected = set()
    for i in range(FILES):
        digest = hashlib.sha256()
        for part in _pdf_parts(i, FILE_BYTES):
            digest.update(part)
        expected.add(digest.hexdigest())
    assert {sha for _f, _s, sha in rows} == expected
    for name, size, _sha in rows:
        assert size == FILE_BYTES
        assert (server["poe"] / name).stat().st_size == FILE_BYTES
    assert after < PEAK_LIMIT_MIB, f"the worker's peak RSS reached {after:.0f} MiB (before the upload {before:.0f})"
