"""``claims.services.drafts_discard``: several drafts discarded at once ("Needs your action"),
each one as ``claim_withdraw`` discards a draft — withdrawn, a new version, its audit event and
system comment — in one transaction and a fixed number of queries; only the user's company's
drafts, never for a read-only role, nothing deleted."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.models import AuditEvent
from claims import services
from claims.errors import NotAllowed
from claims.models import Claim, Comment, CommentKind
from claims.states import Status
from claims.tests.factories import ClaimFactory
from lib import clock
from lib.actors import SYSTEM


def drafts(n, mpn, user):
    return [ClaimFactory(mpn=mpn, created_by=user) for _ in range(n)]


def withdrawn_events(claim):
    return list(AuditEvent.objects.filter(claim=claim, action="claims.claim.withdrawn"))


@pytest.mark.django_db
def test_discards_each_draft_as_a_single_withdrawal_would(contoso_mpn, contoso_admin):
    mine = drafts(3, contoso_mpn, contoso_admin)
    versions = {c.pk: c.version for c in mine}
    single = drafts(1, contoso_mpn, contoso_admin)[0]
    services.claim_withdraw(claim=single, user=contoso_admin)

    done = services.drafts_discard(user=contoso_admin, claim_ids=[c.pk for c in mine])

    assert [c.pk for c in done] == sorted(c.pk for c in mine)
    reference = withdrawn_events(single)[0]
    for claim in mine:
        stored = Claim.objects.get(pk=claim.pk)
        assert stored.status == Status.WITHDRAWN
        assert stored.version == versions[claim.pk] + 1
        assert (stored.due_at, stored.due_kind, stored.paused_days) == (None, "", None)
        (event,) = withdrawn_events(claim)
        for field in ("action", "actor_id", "from_status", "to_status", "reason_code", "data"):
            assert getattr(event, field) == getattr(reference, field), field
        (comment,) = Comment.objects.filter(claim=claim)
        assert (comment.kind, comment.code, comment.author_id, comment.internal) == (
            CommentKind.SYSTEM,
            "withdrawn",
            contoso_admin.pk,
            False,
        )
    assert {c.status for c in done} == {Status.WITHDRAWN}  # the returned objects are current


@pytest.mark.django_db
def test_only_the_users_own_companys_drafts(contoso_mpn, contoso_admin, fabrikam_mpn, fabrikam_admin, draft):
    mine = drafts(1, contoso_mpn, contoso_admin)[0]
    theirs = drafts(1, fabrikam_mpn, fabrikam_admin)[0]
    submitted, _warnings = services.claim_submit(claim=draft, user=contoso_admin)

    done = services.drafts_discard(user=contoso_admin, claim_ids=[mine.pk, theirs.pk, submitted.pk, 999_999])

    assert [c.pk for c in done] == [mine.pk]
    assert Claim.objects.get(pk=theirs.pk).status == Status.EDITING
    assert Claim.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not withdrawn_events(theirs) and not withdrawn_events(submitted)


@pytest.mark.django_db
def test_a_draft_changed_since_the_list_was_drawn_is_kept(contoso_mpn, contoso_admin):
    fresh, stale = drafts(2, contoso_mpn, contoso_admin)
    seen = {fresh.pk: fresh.version, stale.pk: stale.version}
    services.claim_update(claim=stale, user=contoso_admin, data={"description": "Still working on it."})

    done = services.drafts_discard(user=contoso_admin, claim_ids=seen, versions=seen)

    assert [c.pk for c in done] == [fresh.pk]
    assert Claim.objects.get(pk=stale.pk).status == Status.EDITING


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contoso_viewer", "reviewer1"])
def test_read_only_and_non_partner_users_are_refused(request, contoso_mpn, contoso_admin, who):
    mine = drafts(2, contoso_mpn, contoso_admin)
    with pytest.raises(NotAllowed):
        services.drafts_discard(user=request.getfixturevalue(who), claim_ids=[c.pk for c in mine])
    assert set(Claim.objects.filter(pk__in=[c.pk for c in mine]).values_list("status", flat=True)) == {Status.EDITING}


@pytest.mark.django_db
def test_the_system_actor_and_none_are_refused(contoso_mpn, contoso_admin):
    mine = drafts(1, contoso_mpn, contoso_admin)
    with pytest.raises(NotAllowed):
        services.drafts_discard(user=SYSTEM, claim_ids=[mine[0].pk])
    with pytest.raises(TypeError):
        services.drafts_discard(user=None, claim_ids=[mine[0].pk])


@pytest.mark.django_db
def test_nothing_selected_is_nothing_done(contoso_admin):
    with CaptureQueriesContext(connection) as queries:
        assert services.drafts_discard(user=contoso_admin, claim_ids=[]) == []
    assert not [q for q in queries.captured_queries if "claims_claim" in q["sql"]]


@pytest.mark.django_db
def test_discarding_frees_the_open_draft_places(settings, contoso_mpn, contoso_admin):
    settings.MAX_OPEN_DRAFTS_PER_PARTNER = 2
    mine = drafts(2, contoso_mpn, contoso_admin)
    services.drafts_discard(user=contoso_admin, claim_ids=[c.pk for c in mine])
    services.claim_create(user=contoso_admin, data={"mpn": contoso_mpn, "name": "Draft"})
    assert Claim.objects.filter(partner=contoso_mpn.partner, status=Status.EDITING).count() == 1
    assert Claim.objects.filter(pk__in=[c.pk for c in mine]).count() == 2  # kept, as withdrawn claims


@pytest.mark.django_db
def test_a_fixed_number_of_queries(contoso_mpn, contoso_admin):
    def count(n):
        ids = [c.pk for c in drafts(n, contoso_mpn, contoso_admin)]
        user = User.objects.get(pk=contoso_admin.pk)  # as a request loads it: roles not read yet
        with CaptureQueriesContext(connection) as queries:
            assert len(services.drafts_discard(user=user, claim_ids=ids)) == n
        return len(queries.captured_queries)

    assert count(1) == count(6)


@pytest.mark.django_db
def test_audit_time_is_the_services_clock(contoso_mpn, contoso_admin):
    mine = drafts(1, contoso_mpn, contoso_admin)[0]
    moment = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        services.drafts_discard(user=contoso_admin, claim_ids=[mine.pk])
    assert withdrawn_events(mine)[0].created_at == moment
    assert Claim.objects.get(pk=mine.pk).updated_at == moment
