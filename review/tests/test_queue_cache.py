"""The queue's page cache: a repeated page is served from the cache, and never outlives a
change to any claim, whichever path made it (a service, a bulk update, the bulk loader). It is
kept per reader and language, holds no CSRF token, and the page works without the cache."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import PartnerFactory
from review.tests.helpers import htmx, queue_claim
from tests.helpers import login

URL = reverse("review:queue")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.QUEUE_CACHE_SECONDS = 60


def from_cache(response) -> bool:
    """Served from the cache: the whole page (no template drawn) or its table (no rows)."""
    return response.context is None or "rows" not in response.context


def queries(client, *args, **kwargs):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(*args, **kwargs)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_repeated_page_is_served_from_the_cache(client, reviewer1):
    claims = [queue_claim() for _ in range(3)]
    login(client, reviewer1)
    first, drawn = queries(client, URL)
    second, cached = queries(client, URL)
    # Drawn: session, user, roles, the page's query, the reviewers for the bulk form; cached:
    # no query for the page at all.
    assert cached < drawn
    assert cached == 3
    assert not from_cache(first) and from_cache(second)
    assert "\x00" not in second.content.decode()
    for claim in claims:
        assert claim.reference in second.content.decode()
    # The same table either way.
    table = first.content.decode().split('id="queue-table"')[1]
    assert second.content.decode().split('id="queue-table"')[1] == table


@pytest.mark.django_db
def test_a_claim_changed_by_a_service_is_shown_at_once(client, reviewer1, reviewer2):
    claim = queue_claim(status=Status.SUBMITTED)
    login(client, reviewer2)
    assert "status-submitted" in client.get(URL).content.decode()
    services.claim_start_review(claim=claim, user=reviewer1)
    page = client.get(URL).content.decode()
    assert "status-under_review" in page and "status-submitted" not in page


@pytest.mark.django_db
def test_a_bulk_update_is_shown_at_once(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    assert claim.reference in client.get(URL).content.decode()
    Claim.objects.filter(pk=claim.pk).update(status=Status.WITHDRAWN, due_at=None)
    assert claim.reference not in client.get(URL).content.decode()


@pytest.mark.django_db
def test_a_new_claim_appears_at_once(client, reviewer1):
    queue_claim()
    login(client, reviewer1)
    client.get(URL)
    newcomer = queue_claim()
    assert newcomer.reference in client.get(URL).content.decode()


@pytest.mark.django_db
def test_a_bulk_action_redraws_the_table(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    client.get(URL)
    response = client.post(
        reverse("review:bulk"), {"action": "assign_me", "claim": f"{claim.pk}:{claim.version}"}, **htmx()
    )
    assert response.status_code == 200
    assert "<strong>You</strong>" in response.content.decode()
    assert "<strong>You</strong>" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_each_reader_gets_their_own_table(client, reviewer1, reviewer2):
    claim = queue_claim()
    services.claim_assign(claim=claim, user=reviewer1, assignee=reviewer1)
    login(client, reviewer1)
    assert "<strong>You</strong>" in client.get(URL).content.decode()
    other = login(Client(), reviewer2)
    page = other.get(URL).content.decode()
    assert "<strong>You</strong>" not in page
    assert "reviewer1" in page or reviewer1.get_full_name() in page


@pytest.mark.django_db
def test_each_language_gets_its_own_page(client, reviewer1):
    queue_claim()
    login(client, reviewer1)
    assert "Most urgent first" in client.get(URL).content.decode()
    reviewer1.language = "sv"
    reviewer1.save(update_fields=["language"])
    page = client.get(URL).content.decode()
    assert "Most urgent first" not in page
    assert 'lang="sv"' in page


@pytest.mark.django_db
def test_no_csrf_token_is_cached(reviewer1):
    """Two sessions of one reviewer: the second gets the page from the cache, with its own
    token, and its bulk action passes the CSRF check."""
    claim = queue_claim()
    first = login(Client(enforce_csrf_checks=True), reviewer1)
    first.get(URL)
    second = login(Client(enforce_csrf_checks=True), reviewer1)
    response = second.get(URL)
    assert from_cache(response)
    token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    posted = second.post(
        reverse("review:bulk"),
        {"action": "assign_me", "claim": f"{claim.pk}:{claim.version}", "csrfmiddlewaretoken": token},
    )
    assert posted.status_code == 302
    assert Claim.objects.get(pk=claim.pk).assignee == reviewer1


@pytest.mark.django_db
def test_a_new_partner_appears_in_the_filter(client, reviewer1):
    queue_claim()
    login(client, reviewer1)
    client.get(URL)
    PartnerFactory(name="Northwind Newcomer")
    assert "Northwind Newcomer" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_htmx_results_use_the_same_table(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    client.get(URL)
    client.get(URL, **htmx())
    response, count = queries(client, URL, **htmx())
    assert from_cache(response)
    assert claim.reference in response.content.decode()
    assert 'id="queue-filters"' not in response.content.decode()
    assert count == 3


@pytest.mark.django_db
def test_the_page_works_when_the_cache_is_unreachable(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    with (
        mock.patch("django.core.cache.cache.get_many", side_effect=ConnectionError("redis down")),
        mock.patch("django.core.cache.cache.set_many", side_effect=ConnectionError("redis down")),
    ):
        first = client.get(URL)
        second = client.get(URL)
    assert first.status_code == second.status_code == 200
    assert "rows" in second.context  # drawn both times
    assert claim.reference in second.content.decode()


@pytest.mark.django_db
def test_cache_off_draws_every_time(client, reviewer1, settings):
    settings.QUEUE_CACHE_SECONDS = 0
    queue_claim()
    login(client, reviewer1)
    client.get(URL)
    assert "rows" in client.get(URL).context


@pytest.mark.django_db
def test_a_waiting_flash_message_is_shown_once(client, reviewer1):
    claim = queue_claim()
    login(client, reviewer1)
    client.get(URL)
    client.get(URL)  # the page is cached now
    done = client.post(reverse("review:bulk"), {"action": "assign_me", "claim": f"{claim.pk}:{claim.version}"})
    assert done.status_code == 302
    first = client.get(done["Location"]).content.decode()
    assert "1 claim assigned to you." in first
    assert "1 claim assigned to you." not in client.get(done["Location"]).content.decode()


@pytest.mark.django_db
def test_the_unread_count_is_current(client, reviewer1):
    from notifications.models import Notification

    claim = queue_claim()
    login(client, reviewer1)
    client.get(URL)
    client.get(URL)
    Notification.objects.create(recipient=reviewer1, claim=claim, kind="reviewer_reminder", data={})
    assert 'class="badge"' in client.get(URL).content.decode()
