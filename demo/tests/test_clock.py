"""``demo.clock.as_of``: a story step told as of a past moment carries that moment everywhere,
and the portal's clock is real again after the block."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from claims import services
from claims.models import Claim, Comment, PoeFile
from demo.clock import as_of
from demo.reference import PRESALES, USAGE, seed_reference_data, seed_users
from demo.story import Story
from lib import clock
from lib.business_days import business_days_after
from notifications.models import Notification


@pytest.fixture
def story(db):
    seed_reference_data()
    seed_users("pw")
    return Story()


def near_now(moment: dt.datetime) -> bool:
    return abs(timezone.now() - moment) < dt.timedelta(minutes=1)


def test_a_story_step_carries_its_moment(story):
    filed, attached, submitted, commented = story.ago(9), story.ago(9, 11), story.ago(8), story.ago(7)
    step = story.file("contoso", filed, "northwindtraders", PRESALES, "d365-sales", "nw-sales")
    claim = step.poe(attached).submit(submitted).claim
    claim.refresh_from_db()
    assert claim.created_at == filed
    assert claim.submitted_at == submitted
    assert claim.due_at == business_days_after(submitted, 5)
    assert claim.updated_at == submitted
    assert PoeFile.objects.get(claim=claim).uploaded_at == attached
    events = dict(AuditEvent.objects.filter(claim=claim).values_list("action", "created_at"))
    assert events["claims.claim.created"] == filed
    assert events["claims.claim.submitted"] == submitted
    assert Comment.objects.get(claim=claim, code="submitted").created_at == submitted

    step.comment(commented, "Could you add the customer's signature?", by="reviewer1")
    comment = Comment.objects.get(claim=claim, kind="comment")
    assert comment.created_at == commented
    assert AuditEvent.objects.get(claim=claim, action="claims.comment.added").created_at == commented
    # The partner is told of the reviewer's comment, as of then too.
    told = Notification.objects.filter(claim=claim, kind="comment").values_list("recipient__username", flat=True)
    assert sorted(told) == ["contoso.admin", "contoso.viewer"]
    assert set(Notification.objects.filter(claim=claim).values_list("created_at", flat=True)) <= {
        filed,
        attached,
        submitted,
        commented,
    }


def test_only_the_claims_saved_in_the_block_are_stamped(story):
    later = story.file("contoso", story.ago(1), "adventureworks", USAGE, "d365-customer-service", "aw-cs").claim
    # Filed second in real time, but as of an earlier moment: the drafts sort by the story's time.
    earlier = story.file("contoso", story.ago(5), "northwindtraders", PRESALES, "d365-sales", "nw-sales").claim
    assert Claim.objects.get(pk=later.pk).updated_at == story.ago(1)
    assert Claim.objects.get(pk=earlier.pk).updated_at == story.ago(5)
    drafts = Claim.objects.filter(partner__name="Contoso").order_by("-updated_at")
    assert list(drafts.values_list("pk", flat=True)) == [later.pk, earlier.pk]


def test_a_service_call_inside_as_of(story):
    claim = (
        story.file("contoso", story.ago(4), "northwindtraders", PRESALES, "d365-sales", "nw-sales")
        .poe(story.ago(4, 0, 30))
        .submit(story.ago(4, 1))
        .claim
    )
    moment = story.ago(3, 14, 30)
    with as_of(moment) as frozen:
        assert frozen == moment
        assert clock.now() == moment
        services.comment_add(claim=claim, user=story.users["contoso.admin"], body="As of then.")
    assert Comment.objects.get(claim=claim, kind="comment").created_at == moment
    assert AuditEvent.objects.get(claim=claim, action="claims.comment.added").created_at == moment


def test_the_clock_is_real_again_after_the_block(db):
    moment = timezone.now() - dt.timedelta(days=30)
    with as_of(moment):
        assert clock.now() == moment
    assert near_now(clock.now()) and clock.now() != moment


def test_the_clock_is_real_again_after_an_exception(db):
    moment = timezone.now() - dt.timedelta(days=30)
    with pytest.raises(RuntimeError, match="story failed"), as_of(moment):
        assert clock.now() == moment
        raise RuntimeError("story failed")
    assert near_now(clock.now()) and clock.now() != moment
