"""Reviewer reminder: one business day before a review deadline, to the assignee (or, for an
unassigned claim, to the review leads). Christmas 2026: Friday 25 and the weekend lie between
Thursday 24 and Monday 28 December."""

import datetime as dt

import pytest

from claims.jobs.sweep import run_sla_sweep
from claims.models import DueKind
from notifications.models import Notification
from notifications.tests.helpers import local, set_deadline, submitted, under_review

pytestmark = pytest.mark.django_db

DEADLINE = local(2026, 12, 28, 10, 0)  # Monday after Christmas
REMIND_AT = local(2026, 12, 24, 10, 0)  # Thursday: one business day before


def reminders(**filters):
    return Notification.objects.filter(kind="reviewer_reminder", **filters)


def test_reminder_exactly_one_business_day_before_across_holiday_and_weekend(draft, contoso_admin, reviewer1, lead):
    claim = set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)

    run_sla_sweep(now=REMIND_AT - dt.timedelta(minutes=1))
    assert not reminders().exists()

    run_sla_sweep(now=REMIND_AT)
    note = reminders().get()
    assert note.recipient == reviewer1
    assert note.claim == claim
    assert note.data == {"due_at": DEADLINE.astimezone(dt.UTC).isoformat(), "due_kind": DueKind.DECISION}
    assert note.dedupe_key == f"reminder:decision:{claim.pk}:{DEADLINE.astimezone(dt.UTC).isoformat()}:{reviewer1.pk}"
    assert note.email_state == "pending"


def test_calendar_days_are_not_business_days(draft, contoso_admin, reviewer1, lead):
    # 24 hours before the deadline is Sunday: far too late; a calendar-day rule would wait until then.
    set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)
    run_sla_sweep(now=local(2026, 12, 23, 12, 0))
    assert not reminders().exists()
    run_sla_sweep(now=local(2026, 12, 24, 10, 0))
    assert reminders().count() == 1


def test_unassigned_claim_reminds_the_review_leads(draft, contoso_admin, lead, reviewer1):
    claim = set_deadline(submitted(draft, contoso_admin), DEADLINE)
    assert claim.assignee_id is None and claim.due_kind == DueKind.REVIEW_START

    run_sla_sweep(now=REMIND_AT)
    assert list(reminders().values_list("recipient__username", flat=True)) == ["lead"]


def test_no_reminder_for_an_overdue_claim_it_is_escalated_instead(draft, contoso_admin, reviewer1, lead):
    set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)
    run_sla_sweep(now=DEADLINE + dt.timedelta(hours=1))
    assert not reminders().exists()
    assert Notification.objects.filter(kind="escalation").count() == 1


def test_no_reminder_for_claims_waiting_on_the_partner(draft, contoso_admin, reviewer1, lead):
    from notifications.tests.helpers import action_required

    claim = action_required(draft, contoso_admin, reviewer1)
    set_deadline(claim, DEADLINE)  # a partner_response deadline is the partner's, not the reviewer's
    run_sla_sweep(now=REMIND_AT)
    assert not reminders().exists()


def test_a_new_deadline_reminds_again(draft, contoso_admin, reviewer1, lead):
    claim = set_deadline(under_review(draft, contoso_admin, reviewer1), DEADLINE)
    run_sla_sweep(now=REMIND_AT)
    later = local(2027, 1, 8, 10, 0)  # a later deadline of the same claim (e.g. after a dispute)
    set_deadline(claim, later)
    run_sla_sweep(now=local(2027, 1, 7, 10, 0))
    assert reminders().count() == 2


def test_keys_written_by_postgresql_match_python(postgres_required):
    """On PostgreSQL the reminder keys are written in SQL: the same text as ``iso`` writes, so
    a key written by either side is found by the other."""
    from django.db import connection

    from claims.jobs.rows import iso, pg_iso

    moments = [
        local(2026, 12, 28, 10, 0),
        local(2026, 3, 29, 2, 30),  # the spring-forward gap in Stockholm
        local(2026, 10, 25, 2, 30),
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 12, 0, 0, 120000, tzinfo=dt.UTC),
    ]
    with connection.cursor() as cursor:
        for moment in moments:
            cursor.execute(f"SELECT {pg_iso('t')} FROM (SELECT %s::timestamptz AS t) AS moment", [moment])  # noqa: S608
            assert cursor.fetchone()[0] == iso(moment)


def test_without_leads_an_unassigned_claim_reminds_nobody_and_an_assigned_one_its_assignee(
    draft, contoso_admin, reviewer1
):
    from claims.services import claim_assign

    claim = set_deadline(submitted(draft, contoso_admin), DEADLINE)
    run_sla_sweep(now=REMIND_AT)
    assert not reminders().exists()

    claim_assign(claim=claim, user=reviewer1, assignee=reviewer1)
    run_sla_sweep(now=REMIND_AT, full=True)
    assert list(reminders().values_list("recipient_id", flat=True)) == [reviewer1.pk]
