"""The case list: access, what a row shows, the filters, HTMX, paging and query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arbitration import selectors
from arbitration.models import ArbitrationCase, CaseClaim, CaseStatus
from arbitration.services import arbitration_award
from arbitration.tests.helpers import htmx
from claims.models import Activity, Claim
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory, SubscriptionFactory, TenantFactory
from tests.helpers import login

URL = reverse("arbitration:list")


def make_case(*, n_claims=2, activity=Activity.PRESALES, status=CaseStatus.OPEN, assignee=None, tenant=None, due=None):
    """A case written directly (the list only reads): ``n_claims`` open claims from
    different partners, each with a deadline."""
    sub = SubscriptionFactory(tenant=tenant or TenantFactory())
    key = f"test:{sub.subscription_id}:{activity}"
    case = ArbitrationCase.objects.create(
        association_key=key,
        tenant=sub.tenant,
        subscription=sub,
        activity=activity,
        status=status,
        assignee=assignee,
        decided_at=timezone.now() if status == CaseStatus.DECIDED else None,
    )
    now = timezone.now()
    for i in range(n_claims):
        claim = ClaimFactory(mpn=MpnFactory(), sub=sub, activity=activity)
        Claim.objects.filter(pk=claim.pk).update(
            status=Status.UNDER_REVIEW,
            association_key=key,
            tenant=sub.tenant,
            due_at=(due or now + dt.timedelta(days=3)) + dt.timedelta(hours=i),
            due_kind="decision",
            submitted_at=now,
        )
        CaseClaim.objects.create(case=case, claim=claim, is_incumbent=False)
    return case


class TestAccess:
    def test_anonymous_goes_to_login(self, client, db):
        response = client.get(URL)
        assert response.status_code == 302 and reverse("login") in response["Location"]

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 403

    @pytest.mark.parametrize("who", ["reviewer1", "lead", "superuser"])
    def test_reviewers_and_leads_see_it(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 200

    def test_post_is_not_allowed(self, client, reviewer1):
        login(client, reviewer1)
        assert client.post(URL).status_code == 405


def test_row_shows_the_key_partners_deadline_and_assignee(client, contested, reviewer1):
    case, incumbent, challenger = contested
    login(client, reviewer1)
    html = client.get(URL).content.decode()
    assert case.reference in html and reverse("arbitration:case", args=[case.pk]) in html
    assert case.tenant.name in html and str(case.tenant.tenant_id) in html
    assert "Dynamics 365 Sales" in html and "Presales" in html
    assert str(case.subscription.subscription_id)[:8] in html
    row = selectors.case_rows(ArbitrationCase.objects.filter(pk=case.pk)).get()
    assert row.partner_count == 2
    assert row.oldest_due == challenger.due_at  # the incumbent (approved) has no running deadline
    assert "Unassigned" in html
    assert "sla-on_track" in html


def test_open_by_default_decided_on_request(client, contested, reviewer1):
    case, incumbent, _challenger = contested
    login(client, reviewer1)
    arbitration_award(case=case, user=reviewer1, winner=incumbent, reason="Contoso did the work.")
    assert case.reference not in client.get(URL).content.decode()
    html = client.get(URL, {"status": "decided"}).content.decode()
    assert case.reference in html and "Awarded to" in html and "Contoso" in html


def test_filters(client, reviewer1, reviewer2):
    mine = make_case(assignee=reviewer1, activity=Activity.USAGE, tenant=TenantFactory(name="Northwind Traders"))
    theirs = make_case(assignee=reviewer2)
    nobody = make_case()
    login(client, reviewer1)

    def shown(**params):
        html = client.get(URL, params).content.decode()
        return {c.reference for c in (mine, theirs, nobody) if c.reference in html}

    assert shown() == {mine.reference, theirs.reference, nobody.reference}
    assert shown(assigned="me") == {mine.reference}
    assert shown(assigned="unassigned") == {nobody.reference}
    assert shown(activity="usage") == {mine.reference}
    assert shown(q="northwind") == {mine.reference}
    assert shown(q=str(mine.tenant.tenant_id)) == {mine.reference}
    domain = theirs.tenant.domains.first().domain
    assert shown(q=domain[:12]) == {theirs.reference}


@pytest.mark.parametrize(
    "params",
    [{"status": "nonsense"}, {"activity": "x" * 300}, {"assigned": "everyone"}, {"page": "-3"}, {"page": "abc"}],
)
def test_hostile_parameters_are_ignored(client, reviewer1, params):
    case = make_case()
    login(client, reviewer1)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert case.reference in response.content.decode()


def test_most_urgent_first(client, reviewer1):
    now = timezone.now()
    later = make_case(due=now + dt.timedelta(days=4))
    sooner = make_case(due=now + dt.timedelta(days=1))
    login(client, reviewer1)
    html = client.get(URL).content.decode()
    assert html.index(sooner.reference) < html.index(later.reference)


def test_htmx_gets_the_results_fragment(client, contested, reviewer1):
    login(client, reviewer1)
    response = client.get(URL, {"status": "open"}, **htmx())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="case-results"' in html and contested[0].reference in html
    assert "HX-Request" in response["Vary"]
    full = client.get(URL)
    assert "<html" in full.content.decode() and "HX-Request" in full["Vary"]


def test_pages_without_count(client, reviewer1, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    cases = [make_case(due=timezone.now() + dt.timedelta(days=1, hours=i)) for i in range(5)]
    login(client, reviewer1)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(URL).content.decode()
    assert not any("__count" in q["sql"] and "arbitration" in q["sql"] for q in ctx.captured_queries)
    assert [c.reference in first for c in cases] == [True, True, True, False, False]
    assert "page=2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert [c.reference in second for c in cases] == [False, False, False, True, True]
    assert "page=3" not in second


def _count(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_constant(client, reviewer1):
    make_case()
    login(client, reviewer1)
    _count(client)
    one = _count(client)
    for _ in range(12):
        make_case(n_claims=3, assignee=reviewer1)
    assert _count(client) == one
    assert _count(client, {"status": "decided"}) == one
    assert one <= 8
