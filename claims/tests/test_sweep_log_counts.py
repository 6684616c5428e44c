"""The figures each periodic job logs are what it wrote: the rows it inserted or updated, not
the claims it looked at, not the rows ON CONFLICT DO NOTHING skipped; and a second run right
after, with nothing left to do, logs zeros."""

import datetime as dt
import logging
import re
import time

import pytest
from django.core.files.base import ContentFile

from claims.jobs.rows import iso
from claims.jobs.sweep import run_sla_sweep
from claims.models import Claim, Comment
from claims.services import claim_approve
from claims.states import Status
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from consent.models import ConsentRequest
from lib import clock
from lib.business_days import business_days_after
from notifications.models import Notification, SweepMark
from notifications.tests.helpers import action_required, local, rejected, set_deadline, submitted, under_review

pytestmark = pytest.mark.django_db

NOW = local(2026, 12, 24, 10, 0)  # Thursday before Christmas: the horizons skip a holiday and a weekend
FIGURE = re.compile(r"(\w+)=(\d+)")

SWEEP_FIGURES = {
    "reviewer_reminders",
    "reviewer_reminder_notifications",
    "escalations",
    "escalation_notifications",
    "partner_reminders",
    "partner_reminder_notifications",
    "dispute_windows_closed",
    "dispute_window_notifications",
    "auto_rejections",
    "auto_rejection_notifications",
    "auto_rejections_skipped",
    "auto_rejections_errors",
    "auto_rejections_left",
    "consent_windows_closed",
}
ZEROS = dict.fromkeys(SWEEP_FIGURES, 0)


def logged(caplog, job: str) -> dict[str, int]:
    """The figures of the one INFO line ``job`` logged (``name=number`` pairs), then forget it."""
    lines = [
        r.getMessage() for r in caplog.records if r.levelno == logging.INFO and r.getMessage().startswith(f"{job}:")
    ]
    caplog.clear()
    assert len(lines) == 1, lines
    figures = {name: int(value) for name, value in FIGURE.findall(lines[0])}
    figures.pop("duration_ms", None)
    return figures


def new_rows(since: dict) -> dict[str, int]:
    """What the database gained after the ``since`` snapshot, counted from the tables."""
    notes = Notification.objects.filter(id__gt=since["notification"])

    def claims(kind):
        return notes.filter(kind=kind).values("claim_id").distinct().count()

    rejections = Claim.objects.filter(
        pk__in=since["due_for_rejection"], status=Status.REJECTED, decision_reason="no_partner_response"
    )
    return {
        "reviewer_reminders": claims("reviewer_reminder"),
        "reviewer_reminder_notifications": notes.filter(kind="reviewer_reminder").count(),
        "escalations": SweepMark.objects.filter(id__gt=since["mark"], key__startswith="escalation:").count(),
        "escalation_notifications": notes.filter(kind="escalation").count(),
        "partner_reminders": claims("partner_reminder"),
        "partner_reminder_notifications": notes.filter(kind="partner_reminder").count(),
        "dispute_windows_closed": Comment.objects.filter(id__gt=since["comment"], code="dispute_window_closed").count(),
        "dispute_window_notifications": notes.filter(kind="dispute_window_closed").count(),
        "auto_rejections": rejections.count(),
        "auto_rejection_notifications": notes.filter(kind="decision", claim__in=rejections).count(),
        "auto_rejections_skipped": 0,
        "auto_rejections_errors": 0,
        "auto_rejections_left": 0,
        "consent_windows_closed": ConsentRequest.objects.filter(final_at__isnull=False)
        .exclude(pk__in=since["final_consent"])
        .count(),
    }


def snapshot() -> dict:
    last = {
        model: model.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for model in (Notification, SweepMark, Comment)
    }
    return {
        "notification": last[Notification],
        "mark": last[SweepMark],
        "comment": last[Comment],
        "due_for_rejection": list(
            Claim.objects.filter(status=Status.ACTION_REQUIRED, due_at__lte=NOW).values_list("id", flat=True)
        ),
        "final_consent": list(ConsentRequest.objects.filter(final_at__isnull=False).values_list("id", flat=True)),
    }


@pytest.fixture
def due(contoso_mpn, contoso_admin, contoso_viewer, dynamics_sales, reviewer1, lead):
    """Claims due for each rule, with a known number of rows to write."""
    from claims.services import poe_attach

    def draft():
        claim = ClaimFactory(
            mpn=contoso_mpn,
            created_by=contoso_admin,
            sub=SubscriptionFactory(products=[dynamics_sales]),
            products=[dynamics_sales],
        )
        poe_attach(
            claim=claim,
            user=contoso_admin,
            name="poe.pdf",
            file=ContentFile(b"%PDF-1.4\n"),
            content_type="application/pdf",
        )
        return claim

    reviewer_until = business_days_after(NOW, 1)
    partner_until = business_days_after(NOW, 2)
    hour = dt.timedelta(hours=1)
    # Reviewer reminders: three assigned claims (to reviewer1); the last one is due within the
    # cursor margin, so the next run looks at it again. The first was already reminded (a row
    # with its key exists: ON CONFLICT DO NOTHING skips it).
    assigned = [
        set_deadline(under_review(draft(), contoso_admin, reviewer1), reviewer_until - delta)
        for delta in (2 * hour, hour, dt.timedelta(minutes=1))
    ]
    first = assigned[0]
    Notification.objects.create(
        recipient=reviewer1,
        claim=first,
        kind="reviewer_reminder",
        data={"due_at": iso(first.due_at), "due_kind": first.due_kind},
        dedupe_key=f"reminder:{first.due_kind}:{first.pk}:{iso(first.due_at)}:{reviewer1.pk}",
    )
    unassigned = set_deadline(submitted(draft(), contoso_admin), reviewer_until - 3 * hour)  # → the lead
    # Escalations: two claims past their review deadline → one digest for the lead.
    overdue = [set_deadline(under_review(draft(), contoso_admin, reviewer1), NOW - d * hour) for d in (2, 3)]
    # Partner reminder: one claim, two partner users.
    waiting = set_deadline(action_required(draft(), contoso_admin, reviewer1), partner_until - hour)
    # Automatic rejection: one claim, two partner users told.
    unanswered = set_deadline(action_required(draft(), contoso_admin, reviewer1), NOW - hour)
    # Dispute window closed: one claim, two partner users told.
    closed = rejected(draft(), contoso_admin, reviewer1)
    Claim.objects.filter(pk=closed.pk).update(dispute_until=NOW - hour)
    # Consent window closed: one approval becomes final.
    approved = claim_approve(claim=under_review(draft(), contoso_admin, reviewer1), user=reviewer1)
    ConsentRequest.objects.filter(claim=approved).update(window_ends_at=NOW - hour)
    return {
        "assigned": assigned,
        "unassigned": unassigned,
        "overdue": overdue,
        "waiting": waiting,
        "unanswered": unanswered,
        "closed": closed,
    }


def test_sweep_logs_what_it_wrote_and_zeros_when_run_again(due, caplog):
    caplog.set_level(logging.INFO)
    before = snapshot()
    result = run_sla_sweep(now=NOW)
    figures = logged(caplog, "sla_sweep")
    assert set(figures) == SWEEP_FIGURES
    assert figures == new_rows(before)
    # The figures themselves, as the fixture made them: the already reminded claim is not counted.
    assert figures == {
        **ZEROS,
        "reviewer_reminders": 3,
        "reviewer_reminder_notifications": 3,
        "escalations": 2,
        "escalation_notifications": 1,
        "partner_reminders": 1,
        "partner_reminder_notifications": 2,
        "dispute_windows_closed": 1,
        "dispute_window_notifications": 2,
        "auto_rejections": 1,
        "auto_rejection_notifications": 2,
        "consent_windows_closed": 1,
    }
    # The command prints, the task returns and JobRun keeps the same per-rule claim figures.
    assert result == {
        "reviewer_reminders": 3,
        "escalations": 2,
        "partner_reminders": 1,
        "dispute_windows_closed": 1,
        "auto_rejections": {"rejected": 1, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 1,
    }

    # Right after (the claim due within the cursor margin is looked at again), and ignoring
    # the cursors: nothing left to do, nothing written, zeros logged.
    for now, full in ((NOW + dt.timedelta(minutes=2), False), (NOW + dt.timedelta(minutes=4), True)):
        before = snapshot()
        result = run_sla_sweep(now=now, full=full)
        figures = logged(caplog, "sla_sweep")
        assert figures == new_rows(before) == ZEROS, (now, full)
        assert result == {
            "reviewer_reminders": 0,
            "escalations": 0,
            "partner_reminders": 0,
            "dispute_windows_closed": 0,
            "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
            "consent_windows_closed": 0,
        }


def test_the_command_and_the_task_log_the_same_line(due, caplog):
    import json
    from io import StringIO

    from django.core.management import call_command

    from claims.tasks import sla_sweep

    caplog.set_level(logging.INFO)
    out = StringIO()
    with clock.frozen_at(NOW):
        call_command("sla_sweep", "--full", stdout=out)
    printed = json.loads(out.getvalue())
    figures = logged(caplog, "sla_sweep")
    assert printed == {
        "reviewer_reminders": figures["reviewer_reminders"],
        "escalations": figures["escalations"],
        "partner_reminders": figures["partner_reminders"],
        "dispute_windows_closed": figures["dispute_windows_closed"],
        "auto_rejections": {
            "rejected": figures["auto_rejections"],
            "skipped": figures["auto_rejections_skipped"],
            "errors": figures["auto_rejections_errors"],
            "left": figures["auto_rejections_left"],
        },
        "consent_windows_closed": figures["consent_windows_closed"],
    }
    assert (printed["reviewer_reminders"], printed["auto_rejections"]["rejected"]) == (3, 1)
    # The task right after (the same moment, so even created_at is the same): nothing to do.
    with clock.frozen_at(NOW):
        returned = sla_sweep.apply().get()
    assert logged(caplog, "sla_sweep") == ZEROS
    assert returned == {**dict.fromkeys(printed, 0), "auto_rejections": dict.fromkeys(printed["auto_rejections"], 0)}


def test_left_counts_the_claims_the_budget_left_for_the_next_run(due, caplog):
    caplog.set_level(logging.INFO)
    result = run_sla_sweep(now=NOW, reject_budget=-1)
    assert result["auto_rejections"] == {"rejected": 0, "skipped": 0, "errors": 0, "left": 1}
    figures = logged(caplog, "sla_sweep")
    assert (figures["auto_rejections"], figures["auto_rejections_left"]) == (0, 1)
    run_sla_sweep(now=NOW + dt.timedelta(minutes=2))
    figures = logged(caplog, "sla_sweep")
    assert (figures["auto_rejections"], figures["auto_rejections_left"]) == (1, 0)


def test_recheck_logs_what_it_wrote_and_zeros_when_run_again(contoso_mpn, contoso_admin, contoso_viewer, caplog):
    from django.utils import timezone

    from claims.jobs.recheck import run_subscription_recheck

    caplog.set_level(logging.INFO)
    sub = SubscriptionFactory(provisioned=False)
    draft = ClaimFactory(mpn=contoso_mpn, created_by=contoso_admin, sub=sub)
    zeros = {
        "associations_ended": 0,
        "associations_skipped": 0,
        "drafts_waiting": 0,
        "drafts_claimable_now": 0,
        "draft_notifications": 0,
    }

    assert run_subscription_recheck()["drafts"] == {"waiting": 1, "claimable_now": 0}
    assert logged(caplog, "recheck_subscriptions") == {**zeros, "drafts_waiting": 1}
    run_subscription_recheck()  # still waiting: already recorded, nothing written
    assert logged(caplog, "recheck_subscriptions") == zeros

    type(sub).objects.filter(pk=sub.pk).update(provisioned=True, provisioned_at=timezone.now())
    assert run_subscription_recheck()["drafts"] == {"waiting": 0, "claimable_now": 1}
    assert logged(caplog, "recheck_subscriptions") == {**zeros, "drafts_claimable_now": 1, "draft_notifications": 2}
    assert Notification.objects.filter(kind="subscription_claimable", claim=draft).count() == 2
    # The draft stays claimable, the partner was told already: nothing written, zeros.
    assert run_subscription_recheck()["drafts"] == {"waiting": 0, "claimable_now": 0}
    assert logged(caplog, "recheck_subscriptions") == zeros


def test_expire_kept_uploads_and_send_pending_log_their_figures(contoso, contoso_admin, caplog):
    from django.utils import timezone

    from claims.models import PendingUpload, PendingUploadState
    from claims.tasks import expire_kept_uploads
    from notifications.tasks import send_pending_notifications

    caplog.set_level(logging.INFO)
    now = timezone.now()
    for expires_at in (now - dt.timedelta(hours=2), now - dt.timedelta(hours=1), now + dt.timedelta(hours=1)):
        PendingUpload.objects.create(
            user=contoso_admin,
            partner=contoso,
            form_key="0" * 32,
            file="kept/poe.pdf",
            name="poe.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
            expires_at=expires_at,
        )
    assert expire_kept_uploads.apply().get() == 2
    assert logged(caplog, "expire_kept_uploads") == {"expired": 2}
    assert PendingUpload.objects.filter(state=PendingUploadState.EXPIRED).count() == 2
    assert expire_kept_uploads.apply().get() == 0
    assert logged(caplog, "expire_kept_uploads") == {"expired": 0}
    assert send_pending_notifications.apply().get() == {"sent": 0, "failed": 0, "skipped": 0}
    assert logged(caplog, "send_pending_notifications") == {"sent": 0, "failed": 0, "skipped": 0}


def test_send_pending_logs_the_rows_it_sent(due, contoso_viewer, caplog):
    from django.core import mail

    from notifications.models import EmailState
    from notifications.tasks import send_pending_notifications

    caplog.set_level(logging.INFO)
    run_sla_sweep(now=NOW)
    type(contoso_viewer).objects.filter(pk=contoso_viewer.pk).update(is_active=False)  # skipped, not sent
    pending = Notification.objects.filter(email_state=EmailState.PENDING).count()
    skipped = Notification.objects.filter(email_state=EmailState.PENDING, recipient=contoso_viewer).count()
    assert pending > skipped > 0
    caplog.clear()

    assert send_pending_notifications.apply().get() == {"sent": pending - skipped, "failed": 0, "skipped": skipped}
    figures = logged(caplog, "send_pending_notifications")
    assert figures == {
        "sent": Notification.objects.filter(email_state=EmailState.SENT).count(),
        "failed": 0,
        "skipped": Notification.objects.filter(email_state=EmailState.SKIPPED).count(),
    }
    assert figures["sent"] == len(mail.outbox) == pending - skipped
    send_pending_notifications.apply().get()
    assert logged(caplog, "send_pending_notifications") == {"sent": 0, "failed": 0, "skipped": 0}


# --- two sweeps at once (PostgreSQL) ------------------------------------------------------


@pytest.fixture
def reminders_committed(transactional_db, postgres_required, contoso_mpn, contoso_admin, dynamics_sales, reviewer1):
    from claims.services import poe_attach

    claims = []
    for hours in (1, 2, 3):
        draft = ClaimFactory(
            mpn=contoso_mpn,
            created_by=contoso_admin,
            sub=SubscriptionFactory(products=[dynamics_sales]),
            products=[dynamics_sales],
        )
        poe_attach(
            claim=draft,
            user=contoso_admin,
            name="p.pdf",
            file=ContentFile(b"%PDF-1.4\n"),
            content_type="application/pdf",
        )
        due_at = business_days_after(NOW, 1) - dt.timedelta(hours=hours)
        claims.append(set_deadline(under_review(draft, contoso_admin, reviewer1), due_at))
    return claims


def test_two_sweeps_at_once_log_together_what_the_database_holds(reminders_committed, lead, caplog, monkeypatch):
    """The second run's inserts wait on the unique index for the first's commit, then skip:
    its RETURNING gives nothing back, so the two lines add up to the rows, not twice them."""
    import threading

    from django.db import close_old_connections, connection

    from claims.jobs import sweep

    caplog.set_level(logging.INFO)
    real = sweep._reminder_page

    def slow(spec, **kwargs):
        page = real(spec, **kwargs)
        time.sleep(0.5)  # the page's rows stay uncommitted while the other run inserts the same keys
        return page

    monkeypatch.setattr(sweep, "_reminder_page", slow)
    barrier = threading.Barrier(2)
    errors = []

    def runner():
        try:
            barrier.wait(timeout=10)
            run_sla_sweep(now=NOW, full=True)
        except Exception as exc:  # judged below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()
    assert not errors, errors

    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("sla_sweep:")]
    assert len(lines) == 2, lines
    runs = [{name: int(value) for name, value in FIGURE.findall(line)} for line in lines]
    rows = Notification.objects.filter(kind="reviewer_reminder")
    assert rows.count() == 3
    assert sorted(run["reviewer_reminder_notifications"] for run in runs) == [0, 3]
    assert sum(run["reviewer_reminders"] for run in runs) == 3
