"""Simulated portal users for the load test: partner admins who file drafts, submit claims
with a PoE file and comment, and reviewers who work the queue (list, filter, open a claim,
post internal notes). Standard library only: ``http.client`` with a cookie jar of our own
and Django's CSRF token, each user signed in through ``/accounts/login/``.

Every user records what it believes it created (claims by a unique token in their
description, comments and notes by a unique body), so the test can compare the client's
successes with the rows in the database afterwards."""

import http.client
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PASSWORD = "cpor-demo"
TIMEOUT = 60  # seconds for one request: a slower answer is an error
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_ACTION_RE = re.compile(r'action="/claims/([0-9]+)/edit/"')
DETAIL_RE = re.compile(r"^/claims/([0-9]+)/$")
# The status pill of the page's heading (after the claim's name and reference).
STATUS_RE = re.compile(r'<h1>(?:(?!</h1>).)*?<span class="pill status-([a-z_]+)">', re.S)
SUBMIT_VERSION_RE = re.compile(r'action="/claims/[0-9]+/submit/">.*?name="version" value="([0-9]+)"', re.S)
ID_RE = re.compile(r"/[0-9]+/")
QUEUE_ROW_RE = re.compile(r'href="/review/claims/([0-9]+)/"')
QUEUE_FILTERS = [
    "",
    "?activity=usage",
    "?activity=presales&sla=on_track",
    "?sla=overdue",
    "?status=submitted",
    "?solution_area=microsoft_365&activity=usage",
    "?assigned=unassigned",
    "?competing=no&order=desc",
]


class LoadError(Exception):
    pass


@dataclass
class Stats:
    """Shared by all users (list.append is atomic in CPython; the lock guards the rest)."""

    latencies: list = field(default_factory=list)
    by_route: dict = field(default_factory=dict)  # "GET /claims/<id>/" -> [seconds]
    errors: list = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, seconds: float) -> None:
        self.latencies.append(seconds)
        route = f"{method} {ID_RE.sub('/<id>/', path.split('?', 1)[0])}"
        self.by_route.setdefault(route, []).append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


@dataclass
class Ledger:
    """What one user saw succeed."""

    claims: dict = field(default_factory=dict)  # token -> "submitted" | "editing"
    poe_files: int = 0
    comments: set = field(default_factory=set)  # partner comments (visible)
    notes: set = field(default_factory=set)  # reviewer internal notes
    refused: int = 0  # submissions the portal refused with a form error (the draft stays)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path


class Browser:
    """One user's HTTP session against 127.0.0.1 only."""

    def __init__(self, host: str, port: int, stats: Stats, name: str):
        if host != "127.0.0.1":
            raise ValueError("the load generator only talks to 127.0.0.1")
        self.host, self.port, self.stats, self.name = host, port, stats, name
        self.cookies: dict[str, str] = {}

    def _store_cookies(self, headers) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def request(self, method: str, path: str, *, body=b"", content_type="", expect=(200,), htmx=False) -> Response:
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": f"cpor-load/{self.name}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if htmx:
            headers["HX-Request"] = "true"
        if method == "POST":
            headers["Origin"] = f"http://{self.host}:{self.port}"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body or None, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.stats.error(f"{self.name} {method} {path}: {type(exc).__name__}: {exc}")
            raise LoadError(str(exc)) from exc
        finally:
            connection.close()
        self.stats.record(method, path, time.perf_counter() - started)
        self._store_cookies(raw.headers)
        response = Response(raw.status, raw.headers, text)
        if raw.status not in expect:
            self.stats.error(f"{self.name} {method} {path}: HTTP {raw.status} (expected {expect}) {text[:300]!r}")
            raise LoadError(f"HTTP {raw.status}")
        return response

    def get(self, path, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path, fields, *, files=None, referer_page: Response | None = None, **kw) -> Response:
        token = csrf_token(referer_page.text if referer_page else "") or self.cookies.get("csrftoken", "")
        data = [("csrfmiddlewaretoken", token), *fields]
        if files:
            body, content_type = multipart(data, files)
        else:
            body, content_type = urlencode(data).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, content_type=content_type, **kw)

    def follow(self, response: Response) -> Response:
        """What the browser does after a redirect: load the page it points to (and on)."""
        for _hop in range(5):
            response = self.get(response.location, expect=(200, 301, 302))
            if response.status == 200:
                return response
        self.stats.error(f"{self.name}: too many redirects ending at {response.location!r}")
        raise LoadError("redirect loop")

    def sign_in(self, username: str) -> None:
        page = self.get("/accounts/login/")
        response = self.post(
            "/accounts/login/",
            [("username", username), ("password", PASSWORD), ("next", "")],
            referer_page=page,
            expect=(302,),
        )
        if "sessionid" not in self.cookies:
            self.stats.error(f"{self.name}: signed in without a session cookie")
            raise LoadError("no session")
        self.follow(response)


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    return match[1] if match else ""


def multipart(fields, files):
    boundary = f"----cpor-load-{uuid.uuid4().hex}"
    lines = []
    for name, value in fields:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            str(value).encode(),
        ]
    for name, filename, content, content_type in files:
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
            f"Content-Type: {content_type}".encode(),
            b"",
            content,
        ]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def small_pdf(text: str) -> bytes:
    from demo.files import demo_pdf

    return demo_pdf(text)


@dataclass
class PartnerPlan:
    username: str
    mpn_pk: int
    products: list  # (pk, code) of Microsoft 365 workloads on every load tenant
    tenants: list  # (tenant_id, domain) reserved for this user: its keys never collide


class PartnerUser:
    """Files drafts and claims (each with one PoE file), submits drafts, comments."""

    def __init__(self, browser: Browser, plan: PartnerPlan, deadline: float, rng: random.Random, think: float):
        self.b, self.plan, self.deadline, self.rng, self.think = browser, plan, deadline, rng, think
        self.ledger = Ledger()
        self.keys = [(t, p) for t in plan.tenants for p in plan.products]
        self.submitted_pks: list[int] = []
        self.n = 0

    def _next_key(self):
        if not self.keys:
            raise LoadError("out of unused association keys")
        return self.keys.pop()

    def _fields(self, action: str, token: str):
        (tenant_id, domain), (product_pk, product_code) = self._next_key()
        return [
            ("action", action),
            ("version", ""),
            ("name", f"Load claim {domain} {product_code}"),
            ("mpn", self.plan.mpn_pk),
            ("customer_tenant_id", tenant_id),
            ("customer_domain", domain),
            ("solution_area", "microsoft_365"),
            ("activity", "usage"),
            ("products", product_pk),
            ("customer_contact_name", "Load Contact"),
            ("customer_contact_title", "IT Manager"),
            ("customer_contact_email", f"it@{domain}"),
            ("partner_contact_name", "Load Partner"),
            ("partner_contact_email", "partner@contoso.example"),
            ("description", f"Rolled out {product_code} for the customer. {token}"),
        ]

    def _token(self) -> str:
        self.n += 1
        return f"LOAD-{self.b.name}-{self.n}-{uuid.uuid4().hex[:10]}"

    def _file_claim(self, action: str):
        """New claim form → Save draft or Submit claim, with one PoE file. Returns (token, pk, status)."""
        form = self.b.get("/claims/new/")
        token = self._token()
        pdf = small_pdf(f"PoE {token}")
        response = self.b.post(
            "/claims/new/",
            self._fields(action, token),
            files=[("poe", f"poe-{self.n}.pdf", pdf, "application/pdf")],
            referer_page=form,
            expect=(200, 302),
        )
        if response.status == 200:  # refused: the draft was saved, the form came back
            match = DRAFT_ACTION_RE.search(response.text)
            if not match:
                self.b.stats.error(f"{self.b.name}: claim form came back without a saved draft: {token}")
                raise LoadError("form refused")
            self.ledger.claims[token] = "editing"
            self.ledger.poe_files += 1
            self.ledger.refused += 1
            return token, int(match[1]), "editing"
        match = DETAIL_RE.match(response.location)
        if not match:
            self.b.stats.error(f"{self.b.name}: claim form redirected to {response.location!r}")
            raise LoadError("bad redirect")
        pk = int(match[1])
        # From here the claim exists with its file, whatever the next page says.
        self.ledger.claims[token] = "?"
        self.ledger.poe_files += 1
        page = self.b.follow(response)
        status = page_status(page.text)
        self.ledger.claims[token] = status
        return token, pk, status

    def submit_new(self):
        token, pk, status = self._file_claim("submit")
        if status == "submitted":
            self.submitted_pks.append(pk)
        elif status != "editing":
            self.b.stats.error(f"{self.b.name}: new claim {pk} is {status!r} after Submit")

    def draft_then_submit(self):
        token, pk, status = self._file_claim("save")
        if status != "editing":
            self.b.stats.error(f"{self.b.name}: draft {pk} is {status!r} after Save draft")
            return
        page = self.b.get(f"/claims/{pk}/")
        version = SUBMIT_VERSION_RE.search(page.text)
        if not version:
            self.b.stats.error(f"{self.b.name}: draft {pk} page has no submit form")
            return
        response = self.b.post(f"/claims/{pk}/submit/", [("version", version[1])], referer_page=page, expect=(200, 302))
        if response.status == 200:
            self.ledger.refused += 1
            return
        status = page_status(self.b.follow(response).text)
        self.ledger.claims[token] = status
        if status == "submitted":
            self.submitted_pks.append(pk)

    def comment(self):
        if not self.submitted_pks:
            return self.submit_new()
        pk = self.rng.choice(self.submitted_pks)
        page = self.b.get(f"/claims/{pk}/")
        token = self._token()
        body = f"Comment {token}"
        response = self.b.post(f"/claims/{pk}/comments/", [("body", body)], referer_page=page, expect=(302,))
        self.ledger.comments.add(body)
        self.b.follow(response)

    def browse(self):
        self.b.get(self.rng.choice(["/claims/", "/claims/?status=submitted", "/claims/?sort=-created"]))
        if self.submitted_pks:
            self.b.get(f"/claims/{self.rng.choice(self.submitted_pks)}/")

    def run(self):
        actions = [self.submit_new] * 4 + [self.draft_then_submit] * 2 + [self.comment] * 3 + [self.browse] * 2
        while time.monotonic() < self.deadline:
            try:
                self.rng.choice(actions)()
            except LoadError:
                time.sleep(0.5)
            time.sleep(self.rng.uniform(0, self.think))


class ReviewerUser:
    """Lists and filters the queue (sometimes as HTMX), opens claims, posts internal notes."""

    def __init__(self, browser: Browser, deadline: float, rng: random.Random, think: float):
        self.b, self.deadline, self.rng, self.think = browser, deadline, rng, think
        self.ledger = Ledger()
        self.seen: list[int] = []
        self.n = 0

    def queue(self):
        htmx = self.rng.random() < 0.5
        response = self.b.get("/review/" + self.rng.choice(QUEUE_FILTERS), htmx=htmx)
        rows = [int(pk) for pk in QUEUE_ROW_RE.findall(response.text)]
        if rows:
            self.seen = rows

    def open_and_note(self):
        if not self.seen:
            return self.queue()
        pk = self.rng.choice(self.seen)
        page = self.b.get(f"/review/claims/{pk}/")
        self.n += 1
        body = f"Internal note LOAD-{self.b.name}-{self.n}-{uuid.uuid4().hex[:10]}"
        if self.rng.random() < 0.5:
            response = self.b.post(
                f"/review/claims/{pk}/comment/",
                [("visibility", "internal"), ("body", body)],
                referer_page=page,
                htmx=True,
            )
            if "commentAdded" not in response.headers.get("HX-Trigger", ""):
                self.b.stats.error(f"{self.b.name}: internal note on {pk} not confirmed")
                return
            self.ledger.notes.add(body)
        else:
            response = self.b.post(
                f"/review/claims/{pk}/comment/",
                [("visibility", "internal"), ("body", body)],
                referer_page=page,
                expect=(302,),
            )
            self.ledger.notes.add(body)
            self.b.follow(response)

    def run(self):
        actions = [self.queue] * 3 + [self.open_and_note] * 2
        while time.monotonic() < self.deadline:
            try:
                self.rng.choice(actions)()
            except LoadError:
                time.sleep(0.5)
            time.sleep(self.rng.uniform(0, self.think))


def page_status(html: str) -> str:
    match = STATUS_RE.search(html)
    return match[1] if match else "?"


def percentile(values, p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
