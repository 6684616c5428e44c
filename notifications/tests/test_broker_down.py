"""Nothing is lost when Redis is down: the change and its notification rows commit, the
request succeeds, and the outbox sends them once a sender runs."""

import time

import pytest
from django.core import mail

from claims.services import claim_approve, claim_resubmit
from claims.states import Status
from cpor_portal.celery import app
from notifications.models import EmailState, Notification
from notifications.sending import send_pending
from notifications.tests.helpers import action_required, under_review

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:6390/0"


def flushes(callbacks):
    """The outbox flushes among the on-commit callbacks (others, e.g. cache drops, may run too)."""
    return [c for c in callbacks if getattr(c, "__name__", "") == "_flush_after_commit"]


@pytest.fixture
def broker_down():
    """A real (not eager) Celery pointed at a port where nothing listens."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = CLOSED_PORT, False
    app._pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None


def test_reviewer_decision_succeeds_and_mail_goes_out_later(
    broker_down, draft, contoso_admin, contoso_viewer, reviewer1, django_capture_on_commit_callbacks, caplog
):
    claim = under_review(draft, contoso_admin, reviewer1)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim = claim_approve(claim=claim, user=reviewer1)
    assert time.monotonic() - started < 5  # no long broker retries inside a request
    assert len(flushes(callbacks)) == 1  # the "send now" shortcut was tried…
    assert "broker unreachable" in caplog.text  # …and failed quietly
    assert claim.status == Status.APPROVED
    rows = Notification.objects.filter(claim=claim, kind="decision")
    assert set(rows.values_list("email_state", flat=True)) == {EmailState.PENDING}
    assert not mail.outbox

    # Later: the periodic sender (or the next flush once Redis is back) sends them, once.
    assert send_pending() == {"sent": 2, "failed": 0, "skipped": 0}
    assert send_pending() == {"sent": 0, "failed": 0, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [contoso_admin.email, contoso_viewer.email]


def test_partner_answer_succeeds_with_the_broker_down(
    broker_down, draft, contoso_admin, reviewer1, django_capture_on_commit_callbacks
):
    claim = action_required(draft, contoso_admin, reviewer1)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_resubmit(claim=claim, user=contoso_admin, message="Signed PoE attached.")
    assert claim.status == Status.UNDER_REVIEW
    note = Notification.objects.get(kind="partner_responded")
    assert note.recipient == reviewer1 and note.email_state == EmailState.PENDING
    send_pending()
    note.refresh_from_db()
    assert note.email_state == EmailState.SENT
