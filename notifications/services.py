"""Writing notifications (the outbox). Call these inside the transaction of the change that
causes them: the rows commit or roll back with it, and e-mail goes out after commit."""

import logging

from django.db import transaction

from notifications.models import Notification

log = logging.getLogger(__name__)


def _queue_outbox_flush() -> None:
    """Ask a worker to send pending e-mail now. If the broker is down the rows stay pending
    and the periodic sweep sends them later: the request that caused them still succeeds."""

    def send():
        from notifications.tasks import send_pending_notifications

        try:
            send_pending_notifications.delay()
        except Exception:  # broker unreachable: the next sweep picks the rows up
            log.warning("broker unreachable; notifications stay pending until the next sweep", exc_info=True)

    transaction.on_commit(send)


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
    _queue_outbox_flush()
    return len(created)


def partner_recipient_ids(claim, *, exclude_user=None) -> list[int]:
    from partners.models import Membership

    ids = Membership.objects.filter(partner_id=claim.partner_id, user__is_active=True).values_list("user_id", flat=True)
    exclude = getattr(exclude_user, "pk", None)
    return [i for i in ids if i != exclude]


def notify_partner(*, claim, kind: str, data: dict | None = None, exclude_user=None) -> int:
    """Notify every active member of the claim's partner company (never another partner)."""
    return notify_users(
        user_ids=partner_recipient_ids(claim, exclude_user=exclude_user), kind=kind, claim=claim, data=data
    )
