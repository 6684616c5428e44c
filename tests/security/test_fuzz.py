"""The parameter fuzzer: every route of the resolver, every parameter its forms and links use
(read from the pages, see ``tests.security.fuzz``), a fixed corpus of hostile values (digits
that ``isdigit()`` accepts and ``int()`` refuses, digits of other scripts, fullwidth digits,
letters of several scripts, 2^63 and 10^30, negatives, empty, NUL, 10 kB, almost-numbers, broken
``pk:version`` pairs, lists where one value is expected), as every actor, plain and HTMX, under
DEBUG off, on (as ``make run``: the portal's error pages) and on with Django's technical pages:
no response is 500 or more, and no page shows a traceback.

The plan (``plan``), within CI's budget of 90 s (about 3,800 requests: 55 s on SQLite, 65 s on
PostgreSQL on a 2-core machine):

- the *primary* actor of a route (the most privileged actor shown its form or link; for a
  route no page draws, the most privileged one the access matrix lets through):
  - each numeric-looking parameter alone with each value of the corpus (and, for a
    ``pk:version`` field, its numbers made hostile one at a time), the other fields as the
    page drew them, blanks filled: a value that parses reaches the service and the database;
  - each other parameter the pages draw alone once (the corpus dealt over them in turn; on an
    admin route, Django's own views, each numeric-looking one);
  - 4 requests (2 on an admin route) that deal the corpus over all the route's parameters,
    drawn and ``fuzz.FLOOR``, all hostile at once: every value reaches every route;
- every other actor: the corpus (without its 10 kB values) dealt over all the parameters, once
  plain and once with HTMX (on an admin route, which refuses them before reading anything, in
  one of the two modes, alternating from route to route);
- the modes and the three DEBUG settings in turn over all of these;
- last, every rate limit at 0: the 429 answers, which repeat the typed text back.

``CPOR_FUZZ=deep`` adds every value in every drawn parameter alone (two modes; the admin one)
and every value in all parameters at once (every mode and DEBUG setting; the admin two): about
42,000 requests, 18 minutes on SQLite and 22 on PostgreSQL. ``CPOR_FUZZ_ROUTES=claims:,review:``
limits a run to the routes whose names start so.

Each request runs in a savepoint that is rolled back, so one request's success (an approval,
a withdrawal) never changes what the next one meets: every action meets its claim or case in
the state its form was drawn for. The rate limits are lifted meanwhile, or they would answer
before a value reaches the view.
"""

import os
import re
import time
import traceback
from collections import Counter

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse

from arbitration.services import arbitration_award
from arbitration.tests.helpers import contested_case
from claims import services
from claims.models import RejectionReason
from claims.tests.factories import SubscriptionFactory
from lib.admin import StrictAdminMixin
from tests.security import fuzz
from tests.security.conftest import _file_claim, client_for, htmx, tally
from tests.security.matrix import (
    ACTOR_PROFILE,
    OK_POST,
    ROUTES,
    _objects_urls,
    admin_cases,
    all_patterns,
    portal_cases,
)

MODES = {"plain": {}, "htmx": htmx()}
PAGES_PER_ROUTE = 2  # the crawl: pages followed per (actor, route) beyond the seeds


@pytest.fixture
def fuzz_world(world, admin_rows, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, reviewer1, lead):
    """The security world, plus Contoso's claims in every state an action applies to and a
    decided arbitration case (so every action form is drawn, and posted to where it applies)."""
    products = list(world.companies["contoso"].claim.products.all())

    def filed(submit=True):
        sub = SubscriptionFactory(products=products)
        return _file_claim(contoso_mpn, contoso_admin, sub=sub, products=products, submit=submit)

    def reviewing():
        return services.claim_start_review(claim=filed(), user=reviewer1)

    states = {
        "draft": filed(submit=False),
        "submitted": filed(),
        "under_review": reviewing(),
        "action_required": services.claim_request_info(
            claim=reviewing(), user=reviewer1, reasons=["dates"], message="Which dates?"
        ),
        "approved": services.claim_approve(claim=reviewing(), user=reviewer1),
        "rejected": services.claim_reject(
            claim=reviewing(), user=reviewer1, reason=RejectionReason.PARTNER_REQUEST_WRONG_MPN
        ),
    }
    decided, _incumbent, challenger = contested_case(
        contoso=(contoso_mpn, contoso_admin),
        fabrikam=(fabrikam_mpn, fabrikam_admin),
        reviewer=reviewer1,
        sub=SubscriptionFactory(products=products),
        products=products,
    )
    arbitration_award(case=decided, user=lead, winner=challenger, reason="The challenger's PoE is complete.")
    world.extra.update(states=states, decided=decided)
    return world


def extra_pages(world) -> list[str]:
    """Pages of the claims and cases in each state (the crawl also finds them through the lists)."""
    pages = [reverse("arbitration:case", args=[case.pk]) for case in (world.case, world.extra["decided"])]
    for claim in world.extra["states"].values():
        pages += [reverse("claims:detail", args=[claim.pk]), reverse("claims:edit", args=[claim.pk])]
        pages.append(reverse("review:claim", args=[claim.pk]))
    closed = world.companies["contoso"].closed
    pages.append(reverse("claims:reclaim", args=[closed.pk]))
    return pages


def _allowed(expected) -> bool:
    return expected in (200, 302) or expected == OK_POST or isinstance(expected, frozenset)


def _gets_through(key: str, actor: str, method: str = "get") -> bool:
    """Whether the matrix lets the actor use the route by that method (on its own object)."""
    route = ROUTES.get(key)
    if route is None:  # an admin route: staff only (a portal route the matrix lacks: anyone signed in)
        return ACTOR_PROFILE[actor]["staff"] if key.startswith("admin") else actor != "anonymous"
    policy = route.get if method == "get" and route.method == "post" else route.expect
    if policy is None:
        return False
    return _allowed(policy(actor, route.objects[0] if route.objects else None))


def _subclasses(cls) -> set[str]:
    return {cls.__name__}.union(*(_subclasses(sub) for sub in cls.__subclasses__()))


def _suspicious(body: bytes) -> str | None:
    """The exception a technical page names in its title, when it is a SuspiciousOperation."""
    match = re.search(rb"<title>\s*(\w+)", body)
    name = match[1].decode() if match else ""
    return name if name in _subclasses(SuspiciousOperation) else None


def _where(tb) -> str:
    """The last frames of a traceback in the project (else the last frame): file:line function."""
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "site-packages" not in f.filename] or frames[-1:]
    return " < ".join(f"{os.path.relpath(f.filename)}:{f.lineno} {f.name}" for f in reversed(ours[-3:]))


class Sender:
    """Requests in a rolled-back savepoint, one signed-in client per actor; what came back."""

    def __init__(self, world):
        self.world = world
        self.clients = {}
        self.sent = Counter()  # by tier
        self.seconds = Counter()  # by tier
        self.statuses = Counter()
        self.reached = set()  # (actor, route key)
        self.failures = {}  # signature → (count, one example, its traceback)
        self.debug = "off"  # the DEBUG setting of the requests now (DEBUGS)
        self.debug_400 = Counter()  # Django's DEBUG page for a SuspiciousOperation (a 400), by exception

    def client(self, actor):
        if actor not in self.clients:
            self.clients[actor] = client_for(actor, self.world, raise_request_exception=False)
        return self.clients[actor]

    def send(self, actor, method, url, pairs, headers, *, what="", key=""):
        data = {}
        for k, v in pairs:
            data.setdefault(k, []).append(v)
        client = self.client(actor)
        started = time.perf_counter()
        with transaction.atomic():
            response = (client.post if method == "post" else client.get)(url, data, **headers)
            # (a streamed body is read to its end, so a failure while streaming shows; the test
            # client closes the response then)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            transaction.set_rollback(True)  # the next request meets the world as it was
        self.seconds[what] += time.perf_counter() - started
        self.sent[what] += 1
        self.reached.add((actor, key))
        self.statuses[response.status_code] += 1
        if response.cookies.get("sessionid") is not None or django_settings.LANGUAGE_COOKIE_NAME in response.cookies:
            self.clients.pop(actor, None)  # signed in or out, or switched language: start again
        exc = getattr(response, "exc_info", None)
        shows_traceback = b"Traceback" in body or b"technical_500" in body
        suspicious = _suspicious(body) if response.status_code == 400 and shows_traceback else None
        if suspicious:
            # Django's technical page (DEBUG_TECHNICAL_PAGES) for a request it refuses as
            # suspicious, e.g. a login redirect longer than it allows: a 400 by design.
            self.debug_400[suspicious] += 1
        elif response.status_code >= 500 or shows_traceback:
            reason = f"{exc[0].__name__}: {str(exc[1])[:160]}" if exc else repr(body[:160])
            where = _where(exc[2]) if exc else ""
            signature = (key, method, exc[0].__name__ if exc else response.status_code, where)
            example = (
                f"{method.upper()} {url} as {actor} [{what}, {'HTMX' if headers else 'plain'},"
                f" DEBUG {self.debug}] {fuzz.label(dict(pairs))[:120]}: {response.status_code} {reason}"
                + (f" at {where}" if where else "")
            )
            count, first, tb = self.failures.get(signature, (0, example, ""))
            tb = tb or ("".join(traceback.format_exception(*exc)) if exc else "")
            self.failures[signature] = (count + 1, first, tb)
        return response, body

    def report(self) -> str:
        lines = [f"{len(self.failures)} kinds of response ≥ 500 (or with a traceback):"]
        for (key, method, _exc, _where), (count, example, _tb) in sorted(self.failures.items(), key=str):
            lines.append(f"- {method.upper()} {key}: {count}× e.g. {example}")
        return "\n".join(lines)


# --- discovery ------------------------------------------------------------------------------


# Who reads the pages: each draws its own forms (a lead's assignee select and revert form, a
# writer's action forms, the admin's change forms); the other actors see subsets of these.
CRAWLERS = {"anonymous": "portal", "contoso.admin": "portal", "lead": "portal", "superuser": "admin"}


def seed_urls(world) -> list[tuple[str, str]]:
    """(key, url) of every page of the matrix that takes GET, on its "own" object, and of the admin."""
    seeds = {}
    for case in portal_cases(world):
        route = ROUTES[case.key]
        if case.method == "get" and case.obj in (None, "own") and (route.method == "get" or route.get):
            seeds.setdefault(case.key, case.url)
    for case in admin_cases(world):
        seeds.setdefault(case.key, case.url)
    return list(seeds.items())


def discover(world, sender) -> fuzz.Surfaces:
    """Crawl the pages as each of ``CRAWLERS`` and read their forms and links (``fuzz``)."""
    surfaces = fuzz.Surfaces()
    seeds = seed_urls(world)
    for actor, side in CRAWLERS.items():
        # the seeds are all fetched; the links found are followed a few pages per route
        queue = [url for key, url in seeds if key.startswith("admin") == (side == "admin")]
        if side == "portal" and actor != "anonymous":
            queue += extra_pages(world)
        seeded, fetched, per_route = len(queue), set(), Counter()
        while queue:
            url = queue.pop(0).split("#")[0]
            seeded -= 1
            key = fuzz.route_key(url.split("?")[0])
            if key is None or url in fetched or key in ("logout", "admin:logout"):
                continue
            if key.startswith("admin") != (side == "admin") or not _gets_through(key, actor):
                continue
            if seeded < 0 and per_route[key] >= (0 if side == "admin" else PAGES_PER_ROUTE):
                continue
            fetched.add(url)
            per_route[key] += 1
            response, body = sender.send(actor, "get", url, [], {}, what="crawl", key=key)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                queue += [u.removeprefix("http://testserver") for u in surfaces.add_page(url, body.decode(), actor)]
    return _complete(world, surfaces)


def _methods(key) -> tuple:
    route = ROUTES.get(key)
    if route is None:
        return ("get",)  # an admin route (its forms' POSTs are found on its pages)
    return ("get", "post") if route.method == "post" and route.get is not None else (route.method,)


def _complete(world, surfaces):
    """Every route of the resolver has a surface with a URL and an actor: a route no page
    linked or posted to gets the matrix's URL, body and first actor it lets through."""
    builders = _objects_urls(world)
    admin_urls = {case.key: case.url for case in admin_cases(world)}
    for pattern in all_patterns():
        route = ROUTES.get(pattern.key)
        for method in _methods(pattern.key):
            surface = surfaces.get_or_add(pattern.key, method)
            if not surface.url:
                if route is None:
                    surface.url = admin_urls[pattern.key]
                else:
                    obj = "own" if route.objects else None
                    build = builders.get(pattern.key, builders["_default"])
                    surface.url = reverse(pattern.key, args=build(obj)) if obj else reverse(pattern.key)
            if not surface.actor:  # shown to nobody: the most privileged actor the matrix lets through
                surface.actor = next((a for a in fuzz.RANK if _gets_through(pattern.key, a, method)), "anonymous")
            if method == "post" and not surface.seen and route is not None and route.body:
                surface.base = list(route.body.items())
    return surfaces.finish()


# --- the plan -------------------------------------------------------------------------------

# Where the requests run: DEBUG off (production); DEBUG on as ``make run`` has it (the portal's
# own error pages, lib.middleware.PortalErrorPagesMiddleware); DEBUG on with Django's technical
# pages (DEBUG_TECHNICAL_PAGES=1), where a crash would show its traceback.
DEBUGS = {
    "off": {"DEBUG": False, "DEBUG_TECHNICAL_PAGES": False},
    "on": {"DEBUG": True, "DEBUG_TECHNICAL_PAGES": False},
    "technical": {"DEBUG": True, "DEBUG_TECHNICAL_PAGES": True},
}
# (mode, DEBUG) in turn: the quick plan spreads its requests over the six, so that any three
# requests in a row meet the three DEBUG settings and both modes.
COMBOS = tuple((list(MODES)[j % 2], list(DEBUGS)[j % 3]) for j in range(6))
SPREAD = 4  # quick: requests per route spreading the corpus over all its parameters (primary actor)
ADMIN_SPREAD = 2  # quick: the same for an admin route (Django's own views; the superuser)
# Django caps an inline formset's TOTAL_FORMS at absolute_max (2000) and draws that many empty
# forms: 3 s a request. The fuzzer keeps the management form as drawn.
MANAGEMENT = re.compile(r".*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$")


def tiers(surface) -> tuple[str, list[str]]:
    """(primary, the other actors): the actor shown the route's form or link, the rest from the
    most privileged down."""
    return surface.actor, [a for a in fuzz.RANK if a != surface.actor]


def plan(surface, *, deep=False):
    """The requests for one route: (DEBUG, tier, actor, mode, pairs)."""
    primary, others = tiers(surface)
    base, admin = surface.base, surface.key.startswith("admin")
    names = {n for n in surface.names if not MANAGEMENT.fullmatch(n)}
    drawn = names & surface.drawn
    numeric = drawn & surface.numeric
    if deep:  # every value in every parameter alone (two modes) and all at once (every mode)
        for j, (mode, debug) in enumerate(COMBOS):
            for value in fuzz.CORPUS if j < 2 or not admin else ():
                yield debug, "batched", primary, mode, fuzz.with_value(base, names, value)
            for name in sorted(drawn) if j < (1 if admin else 2) else ():
                for value in (*fuzz.CORPUS, *surface.shapes.get(name, ())):
                    yield debug, "alone", primary, mode, fuzz.with_value(base, {name}, value)
    turn = 0
    if not admin:
        # each numeric-looking parameter alone with each value of the corpus (and its pk:version
        # shapes), the other parameters as drawn: a value that parses reaches the service
        for name in sorted(numeric):
            for value in (*fuzz.CORPUS, *surface.shapes.get(name, ())):
                mode, debug = COMBOS[turn % len(COMBOS)]
                turn += 1
                yield debug, "alone", primary, mode, fuzz.with_value(base, {name}, value)
    # each other parameter alone once (on an admin route each numeric-looking one), with the
    # next value of the corpus
    for name in sorted(numeric if admin else drawn - numeric):
        mode, debug = COMBOS[turn % len(COMBOS)]
        yield debug, "alone", primary, mode, fuzz.with_value(base, {name}, fuzz.CORPUS[turn % len(fuzz.CORPUS)])
        turn += 1
    # the corpus spread over every parameter (drawn and floor), all hostile at once
    spread = ADMIN_SPREAD if admin else SPREAD
    for k in range(spread):
        mode, debug = COMBOS[k % len(COMBOS)]
        yield debug, "spread", primary, mode, fuzz.rotated(base, names, k, spread)
    # every other actor, plain and HTMX, under DEBUG off, on or with technical pages in turn (on an
    # admin route, where the admin's login check refuses them before anything is read, one mode
    # each, plain on one route and HTMX on the next)
    for t, actor in enumerate(others):
        for m, mode in enumerate(MODES):
            if admin and not deep and (t + m + len(surface.key)) % 2:
                continue
            debug = list(DEBUGS)[(t + m) % len(DEBUGS)]
            yield debug, "others", actor, mode, fuzz.rotated(base, names, t + m, 1, fuzz.SHORT)


def run(surfaces, sender, settings, *, deep=False):
    """Every request of the plan, grouped by DEBUG setting (switching DEBUG drops Django's
    template cache, so it is switched once per setting, not per request)."""
    requests = {debug: [] for debug in DEBUGS}
    for surface in sorted(surfaces.values(), key=lambda s: (s.key, s.method)):
        if ONLY and not surface.key.startswith(ONLY):
            continue
        for debug, tier, actor, mode, pairs in plan(surface, deep=deep):
            requests[debug].append((surface, tier, actor, mode, pairs))
    for debug, batch in requests.items():
        for name, value in DEBUGS[debug].items():
            setattr(settings, name, value)
        sender.debug = debug
        for surface, tier, actor, mode, pairs in batch:
            sender.send(actor, surface.method, surface.url, pairs, MODES[mode], what=tier, key=surface.key)
    # The 429 answers of the rate-limited routes, with hostile values in the text they repeat
    # (a limit of 0: the first request is over it).
    settings.RATE_LIMITS = dict.fromkeys(django_settings.RATE_LIMITS, (0, 3600))
    for name, value in DEBUGS["off"].items():
        setattr(settings, name, value)
    sender.debug = "off"
    for surface in sorted(surfaces.values(), key=lambda s: (s.key, s.method)):
        if not surface.key.startswith("admin"):
            for k, mode in enumerate(MODES):
                pairs = fuzz.rotated(surface.base, surface.names, k, 2)
                headers = MODES[mode]
                sender.send(surface.actor, surface.method, surface.url, pairs, headers, what="limited", key=surface.key)


# CPOR_FUZZ=deep: every value in every parameter alone and all at once (about 20 minutes);
# CPOR_FUZZ_ROUTES=claims:,review: only the routes whose names start so (while fixing).
DEEP = os.environ.get("CPOR_FUZZ") == "deep"
ONLY = tuple(p for p in os.environ.get("CPOR_FUZZ_ROUTES", "").split(",") if p)


def test_fuzz_every_parameter_of_every_route(fuzz_world, settings, quiet_request_log, capsys):
    """No response ≥ 500 and no traceback, for every request of the plan (module docstring)."""
    started = time.perf_counter()
    # The rate limits would answer 429 before a value reaches the view; they get their own pass.
    settings.RATE_LIMITS = dict.fromkeys(django_settings.RATE_LIMITS, (10**9, 60))
    sender = Sender(fuzz_world)
    surfaces = discover(fuzz_world, sender)
    crawled = sum(sender.sent.values())
    # every route of the resolver has its surface, and the pages gave the forms their names
    assert {p.key for p in all_patterns()} <= {key for key, _method in surfaces}
    for (key, method), expected in DRAWN.items():
        assert expected <= surfaces[(key, method)].drawn, (key, method, sorted(surfaces[(key, method)].drawn))
    run(surfaces, sender, settings, deep=DEEP)
    elapsed = time.perf_counter() - started
    fuzzed = sum(sender.sent.values()) - crawled
    routes = {key for key, _method in surfaces}
    actors = {actor for (actor, _key) in sender.reached}
    pairs = sum(len(s.names) for s in surfaces.values())
    tally("parameter fuzzer: requests", fuzzed)
    tally("parameter fuzzer: route × parameter pairs", pairs)
    with capsys.disabled():
        print(
            f"\nparameter fuzzer ({'deep' if DEEP else 'quick'}): {len(routes)} routes ({len(surfaces)} route×method),"
            f" {pairs} route×parameter pairs, {len(actors)} actors, {crawled} pages read,"
            f" {fuzzed} requests in {elapsed:.0f}s; by tier {dict(sender.sent)};"
            f" statuses {dict(sorted(sender.statuses.items()))};"
            f" seconds by tier { {k: round(v) for k, v in sender.seconds.items()} };"
            f" DEBUG pages of a 400 for a suspicious request {dict(sender.debug_400)}"
        )
    assert not sender.failures, sender.report()


# What discovery must find (a check that the page reading has not rotted; the fuzzer itself
# uses whatever the pages draw, which is more).
DRAWN = {
    ("claims:edit", "post"): {"version", "mpn", "products", "customer_tenant_id", "subscription_ref", "action"},
    ("claims:withdraw", "post"): {"version", "reason", "confirm"},
    ("claims:dispute", "post"): {"justification"},
    ("claims:end", "post"): {"message", "confirm"},
    ("claims:resubmit", "post"): {"message"},
    ("claims:check_subscription", "get"): {"subscription_ref", "customer_tenant_id"},
    ("review:bulk", "post"): {"action", "claim"},
    ("review:revert", "post"): {"version", "reason"},
    ("review:reject", "post"): {"version", "reason"},
    ("review:queue", "get"): {"q", "status", "partner", "mpn", "per"},
    ("arbitration:award", "post"): {"version", "claim_versions", "winner", "reason"},
    ("arbitration:request_info", "post"): {"version", "claim_versions", "claims", "reasons", "message"},
    ("arbitration:reopen", "post"): {"version", "reason"},
    ("arbitration:case", "get"): {"ask"},
    ("set_language", "post"): {"language", "next"},
    ("login", "post"): {"username", "password"},
    ("admin:claims_claim_changelist", "get"): {"q", "o"},
}


# Found by the fuzzer: the language switch handed its ``next`` to ``redirect()``, which reads a
# word ("ж", "2", 2^63, "a b") as a URL name to reverse: a 500. It is a path on this site or "/".
@pytest.mark.parametrize(
    "target", ["2", "ж", str(2**63), "a\x00b", "claims:list", "/claims/?q=\x00", "/" + "x" * 3000, "//evil.example"]
)
def test_language_switch_with_a_next_that_is_no_path(client, target):
    response = client.post(reverse("set_language"), {"language": "sv", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_keeps_a_next_that_is_a_path(client):
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/claims/?status=submitted&q=ж"})
    assert response["Location"] == "/claims/?status=submitted&q=%D0%B6"


# Found by the fuzzer, on PostgreSQL: Django's sign-in form does not check the username's length,
# so a longer one went to authenticate() and into django-axes' failure record (255 characters):
# a 500 on the sign-in page. accounts.forms.LoginForm checks it; nothing is recorded.
@pytest.mark.parametrize("username", ["x" * 151, "x" * 300, "ж" * 5_120, "9" * 10_240])
def test_sign_in_with_a_username_longer_than_any(client, db, username):
    response = client.post(reverse("login"), {"username": username, "password": "pw"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


# Found by the fuzzer: every model admin reads its parameters the strict way (lib.admin), so a
# new one must too: Django's own fields and changelists answer "ж", 2^63 or a NUL with a 500
# (its autocomplete select, "pk__in" on SQLite, a NUL in a filter on PostgreSQL, the date
# hierarchy's int()).
def test_every_model_admin_reads_its_parameters_the_strict_way():
    loose = [
        f"{model._meta.label} ({type(model_admin).__name__})"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, StrictAdminMixin)
    ]
    assert not loose, "model admins without lib.admin.StrictAdminMixin: " + ", ".join(loose)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("admin:claims_claim_changelist", {"status__exact": "\x00"}),
        ("admin:claims_claim_changelist", {"status": "a\x00b"}),
        ("admin:accounts_user_changelist", {"language__exact": "\x00"}),
        ("admin:axes_accessattempt_changelist", {"path_info": "\x00"}),
        ("admin:arbitration_arbitrationcase_changelist", {"activity": "\x00"}),
        ("admin:arbitration_arbitrationcase_changelist", {"opened_at__year": str(2**63)}),
        ("admin:arbitration_arbitrationcase_changelist", {"opened_at__year": "1"}),
        ("admin:arbitration_arbitrationcase_changelist", {"opened_at__year": "9999", "opened_at__month": "12"}),
        ("admin:axes_accesslog_changelist", {"attempt_time__year": "٣"}),
        ("admin:axes_accessfailurelog_changelist", {"attempt_time__year": "2024", "attempt_time__month": " 1"}),
    ],
)
def test_admin_filters_that_no_query_takes(world, name, params):
    client = client_for("superuser", world)
    response = client.get(reverse(name), params)
    assert response.status_code == 302 and response["Location"].endswith("?e=1"), response.status_code
    assert client.get(reverse(name), {"opened_at__year": "2024"} if "arbitration" in name else {}).status_code == 200
