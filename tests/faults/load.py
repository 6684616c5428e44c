"""The fault suite's load client: signed-in users browsing (reviewers the queue and claims,
partners their claims), each request timed, with a bound on everything (loopback only)."""

import http.client
import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field

from demo.files import demo_pdf
from tests.load.simulate import Browser, LoadError, Stats, csrf_token, multipart, percentile

REVIEWERS = ("reviewer1", "reviewer2", "lead")
PARTNERS = ("contoso.admin", "fabrikam.admin", "litware.admin")
TIMEOUT_S = 10.0  # a page slower than this is a timeout: a user gave up
# Seconds a user pauses between two pages: 20 users then load about 20 pages a second, which
# keeps this 2-core machine (portal, nginx, PostgreSQL, Redis and this client) about half busy.
THINK_S = (0.5, 1.5)
REVIEW_CLAIM_RE = re.compile(r'href="/review/claims/([0-9]+)/"')
PARTNER_CLAIM_RE = re.compile(r'href="/claims/([0-9]+)/"')


@dataclass
class User:
    name: str
    cookies: dict
    pages: list


@dataclass
class Sample:
    started: float
    seconds: float
    status: int | str  # "timeout" or "error: …" when there was no answer
    retry_after: str | None = None


@dataclass
class Run:
    samples: list = field(default_factory=list)

    def latencies(self) -> list[float]:
        return [s.seconds for s in self.samples if isinstance(s.status, int)]

    def p(self, q: float) -> float:
        return percentile(self.latencies(), q)

    def failures(self) -> list[Sample]:
        return [s for s in self.samples if not isinstance(s.status, int)]

    def statuses(self) -> dict:
        out = {}
        for s in self.samples:
            out[s.status] = out.get(s.status, 0) + 1
        return out

    def summary(self) -> str:
        return (
            f"{len(self.samples)} page loads, p50 {self.p(50) * 1000:.0f} ms, p95 {self.p(95) * 1000:.0f} ms,"
            f" max {max(self.latencies(), default=0) * 1000:.0f} ms, statuses {self.statuses()}"
        )


def sign_in_users(port: int, count: int) -> list[User]:
    """``count`` signed-in users, half reviewers and half partners, each with the pages it
    browses (its lists and a few claims found on them)."""
    users = []
    for i in range(count):
        reviewer = i % 2 == 0
        name = REVIEWERS[i // 2 % 3] if reviewer else PARTNERS[i // 2 % 3]
        browser = Browser("127.0.0.1", port, Stats(), f"fault-{i}")
        browser.sign_in(name)
        if reviewer:
            lists = ["/review/", "/review/?sla=overdue", "/review/?status=submitted&order=desc"]
            found = REVIEW_CLAIM_RE.findall(browser.get("/review/").text)
            claims = [f"/review/claims/{pk}/" for pk in dict.fromkeys(found)][:5]
        else:
            lists = ["/claims/", "/claims/?status=submitted"]
            found = PARTNER_CLAIM_RE.findall(browser.get("/claims/").text)
            claims = [f"/claims/{pk}/" for pk in dict.fromkeys(found)][:5]
        users.append(User(name, dict(browser.cookies), lists + claims))
    return users


def _get(port: int, user: User, path: str) -> Sample:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    headers = {"Host": f"127.0.0.1:{port}", "Cookie": "; ".join(f"{k}={v}" for k, v in user.cookies.items())}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return Sample(started, time.monotonic() - started, response.status, response.getheader("Retry-After"))
    except TimeoutError:
        return Sample(started, time.monotonic() - started, "timeout")
    except (OSError, http.client.HTTPException) as exc:
        return Sample(started, time.monotonic() - started, f"error: {type(exc).__name__}")
    finally:
        connection.close()


def browse(port: int, users: list[User], seconds: float, **kw) -> Run:
    """Every user loads one of its pages, pauses ``think`` seconds, and again, for ``seconds``."""
    return browse_while(port, users, lambda: time.sleep(seconds), **kw)[0]


def browse_while(port: int, users: list[User], action, *, think=THINK_S) -> tuple[Run, object]:
    """Every user loads one of its pages, pauses ``think`` seconds, and again, for as long as
    ``action()`` takes (at least 1 s); the page loads and what ``action`` returned (or raised)."""
    result = {}
    done = threading.Event()

    def act():
        try:
            result["value"] = action()
        except Exception as exc:  # judged by the caller
            result["value"] = exc
        finally:
            done.set()

    run = Run()
    lock = threading.Lock()
    rng = random.Random(2)  # noqa: S311
    started = time.monotonic()

    def work(user, rng):
        time.sleep(rng.uniform(0, think[1]))
        while not done.is_set() or time.monotonic() - started < 1:
            sample = _get(port, user, rng.choice(user.pages))
            with lock:
                run.samples.append(sample)
            time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=act, daemon=True)] + [
        threading.Thread(target=work, args=(user, random.Random(rng.random())), daemon=True)  # noqa: S311
        for user in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return run, result.get("value")


def slow_upload(port: int, user: User, *, megabytes: int, rate_bytes_s: int) -> tuple[int | str, float]:
    """A partner's claim form with one ``megabytes`` PoE file, sent at ``rate_bytes_s`` over a
    raw socket (as a slow line would); the answer's status and the seconds it all took."""
    browser = Browser("127.0.0.1", port, Stats(), f"upload-{user.name}")
    browser.cookies = dict(user.cookies)
    try:
        page = browser.get("/claims/new/")
    except LoadError:
        return "error: form", 0.0
    pdf = demo_pdf("Proof of execution for the fault suite.")
    content = pdf + b"\n%" + b"0" * (megabytes * 1024 * 1024 - len(pdf))
    fields = [("csrfmiddlewaretoken", csrf_token(page.text)), ("action", "save")]
    body, content_type = multipart(fields, [("poe", "evidence.pdf", content, "application/pdf")])
    cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    head = (
        f"POST /claims/new/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nCookie: {cookie}\r\nOrigin: http://127.0.0.1:{port}\r\n"
        f"Referer: http://127.0.0.1:{port}/claims/new/\r\nConnection: close\r\n\r\n"
    ).encode()
    started = time.monotonic()
    chunk = 64 * 1024
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        for offset in range(0, len(body), chunk):
            sock.sendall(body[offset : offset + chunk])
            pause = started + (offset + chunk) / rate_bytes_s - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        try:
            status_line = sock.makefile("rb").readline().decode()
        except TimeoutError:
            return "timeout", time.monotonic() - started
    status = int(status_line.split()[1]) if status_line.startswith("HTTP/") else f"error: {status_line!r}"
    return status, time.monotonic() - started
