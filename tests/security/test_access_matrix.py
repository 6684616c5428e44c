"""The access matrix over every route of the project (see ``tests.security.matrix`` for the
table and the decisions it records): each route × actor × object gets exactly the status the
table says, and a route the table does not classify fails the suite."""

from collections import Counter

from arbitration.models import ArbitrationCase
from claims.models import Claim, Comment, PoeFile
from tests.security.conftest import ACTORS, client_for, tally
from tests.security.matrix import (
    ADMIN_SITE_ROUTES,
    ROUTES,
    Pattern,
    admin_cases,
    all_patterns,
    check,
    portal_cases,
    unclassified,
)


def _snapshot():
    return (
        sorted(Claim.objects.values_list("pk", "status", "version")),
        Comment.objects.count(),
        PoeFile.objects.count(),
        sorted(ArbitrationCase.objects.values_list("pk", "status", "version")),
    )


def run(cases, world):
    clients = {}
    failures, statuses = [], Counter()
    for case in cases:
        client = clients.get(case.actor)
        if client is None:
            client = clients[case.actor] = client_for(case.actor, world, raise_request_exception=False)
        call = client.post if case.method == "post" else client.get
        if case.method == "post":
            response = call(case.url, case.body or {}, **(case.headers or {}))
        else:
            response = call(case.url, **(case.headers or {}))
        statuses[response.status_code] += 1
        problem = check(case, response)
        if problem:
            failures.append(f"{case.label}: {problem}")
        if case.key in ("logout",) or response.status_code == 302 and case.key == "admin:logout":
            clients.pop(case.actor)  # signed out: the next case signs in again
    return failures, statuses


def test_every_route_is_classified():
    patterns = all_patterns()
    assert len(patterns) > 100  # the walk reached the admin's model URLs too
    missing = unclassified(patterns)
    assert not missing, (
        "routes the access matrix does not classify (add them to tests/security/matrix.py): " + ", ".join(missing)
    )
    # …and the table has no stale entries either.
    keys = {p.key for p in patterns}
    assert not (set(ROUTES) | set(ADMIN_SITE_ROUTES)) - keys


def test_unclassified_detects_a_new_route():
    extra = Pattern(
        key="claims:export_everything", pattern="claims/export-everything/", name="claims:export_everything"
    )
    custom_admin = Pattern(
        key="admin:claims_claim_dump", pattern="admin/claims/claim/dump/", name="admin:claims_claim_dump"
    )
    assert unclassified([*all_patterns(), extra, custom_admin]) == [
        "admin:claims_claim_dump",
        "claims:export_everything",
    ]


def test_access_matrix(world, admin_rows, quiet_request_log, capsys):
    cases = portal_cases(world) + admin_cases(world)
    before = _snapshot()
    failures, statuses = run(cases, world)
    assert not failures, f"{len(failures)} of {len(cases)} access checks failed:\n" + "\n".join(failures)
    # The bodies were inert: nothing the matrix relies on changed (notifications may be read).
    assert _snapshot() == before

    routes = {c.key for c in cases}
    triples = {(c.key, c.actor, c.obj) for c in cases if c.variant == ""}
    tally("access matrix: route × actor × object checks", len(triples))
    tally("access matrix: requests (with HTMX and GET-on-POST variants)", len(cases))
    with capsys.disabled():
        admin_routes = {c.key for c in cases if c.kind == "admin"}
        portal = len(routes) - len(admin_routes)
        print(
            f"\naccess matrix: {len(routes)} routes ({portal} portal, {len(admin_routes)} admin)"
            f" × {len(ACTORS)} actors × objects = {len(triples)} route×actor×object checks;"
            f" {len(cases)} requests in all (with HTMX variants and GET-on-POST checks);"
            f" statuses {dict(sorted(statuses.items()))}"
        )
