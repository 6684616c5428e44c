"""Writing notifications (the outbox). Call these inside the transaction of the change that
causes them: the rows commit or roll back with it, and e-mail goes out after commit.

Nothing is lost when the broker is down: the rows are in the database, and the periodic
``send_pending_notifications`` (beat, every minute) sends whatever is still pending. The
"send now" task queued after commit is only a shortcut.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q

from accounts.models import User
from accounts.roles import REVIEW_LEADS_GROUP
from cpor_portal.celery import app
from lib import clock
from lib.broker import queue_task_quickly
from notifications.models import Notification
from notifications.sending import send_pending
from partners.selectors import partner_member_ids

log = logging.getLogger(__name__)
_state = threading.local()
# The task that sends the outbox (notifications.tasks), queued by its registered name: this
# module is a leaf that every writer calls, so it never imports a task module.
SEND_TASK = "notifications.tasks.send_pending_notifications"


def request_outbox_flush() -> bool:
    """Ask a worker to send pending e-mail now. Never raises: if the broker is unreachable the
    rows stay pending and the periodic task sends them later. Returns whether it was queued.
    Without a broker (``CELERY_TASK_ALWAYS_EAGER``, ``make run``) the outbox is sent here."""
    if app.conf.task_always_eager:
        try:
            send_pending()
        except Exception:  # as an eager task's failure: logged, the rows stay pending
            log.warning("sending the outbox failed; the rows stay pending", exc_info=True)
        return True
    return queue_task_quickly(SEND_TASK, what="the outbox flush (the rows stay pending for the periodic send)")


def _flush_after_commit() -> None:
    request_outbox_flush()


@contextmanager
def deferred_outbox_flush():
    """Inside this block notifications do not each queue a flush; one flush is queued when
    the block ends (the SLA sweep and the re-check write many in many small transactions)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
        if _state.depth == 0 and getattr(_state, "wanted", False):
            _state.wanted = False
            queue_outbox_flush()


def queue_outbox_flush() -> None:
    """Queue one flush after the current transaction commits (at most one per transaction)."""
    if getattr(_state, "depth", 0):
        _state.wanted = True
        return
    if connection.in_atomic_block and any(func is _flush_after_commit for _sids, func, _robust in _pending_hooks()):
        return
    transaction.on_commit(_flush_after_commit)


def _pending_hooks():
    return getattr(connection, "run_on_commit", ())


def notify_users(*, user_ids, kind: str, claim=None, data: dict | None = None, dedupe_prefix: str = "") -> int:
    """One notification per user. With ``dedupe_prefix`` each gets the key
    ``<prefix>:<user id>`` and an existing key is skipped (reminders, sent once)."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return 0
    rows = [
        Notification(
            recipient_id=user_id,
            claim=claim,
            kind=kind,
            data=data or {},
            dedupe_key=f"{dedupe_prefix}:{user_id}" if dedupe_prefix else None,
        )
        for user_id in user_ids
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_prefix))
    queue_outbox_flush()
    return len(created)


def notify_partner(*, claim, kind: str, data: dict | None = None, exclude_user=None) -> int:
    """Notify every active member of the claim's partner company (never another partner)."""
    return notify_users(
        user_ids=partner_member_ids(claim.partner_id, exclude_user=exclude_user), kind=kind, claim=claim, data=data
    )


def review_lead_ids() -> list[int]:
    """Active review leads (and superusers, who act as leads): they receive escalations and
    the reminders of unassigned claims."""
    return list(
        User.objects.filter(Q(groups__name=REVIEW_LEADS_GROUP) | Q(is_superuser=True), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


@transaction.atomic
def notification_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or, without ``pk``, all of them) as read."""
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=clock.now())
