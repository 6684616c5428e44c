"""The customer's consent to a claim: one ``ConsentRequest`` per link e-mailed to the customer
contact (docs/consent.md).

A claim has at most one *current* request (``superseded_at`` empty): submission opens it, a
reviewer's resend or a partner's new customer address replaces it (the old link stops
working). The link's token is never stored: the row keeps a random salt, from which the
server's secret derives the token (``consent.requests.link_token``), and the token's SHA-256,
by which a visit finds the row. The customer may confirm once and decline once (a decline is
final); each decision keeps its time and the address it came from, and is audited. After an
approval the customer may still decline until ``window_ends_at`` (``CONSENT_WINDOW``); the SLA
sweep then marks the approval final (``final_at``). Nothing is ever deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from lib.nodelete import NoDeleteModel


class Decision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
    BOUNCED = "bounced", _("Bounced")
    MISSING = "missing", _("No e-mail address")
    CANCELLED = "cancelled", _("Not sent: no longer needed")


class Occasion(models.TextChoices):
    """Why a link was sent."""

    SUBMITTED = "submitted", _("Claim submitted")
    RESENT = "resent", _("Sent again by a reviewer")
    ADDRESS_CHANGED = "address_changed", _("Customer address changed")


class ConsentRequest(NoDeleteModel):
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="consent_requests", verbose_name=_("claim")
    )
    occasion = models.CharField(_("sent because"), max_length=16, choices=Occasion.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    # The random salt the link's token is derived from (with the server's secret), and the
    # token's SHA-256, which a visit looks up. Neither gives the token without the secret.
    token_salt = models.CharField(_("token salt"), max_length=32)
    token_hash = models.CharField(_("token hash"), max_length=64)
    email = models.EmailField(_("customer e-mail"), blank=True)
    language = models.CharField(_("e-mail language"), max_length=8)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("link expires"))
    superseded_at = models.DateTimeField(_("replaced by a newer link"), null=True, blank=True)

    # The customer's decisions: a confirmation may be followed by a decline; a decline is final.
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_from = models.GenericIPAddressField(_("confirmed from"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_from = models.GenericIPAddressField(_("declined from"), null=True, blank=True)
    reason = models.TextField(_("customer's reason"), blank=True)
    reason_private = models.BooleanField(_("reason kept from the partner"), default=False)
    # The language the customer read the page in when deciding: the next e-mail to that address uses it.
    customer_language = models.CharField(_("customer's language"), max_length=8, blank=True)

    # After an approval: the customer may decline until then (empty: at any time, CONSENT_WINDOW
    # "any"), and the sweep marks the approval final once it has passed.
    window_ends_at = models.DateTimeField(_("customer may decline until"), null=True, blank=True)
    final_at = models.DateTimeField(_("approval final"), null=True, blank=True)

    # The e-mail, sent after commit (consent.sending), with the outbox's claiming and backoff.
    email_state = models.CharField(_("e-mail"), max_length=16, choices=EmailState.choices)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(_("e-mail claimed"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="consent_token_hash_key"),
            # One current link per claim: a new one replaces the old in the same transaction.
            models.UniqueConstraint(
                fields=["claim"], condition=Q(superseded_at__isnull=True), name="consent_one_current_per_claim"
            ),
            models.CheckConstraint(
                condition=Q(decision="")
                | Q(decision="confirmed", confirmed_at__isnull=False, declined_at__isnull=True)
                | Q(decision="declined", declined_at__isnull=False),
                name="consent_decision_recorded",
            ),
        ]
        indexes = [
            # consent.sending: the e-mails still to send (few rows among many).
            models.Index(fields=["id"], condition=Q(email_state__in=["pending", "sending"]), name="consent_outbox_idx"),
            # The SLA sweep's consent rule (consent.jobs): approvals whose window closes.
            models.Index(
                fields=["window_ends_at", "id"],
                condition=Q(final_at__isnull=True, superseded_at__isnull=True, window_ends_at__isnull=False),
                name="consent_window_idx",
            ),
            # The customer's language, known from an earlier decision at the same address.
            models.Index(Upper("email"), name="consent_email_upper_idx", condition=~Q(customer_language="")),
        ]

    def __str__(self):
        return f"{self.claim_id} #{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
