"""The append-only audit log.

Every state change writes one ``AuditEvent`` in the same transaction (``audit.record``).
Rows are never updated or deleted: ``save()`` refuses an existing row, ``delete()`` raises,
and the admin shows them read-only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.nodelete import DeletionForbidden, NoDeleteQuerySet

# What each action is, for people (the admin's audit log). An action missing here shows its code.
ACTION_LABELS = {
    "claims.claim.created": _("Claim draft created"),
    "claims.claim.updated": _("Claim edited"),
    "claims.claim.submitted": _("Claim submitted"),
    "claims.claim.review_started": _("Claim review started"),
    "claims.claim.assigned": _("Claim assigned"),
    "claims.claim.info_requested": _("Claim: information requested"),
    "claims.claim.resubmitted": _("Claim answered and resubmitted"),
    "claims.claim.approved": _("Claim approved"),
    "claims.claim.rejected": _("Claim rejected"),
    "claims.claim.withdrawn": _("Claim withdrawn"),
    "claims.claim.expired": _("Draft expired"),
    "claims.claim.disputed": _("Claim rejection disputed"),
    "claims.claim.ended": _("Claim association ended"),
    "claims.claim.reverted": _("Claim decision reverted"),
    "claims.comment.added": _("Comment added"),
    "claims.poe.added": _("PoE file added"),
    "arbitration.case.opened": _("Arbitration case opened"),
    "arbitration.case.joined": _("Claim joined an arbitration case"),
    "arbitration.case.assigned": _("Arbitration case assigned"),
    "arbitration.case.info_requested": _("Arbitration case: information requested"),
    "arbitration.case.awarded": _("Arbitration case decided"),
    "arbitration.case.closed": _("Arbitration case closed"),
    "arbitration.case.reopened": _("Arbitration case reopened"),
    "consent.request.opened": _("Consent link sent to the customer"),
    "consent.request.confirmed": _("Customer confirmed the claim"),
    "consent.request.declined": _("Customer declined the claim"),
    "consent.email.bounced": _("Consent e-mail bounced"),
    "consent.window.closed": _("Customer's opt-out window closed: approval final"),
}


class AuditQuerySet(NoDeleteQuerySet):
    def update(self, **kwargs):
        raise DeletionForbidden("audit events are append-only")


class AuditEvent(models.Model):
    action = models.CharField(_("action"), max_length=64, db_index=True)  # dotted, e.g. claims.claim.approved
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Empty for automatic jobs."),
    )
    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("claim"),
    )
    case = models.ForeignKey(
        "arbitration.ArbitrationCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("arbitration case"),
    )
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    reason_code = models.CharField(_("reason"), max_length=40, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["claim", "created_at", "id"], name="audit_claim_created_idx"),
            models.Index(fields=["case", "created_at", "id"], name="audit_case_created_idx"),
            models.Index(fields=["created_at"], name="audit_created_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise DeletionForbidden("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DeletionForbidden("audit events are append-only")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
