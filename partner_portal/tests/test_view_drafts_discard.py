"""Discarding drafts from "Needs your action" on My claims: the ticked drafts, a confirmation
page, then the company's drafts among them discarded in one step with a message that counts
them. Another partner's claim id is ignored (it is never shown, never discarded), a read-only
member gets 403, a reviewer 404, GET 405; the queries do not grow with the number of drafts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_update
from claims.states import Status
from claims.tests.factories import ClaimFactory
from tests.helpers import login

URL = reverse("claims:drafts_discard")
LIST = reverse("claims:list")


def drafts(n, mpn, user):
    return [ClaimFactory(mpn=mpn, created_by=user) for _ in range(n)]


def ticked(*claims):
    return [f"{c.pk}:{c.version}" for c in claims]


def statuses(claims):
    return [Claim.objects.get(pk=c.pk).status for c in claims]


@pytest.mark.django_db
class TestTheList:
    def test_a_writer_can_tick_drafts_but_not_requests(self, client, contoso_mpn, contoso_admin):
        draft, asked = drafts(2, contoso_mpn, contoso_admin)
        Claim.objects.filter(pk=asked.pk).update(status=Status.ACTION_REQUIRED, association_key="test:asked")
        html = login(client, contoso_admin).get(LIST).content.decode()
        assert f'action="{URL}"' in html
        assert f'name="claim" value="{draft.pk}:{draft.version}"' in html
        assert f'value="{asked.pk}:' not in html
        assert "Discard the selected drafts…" in html

    def test_a_read_only_member_sees_no_checkboxes(self, client, contoso_mpn, contoso_admin, contoso_viewer):
        drafts(1, contoso_mpn, contoso_admin)
        html = login(client, contoso_viewer).get(LIST).content.decode()
        assert "Needs your action" in html
        assert URL not in html and 'name="claim"' not in html


@pytest.mark.django_db
class TestConfirmation:
    def test_lists_the_ticked_drafts_and_changes_nothing(self, client, contoso_mpn, contoso_admin):
        mine = drafts(2, contoso_mpn, contoso_admin)
        response = login(client, contoso_admin).post(URL, {"claim": ticked(*mine)})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Discard these 2 drafts?" in html and "Discard 2 drafts" in html
        for claim in mine:
            assert claim.reference in html
            assert f'<input type="hidden" name="claim" value="{claim.pk}:{claim.version}">' in html
        assert 'name="confirm" value="1"' in html
        assert statuses(mine) == [Status.EDITING, Status.EDITING]

    def test_one_draft_reads_in_the_singular(self, client, contoso_mpn, contoso_admin):
        mine = drafts(1, contoso_mpn, contoso_admin)
        html = login(client, contoso_admin).post(URL, {"claim": ticked(*mine)}).content.decode()
        assert "Discard this draft?" in html and "Discard 1 draft<" in html

    def test_another_partners_draft_is_not_shown(
        self, client, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin
    ):
        mine = drafts(1, contoso_mpn, contoso_admin)[0]
        theirs = drafts(1, fabrikam_mpn, fabrikam_admin)[0]
        html = login(client, contoso_admin).post(URL, {"claim": ticked(mine, theirs)}).content.decode()
        assert mine.reference in html and theirs.reference not in html
        assert f'value="{theirs.pk}:' not in html

    def test_nothing_of_ones_own_selected_goes_back_with_a_message(
        self, client, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin
    ):
        theirs = drafts(1, fabrikam_mpn, fabrikam_admin)[0]
        login(client, contoso_admin)
        for data in ({}, {"claim": ticked(theirs)}, {"claim": ["x", "-1", "1:x:y", "²"]}):
            response = client.post(URL, data, follow=True)
            assert response.redirect_chain[-1][0] == LIST
            assert "Select at least one draft to discard." in response.content.decode()
        assert statuses([theirs]) == [Status.EDITING]


@pytest.mark.django_db
class TestDiscard:
    def test_discards_and_counts(self, client, contoso_mpn, contoso_admin):
        mine = drafts(3, contoso_mpn, contoso_admin)
        response = login(client, contoso_admin).post(URL, {"claim": ticked(*mine), "confirm": "1"}, follow=True)
        assert response.redirect_chain == [(LIST, 302)]
        assert "3 drafts discarded." in response.content.decode()
        assert statuses(mine) == [Status.WITHDRAWN] * 3
        assert "Needs your action" not in response.content.decode()  # nothing left to do

    def test_one_draft_discarded(self, client, contoso_mpn, contoso_admin):
        mine = drafts(1, contoso_mpn, contoso_admin)
        response = login(client, contoso_admin).post(URL, {"claim": ticked(*mine), "confirm": "1"}, follow=True)
        assert "1 draft discarded." in response.content.decode()

    def test_another_partners_draft_id_is_ignored(
        self, client, contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin
    ):
        mine = drafts(1, contoso_mpn, contoso_admin)[0]
        theirs = drafts(1, fabrikam_mpn, fabrikam_admin)[0]
        login(client, contoso_admin)
        response = client.post(URL, {"claim": [*ticked(mine, theirs), str(theirs.pk)], "confirm": "1"}, follow=True)
        assert "1 draft discarded." in response.content.decode()
        assert statuses([mine, theirs]) == [Status.WITHDRAWN, Status.EDITING]
        # Alone, it discards nothing and says so, as for an id that does not exist.
        response = client.post(URL, {"claim": ticked(theirs), "confirm": "1"}, follow=True)
        assert "No draft was discarded." in response.content.decode()
        assert statuses([theirs]) == [Status.EDITING]

    def test_a_draft_changed_meanwhile_is_kept_and_named_as_such(self, client, contoso_mpn, contoso_admin):
        fresh, stale = drafts(2, contoso_mpn, contoso_admin)
        data = {"claim": ticked(fresh, stale), "confirm": "1"}
        claim_update(claim=stale, user=contoso_admin, data={"description": "Picked up again."})
        response = login(client, contoso_admin).post(URL, data, follow=True)
        html = response.content.decode()
        assert "1 draft discarded. 1 draft was kept: it changed after the list was shown." in html
        assert statuses([fresh, stale]) == [Status.WITHDRAWN, Status.EDITING]

    def test_csrf_is_required(self, csrf_client, contoso_mpn, contoso_admin):
        mine = drafts(1, contoso_mpn, contoso_admin)
        login(csrf_client, contoso_admin)
        assert csrf_client.post(URL, {"claim": ticked(*mine), "confirm": "1"}).status_code == 403
        assert statuses(mine) == [Status.EDITING]


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self, client, contoso_mpn, contoso_admin):
        mine = drafts(1, contoso_mpn, contoso_admin)
        response = client.post(URL, {"claim": ticked(*mine), "confirm": "1"})
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert statuses(mine) == [Status.EDITING]

    @pytest.mark.parametrize("confirm", ["", "1"])
    def test_read_only_member_gets_403(self, client, contoso_mpn, contoso_admin, contoso_viewer, confirm):
        mine = drafts(1, contoso_mpn, contoso_admin)
        response = login(client, contoso_viewer).post(URL, {"claim": ticked(*mine), "confirm": confirm})
        assert response.status_code == 403
        assert statuses(mine) == [Status.EDITING]

    def test_reviewer_gets_404(self, client, contoso_mpn, contoso_admin, reviewer1):
        mine = drafts(1, contoso_mpn, contoso_admin)
        response = login(client, reviewer1).post(URL, {"claim": ticked(*mine), "confirm": "1"})
        assert response.status_code == 404
        assert statuses(mine) == [Status.EDITING]

    def test_get_is_not_allowed(self, client, contoso_admin):
        assert login(client, contoso_admin).get(URL).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("confirm", ["", "1"])
def test_queries_do_not_grow_with_the_drafts(client, contoso_mpn, contoso_admin, confirm):
    login(client, contoso_admin)

    def count(n):
        mine = drafts(n, contoso_mpn, contoso_admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(URL, {"claim": ticked(*mine), "confirm": confirm})
        assert response.status_code == (302 if confirm else 200)
        return len(queries.captured_queries)

    assert count(1) == count(6)
