"""Running the sweep twice, or crashing half-way and running again: each notification exists
exactly once and none is lost."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from claims.jobs import sweep
from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from notifications.models import JobRun, Notification, SweepMark
from notifications.tests.helpers import local, set_deadline, under_review

pytestmark = pytest.mark.django_db

NOW = local(2026, 12, 24, 10, 0)


@pytest.fixture
def due_claims(contoso_mpn, contoso_admin, dynamics_sales, reviewer1, lead):
    claims = []
    for _ in range(5):
        sub = SubscriptionFactory(products=[dynamics_sales])
        draft = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=sub, products=[dynamics_sales])
        from claims.services import poe_attach

        poe_attach(
            claim=draft,
            user=contoso_admin,
            name="poe.pdf",
            file=ContentFile(b"%PDF-1.4\n"),
            content_type="application/pdf",
        )
        claims.append(set_deadline(under_review(draft, contoso_admin, reviewer1), local(2026, 12, 28, 10, 0)))
    return claims


def snapshot():
    return sorted(Notification.objects.values_list("kind", "claim_id", "recipient_id", "dedupe_key"))


def test_twice_gives_the_same_rows(due_claims):
    run_sla_sweep(now=NOW)
    first = snapshot()
    assert len(first) == 5
    run_sla_sweep(now=NOW)
    run_sla_sweep(now=NOW, full=True)
    assert snapshot() == first


def test_crash_half_way_then_rerun_loses_nothing_doubles_nothing(due_claims, monkeypatch):
    real_page = sweep._reminder_page
    calls = {"n": 0}

    def dies_on_third_chunk(spec, **kwargs):
        calls["n"] += 1
        result = real_page(spec, **kwargs)
        if calls["n"] == 3:
            raise RuntimeError("worker killed")  # after the insert, before the commit
        return result

    monkeypatch.setattr(sweep, "_reminder_page", dies_on_third_chunk)
    with pytest.raises(RuntimeError):
        run_sla_sweep(now=NOW, chunk_size=1)
    assert Notification.objects.filter(kind="reviewer_reminder").count() == 2  # two chunks committed
    assert not JobRun.objects.filter(name="sla_sweep").exists()  # not a success: cursors not moved

    monkeypatch.setattr(sweep, "_reminder_page", real_page)
    run_sla_sweep(now=NOW + dt.timedelta(minutes=2), chunk_size=1)
    assert Notification.objects.filter(kind="reviewer_reminder").count() == 5
    assert len({n.claim_id for n in Notification.objects.filter(kind="reviewer_reminder")}) == 5


def test_job_run_recorded_with_cursors(due_claims):
    run_sla_sweep(now=NOW)
    run = JobRun.objects.get(name="sla_sweep")
    assert {key: value for key, value in run.last_result.items() if key != "cursors"} == {
        "reviewer_reminders": 5,
        "escalations": 0,
        "partner_reminders": 0,
        "dispute_windows_closed": 0,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    assert set(run.last_result["cursors"]) == {"reviewer_until", "partner_until", "checked_until"}
    # Cursors only move forward, even when an older run finishes last.
    run_sla_sweep(now=NOW - dt.timedelta(hours=2))
    run.refresh_from_db()
    assert run.last_result["cursors"]["checked_until"] == NOW.astimezone(dt.UTC).isoformat()


def test_cursor_keeps_steady_state_small(due_claims, lead):
    for claim in due_claims:
        set_deadline(claim, NOW - dt.timedelta(days=1))  # all overdue
    assert run_sla_sweep(now=NOW) == {
        "reviewer_reminders": 0,
        "escalations": 5,
        "partner_reminders": 0,
        "dispute_windows_closed": 0,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    # The next run looks only at deadlines that passed since (minus the margin), not the backlog.
    assert run_sla_sweep(now=NOW + dt.timedelta(minutes=2))["escalations"] == 0
    digest = Notification.objects.get(kind="escalation")  # one digest for the lead, naming all five
    assert digest.data == {"count": 5, "claims": [c.pk for c in due_claims]}
    assert SweepMark.objects.filter(key__startswith="escalation:").count() == 5
    assert all(c.status == Status.UNDER_REVIEW for c in Claim.objects.all())
