"""The review queue: who may see it, what it shows, its order, its filters, its HTMX variant
and a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import Activity
from claims.states import Status
from claims.tests.factories import MpnFactory, ProductFactory, TenantFactory
from directory.models import SolutionArea
from review.tests.helpers import htmx, queue_claim
from tests.helpers import login

URL = reverse("review:queue")


def refs(response):
    return [row.reference for row in response.context["rows"]]


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 403

    def test_user_without_role_is_refused(self, client, django_user_model):
        user = django_user_model.objects.create_user("nobody", password="x")
        login(client, user)
        assert client.get(URL).status_code == 403

    @pytest.mark.parametrize("who", ["reviewer1", "lead", "superuser"])
    def test_reviewers_and_leads_see_it(self, client, request, who):
        claim = queue_claim()
        login(client, request.getfixturevalue(who))
        response = client.get(URL)
        assert response.status_code == 200
        assert claim.reference in response.content.decode()

    def test_post_is_not_allowed(self, client, reviewer1):
        login(client, reviewer1)
        assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_shows_queue_statuses_only(client, reviewer1):
    shown = {s: queue_claim(status=s) for s in (Status.SUBMITTED, Status.UNDER_REVIEW, Status.DISPUTED)}
    shown[Status.ACTION_REQUIRED] = queue_claim(status=Status.ACTION_REQUIRED)
    hidden = [queue_claim(status=s, due_in=None) for s in (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)]
    login(client, reviewer1)
    got = set(refs(client.get(URL)))
    assert got == {c.reference for c in shown.values()}
    assert not got & {c.reference for c in hidden}


@pytest.mark.django_db
def test_default_order_is_most_urgent_first_and_no_deadline_last(client, reviewer1):
    later = queue_claim(due_in=dt.timedelta(days=5))
    none = queue_claim(due_in=None)
    overdue = queue_claim(due_in=-dt.timedelta(days=1))
    soon = queue_claim(due_in=dt.timedelta(hours=2))
    login(client, reviewer1)
    assert refs(client.get(URL)) == [overdue.reference, soon.reference, later.reference, none.reference]
    reverse_order = refs(client.get(URL, {"order": "-due"}))
    assert reverse_order == [none.reference, later.reference, soon.reference, overdue.reference]


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["bogus", "-id", "due_at; DROP TABLE", "partner__name", ""])
def test_unknown_ordering_falls_back_to_default(client, reviewer1, order):
    later = queue_claim(due_in=dt.timedelta(days=5))
    first = queue_claim(due_in=dt.timedelta(hours=1))
    login(client, reviewer1)
    response = client.get(URL, {"order": order})
    assert response.status_code == 200
    assert refs(response) == [first.reference, later.reference]


@pytest.mark.django_db
def test_row_shows_partner_customer_products_activity_status_deadline_competing_assignee(client, reviewer1):
    mpn = MpnFactory(partner__name="Northwind Partners", number="7654321")
    tenant = TenantFactory(name="Alpine Ski House", domain="alpineskihouse.example")
    claim = queue_claim(
        mpn=mpn,
        tenant=tenant,
        products=[ProductFactory(code="d365-field-service", name="Dynamics 365 Field Service")],
        is_competing=True,
        assignee=reviewer1,
        status=Status.UNDER_REVIEW,
        due_in=-dt.timedelta(hours=3),
    )
    login(client, reviewer1)
    html = client.get(URL).content.decode()
    for text in (
        claim.reference,
        reverse("review:claim", args=[claim.pk]),
        "Northwind Partners",
        "7654321",
        "Alpine Ski House",
        "alpineskihouse.example",
        "Dynamics 365 Field Service",
        "Presales",
        "status-under_review",
        "sla-overdue",
        reverse("arbitration:list"),
        "Competing",
    ):
        assert text in html, text


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reviewer1", "lead"])
def test_query_count_is_the_same_for_25_and_100_rows(client, request, who):
    user = request.getfixturevalue(who)
    mpn = MpnFactory()
    for i in range(100):
        queue_claim(mpn=mpn if i % 2 else None, due_in=dt.timedelta(hours=i + 1), assignee=user if i % 3 == 0 else None)
    login(client, user)
    counts = {}
    for per in (25, 100):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"per": per})
        assert len(response.context["rows"]) == per
        counts[per] = len(ctx.captured_queries)
    assert counts[25] == counts[100]
    assert counts[25] <= 8, counts
    # The HTMX results fragment needs no form options at all.
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"per": 100}, **htmx())
    assert len(ctx.captured_queries) <= counts[100]


@pytest.mark.django_db
class TestHtmx:
    def test_fragment_with_push_url_and_vary(self, client, reviewer1):
        claim = queue_claim(activity=Activity.USAGE)
        login(client, reviewer1)
        response = client.get(URL, {"activity": "usage", "q": "", "per": "25"}, **htmx())
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert 'id="queue-results"' in html
        assert 'id="queue-filters"' not in html
        assert claim.reference in html
        assert "HX-Request" in response["Vary"]
        # Empty fields and defaults are dropped from the URL pushed into the history.
        assert response["HX-Push-Url"] == f"{URL}?activity=usage"
        response = client.get(URL, {"activity": "usage", "per": "50", "order": "due"}, **htmx())
        assert response["HX-Push-Url"] == f"{URL}?activity=usage&per=50"

    def test_full_page_without_htmx_varies_too(self, client, reviewer1):
        login(client, reviewer1)
        response = client.get(URL)
        html = response.content.decode()
        assert "<html" in html
        assert 'hx-get="/review/"' in html and 'hx-push-url="true"' in html and 'hx-target="#queue-results"' in html
        assert "HX-Request" in response["Vary"]

    def test_history_restore_gets_the_full_page(self, client, reviewer1):
        login(client, reviewer1)
        response = client.get(URL, **htmx(HTTP_HX_HISTORY_RESTORE_REQUEST="true"))
        assert "<html" in response.content.decode()


@pytest.mark.django_db
class TestPageSize:
    @pytest.mark.parametrize(("per", "expected"), [("50", 50), ("100", 100), ("7", 25), ("1000", 25), ("x", 25)])
    def test_bounded(self, client, reviewer1, per, expected):
        for i in range(120):
            queue_claim(due_in=dt.timedelta(hours=i + 1))
        login(client, reviewer1)
        response = client.get(URL, {"per": per})
        assert response.status_code == 200
        assert len(response.context["rows"]) == expected


@pytest.mark.django_db
class TestFilters:
    def get(self, client, user, **params):
        login(client, user)
        response = client.get(URL, params)
        assert response.status_code == 200
        return set(refs(response))

    def test_status(self, client, reviewer1):
        a = queue_claim(status=Status.SUBMITTED)
        b = queue_claim(status=Status.DISPUTED)
        queue_claim(status=Status.UNDER_REVIEW)
        assert self.get(client, reviewer1, status=["submitted", "disputed"]) == {a.reference, b.reference}

    def test_status_outside_the_queue_is_ignored_not_shown(self, client, reviewer1):
        a = queue_claim(status=Status.SUBMITTED)
        queue_claim(status=Status.APPROVED)
        login(client, reviewer1)
        response = client.get(URL, {"status": "approved"})
        assert response.status_code == 200
        assert set(refs(response)) == {a.reference}
        assert "form-error" in response.content.decode()

    def test_solution_area_and_activity(self, client, reviewer1):
        m365 = queue_claim(solution_area=SolutionArea.MICROSOFT_365, activity=Activity.USAGE)
        usage = queue_claim(activity=Activity.USAGE)
        presales = queue_claim(activity=Activity.PRESALES)
        assert self.get(client, reviewer1, solution_area="microsoft_365") == {m365.reference}
        assert self.get(client, reviewer1, activity="usage") == {m365.reference, usage.reference}
        assert self.get(client, reviewer1, activity="presales") == {presales.reference}

    def test_sla_states(self, client, reviewer1):
        overdue = queue_claim(due_in=-dt.timedelta(hours=1), status=Status.UNDER_REVIEW)
        soon = queue_claim(due_in=dt.timedelta(minutes=30))
        on_track = queue_claim(due_in=dt.timedelta(days=10))
        paused = queue_claim(status=Status.ACTION_REQUIRED, due_in=-dt.timedelta(hours=1))
        assert self.get(client, reviewer1, sla="overdue") == {overdue.reference}
        assert self.get(client, reviewer1, sla="due_soon") == {soon.reference}
        assert self.get(client, reviewer1, sla="on_track") == {on_track.reference}
        assert self.get(client, reviewer1, sla="paused") == {paused.reference}

    def test_sla_filter_agrees_with_the_clock_shown(self, client, reviewer1):
        from claims.sla import sla_info

        claims = [queue_claim(due_in=dt.timedelta(hours=h)) for h in (-30, -1, 1, 5, 20, 30, 50, 80, 200)]
        login(client, reviewer1)
        now = timezone.now()
        for state in ("overdue", "due_soon", "on_track"):
            got = set(refs(client.get(URL, {"sla": state})))
            expected = {c.reference for c in claims if sla_info(c, now=now).state == state}
            assert got == expected, state

    def test_competing(self, client, reviewer1):
        yes = queue_claim(is_competing=True)
        no = queue_claim()
        assert self.get(client, reviewer1, competing="yes") == {yes.reference}
        assert self.get(client, reviewer1, competing="no") == {no.reference}

    def test_assigned(self, client, reviewer1, reviewer2):
        mine = queue_claim(assignee=reviewer1)
        theirs = queue_claim(assignee=reviewer2)
        nobody = queue_claim()
        assert self.get(client, reviewer1, assigned="me") == {mine.reference}
        assert self.get(client, reviewer1, assigned="unassigned") == {nobody.reference}
        assert self.get(client, reviewer1, assigned="anyone") == {mine.reference, theirs.reference}
        assert self.get(client, reviewer1) == {mine.reference, theirs.reference, nobody.reference}

    def test_partner_and_mpn(self, client, reviewer1):
        mpn = MpnFactory(number="3141592")
        a = queue_claim(mpn=mpn)
        b = queue_claim()
        assert self.get(client, reviewer1, partner=str(mpn.partner_id)) == {a.reference}
        assert self.get(client, reviewer1, partner=str(b.partner_id)) == {b.reference}
        assert self.get(client, reviewer1, mpn="3141592") == {a.reference}
        assert self.get(client, reviewer1, mpn=" 3141592 ") == {a.reference}
        assert self.get(client, reviewer1, mpn="314159") == set()
        assert self.get(client, reviewer1, mpn="abc") == set()

    @pytest.mark.parametrize("bad", ["abc", "-1", "0", "99999999999999999999999"])
    def test_bad_partner_value_is_ignored(self, client, reviewer1, bad):
        a = queue_claim()
        assert self.get(client, reviewer1, partner=bad) == {a.reference}

    def test_customer_search(self, client, reviewer1):
        fabrikam = queue_claim(tenant=TenantFactory(name="Fourth Coffee", domain="fourthcoffee.example"))
        other = queue_claim(tenant=TenantFactory(name="Wide World Importers", domain="wwi.example"))
        tenant_id = str(fabrikam.tenant.tenant_id)
        assert self.get(client, reviewer1, q=tenant_id) == {fabrikam.reference}
        assert self.get(client, reviewer1, q=tenant_id.upper()) == {fabrikam.reference}
        assert self.get(client, reviewer1, q="FourthCoffee.ex") == {fabrikam.reference}
        assert self.get(client, reviewer1, q="wide world") == {other.reference}
        assert self.get(client, reviewer1, q="coffee") == set()  # a prefix, not a substring
        assert self.get(client, reviewer1, q="%") == set()

    def test_submitted_date_range(self, client, reviewer1):
        today = timezone.localdate()
        old = queue_claim(submitted_at=timezone.now() - dt.timedelta(days=20))
        new = queue_claim(submitted_at=timezone.now())
        assert self.get(client, reviewer1, submitted_from=str(today)) == {new.reference}
        assert self.get(client, reviewer1, submitted_to=str(today - dt.timedelta(days=10))) == {old.reference}
        assert self.get(client, reviewer1, submitted_from="not-a-date") == {old.reference, new.reference}

    def test_filters_combine(self, client, reviewer1):
        target = queue_claim(status=Status.UNDER_REVIEW, activity=Activity.USAGE, assignee=reviewer1)
        queue_claim(status=Status.UNDER_REVIEW, activity=Activity.PRESALES, assignee=reviewer1)
        queue_claim(status=Status.SUBMITTED, activity=Activity.USAGE, assignee=reviewer1)
        got = self.get(client, reviewer1, status="under_review", activity="usage", assigned="me")
        assert got == {target.reference}
