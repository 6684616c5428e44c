"""The queue's CSV export: same filters, streamed, claim columns only (never comments or
internal notes), spreadsheet formulas neutralised."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.models import Activity, Comment, CommentKind
from claims.tests.factories import MpnFactory, ProductFactory, TenantFactory
from lib.csv_export import csv_safe
from review.tests.helpers import queue_claim
from tests.helpers import login

URL = reverse("review:export")


def rows(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self, client):
        assert client.get(URL).status_code == 302

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 403

    def test_post_is_not_allowed(self, client, reviewer1):
        login(client, reviewer1)
        assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_columns_filename_and_filter(client, reviewer1):
    mpn = MpnFactory(partner__name="Northwind", number="5550001")
    tenant = TenantFactory(name="Alpine Ski House", domain="alpine.example")
    usage = queue_claim(
        mpn=mpn,
        tenant=tenant,
        activity=Activity.USAGE,
        assignee=reviewer1,
        is_competing=True,
        products=[ProductFactory(code="d365-sales", name="Dynamics 365 Sales")],
    )
    queue_claim(activity=Activity.PRESALES)
    login(client, reviewer1)
    response = client.get(URL, {"activity": "usage"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="review-queue-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    header, *body = rows(response)
    assert header == [
        "reference",
        "name",
        "status",
        "partner",
        "mpn",
        "customer",
        "tenant_id",
        "domain",
        "solution_area",
        "activity",
        "products",
        "due",
        "assignee",
        "competing",
    ]
    assert len(body) == 1
    line = dict(zip(header, body[0], strict=True))
    assert (line["reference"], line["name"]) == (usage.reference, usage.name)
    assert (line["partner"], line["mpn"], line["customer"]) == ("Northwind", "5550001", "Alpine Ski House")
    assert line["tenant_id"] == str(tenant.tenant_id)
    assert (line["domain"], line["activity"], line["products"]) == ("alpine.example", "usage", "Dynamics 365 Sales")
    assert (line["assignee"], line["competing"]) == ("reviewer1", "yes")
    assert line["due"].startswith(str(timezone.localtime(usage.due_at).date()))


@pytest.mark.django_db
def test_never_contains_comments_or_internal_notes(client, draft, contoso_admin, reviewer1):
    claim, _w = services.claim_submit(claim=draft, user=contoso_admin)
    services.comment_add(claim=claim, user=reviewer1, body="SECRET-INTERNAL-9f3a", internal=True)
    services.comment_add(claim=claim, user=reviewer1, body="VISIBLE-REPLY-41c2", internal=False)
    Comment.objects.create(claim=claim, kind=CommentKind.SYSTEM, internal=True, body="SYSTEM-NOTE-77d0")
    login(client, reviewer1)
    text = b"".join(client.get(URL).streaming_content).decode()
    assert claim.reference in text
    for marker in ("SECRET-INTERNAL-9f3a", "VISIBLE-REPLY-41c2", "SYSTEM-NOTE-77d0"):
        assert marker not in text


@pytest.mark.django_db
def test_formulas_are_neutralised(client, reviewer1):
    mpn = MpnFactory(partner__name='=HYPERLINK("http://evil.example","x")')
    tenant = TenantFactory(name="+cmd|' /C calc'!A0", domain="@sum.example")
    queue_claim(mpn=mpn, tenant=tenant, customer_domain="-2+3.example")
    login(client, reviewer1)
    header, line = rows(client.get(URL))
    cells = dict(zip(header, line, strict=True))
    assert cells["partner"] == '\'=HYPERLINK("http://evil.example","x")'
    assert cells["customer"] == "'+cmd|' /C calc'!A0"
    assert cells["domain"] == "'-2+3.example"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


@pytest.mark.django_db
def test_empty_export_has_the_header(client, reviewer1):
    login(client, reviewer1)
    assert len(rows(client.get(URL))) == 1
