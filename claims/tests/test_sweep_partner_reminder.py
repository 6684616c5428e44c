"""Partner reminder: two business days before an action_required deadline, to every user of
the claim's partner company (and nobody else)."""

import datetime as dt

import pytest

from claims.jobs.sweep import run_sla_sweep
from notifications.models import Notification
from notifications.tests.helpers import action_required, local, set_deadline

pytestmark = pytest.mark.django_db


def partner_reminders():
    return Notification.objects.filter(kind="partner_reminder")


@pytest.mark.parametrize(
    ("deadline", "remind_at"),
    [
        # Tuesday 29 Dec 2026 → Monday 28, (Christmas Friday, weekend), Thursday 24.
        (local(2026, 12, 29, 10, 0), local(2026, 12, 24, 10, 0)),
        # Monday 18 May 2026 → Friday 15, (Ascension Day Thursday 14), Wednesday 13.
        (local(2026, 5, 18, 10, 0), local(2026, 5, 13, 10, 0)),
    ],
)
def test_two_business_days_before_with_weekend_and_holiday_between(
    deadline, remind_at, draft, contoso_admin, contoso_viewer, fabrikam_admin, reviewer1
):
    claim = set_deadline(action_required(draft, contoso_admin, reviewer1), deadline)

    run_sla_sweep(now=remind_at - dt.timedelta(minutes=1))
    assert not partner_reminders().exists()

    run_sla_sweep(now=remind_at)
    assert sorted(partner_reminders().values_list("recipient_id", flat=True)) == sorted(
        [contoso_admin.pk, contoso_viewer.pk]
    )
    assert all(n.claim_id == claim.pk for n in partner_reminders())

    run_sla_sweep(now=remind_at + dt.timedelta(hours=5))
    assert partner_reminders().count() == 2


def test_a_partner_that_answered_is_not_reminded(draft, contoso_admin, reviewer1):
    from claims.services import claim_resubmit

    claim = action_required(draft, contoso_admin, reviewer1)
    claim_resubmit(claim=claim, user=contoso_admin, message="Here it is.")
    run_sla_sweep(now=claim.due_at - dt.timedelta(hours=1))
    assert not partner_reminders().exists()
