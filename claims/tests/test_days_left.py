"""Days left that add up (#14, item 7): right after an action that promised five business days
every clock says "5 business days left", a weekend or a holiday takes nothing away, and the
count drops by one per whole business day. Each transition that starts or resumes a clock is
run through its service on a frozen clock; the clock is then read the way the pages read it
(``claims.sla.sla_info`` and the ``sla_clock`` markup)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from claims import services
from claims.models import DueKind, InfoRequestReason, RejectionReason
from claims.sla import DUE_SOON, ON_TRACK, OVERDUE, PAUSED, sla_info
from claims.states import Status
from claims.templatetags.claims_tags import sla_clock_html
from lib import clock
from tests.helpers import login

STHLM = ZoneInfo("Europe/Stockholm")
SECOND = dt.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.BUSINESS_CALENDAR_COUNTRY = "SE"
    settings.BUSINESS_CALENDAR_TIME_ZONE = "Europe/Stockholm"
    settings.TIME_ZONE = "Europe/Stockholm"


def at(*args):
    return dt.datetime(*args, tzinfo=STHLM)


def shown(claim, now, *, for_reviewer=True) -> str:
    """The clock's visible words, as on the claim page (partner) or the queue (reviewer)."""
    html = sla_clock_html(claim, now=now, for_reviewer=for_reviewer)
    return strip_tags(html.split("</span>", 1)[1])  # after the visually hidden state label


def submitted_at(draft, user, moment):
    with clock.frozen_at(moment):
        claim, _warnings = services.claim_submit(claim=draft, user=user)
    return claim


def reviewing_at(claim, reviewer, moment):
    with clock.frozen_at(moment):
        return services.claim_start_review(claim=claim, user=reviewer)


def requested_at(claim, reviewer, moment):
    with clock.frozen_at(moment):
        return services.claim_request_info(
            claim=claim, user=reviewer, reasons=[InfoRequestReason.POE_MISSING], message="Add the signed SOW."
        )


def resubmitted_at(claim, user, moment):
    with clock.frozen_at(moment):
        return services.claim_resubmit(claim=claim, user=user, message="Attached.")


@pytest.mark.django_db
class TestSubmit:
    """Thursday 2 April 2026 10:00, before Easter: Good Friday (3 April) and Easter Monday
    (6 April) are Swedish public holidays, with the weekend between them."""

    MOMENT = at(2026, 4, 2, 10, 0)

    def test_the_deadline_is_five_business_days_later(self, draft, contoso_admin):
        claim = submitted_at(draft, contoso_admin, self.MOMENT)
        assert claim.due_kind == DueKind.REVIEW_START
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 4, 13, 10, 0)  # Tue–Fri, then Monday

    @pytest.mark.parametrize(
        ("now", "left", "state"),
        [
            (MOMENT, 5, ON_TRACK),
            (MOMENT + SECOND, 5, ON_TRACK),  # right after the action: what it promised
            (at(2026, 4, 3, 12, 0), 5, ON_TRACK),  # Good Friday
            (at(2026, 4, 5, 12, 0), 5, ON_TRACK),  # Easter Sunday
            (at(2026, 4, 6, 23, 0), 5, ON_TRACK),  # Easter Monday
            (at(2026, 4, 7, 9, 59), 5, ON_TRACK),
            (at(2026, 4, 7, 10, 0), 4, ON_TRACK),  # one whole business day gone
            (at(2026, 4, 9, 10, 0), 2, ON_TRACK),
            (at(2026, 4, 10, 10, 0, 1), 1, DUE_SOON),  # the last business day
            (at(2026, 4, 11, 12, 0), 1, DUE_SOON),  # the weekend before it
            (at(2026, 4, 13, 9, 59), 1, DUE_SOON),
        ],
    )
    def test_days_left_count_down_per_business_day(self, draft, contoso_admin, now, left, state):
        claim = submitted_at(draft, contoso_admin, self.MOMENT)
        info = sla_info(claim, now=now)
        assert (info.days_left, info.state) == (left, state)
        noun = "business day" if left == 1 else "business days"
        assert shown(claim, now) == f"{left} {noun} left"
        assert shown(claim, now, for_reviewer=False) == f"{left} {noun} left"  # the partner's page

    def test_overdue_at_the_deadline_then_by_whole_business_days(self, draft, contoso_admin):
        claim = submitted_at(draft, contoso_admin, self.MOMENT)
        assert sla_info(claim, now=at(2026, 4, 13, 10, 0)).state == OVERDUE
        assert shown(claim, at(2026, 4, 13, 10, 0)) == "Overdue"
        assert shown(claim, at(2026, 4, 14, 10, 0)) == "Overdue by 1 business day"
        assert shown(claim, at(2026, 4, 16, 12, 0)) == "Overdue by 3 business days"


@pytest.mark.django_db
class TestStartReviewAcrossAWeekend:
    """Friday 20 November 2026 17:00: the decision is due the next Friday at 17:00."""

    def test_five_left_over_the_weekend_and_four_on_monday_evening(self, draft, contoso_admin, reviewer1):
        claim = submitted_at(draft, contoso_admin, at(2026, 11, 19, 9, 0))
        claim = reviewing_at(claim, reviewer1, at(2026, 11, 20, 17, 0))
        assert claim.due_kind == DueKind.DECISION
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 11, 27, 17, 0)
        assert shown(claim, at(2026, 11, 20, 17, 0, 1)) == "5 business days left"
        assert shown(claim, at(2026, 11, 21, 10, 0)) == "5 business days left"  # Saturday
        assert shown(claim, at(2026, 11, 23, 16, 59)) == "5 business days left"
        assert shown(claim, at(2026, 11, 23, 17, 0)) == "4 business days left"


@pytest.mark.django_db
class TestRequestInfoAndResubmit:
    def test_partner_gets_five_and_the_reviewer_keeps_what_was_left(self, draft, contoso_admin, reviewer1):
        claim = submitted_at(draft, contoso_admin, at(2026, 11, 16, 9, 0))
        claim = reviewing_at(claim, reviewer1, at(2026, 11, 16, 10, 0))  # decision due Mon 23 Nov 10:00
        asked = at(2026, 11, 18, 15, 0)  # Wednesday afternoon: 2 whole days gone, part of a third
        before = sla_info(claim, now=asked)
        claim = requested_at(claim, reviewer1, asked)
        assert claim.status == Status.ACTION_REQUIRED
        # The reviewer's clock pauses with the days its page showed a moment before.
        assert claim.paused_days == before.days_left == 3
        assert shown(claim, asked + SECOND) == "Paused · 3 days left"
        # The partner's own clock: five business days, shown as five.
        assert claim.due_kind == DueKind.PARTNER_RESPONSE
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 11, 25, 15, 0)
        assert shown(claim, asked + SECOND, for_reviewer=False) == "5 business days left"
        assert sla_info(claim, now=asked + SECOND, for_reviewer=False).state == ON_TRACK
        # The partner answers the next Monday: the reviewer's clock resumes with those 3 days.
        answered = at(2026, 11, 23, 11, 0)
        claim = resubmitted_at(claim, contoso_admin, answered)
        assert (claim.status, claim.due_kind, claim.paused_days) == (Status.UNDER_REVIEW, DueKind.DECISION, None)
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 11, 26, 11, 0)
        assert shown(claim, answered + SECOND) == "3 business days left"

    def test_asked_right_after_the_review_started_keeps_all_five(self, draft, contoso_admin, reviewer1):
        claim = submitted_at(draft, contoso_admin, at(2026, 11, 20, 16, 0))
        claim = reviewing_at(claim, reviewer1, at(2026, 11, 20, 17, 0))
        claim = requested_at(claim, reviewer1, at(2026, 11, 20, 17, 5))
        assert claim.paused_days == 5
        assert sla_info(claim, now=at(2026, 11, 20, 17, 6)).state == PAUSED
        claim = resubmitted_at(claim, contoso_admin, at(2026, 11, 24, 9, 0))
        assert shown(claim, at(2026, 11, 24, 9, 0, 1)) == "5 business days left"

    def test_the_partner_deadline_across_christmas(self, draft, contoso_admin, reviewer1):
        """Asked on Wednesday 23 December 2026 15:00: Christmas Day (Fri 25) and Boxing Day are
        holidays; the answer is due Thursday 31 December 15:00."""
        claim = submitted_at(draft, contoso_admin, at(2026, 12, 21, 9, 0))
        claim = reviewing_at(claim, reviewer1, at(2026, 12, 21, 10, 0))
        claim = requested_at(claim, reviewer1, at(2026, 12, 23, 15, 0))
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 12, 31, 15, 0)
        assert shown(claim, at(2026, 12, 23, 15, 0, 1), for_reviewer=False) == "5 business days left"
        assert shown(claim, at(2026, 12, 25, 12, 0), for_reviewer=False) == "4 business days left"
        assert shown(claim, at(2026, 12, 30, 15, 0, 1), for_reviewer=False) == "1 business day left"


@pytest.mark.django_db
class TestDecisionClocksThatRestart:
    def rejected(self, draft, contoso_admin, reviewer1, moment):
        claim = submitted_at(draft, contoso_admin, moment - dt.timedelta(hours=2))
        claim = reviewing_at(claim, reviewer1, moment - dt.timedelta(hours=1))
        with clock.frozen_at(moment):
            return services.claim_reject(claim=claim, user=reviewer1, reason=RejectionReason.INSUFFICIENT_POE)

    def test_dispute_over_christmas(self, draft, contoso_admin, reviewer1):
        claim = self.rejected(draft, contoso_admin, reviewer1, at(2026, 12, 22, 12, 0))
        with clock.frozen_at(at(2026, 12, 23, 15, 0)):
            claim = services.claim_dispute(claim=claim, user=contoso_admin, justification="The PoE shows it.")
        assert (claim.status, claim.due_kind) == (Status.DISPUTED, DueKind.DECISION)
        assert timezone.localtime(claim.due_at, STHLM) == at(2026, 12, 31, 15, 0)
        assert shown(claim, at(2026, 12, 23, 15, 0, 1)) == "5 business days left"
        assert shown(claim, at(2026, 12, 27, 12, 0)) == "4 business days left"  # Sunday after Christmas

    def test_revert_restarts_five(self, draft, contoso_admin, reviewer1, lead):
        claim = self.rejected(draft, contoso_admin, reviewer1, at(2026, 11, 19, 12, 0))
        moment = at(2026, 11, 20, 16, 30)  # Friday afternoon
        with clock.frozen_at(moment):
            claim = services.claim_revert(claim=claim, user=lead, reason="Rejected by mistake.")
        assert (claim.status, claim.due_kind) == (Status.UNDER_REVIEW, DueKind.DECISION)
        assert shown(claim, moment + SECOND) == "5 business days left"
        assert shown(claim, at(2026, 11, 22, 20, 0)) == "5 business days left"  # Sunday


@pytest.mark.django_db
def test_pages_drawn_right_after_the_action_say_five(client, draft, contoso_admin, reviewer1):
    """On the real clock: the partner's claim page right after submitting and the review screen
    right after starting the review both promise what the action promised."""
    claim, _warnings = services.claim_submit(claim=draft, user=contoso_admin)
    login(client, contoso_admin)
    assert "5 business days left" in client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    claim = services.claim_start_review(claim=claim, user=reviewer1)
    login(client, reviewer1)
    assert "5 business days left" in client.get(reverse("review:claim", args=[claim.pk])).content.decode()
