"""The claim's name for reviewers: the queue's search finds a claim by the start of its name
(any case, through ``claim_name_upper_idx``) and by its reference; the queue's rows, the review
screen's heading and the export show it."""

import csv
import io
import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from claims.models import Claim
from claims.states import Status
from review.filters import QueueFilter
from review.selectors import queue_base
from review.tests.helpers import queue_claim
from tests.helpers import login

URL = reverse("review:queue")


def found(client, q) -> set[str]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return {row.reference for row in response.context["rows"]}


@pytest.fixture
def named(db):
    return {
        "rollout": queue_claim(name="Contoso Dynamics 365 Sales rollout"),
        "pilot": queue_claim(name="contoso.com — Teams pilot"),
        "other": queue_claim(name="Northwind field service"),
        "draft": queue_claim(name="Contoso draft nobody submitted", status=Status.EDITING),
    }


def test_search_by_the_start_of_the_name_in_any_case(client, reviewer1, named):
    login(client, reviewer1)
    rollout, pilot = named["rollout"].reference, named["pilot"].reference
    assert found(client, "contoso") == {rollout, pilot}  # never the draft
    assert found(client, "CONTOSO DYN") == {rollout}
    assert found(client, "contoso.com") == {pilot}  # a name with a dot (as the migration names)
    assert found(client, "Northwind field service") == {named["other"].reference}  # the whole name, pasted
    assert found(client, "rollout") == set()  # the start of the name, not any part
    assert found(client, "%") == set() and found(client, "_ontoso") == set()


def test_search_by_reference(client, reviewer1, named):
    login(client, reviewer1)
    claim = named["other"]
    for term in (claim.reference, claim.reference.lower(), f"CPOR{claim.pk}", str(claim.pk)):
        assert claim.reference in found(client, term), term
    assert found(client, f"CPOR-{named['draft'].pk:06d}") == set()  # a draft is in no queue


def test_rows_heading_and_export_name_the_claim(client, reviewer1, named):
    claim = named["rollout"]
    login(client, reviewer1)
    html = client.get(URL).content.decode()
    assert re.search(
        rf'id="ref-{claim.pk}"[^>]*>{claim.reference}</a><span class="sub claim-name">{re.escape(claim.name)}</span>',
        html,
    )
    page = client.get(reverse("review:claim", args=[claim.pk])).content.decode()
    assert re.search(
        rf'<h1 id="claim-title"[^>]*>{re.escape(claim.name)} <span class="claim-ref">{claim.reference}</span>', page
    )
    response = client.get(reverse("review:export"), {"q": "contoso dyn"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["reference"], r["name"]) for r in rows] == [(claim.reference, claim.name)]


def test_names_are_escaped_in_the_rows(client, reviewer1):
    claim = queue_claim(name='<img src=x onerror="alert(1)">')
    login(client, reviewer1)
    html = client.get(URL).content.decode()
    assert "<img src=x" not in html
    assert '<span class="sub claim-name">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>' in html
    assert claim.reference in html


def test_the_name_search_reads_its_index(postgres_required, reviewer1, named, rf):
    """On PostgreSQL the search's condition is the expression of ``claim_name_upper_idx``
    (``UPPER(name) LIKE 'X%'``, pattern ops): with sequential scans off, the plan reads it."""
    request = rf.get(URL)
    request.user = reviewer1
    filterset = QueueFilter({"q": "Contoso Dyn"}, queryset=queue_base(), request=request)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = filterset.qs.order_by("due_at", "id").explain()
    assert "claim_name_upper_idx" in plan
    assert list(filterset.qs.values_list("pk", flat=True)) == [named["rollout"].pk]
    assert Claim.objects.filter(name__istartswith="contoso dyn").count() == 1
