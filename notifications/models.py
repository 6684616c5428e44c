"""Notifications: the in-portal list and the e-mail outbox in one table.

A notification row is written in the same transaction as the change that causes it, so it
is never lost when the broker is down; ``notifications.tasks.send_pending_notifications``
e-mails pending rows and marks them sent. Reminders carry a ``dedupe_key`` whose unique
constraint makes each reminder exist at most once, however often the sweep runs.
``SweepMark`` records once-only events of the periodic jobs that are not themselves a
notification (a dispute window closed, a draft seen waiting for its subscription).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not e-mailed")


# What each kind of notification is, for people (the admin's lists); the reader's own sentence is
# in notifications.texts. A kind missing here shows its code.
KIND_LABELS = {
    "comment": _("New comment"),
    "info_requested": _("Information requested"),
    "decision": _("Decision"),
    "reviewer_reminder": _("Reviewer reminder: deadline within a business day"),
    "partner_reminder": _("Partner reminder: Microsoft waits for an answer"),
    "escalation": _("Deadline missed (escalation)"),
    "association_ended": _("Association ended"),
    "subscription_claimable": _("Subscription provisioned: the draft can be submitted"),
    "partner_responded": _("Partner answered"),
    "withdrawn": _("Claim withdrawn"),
    "disputed": _("Rejection disputed"),
    "assigned": _("Claim assigned"),
    "poe_added": _("New proof of execution"),
    "dispute_window_closed": _("Dispute window closed"),
    "draft_expiring": _("Draft about to expire"),
    "customer_declined": _("Customer declined the claim"),
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # notif_recipient_idx leads with recipient
    )
    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("claim"),
    )
    kind = models.CharField(_("kind"), max_length=48)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second,
    # varchar_pattern_ops index that nothing uses and every sweep insert pays for.
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=16, choices=EmailState.choices, default=EmailState.PENDING)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(_("e-mail claimed"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    # After a failed attempt the row waits until then (exponential backoff).
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notifications_notification_dedupe_key_key"),
        ]
        indexes = [
            # Used by send_pending_notifications (the outbox).
            models.Index(fields=["id"], condition=Q(email_state__in=["pending", "sending"]), name="notif_outbox_idx"),
            # Unread count in the header.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread_idx"),
            # The notification list, newest first, paged by (created_at, id) keyset.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_recipient_list_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


class SweepMark(models.Model):
    """A once-only event of a periodic job, claimed by inserting its unique ``key``.

    A job inserts marks with ON CONFLICT DO NOTHING and learns which ones it inserted
    (RETURNING on PostgreSQL, else the rows carrying its own ``run`` token): those events are
    its to handle, in the same transaction. A concurrent run waits on the unique index and then
    skips them; a crash rolls the marks back with the work, so the next run does it again.
    Escalations (``escalation:<kind>:<claim>:<deadline>``) and closed dispute windows are
    marked this way by the SLA sweep, waiting drafts by the subscription re-check.
    """

    key = models.CharField(_("key"), max_length=200)  # unique: Meta.constraints (see dedupe_key)
    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT, related_name="+", verbose_name=_("claim"))
    run = models.UUIDField(_("run"), default=uuid.uuid4)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("job mark")
        verbose_name_plural = _("job marks")
        constraints = [models.UniqueConstraint(fields=["key"], name="notifications_sweepmark_key_key")]

    def __str__(self):
        return self.key


class JobRun(models.Model):
    """The last successful run of each periodic job (for /healthz and operators)."""

    name = models.CharField(_("job"), max_length=64, primary_key=True)
    last_success_at = models.DateTimeField(_("last success"))
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    last_result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return self.name
