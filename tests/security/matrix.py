"""The access matrix: every URL pattern of the project, what kind of route it is, and the
status each actor must get for each object.

``ROUTES`` classifies every named portal route; admin routes are classified by the shape
Django's ``ModelAdmin``/``AdminSite`` give them (``ADMIN_SITE_ROUTES`` and
``ADMIN_MODEL_SUFFIXES``), so a custom admin URL is unclassified too. ``all_patterns()``
walks the resolver; ``unclassified()`` lists what the table does not know, and the matrix
test fails on it: a new route cannot slip in without someone deciding who may use it.

Decisions written down here (the product's rules, see ``claims.access``):

- anonymous → 302 to ``/accounts/login/?next=<path>`` (admin: ``/admin/login/?next=``);
  ``/healthz``, the login page, the language switch and the customer's consent page are public;
- a partner user on another company's object, or on an object that does not exist → 404
  (we never confirm that another company's claim exists);
- a read-only member (Incentives user) on any write → 403;
- reviewers, leads and superusers on partner-only pages (my claims, the claim form, the claim
  page and its actions) → 404: they have no company, and the partner side is not theirs
  (their PoE downloads of submitted claims are allowed: the review screen links them);
- partner users on reviewer pages (queue, review screen, arbitration, export, re-check)
  → 403, decided before any object is looked up (so it leaks nothing);
- a reviewer on a lead-only action (revert, reopen) → 403;
- GET on a POST-only URL → 405 for anyone past the login check;
- a staff-less user on an admin URL → 302 to the admin's login (its own ``next``).
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consent.requests import consent_current
from consent.tokens import link_token
from tests.security.conftest import ACTORS, OWNERS

LOGIN = "login"  # 302 to the portal's login with ?next=
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login with ?next=
OK_POST = frozenset({200, 302})
# A reviewer's action posted without the version its form carries is refused as stale: 409.
OK_STALE = frozenset({200, 302, 409})

# What each actor is.
ACTOR_PROFILE = {
    "anonymous": {"company": None, "writer": False, "reviewer": False, "lead": False, "staff": False},
    "contoso.admin": {"company": "contoso", "writer": True, "reviewer": False, "lead": False, "staff": False},
    "contoso.viewer": {"company": "contoso", "writer": False, "reviewer": False, "lead": False, "staff": False},
    "fabrikam.admin": {"company": "fabrikam", "writer": True, "reviewer": False, "lead": False, "staff": False},
    "reviewer": {"company": None, "writer": False, "reviewer": True, "lead": False, "staff": False},
    "lead": {"company": None, "writer": False, "reviewer": True, "lead": True, "staff": False},
    "superuser": {"company": None, "writer": False, "reviewer": True, "lead": True, "staff": True},
}

CLAIM_OBJECTS = ("own", "competitor", "other_tenant", "missing")
POE_OBJECTS = (*CLAIM_OBJECTS, "crossed")  # crossed: own claim id with another tenant's PoE id
MISSING_PK = 987_654_321


# --- policies: (actor, object) → expected status --------------------------------------------


def public(ok=200, signed_in=None):
    """Anyone; ``signed_in`` is what a signed-in user gets instead (if different)."""

    def expect(actor, obj):
        return ok if actor == "anonymous" or signed_in is None else signed_in

    return expect


def signed_in(ok=200):
    def expect(actor, obj):
        return LOGIN if actor == "anonymous" else ok

    return expect


def partner(*, write: bool, ok=200, non_partner=404):
    """The partner side: own company's objects; another company's (or none) → 404; a
    read-only member on a write → 403. ``non_partner``: what reviewers/superusers get,
    a status or a function of the object."""

    def expect(actor, obj):
        profile = ACTOR_PROFILE[actor]
        if actor == "anonymous":
            return LOGIN
        if profile["company"] is None:
            return non_partner(obj) if callable(non_partner) else non_partner
        if obj is not None and (obj in ("missing", "crossed") or OWNERS[obj] != profile["company"]):
            return 404
        if write and not profile["writer"]:
            return 403
        return ok

    return expect


def reviewer(*, ok=200, lead_only=False, found=lambda obj: obj not in ("missing", "crossed")):
    """The reviewer side: partners 403 before any lookup; ``found(obj)`` says whether the
    object exists for a reviewer (else 404)."""

    def expect(actor, obj):
        profile = ACTOR_PROFILE[actor]
        if actor == "anonymous":
            return LOGIN
        if not profile["reviewer"] or (lead_only and not profile["lead"]):
            return 403
        if obj is not None and not found(obj):
            return 404
        return ok

    return expect


def staff_only(ok=200):
    """Operators: signed-in staff members (a scraper's bearer token is tested on its own)."""

    def expect(actor, obj):
        if actor == "anonymous":
            return LOGIN
        return ok if ACTOR_PROFILE[actor]["staff"] else 403

    return expect


def recipient(ok=302):
    """A notification: only its recipient (each company's admin) finds it."""

    def expect(actor, obj):
        if actor == "anonymous":
            return LOGIN
        if obj != "missing" and ACTOR_PROFILE[actor]["writer"] and OWNERS[obj] == ACTOR_PROFILE[actor]["company"]:
            return ok
        return 404

    return expect


def consent_link():
    """The customer's consent page: no login, for anyone; a link that does not work (``missing``,
    a made-up token) is the friendly refusal, a 404, whoever asks."""

    def expect(actor, obj):
        return 404 if obj == "missing" else 200

    return expect


def _poe_for_reviewers(obj):
    return 200 if obj in ("own", "competitor", "other_tenant") else 404


@dataclass(frozen=True)
class Route:
    kind: str  # page | fragment | download | export | action | admin | auth | health
    method: str  # get | post (a POST-only route is also checked for 405 on GET)
    objects: tuple  # () for no object, else the object kinds tried
    expect: object  # policy(actor, obj) → status | LOGIN | frozenset of statuses
    htmx: bool = False  # also requested with HX-Request (its fragment variant)
    body: dict | None = None  # the POST body (inert: invalid or stale, so nothing changes)
    get: object = None  # a route that also takes GET: its policy (else GET is 405 past the login check)


# Every named portal route. Bodies are inert on purpose: a form that fails validation, a
# stale version, or an empty selection, so the matrix changes nothing it later relies on
# (the test checks that) while every view still runs its access check first.
STALE = {"version": "999999"}
PUBLIC_POSTS = ("set_language", "logout")  # no login required: an anonymous GET is 405 too
ROUTES = {
    # accounts
    "home": Route("page", "get", (), signed_in(ok=302)),
    "healthz": Route("health", "get", (), public()),
    "metrics": Route("health", "get", (), staff_only()),
    # where nginx sends a body over its limit (any method arrives as GET): 413 for everyone
    "request_too_large": Route("page", "get", (), public(413)),
    "set_language": Route("action", "post", (), public(302), body={"language": "", "next": "/"}),
    # no "enabled" (only "0" or "1" changes the setting): back to ``next``, nothing saved
    "keyboard_shortcuts": Route("action", "post", (), signed_in(ok=302), body={"next": "/"}),
    "login": Route(
        "auth",
        "post",
        (),
        public(200, signed_in=302),
        body={"username": "", "password": ""},
        get=public(200, signed_in=302),
    ),
    "logout": Route("auth", "post", (), public(302), body={}),
    # claims: the partner side
    "claims:list": Route("page", "get", (), partner(write=False), htmx=True),
    # My claims as CSV: reading, so a read-only member may; only the company's own claims.
    "claims:export": Route("export", "get", (), partner(write=False)),
    "claims:new": Route(
        "page", "post", (), partner(write=True, ok=OK_POST), body={"action": "save"}, get=partner(write=True)
    ),
    "claims:form_fields": Route("fragment", "get", (), partner(write=True)),
    # a download that changes nothing: every member of a partner company
    "claims:poe_template": Route("download", "get", (), partner(write=False)),
    "claims:check_tenant": Route("fragment", "get", (), partner(write=True)),
    "claims:check_subscription": Route("fragment", "get", (), partner(write=True)),
    "claims:check_mpn": Route("fragment", "get", (), partner(write=True)),
    "claims:detail": Route("page", "get", CLAIM_OBJECTS, partner(write=False)),
    "claims:edit": Route(
        "page",
        "post",
        CLAIM_OBJECTS,
        partner(write=True, ok=OK_POST),
        body={"action": "save", **STALE},
        get=partner(write=True),
    ),
    "claims:submit": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=302), body=STALE),
    "claims:reclaim": Route(
        "page", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"action": "save"}, get=partner(write=True)
    ),
    "claims:comment": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"body": ""}),
    "claims:resubmit": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"message": ""}),
    "claims:withdraw": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"reason": "x"}),
    "claims:dispute": Route(
        "action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"justification": ""}
    ),
    "claims:end": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"message": ""}),
    "claims:poe_add": Route("action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={}),
    # an approved incumbent's answer in arbitration (any other claim: the page with the refusal)
    "claims:case_answer": Route(
        "action", "post", CLAIM_OBJECTS, partner(write=True, ok=OK_POST), body={"answer-message": ""}
    ),
    "claims:poe_download": Route("download", "get", POE_OBJECTS, partner(write=False, non_partner=_poe_for_reviewers)),
    "claims:poe_preview": Route("download", "get", POE_OBJECTS, partner(write=False, non_partner=_poe_for_reviewers)),
    # an empty selection: back to the list with a message, nothing discarded
    "claims:drafts_discard": Route("action", "post", (), partner(write=True, ok=302), body={"claim": ""}),
    # review: reviewers and leads
    "review:queue": Route("page", "get", (), reviewer(), htmx=True),
    "review:bulk": Route("action", "post", (), reviewer(ok=302), body={"action": "assign_me"}),
    "review:export": Route("export", "get", (), reviewer()),
    "review:dashboard": Route("page", "get", (), reviewer()),
    "review:claim": Route("page", "get", CLAIM_OBJECTS, reviewer()),
    "review:assign": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body={"to_me": "1"}),
    "review:start": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body={}),
    "review:request_info": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body={"message": ""}),
    "review:approve": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body={}),
    "review:reject": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body={}),
    "review:revert": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE, lead_only=True), body={}),
    "review:comment": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_POST), body={"body": ""}),
    "review:poe_preview": Route("fragment", "get", POE_OBJECTS, reviewer(), htmx=True),
    # arbitration: reviewers and leads (partners never see a case)
    "arbitration:list": Route("page", "get", (), reviewer(), htmx=True),
    "arbitration:case": Route("page", "get", ("own", "missing"), reviewer()),
    "arbitration:assign": Route("action", "post", ("own", "missing"), reviewer(ok=OK_STALE), body={"to_me": "1"}),
    "arbitration:request_info": Route("action", "post", ("own", "missing"), reviewer(ok=OK_STALE), body={}),
    "arbitration:award": Route("action", "post", ("own", "missing"), reviewer(ok=OK_STALE), body={}),
    "arbitration:reopen": Route("action", "post", ("own", "missing"), reviewer(ok=OK_STALE, lead_only=True), body={}),
    # (the case, a claim, its PoE): Litware's claim is not in the case, crossed = Fabrikam's PoE under Contoso's id
    "arbitration:poe_preview": Route(
        "fragment", "get", POE_OBJECTS, reviewer(found=lambda obj: obj in ("own", "competitor")), htmx=True
    ),
    "arbitration:for_claim": Route(
        "page", "get", CLAIM_OBJECTS, reviewer(ok=302, found=lambda obj: obj in ("own", "competitor"))
    ),
    # notifications: everyone signed in, each their own
    "notifications:list": Route("page", "get", (), signed_in(), htmx=True),
    "notifications:read": Route("action", "post", CLAIM_OBJECTS, recipient(), body={}),
    "notifications:open": Route("page", "get", CLAIM_OBJECTS, recipient()),
    "notifications:read_all": Route("action", "post", (), signed_in(302), body={}),
    "notifications:recheck_claim": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=302), body={}),
    # consent: the customer's page ("own": the current link of Contoso's claim; a post without a
    # decision is the form again), where a decision leads, and a reviewer's resend (stale: nothing sent)
    "consent:page": Route(
        "page", "post", ("own", "missing"), consent_link(), body={"decision": ""}, get=consent_link()
    ),
    "consent:done": Route("page", "get", (), public()),
    "consent:resend": Route("action", "post", CLAIM_OBJECTS, reviewer(ok=OK_STALE), body=STALE),
}

# The admin site's own routes (name or pattern → (kind, url builder, superuser's status, GET only)).
ADMIN_SITE_ROUTES = {
    "admin:index": 200,
    "admin:login": 302,  # a signed-in superuser is sent on to the index
    "admin:logout": 405,  # POST only (Django 5)
    "admin:password_change": 200,
    "admin:password_change_done": 200,
    "admin:autocomplete": 403,  # without its parameters
    "admin:jsi18n": 200,
    "admin:view_on_site": 404,  # claims have no public URL
    "admin:app_list": 200,
    "admin/(?P<url>.*)$": 404,  # the catch-all, for an unknown admin path
    "admin:auth_user_password_change": 200,  # UserAdmin's own URL: set a user's password
}
ADMIN_MODEL_SUFFIXES = ("changelist", "add", "history", "delete", "change", "<redirect>")


# --- the resolver ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "ns:name", or the full pattern when unnamed
    pattern: str
    name: str | None


def all_patterns(resolver=None, prefix="", namespace=None) -> list[Pattern]:
    """Every leaf URL pattern, recursively (included apps, the admin and its model admins)."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append(Pattern(key=name or full, pattern=full, name=name))
    return found


def _admin_models():
    return {(m._meta.app_label, m._meta.model_name): (m, ma) for m, ma in admin.site._registry.items()}


def admin_model_route(pattern: Pattern):
    """(model, model admin, suffix) when the pattern is one of a registered ModelAdmin's
    standard URLs, else None."""
    models = _admin_models()
    if pattern.name and pattern.name.startswith("admin:"):
        for (app, model), (m, ma) in models.items():
            for suffix in ADMIN_MODEL_SUFFIXES[:-1]:
                if pattern.name == f"admin:{app}_{model}_{suffix}":
                    expected = (
                        f"admin/{app}/{model}/"
                        + {
                            "changelist": "",
                            "add": "add/",
                            "history": "<path:object_id>/history/",
                            "delete": "<path:object_id>/delete/",
                            "change": "<path:object_id>/change/",
                        }[suffix]
                    )
                    if pattern.pattern == expected:
                        return m, ma, suffix
    if pattern.name is None:
        for (app, model), (m, ma) in models.items():
            if pattern.pattern == f"admin/{app}/{model}/<path:object_id>/":
                return m, ma, "<redirect>"
    return None


def unclassified(patterns=None) -> list[str]:
    patterns = patterns if patterns is not None else all_patterns()
    return sorted(
        p.key
        for p in patterns
        if p.key not in ROUTES and p.key not in ADMIN_SITE_ROUTES and admin_model_route(p) is None
    )


# --- cases -----------------------------------------------------------------------------------


@dataclass
class Case:
    key: str
    kind: str
    method: str
    actor: str
    obj: str | None
    url: str
    expected: object
    body: dict | None = None
    headers: dict | None = None
    variant: str = ""  # "" | "htmx" | "get-on-post"

    @property
    def label(self) -> str:
        extra = f" [{self.variant}]" if self.variant else ""
        return f"{self.method.upper()} {self.key} as {self.actor} on {self.obj or '-'}{extra} ({self.url})"


def _objects_urls(world) -> dict:
    """object kind → the reverse() arguments of each family of routes."""
    c = world.companies
    own, comp, other = c["contoso"], c["fabrikam"], c["litware"]
    by_obj = {"own": own, "competitor": comp, "other_tenant": other}

    def claim(obj, attr="claim"):
        return [MISSING_PK] if obj == "missing" else [getattr(by_obj[obj], attr).pk]

    def poe(obj):
        if obj == "missing":
            return [own.claim.pk, MISSING_PK]
        if obj == "crossed":
            return [own.claim.pk, other.poe.pk]
        return [by_obj[obj].claim.pk, by_obj[obj].poe.pk]

    def case_poe(obj):
        case = world.case.pk
        if obj == "missing":
            return [case, own.claim.pk, MISSING_PK]
        if obj == "crossed":
            return [case, own.claim.pk, comp.poe.pk]
        return [case, by_obj[obj].claim.pk, by_obj[obj].poe.pk]

    def case(obj):
        return [MISSING_PK if obj == "missing" else world.case.pk]

    def notification(obj):
        return [MISSING_PK if obj == "missing" else by_obj[obj].notification.pk]

    def consent_token(obj):
        if obj == "missing":
            return ["A" * 43]
        return [link_token(consent_current(by_obj[obj].claim.pk).token_salt)]

    return {
        "claims:reclaim": lambda obj: claim(obj, "closed"),
        "claims:poe_download": poe,
        "claims:poe_preview": poe,
        "review:poe_preview": poe,
        "arbitration:poe_preview": case_poe,
        "arbitration:case": case,
        "arbitration:assign": case,
        "arbitration:request_info": case,
        "arbitration:award": case,
        "arbitration:reopen": case,
        "notifications:read": notification,
        "notifications:open": notification,
        "consent:page": consent_token,
        "_default": claim,
    }


def portal_cases(world) -> list[Case]:
    builders = _objects_urls(world)
    cases = []
    for key, route in ROUTES.items():
        build = builders.get(key, builders["_default"])
        for obj in route.objects or (None,):
            url = reverse(key, args=build(obj)) if obj is not None else reverse(key)
            for actor in ACTORS:
                expected = route.expect(actor, obj)
                cases.append(Case(key, route.kind, route.method, actor, obj, url, expected, route.body))
                if route.htmx:
                    cases.append(
                        Case(
                            key,
                            route.kind,
                            route.method,
                            actor,
                            obj,
                            url,
                            expected,
                            route.body,
                            {"HTTP_HX_REQUEST": "true"},
                            "htmx",
                        )
                    )
                if route.method == "post":
                    # The GET of a POST-only URL: 405 past the login check (a form page has its own policy).
                    if route.get is not None:
                        get_expected = route.get(actor, obj)
                    elif actor == "anonymous" and key not in PUBLIC_POSTS:
                        get_expected = LOGIN
                    else:
                        get_expected = 405
                    cases.append(Case(key, route.kind, "get", actor, obj, url, get_expected, variant="get-on-post"))
    return cases


def _admin_object(model):
    row = model._default_manager.order_by("pk").first()
    return row


def admin_cases(world) -> list[Case]:
    cases = []
    factory = RequestFactory()
    request = factory.get("/admin/")
    request.user = world.users["superuser"]
    for pattern in all_patterns():
        if not pattern.pattern.startswith("admin/"):
            continue
        model_route = admin_model_route(pattern)
        if model_route is not None:
            model, model_admin, suffix = model_route
            row = _admin_object(model)
            assert row is not None, f"no {model._meta.label} row: the matrix must open every admin change view"
            pk = str(row.pk)
            if suffix == "changelist":
                url, su = reverse(pattern.name), 200
            elif suffix == "add":
                url = reverse(pattern.name)
                su = 200 if model_admin.has_add_permission(request) else 403
            elif suffix == "<redirect>":
                url, su = f"/{pattern.pattern.replace('<path:object_id>', pk)}", 302
            else:
                url = reverse(pattern.name, args=[pk])
                allowed = suffix != "delete" or model_admin.has_delete_permission(request, row)
                su = 200 if allowed else 403
        else:
            su = ADMIN_SITE_ROUTES[pattern.key]
            if pattern.key == "admin:view_on_site":
                from claims.models import Claim

                url = reverse(
                    pattern.key, args=[ContentType.objects.get_for_model(Claim).pk, world.companies["contoso"].claim.pk]
                )
            elif pattern.key == "admin:auth_user_password_change":
                url = reverse(pattern.key, args=[world.users["contoso.viewer"].pk])
            elif pattern.key == "admin:app_list":
                url = reverse(pattern.key, kwargs={"app_label": "claims"})
            elif pattern.key.startswith("admin/"):
                url = "/admin/no-such-thing/"
            else:
                url = reverse(pattern.key)
        for actor in ACTORS:
            if ACTOR_PROFILE[actor]["staff"]:
                expected = su
            elif pattern.key == "admin:login":
                expected = 200  # the admin's login form (says a non-staff account is not allowed)
            elif pattern.key == "admin:logout":
                expected = 302  # the admin sends a non-staff visitor of its logout to its index
            else:
                expected = ADMIN_LOGIN
            cases.append(Case(pattern.key, "admin", "get", actor, "row" if model_route else None, url, expected))
    return cases


def check(case: Case, response) -> str | None:
    """None when the response is what the table says, else what went wrong."""
    status = response.status_code
    expected = case.expected
    if expected in (LOGIN, ADMIN_LOGIN):
        login_url = reverse("login") if expected == LOGIN else reverse("admin:login")
        location = response.get("Location", "")
        parts = urlsplit(location)
        if status != 302 or parts.path != login_url or not parts.query.startswith("next="):
            return f"expected 302 to {login_url}?next=…, got {status} {location}"
        if unquote(parts.query[len("next=") :]) != case.url:
            return f"login next= is {unquote(parts.query[5:])!r}, not {case.url!r}"
        return None
    allowed = expected if isinstance(expected, frozenset) else frozenset({expected})
    if status not in allowed:
        return f"expected {sorted(allowed)}, got {status}"
    if status == 302 and case.actor != "anonymous":
        location = response.get("Location", "")
        if urlsplit(location).path in (reverse("login"), reverse("admin:login")) and case.key not in ("logout",):
            return f"a signed-in {case.actor} was sent to a login page ({location})"
    return None
