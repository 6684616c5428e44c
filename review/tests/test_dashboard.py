"""The reviewers' dashboard: access, figures computed by the database, accessible charts,
empty state, and a query count that does not grow with the number of claims."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arbitration.models import ArbitrationCase
from claims import services
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import TenantFactory
from lib.business_days import add_business_days
from review import dashboard
from review.tests.helpers import another_valid_draft, queue_claim, under_review
from tests.helpers import login

URL = reverse("review:dashboard")


class TestAccess:
    def test_anonymous_goes_to_login(self, client, db):
        assert client.get(URL).status_code == 302

    @pytest.mark.parametrize("who", ["contoso_admin", "contoso_viewer", "fabrikam_admin"])
    def test_partner_users_are_refused(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 403

    @pytest.mark.parametrize("who", ["reviewer1", "lead"])
    def test_reviewers_and_leads(self, client, request, who):
        login(client, request.getfixturevalue(who))
        assert client.get(URL).status_code == 200


def test_renders_empty(client, reviewer1):
    login(client, reviewer1)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["open_total"] == 0
    assert html.split("<main")[1].count("<svg") == 4  # the charts (the header has its brand mark)
    assert html.count("<title id=") == 4 and html.count("<desc id=") == 4
    assert html.count('class="chart-data"') == 4
    assert "No decisions in these weeks." in html


def test_figures(client, reviewer1, reviewer2, draft, contoso_admin, contoso_mpn, dynamics_sales):
    now = timezone.now()
    queue_claim(status=Status.SUBMITTED)
    queue_claim(status=Status.SUBMITTED, due_in=-dt.timedelta(hours=2))  # overdue
    queue_claim(status=Status.UNDER_REVIEW)
    queue_claim(status=Status.ACTION_REQUIRED, due_in=-dt.timedelta(hours=2))  # paused, not overdue
    queue_claim(status=Status.APPROVED, due_in=None)  # not open
    # Ages: submitted today; 20 business days ago.
    today = timezone.localdate()
    Claim.objects.filter(status=Status.UNDER_REVIEW).update(
        submitted_at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=40), dt.time(10)))
    )
    # Decisions this week: one on time (review just started), one late (review started long ago).
    on_time = under_review(draft, contoso_admin, reviewer1)
    services.claim_approve(claim=on_time, user=reviewer1)
    with mock.patch("django.utils.timezone.now", return_value=now - dt.timedelta(days=30)):
        late = under_review(another_valid_draft(contoso_mpn, contoso_admin, dynamics_sales), contoso_admin, reviewer2)
    services.claim_reject(claim=late, user=reviewer2, reason="insufficient_poe")
    ArbitrationCase.objects.create(association_key="k", tenant=TenantFactory(), activity="usage")

    login(client, reviewer1)
    response = client.get(URL)
    ctx = response.context
    assert ctx["open_total"] == 4
    assert {status: n for _label, n, status in ctx["by_status"]} == {
        "submitted": 2,
        "under_review": 1,
        "disputed": 0,
        "action_required": 1,
    }
    assert ctx["overdue_total"] == 1
    assert ctx["cases_open"] == 1
    assert [n for _label, n in ctx["ages"]] == [3, 0, 0, 1]
    this_week = ctx["attainment"][-1]
    assert (this_week["decisions"], this_week["on_time"], this_week["share"]) == (2, 1, 50)
    assert dict(ctx["reviewers"]) == {"reviewer1": [0] * 9 + [1], "reviewer2": [0] * 9 + [1]}
    html = response.content.decode()
    assert "50%" in html and "reviewer2" in html
    # Attainment is never read alone: the claims overdue now stand beside it.
    assert "This week: 50% of 2 decisions on time" in html and "1 claim overdue now" in html


def test_full_attainment_still_shows_what_is_overdue(client, reviewer1, draft, contoso_admin):
    services.claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)
    queue_claim(status=Status.SUBMITTED, due_in=-dt.timedelta(hours=2))
    queue_claim(status=Status.UNDER_REVIEW, due_in=-dt.timedelta(hours=5))
    html = login(client, reviewer1).get(URL).content.decode()
    assert "This week: 100% of 1 decision on time" in html
    assert 'class="attainment-now has-overdue"' in html and "2 claims overdue now" in html


def test_age_thresholds_follow_the_business_calendar(settings):
    # Monday 2026-01-12 noon, counting back business days from today: the 3rd is Thu 8 Jan,
    # the 6th Fri 2 Jan (6 Jan and 1 Jan are Swedish public holidays), the 11th Tue 23 Dec
    # (25 and 26 Dec are holidays).
    settings.BUSINESS_CALENDAR_COUNTRY = "SE"
    now = timezone.make_aware(dt.datetime(2026, 1, 12, 12, 0))
    t = dashboard.age_thresholds(now)
    assert {k: v.date() for k, v in t.items()} == {
        3: dt.date(2026, 1, 8),
        6: dt.date(2026, 1, 2),
        11: dt.date(2025, 12, 23),
    }
    # And the definition holds: a claim submitted the day before threshold k is k days old.
    for k, moment in t.items():
        day_before = moment.date() - dt.timedelta(days=1)
        assert add_business_days(day_before, k) <= timezone.localdate(now)


def test_query_count_does_not_grow_with_claims(client, reviewer1):
    login(client, reviewer1)
    queue_claim()
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(20):
        queue_claim()
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(few.captured_queries) == len(many.captured_queries) <= 12


def test_attainment_restarts_the_clock_on_revert(reviewer1, lead, draft, contoso_admin):
    """A decision reverted long after the review started is on time if the new decision comes
    within five business days of the revert."""
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now - dt.timedelta(days=40)):
        claim = under_review(draft, contoso_admin, reviewer1)
        claim = services.claim_approve(claim=claim, user=reviewer1)
    claim = services.claim_revert(claim=claim, user=lead, reason="Wrong tenant.")
    services.claim_approve(claim=claim, user=reviewer1)
    this_week = dashboard.attainment(dashboard.week_starts(now))[-1]
    assert this_week[1:] == (1, 1)


@pytest.mark.django_db
def test_figures_are_kept_for_a_minute_per_language(client, lead, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    queue_claim()
    login(client, lead)
    with mock.patch("review.views.dashboard_data", wraps=dashboard.dashboard) as compute:
        first = client.get(URL)
        second = client.get(URL)
        assert compute.call_count == 1
        assert first.content.decode().split("<main")[1] == second.content.decode().split("<main")[1]
        lead.language = "sv"
        lead.save(update_fields=["language"])
        assert 'lang="sv"' in client.get(URL).content.decode()
        assert compute.call_count == 2
