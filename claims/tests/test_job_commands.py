"""The management commands run the same code once and say what they did."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from notifications.models import JobRun

pytestmark = pytest.mark.django_db


def test_sla_sweep_command(lead):
    out = StringIO()
    call_command("sla_sweep", "--full", stdout=out)
    result = json.loads(out.getvalue())
    assert result == {
        "reviewer_reminders": 0,
        "escalations": 0,
        "partner_reminders": 0,
        "dispute_windows_closed": 0,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    assert JobRun.objects.get(name="sla_sweep").last_success_at


def test_recheck_subscriptions_command():
    out = StringIO()
    call_command("recheck_subscriptions", "--chunk-size", "10", stdout=out)
    assert json.loads(out.getvalue()) == {
        "associations": {"ended": 0, "skipped": 0},
        "drafts": {"claimable_now": 0, "waiting": 0},
    }
    assert JobRun.objects.filter(name="recheck_subscriptions").exists()


def test_tasks_call_the_same_code(lead):
    from claims.tasks import recheck_subscriptions, sla_sweep
    from notifications.tasks import send_pending_notifications

    sla_sweep.apply().get()
    recheck_subscriptions.apply().get()
    assert send_pending_notifications.apply().get() == {"sent": 0, "failed": 0, "skipped": 0}
    assert set(JobRun.objects.values_list("name", flat=True)) == {"sla_sweep", "recheck_subscriptions"}
