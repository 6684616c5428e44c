"""Escalations as one digest per review lead per sweep, each escalated claim marked once."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import close_old_connections, connection

from claims.jobs import sweep
from claims.jobs.sweep import run_sla_sweep
from claims.services import claim_assign, poe_attach
from claims.tests.factories import ClaimFactory, SubscriptionFactory
from notifications.models import Notification, SweepMark
from notifications.sending import send_pending
from notifications.tests.factories_users import another_lead
from notifications.tests.helpers import local, set_deadline, submitted, under_review
from notifications.texts import notification_sentence, notification_subject

DEADLINE = local(2026, 12, 28, 10, 0)
AFTER = DEADLINE + dt.timedelta(minutes=5)


def _overdue_claims(n, mpn, partner_user, product, reviewer=None):
    """``n`` claims past their review deadline, one minute apart (the first most overdue)."""
    claims = []
    for i in range(n):
        draft = ClaimFactory(
            mpn=mpn, created_by=partner_user, sub=SubscriptionFactory(products=[product]), products=[product]
        )
        poe_attach(
            claim=draft,
            user=partner_user,
            name="p.pdf",
            file=ContentFile(b"%PDF-1.4\n"),
            content_type="application/pdf",
        )
        claim = under_review(draft, partner_user, reviewer) if reviewer else submitted(draft, partner_user)
        claims.append(set_deadline(claim, DEADLINE + dt.timedelta(minutes=i - n)))
    return claims


@pytest.fixture
def overdue(contoso_mpn, contoso_admin, dynamics_sales, reviewer1):
    return _overdue_claims(3, contoso_mpn, contoso_admin, dynamics_sales, reviewer1)


def escalations():
    return Notification.objects.filter(kind="escalation")


def marks():
    return SweepMark.objects.filter(key__startswith="escalation:")


@pytest.mark.django_db
def test_one_digest_per_lead_and_a_mark_per_claim(overdue, lead):
    second = another_lead()
    result = run_sla_sweep(now=AFTER)

    assert result == {
        "reviewer_reminders": 0,
        "escalations": 3,
        "partner_reminders": 0,
        "dispute_windows_closed": 0,
        "auto_rejections": {"rejected": 0, "skipped": 0, "errors": 0, "left": 0},
        "consent_windows_closed": 0,
    }
    assert sorted(escalations().values_list("recipient_id", flat=True)) == sorted([lead.pk, second.pk])
    for note in escalations():
        assert note.claim_id is None
        assert note.data == {"count": 3, "claims": [c.pk for c in overdue]}  # most overdue first
        assert note.email_state == "pending"
    iso = {c.pk: c.due_at.astimezone(dt.UTC).isoformat() for c in overdue}
    assert set(marks().values_list("key", flat=True)) == {f"escalation:decision:{pk}:{iso[pk]}" for pk in iso}

    # Again, later, and even ignoring the cursors: nothing new.
    assert run_sla_sweep(now=AFTER + dt.timedelta(minutes=2))["escalations"] == 0
    assert run_sla_sweep(now=AFTER + dt.timedelta(days=1), full=True)["escalations"] == 0
    assert escalations().count() == 2 and marks().count() == 3


@pytest.mark.django_db
def test_a_digest_names_the_five_most_overdue_claims(contoso_mpn, contoso_admin, dynamics_sales, lead):
    claims = _overdue_claims(7, contoso_mpn, contoso_admin, dynamics_sales)
    run_sla_sweep(now=AFTER)
    note = escalations().get()
    assert note.data == {"count": 7, "claims": [c.pk for c in claims[:5]]}
    refs = ", ".join(c.reference for c in claims[:5])
    assert notification_sentence(note) == f"7 claims missed their review deadline, among them {refs}."
    assert notification_subject(note) == "Deadlines missed: 7 claims"


@pytest.mark.django_db
def test_a_claim_escalated_alone_keeps_its_own_notification(overdue, lead):
    run_sla_sweep(now=overdue[0].due_at + dt.timedelta(seconds=1))  # only the first is overdue yet
    note = escalations().get()
    assert note.claim_id == overdue[0].pk
    assert note.data == {"due_at": overdue[0].due_at.astimezone(dt.UTC).isoformat(), "due_kind": "decision"}
    assert notification_sentence(note).startswith(
        f"Claim “{overdue[0].name}” ({overdue[0].reference}) missed its decision deadline"
    )

    run_sla_sweep(now=AFTER)  # the other two: one digest of two
    assert escalations().count() == 2
    assert escalations().filter(claim__isnull=True).get().data == {"count": 2, "claims": [c.pk for c in overdue[1:]]}


@pytest.mark.django_db
def test_without_leads_each_assignee_hears_of_their_own_claims(overdue, reviewer1, reviewer2):
    claim_assign(claim=overdue[2], user=reviewer2, assignee=reviewer2)
    run_sla_sweep(now=AFTER)
    mine = escalations().get(recipient=reviewer1)
    assert mine.data == {"count": 2, "claims": [overdue[0].pk, overdue[1].pk], "assigned": True}
    theirs = escalations().get(recipient=reviewer2)
    assert theirs.claim_id == overdue[2].pk
    assert theirs.data == {"due_at": overdue[2].due_at.astimezone(dt.UTC).isoformat(), "due_kind": "decision"}


@pytest.mark.django_db
def test_a_crash_before_commit_loses_nothing(overdue, lead, monkeypatch):
    real = sweep.insert_notifications

    def dies_on_the_digest(rows, *, created_at):
        if rows and rows[0][2] == "escalation":
            raise RuntimeError("worker killed")
        real(rows, created_at=created_at)

    monkeypatch.setattr(sweep, "insert_notifications", dies_on_the_digest)
    with pytest.raises(RuntimeError):
        run_sla_sweep(now=AFTER)
    assert not marks().exists()  # rolled back with the digest

    monkeypatch.setattr(sweep, "insert_notifications", real)
    assert run_sla_sweep(now=AFTER + dt.timedelta(minutes=2))["escalations"] == 3
    assert escalations().get().data == {"count": 3, "claims": [c.pk for c in overdue]}


@pytest.mark.django_db
def test_a_backlog_larger_than_a_digest_is_split_not_lost(overdue, lead, monkeypatch):
    monkeypatch.setattr(sweep, "DIGEST_LIMIT", 2)
    assert run_sla_sweep(now=AFTER, chunk_size=1)["escalations"] == 3
    counts = sorted(n.data.get("count", 1) for n in escalations())
    assert counts == [1, 2] and marks().count() == 3


@pytest.mark.django_db
def test_digest_mail_in_swedish_for_a_swedish_lead(overdue, lead):
    type(lead).objects.filter(pk=lead.pk).update(language="sv")
    run_sla_sweep(now=AFTER)
    mail.outbox.clear()
    send_pending()
    message = next(m for m in mail.outbox if m.to == [lead.email])
    refs = ", ".join(c.reference for c in overdue)
    assert message.extra_headers["Content-Language"] == "sv"
    assert message.subject == "CPOR-portalen: Tidsfrister har missats: 3 anspråk"
    assert f"3 anspråk har missat sina tidsfrister för granskning: {refs}." in message.body
    assert f"{overdue[0].reference}: http://127.0.0.1:8000/review/claims/{overdue[0].pk}/" in message.body
    # The queue link goes through the notification, which marks it read and opens the overdue queue.
    digest = Notification.objects.get(recipient=lead, kind="escalation")
    opener = f"http://127.0.0.1:8000/notifications/{digest.pk}/open/"
    assert f"Öppna de försenade anspråken: {opener}" in message.body
    assert "din roll i de här anspråken" in message.body
    html = message.alternatives[0][0]
    assert f'<a href="http://127.0.0.1:8000/review/claims/{overdue[1].pk}/">{overdue[1].reference}</a>' in html
    assert f'href="{opener}"' in html


@pytest.mark.django_db
def test_old_escalations_are_marked_by_the_migration(overdue, lead):
    """Claims escalated before the digests (one notification per lead) are not escalated again."""
    import importlib

    from django.apps import apps

    claim = overdue[0]
    iso = claim.due_at.astimezone(dt.UTC).isoformat()
    Notification.objects.create(
        recipient=lead,
        claim=claim,
        kind="escalation",
        data={"due_at": iso, "due_kind": "decision"},
        dedupe_key=f"escalation:decision:{claim.pk}:{iso}:{lead.pk}",
    )
    migration = importlib.import_module("notifications.migrations.0004_escalation_marks_unique_keys")
    migration.mark_escalated_claims(apps, type("Editor", (), {"connection": connection})())

    assert run_sla_sweep(now=AFTER)["escalations"] == 2
    assert escalations().filter(claim__isnull=True).get().data == {"count": 2, "claims": [c.pk for c in overdue[1:]]}


# --- two sweeps at once (PostgreSQL) ------------------------------------------------------


@pytest.fixture
def overdue_committed(transactional_db, postgres_required, contoso_mpn, contoso_admin, dynamics_sales, reviewer1):
    return _overdue_claims(4, contoso_mpn, contoso_admin, dynamics_sales, reviewer1)


def test_two_sweeps_at_once_send_one_digest_per_lead(overdue_committed, lead, monkeypatch):
    second = another_lead()
    real = sweep._escalation_notes

    def slow(*args):
        time.sleep(0.5)  # the first run holds its marks uncommitted while the second arrives
        return real(*args)

    monkeypatch.setattr(sweep, "_escalation_notes", slow)
    barrier = threading.Barrier(2)
    results = [None, None]

    def runner(i):
        try:
            barrier.wait(timeout=10)
            results[i] = run_sla_sweep(now=AFTER)
        except Exception as exc:  # judged below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    close_old_connections()

    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["escalations"] for r in results) == [0, 4]
    digests = escalations()
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted([lead.pk, second.pk])
    assert all(n.data == {"count": 4, "claims": [c.pk for c in overdue_committed]} for n in digests)
    assert set(marks().values_list("claim_id", flat=True)) == {c.pk for c in overdue_committed}
    assert marks().count() == 4

    assert run_sla_sweep(now=AFTER + dt.timedelta(minutes=2), full=True)["escalations"] == 0
    assert escalations().count() == 2
