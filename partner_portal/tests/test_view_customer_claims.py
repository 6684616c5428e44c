"""My claims as Partner Center's "Customer claims" page: the search box (claim name, reference,
customer name, domain, tenant ID), the sortable columns (whitelisted, ties broken by id), the
solution-area filter, keyset pages in every order, and the CSV export of what the list shows —
formula-safe, streamed, the company's own claims only — at a constant number of queries."""

import csv
import datetime as dt
import io

import pytest
from django.core import signing
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Claim
from claims.selectors import CURSOR_SALT, PAGE_SIZE
from claims.states import Status
from claims.tests.factories import ClaimFactory, ProductFactory, TenantFactory
from directory.models import SolutionArea
from lib.paging import encode_position
from tests.helpers import login

LIST = reverse("claims:list")
EXPORT = reverse("claims:export")


def claim(mpn, user, **fields):
    product = ProductFactory(code="d365-sales", name="Dynamics 365 Sales")
    return ClaimFactory(mpn=mpn, created_by=user, products=[product], **fields)


def shown(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [c.pk for c in response.context["page"].rows]


def exported(client, **params) -> list[dict]:
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def claims(contoso_admin, contoso_mpn, fabrikam_admin, fabrikam_mpn):
    """Contoso's claims with names, customers and dates to search and sort by, and a Fabrikam
    claim that matches every search (it must never show)."""
    northwind = TenantFactory(name="Northwind Traders", domain="northwind.example")
    rows = {
        "alpha": claim(contoso_mpn, contoso_admin, name="alpha Sales pilot", customer_domain="zeta.example"),
        "beta": claim(
            contoso_mpn,
            contoso_admin,
            name="Beta rollout",
            customer_domain="northwind.example",
            customer_tenant_id=str(northwind.tenant_id),
            solution_area=SolutionArea.MICROSOFT_365,
            activity="usage",
        ),
        "gamma": claim(contoso_mpn, contoso_admin, name="Gamma renewal", customer_domain="alpha.example"),
    }
    now = timezone.now()
    Claim.objects.filter(pk=rows["beta"].pk).update(
        status=Status.SUBMITTED, tenant=northwind, submitted_at=now - dt.timedelta(days=2), association_key="t:1"
    )
    Claim.objects.filter(pk=rows["gamma"].pk).update(
        status=Status.SUBMITTED, submitted_at=now - dt.timedelta(days=5), association_key="t:2"
    )
    for key, days in (("alpha", 1), ("beta", 3), ("gamma", 2)):
        Claim.objects.filter(pk=rows[key].pk).update(updated_at=now - dt.timedelta(days=days))
    rows["other"] = claim(
        fabrikam_mpn,
        fabrikam_admin,
        name="alpha Beta Gamma Northwind",
        customer_domain="northwind.example",
        customer_tenant_id=str(northwind.tenant_id),
    )
    return {key: Claim.objects.get(pk=c.pk) for key, c in rows.items()}


def test_search_by_name_reference_customer_domain_and_tenant(client, contoso_admin, claims):
    login(client, contoso_admin)
    a, b, g = claims["alpha"].pk, claims["beta"].pk, claims["gamma"].pk
    assert shown(client, q="ALPHA") == [a, g]  # the name "alpha …", the domain "alpha.example"
    assert shown(client, q="rollout") == [b]  # any part of the name, any case
    assert shown(client, q=claims["gamma"].reference) == [g]
    assert shown(client, q=f"cpor{g}") == [g]
    assert g in shown(client, q=str(g))  # the number (and any claim whose tenant ID holds it)
    assert shown(client, q="Northwind Tra") == [b]  # the customer's name
    assert shown(client, q="zeta.exa") == [a]
    assert shown(client, q=str(claims["beta"].customer_tenant_id)[:13]) == [b]
    assert shown(client, q=claims["other"].reference) == []  # never another company's claim
    assert shown(client, q="nothing like it") == []


def test_filter_by_solution_area(client, contoso_admin, claims):
    login(client, contoso_admin)
    assert shown(client, solution_area=SolutionArea.MICROSOFT_365) == [claims["beta"].pk]
    assert set(shown(client, solution_area=SolutionArea.BUSINESS_APPLICATIONS)) == {
        claims["alpha"].pk,
        claims["gamma"].pk,
    }


def test_sort_by_each_column(client, contoso_admin, claims):
    login(client, contoso_admin)
    a, b, g = claims["alpha"].pk, claims["beta"].pk, claims["gamma"].pk
    assert shown(client) == [a, g, b]  # default: last updated first
    assert shown(client, sort="updated") == [b, g, a]
    assert shown(client, sort="name") == [a, b, g]  # without regard to case
    assert shown(client, sort="-name") == [g, b, a]
    assert shown(client, sort="customer") == [g, b, a]
    assert shown(client, sort="status") == [a, b, g]  # editing, then submitted by id
    assert shown(client, sort="-status") == [g, b, a]
    assert shown(client, sort="submitted") == [g, b, a]  # never submitted: after every date,
    assert shown(client, sort="-submitted") == [a, b, g]  # so first when newest first
    response = client.get(LIST, {"sort": "-name"})
    columns = {c["key"]: c for c in response.context["columns"] if c["key"]}
    assert set(columns) == {"name", "customer", "status", "submitted", "updated"}
    assert columns["name"]["direction"] == "descending" and columns["name"]["query"] == "sort=name"


def test_ties_are_broken_by_id(client, contoso_admin, contoso_mpn):
    same = [claim(contoso_mpn, contoso_admin, name="Same name", customer_domain="same.example") for _ in range(3)]
    Claim.objects.update(updated_at=timezone.now())
    login(client, contoso_admin)
    ids = [c.pk for c in same]
    for sort in ("name", "customer", "status", "submitted", "updated"):
        assert shown(client, sort=sort) == ids, sort
        assert shown(client, sort=f"-{sort}") == ids[::-1], sort


@pytest.mark.parametrize("sort", ["-updated", "name", "-name", "customer", "status", "submitted", "-submitted"])
def test_keyset_pages_walk_every_order_forward_and_back(client, contoso_admin, contoso_mpn, sort):
    for i in range(PAGE_SIZE * 2 + 3):
        created = claim(contoso_mpn, contoso_admin, name=f"Claim {i % 7}", customer_domain=f"c{i % 4}.example")
        if i % 3:
            Claim.objects.filter(pk=created.pk).update(
                status=Status.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(hours=i % 5), association_key=f"{i}"
            )
    login(client, contoso_admin)
    everything = [row["reference"] for row in exported(client, sort=sort)]
    assert len(everything) == PAGE_SIZE * 2 + 3
    pages, cursor = [], ""
    while True:
        page = client.get(LIST, {"sort": sort, "cursor": cursor}).context["page"]
        pages.append(page)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert [p.page for p in pages] == [1, 2, 3]
    assert [c.reference for p in pages for c in p.rows] == everything  # no row twice, none missing
    back = client.get(LIST, {"sort": sort, "cursor": pages[2].previous_cursor}).context["page"]
    assert [c.pk for c in back.rows] == [c.pk for c in pages[1].rows]
    assert back.page == 2 and back.has_previous and back.has_next
    first = client.get(LIST, {"sort": sort, "cursor": back.previous_cursor}).context["page"]
    assert [c.pk for c in first.rows] == [c.pk for c in pages[0].rows]
    assert first.page == 1 and not first.has_previous


def test_a_cursor_of_another_order_or_list_is_the_first_page(client, contoso_admin, contoso_mpn):
    for _ in range(PAGE_SIZE + 2):
        claim(contoso_mpn, contoso_admin)
    login(client, contoso_admin)
    first = shown(client, sort="name")
    last = Claim.objects.order_by("-pk").first()
    forged = [
        encode_position(salt=CURSOR_SALT, sort="-updated", value=last.updated_at, pk=last.pk, page=2),
        encode_position(salt="review.queue.cursor", sort="name", value="X", pk=last.pk, page=2),
        signing.dumps(["name", "s", "X", last.pk, 2, 0]),  # unsalted
        signing.dumps(["name", "t", "X", last.pk, 2, 0], salt=CURSOR_SALT),  # a moment that is text
        signing.dumps(["name", "s", "X", -1, 2, 0], salt=CURSOR_SALT),
        signing.dumps(["name", "s", "X", last.pk, 10**9, 0], salt=CURSOR_SALT),
    ]
    for cursor in forged:
        assert shown(client, sort="name", cursor=cursor) == first, cursor


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        if isinstance(response, StreamingHttpResponse):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_constant_queries_with_1_and_30_claims(client, contoso_admin, contoso_mpn):
    login(client, contoso_admin)
    claim(contoso_mpn, contoso_admin, name="Only one")
    reads = [
        (LIST, {}),
        (LIST, {"q": "o", "sort": "-name", "solution_area": SolutionArea.BUSINESS_APPLICATIONS}),
        (EXPORT, {}),
        (EXPORT, {"q": "o", "sort": "submitted"}),
    ]
    client.get(LIST)  # the status strip is cached from here on
    one = [_queries(client, url, params) for url, params in reads]
    for i in range(29):
        claim(contoso_mpn, contoso_admin, name=f"Another one {i}")
    client.get(LIST)
    thirty = [_queries(client, url, params) for url, params in reads]
    assert one == thirty
    assert one[0] <= 10 and one[2] <= 6
    # a deeper page costs what the first does
    cursor = client.get(LIST).context["page"].next_cursor
    assert _queries(client, LIST, {"cursor": cursor}) == one[0]


def test_export_is_the_filtered_list_in_its_order(client, contoso_admin, claims):
    login(client, contoso_admin)
    rows = exported(client, sort="name")
    assert [r["reference"] for r in rows] == [claims[k].reference for k in ("alpha", "beta", "gamma")]
    beta = rows[1]
    assert beta == {
        "reference": claims["beta"].reference,
        "name": "Beta rollout",
        "status": "submitted",
        "customer": "Northwind Traders",
        "tenant_id": str(claims["beta"].tenant.tenant_id),
        "domain": "northwind.example",
        "solution_area": "microsoft_365",
        "activity": "usage",
        "products": "Dynamics 365 Sales",
        "mpn": claims["beta"].mpn.number,
        "submitted": timezone.localtime(claims["beta"].submitted_at).isoformat(timespec="minutes"),
        "updated": timezone.localtime(claims["beta"].updated_at).isoformat(timespec="minutes"),
        "due": "",
    }
    assert [r["name"] for r in exported(client, q="rollout")] == ["Beta rollout"]
    assert [r["name"] for r in exported(client, solution_area=SolutionArea.BUSINESS_APPLICATIONS, sort="-name")] == [
        "Gamma renewal",
        "alpha Sales pilot",
    ]
    response = client.get(EXPORT)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="claims-{timezone.localdate():%Y-%m-%d}.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_export_holds_only_the_companys_claims_and_no_comments(
    client, contoso_admin, contoso_viewer, reviewer1, claims
):
    services.comment_add(claim=claims["beta"], user=reviewer1, body="SECRET internal note", internal=True)
    services.comment_add(claim=claims["beta"], user=contoso_admin, body="Partner comment text")
    login(client, contoso_viewer)  # a read-only member reads, and may export
    response = client.get(EXPORT)
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert claims["other"].reference not in body and "alpha Beta Gamma Northwind" not in body
    assert "SECRET" not in body and "Partner comment text" not in body
    assert len(list(csv.DictReader(io.StringIO(body)))) == 3
    login(client, reviewer1)
    assert client.get(EXPORT).status_code == 404  # reviewers have no company


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil.example")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_export_cells_never_start_a_formula(client, contoso_admin, contoso_mpn, value):
    claim(contoso_mpn, contoso_admin, name=f"{value} name", customer_domain=value, customer_tenant_id=value)
    login(client, contoso_admin)
    for row in exported(client):
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
        assert row["domain"] == "'" + value


def test_the_results_carry_the_export_link_with_the_filters(client, contoso_admin, claims):
    login(client, contoso_admin)
    response = client.get(LIST, {"q": "alpha", "sort": "-name", "cursor": "x", "status": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="claims-export" href="{EXPORT}?q=alpha&amp;sort=-name"' in html
    assert '<input type="hidden" name="sort" value="-name" form="claims-filter">' in html
    assert 'id="sort-name"' in html and 'id="sort-submitted"' in html
    assert response["HX-Push-Url"] == f"{LIST}?q=alpha&sort=-name"  # no empty filter, no unwritten cursor
    page = client.get(LIST).content.decode()
    assert f'id="claims-export" href="{EXPORT}"' in page
