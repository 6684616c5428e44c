"""Hostile query parameters on every list: sort/filter parameters that name other fields or
relations fall back to the default order and leak nothing; page numbers and cursors that are
negative, huge, non-numeric or tampered give the first page (or a 400), never an error page;
ids in paths beyond any database integer are a 404."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.urls import reverse

from claims.selectors import CURSOR_SALT
from claims.tests.factories import ClaimFactory
from lib.paging import encode_position
from review.cursor import SALT, encode_cursor
from review.tests.helpers import queue_claim
from tests.security.conftest import client_for, htmx, tally
from tests.security.matrix import ROUTES, _objects_urls

SORT_KEYS = ("ordering", "o", "sort", "order", "order_by", "sort_by", "orderBy", "dir", "fields")
SORT_VALUES = (
    "created_by__password",
    "-created_by__password",
    "mpn__partner__members__password",
    "mpn__partner__memberships__user__password",
    "partner__memberships__user__password",
    "assignee__password",
    "recipient__password",
    "?",
    "-?",
    "__class__",
    "pk);DROP TABLE claims_claim;--",
    "id desc",
    "due,-id",
    "-",
    "",
    "x" * 5000,
    "\x00",
    "%00",
    "%",
)
PAGE_VALUES = (
    "-1",
    "0",
    "-999999999999",
    str(10**30),
    "1e3",
    "abc",
    "NaN",
    "inf",
    "1.5",
    " 2",
    "2;",
    "\x00",
    "½",
    "٣",
    "",
)
FILTER_VALUES = ("'; --", "<script>", "\x00", "x" * 10_000, "9" * 40, "-1", "..", "%", "_", "2024-13-45", "true")

LISTS = {
    # name: (actor, how to read the rows shown, the list's own filter parameters)
    "claims:list": (
        "contoso.admin",
        lambda r: [c.pk for c in r.context["page"].rows],
        ("q", "status", "solution_area", "activity", "customer", "created_from", "created_to"),
    ),
    "review:queue": (
        "reviewer",
        lambda r: [c.pk for c in r.context["rows"]],
        (
            "q",
            "status",
            "solution_area",
            "activity",
            "sla",
            "competing",
            "assigned",
            "partner",
            "mpn",
            "submitted_from",
            "submitted_to",
            "per",
        ),
    ),
    "arbitration:list": (
        "reviewer",
        lambda r: [c.pk for c in r.context["page"].rows],
        ("q", "status", "activity", "assigned"),
    ),
    "notifications:list": ("contoso.admin", lambda r: [i["n"].pk for i in r.context["items"]], ("before",)),
    "review:export": (
        "reviewer",
        lambda r: b"".join(r.streaming_content),
        ("q", "status", "partner", "mpn", "submitted_from", "order"),
    ),
    "claims:export": (
        "contoso.admin",
        lambda r: b"".join(r.streaming_content),
        ("q", "status", "solution_area", "activity", "customer", "created_from", "created_to"),
    ),
}
EXPORTS = ("review:export", "claims:export")
SECRETS = ("md5$", "pbkdf2_", "argon2", "bcrypt", "Traceback", "OperationalError", "ProgrammingError", "DataError")


@pytest.fixture
def lists_world(world, contoso_mpn, contoso_admin, subscription, dynamics_sales):
    """More rows than one of each, in a known order, so a changed order would show."""
    for _i in range(3):
        ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, products=[dynamics_sales])
    for days in range(4):
        queue_claim(due_in=dt.timedelta(days=days + 1, hours=days))
    return world


REFERENCE = re.compile(r"(?:CPOR|ARB)-[0-9]{5,}")


def _references(response) -> list[str]:
    """The references in the order shown (an HTMX fragment has no test-client context)."""
    return list(dict.fromkeys(REFERENCE.findall(response.content.decode())))


def _read(client, name, rows_of, params, headers=None):
    response = client.get(reverse(name), params, **(headers or {}))
    assert response.status_code == 200, f"{name} {params!r}: {response.status_code}"
    rows = _references(response) if headers else rows_of(response)
    body = rows if isinstance(rows, bytes) else response.content
    for secret in SECRETS:
        assert secret.encode() not in body, f"{name} {params!r} shows {secret}"
    return rows


@pytest.mark.parametrize("name", list(LISTS))
def test_sort_parameters_naming_other_fields_fall_back_to_the_default(name, lists_world, quiet_request_log):
    """Each hostile value under every sort-like key at once (any one of them changing the
    order, or failing, would show), page and HTMX fragment."""
    actor, rows_of, _filters = LISTS[name]
    client = client_for(actor, lists_world)
    default = _read(client, name, rows_of, {})
    assert default, "the list has rows, so an order change would show"
    fragment = _read(client, name, rows_of, {}, htmx()) if name not in EXPORTS else None
    for value in SORT_VALUES:
        params = dict.fromkeys(SORT_KEYS, value)
        assert _read(client, name, rows_of, params) == default, value
        if fragment is not None:
            assert _read(client, name, rows_of, params, htmx()) == fragment, value
    # repeated keys
    assert _read(client, name, rows_of, {"ordering": list(SORT_VALUES[:5]), "sort": ["-?", "__class__"]}) == default
    tally("sort/order parameters", len(SORT_KEYS) * len(SORT_VALUES) + 7)


@pytest.mark.parametrize("name", [n for n in LISTS if n not in EXPORTS])
def test_hostile_filter_values_are_ignored_or_filter_nothing_wrongly(name, lists_world, quiet_request_log):
    """Every filter with every hostile value (fragment), and each value in all filters at once (page)."""
    actor, rows_of, filters = LISTS[name]
    client = client_for(actor, lists_world)
    for value in FILTER_VALUES:
        _read(client, name, rows_of, dict.fromkeys(filters, value))
        for key in filters:
            _read(client, name, rows_of, {key: value}, htmx())
    tally("filter parameters", len(filters) * len(FILTER_VALUES))


def _positive_int(value):
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number > 0 else None


@pytest.mark.parametrize("name", ["claims:list", "arbitration:list", "notifications:list"])
def test_page_numbers_that_are_not_pages(name, lists_world, quiet_request_log):
    actor, rows_of, _filters = LISTS[name]
    # My claims pages by a signed cursor (below): a page number is no position, the first page.
    key = {"notifications:list": "before", "claims:list": "cursor"}.get(name, "page")
    client = client_for(actor, lists_world)
    first = _read(client, name, rows_of, {})
    for value in PAGE_VALUES:
        rows = _read(client, name, rows_of, {key: value})
        if _positive_int(value) is None:
            assert rows == first, (key, value)
        elif value == str(10**30):
            assert rows in (first, [])  # the first page, or the deepest page the list offers (empty)
    tally("page values", len(PAGE_VALUES))


def test_queue_cursors_are_signed_and_checked(lists_world, quiet_request_log):
    client = client_for("reviewer", lists_world)
    rows_of = LISTS["review:queue"][1]
    first = _read(client, "review:queue", rows_of, {})
    valid = encode_cursor(due_at=None, pk=1, order="due")
    forged = [
        "",
        "garbage",
        "-1",
        str(10**30),
        valid[:-1] + ("A" if valid[-1] != "A" else "B"),  # one character changed
        valid.split(":")[0],  # the payload without its signature
        signing.dumps(["due", None, 1], salt="another.salt"),
        signing.dumps(["due", None, 1]),  # no salt
        signing.dumps(["-due", 0, 1], salt=SALT),  # another ordering than the page's
        signing.dumps(["due", 10**30, 1], salt=SALT),  # a date beyond any calendar
        signing.dumps(["due", -(10**30), 1], salt=SALT),
        signing.dumps(["due", 0, -5], salt=SALT),
        signing.dumps(["due", 0, 2**64], salt=SALT),
        signing.dumps(["due", "x", "y"], salt=SALT),
        signing.dumps(["sideways", 0, 1], salt=SALT),
        signing.dumps({"order": "due"}, salt=SALT),
        signing.dumps("due", salt=SALT),
        "x" * 600,
        "\x00",
    ]
    first_fragment = _references(client.get(reverse("review:queue"), **htmx()))
    for cursor in forged:
        response = client.get(reverse("review:queue"), {"cursor": cursor})
        assert response.status_code in (200, 400), (cursor, response.status_code)
        if response.status_code == 200:
            assert rows_of(response) == first, cursor
            assert response.context["page"].bad_cursor or cursor == ""
        response = client.get(reverse("review:queue"), {"cursor": cursor}, **htmx())
        assert response.status_code in (200, 400), (cursor, response.status_code)
        if response.status_code == 200:
            assert _references(response) == first_fragment, cursor
            # the pushed URL drops a cursor we did not write
            assert "cursor" not in response.get("HX-Push-Url", "")
    for per in ("-1", "0", str(10**30), "abc", "1000", "25.0"):
        assert _read(client, "review:queue", rows_of, {"per": per}) == first
    tally("queue cursors and page sizes", len(forged) * 2 + 6)


def test_my_claims_cursors_are_signed_and_checked(lists_world, quiet_request_log):
    client = client_for("contoso.admin", lists_world)
    rows_of = LISTS["claims:list"][1]
    first = _read(client, "claims:list", rows_of, {})
    valid = encode_position(salt=CURSOR_SALT, sort="-updated", value=None, pk=1, page=2)
    forged = [
        "garbage",
        "-1",
        str(10**30),
        valid[:-1] + ("A" if valid[-1] != "A" else "B"),
        valid.split(":")[0],
        encode_position(salt=CURSOR_SALT, sort="name", value="A", pk=1, page=2),  # another order
        encode_position(salt=SALT, sort="-updated", value="A", pk=1, page=2),  # the queue's salt
        signing.dumps(["-updated", "t", 10**30, 1, 2, 0], salt=CURSOR_SALT),  # beyond any calendar
        signing.dumps(["-updated", "t", "x", 1, 2, 0], salt=CURSOR_SALT),
        signing.dumps(["-updated", "s", "x", 2**64, 2, 0], salt=CURSOR_SALT),
        signing.dumps(["-updated", "s", "x", 1, 0, 0], salt=CURSOR_SALT),
        signing.dumps(["-updated", "s", "x", 1, 2, 5], salt=CURSOR_SALT),
        signing.dumps({"sort": "-updated"}, salt=CURSOR_SALT),
        "x" * 6000,
        "\x00",
    ]
    for cursor in forged:
        assert _read(client, "claims:list", rows_of, {"cursor": cursor}) == first, cursor
        response = client.get(reverse("claims:list"), {"cursor": cursor}, **htmx())
        assert response.status_code == 200
        assert "cursor" not in response.get("HX-Push-Url", "")  # a cursor we did not write is dropped
        export = client.get(reverse("claims:export"), {"cursor": cursor})
        assert export.status_code == 200  # the export has no pages: a cursor is ignored
        b"".join(export.streaming_content)
    tally("My claims cursors", len(forged) * 3)


# Known bug (reported; arbitration/* belongs to another change): on SQLite a foreign-key
# lookup by its column (``participants__claim_id=``, ``claim_id=``) with an id beyond 2**63
# raises OverflowError (a 500) where ``…__pk=`` gives no rows. PostgreSQL answers 404.
# arbitration/selectors.py claim_case (``participants__claim_id=claim_pk``) and
# arbitration/views.py poe_preview (``claim_id=claim_pk``). Strict: when fixed, this fails
# until the mark is removed.
SQLITE_OVERFLOW_BUGS = ()  # none left; keep the name for routes found later


def _huge_id_failures(world, keys):
    builders = _objects_urls(world)
    clients = {}
    failures, tried = [], 0
    for key in keys:
        route = ROUTES[key]
        args = builders.get(key, builders["_default"])("own")
        actor = (
            "lead"
            if key.split(":")[0] in ("review", "arbitration") or key.endswith(("recheck_claim", "consent:resend"))
            else "contoso.admin"
        )
        client = clients.get(actor) or clients.setdefault(
            actor, client_for(actor, world, raise_request_exception=False)
        )
        for position in range(len(args)):
            for huge in (2**63, 10**30, 2**64 + 1, 2**31):
                hostile = list(args)
                hostile[position] = huge
                url = reverse(key, args=hostile)
                response = client.post(url, route.body or {}) if route.method == "post" else client.get(url)
                if response.status_code != 404:
                    failures.append(f"{route.method.upper()} {url} as {actor}: {response.status_code}")
                tried += 1
    tally("out-of-range ids", tried)
    return failures


def test_ids_beyond_any_integer_are_not_found(world, quiet_request_log):
    """Each id in each path in turn made larger than any database integer, the others real
    (the actor's own objects): a 404, never a database error."""
    keys = [key for key, route in ROUTES.items() if route.objects and key not in SQLITE_OVERFLOW_BUGS]
    failures = _huge_id_failures(world, keys)
    assert not failures, "\n".join(failures)
