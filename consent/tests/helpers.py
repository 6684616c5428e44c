"""What the consent tests share: the token a claim's e-mail carries, and a snapshot of what a
refused link must not change."""

import re

from audit.models import AuditEvent
from claims.models import Claim, Comment
from consent.models import ConsentRequest
from consent.requests import consent_current
from consent.tokens import link_token
from notifications.models import Notification

LINK = re.compile(r"/consent/([A-Za-z0-9_-]{43})/")


def token_for(claim) -> str:
    """The token of the claim's current link (as its e-mail carries it)."""
    return link_token(consent_current(claim.pk).token_salt)


def token_in(message) -> str:
    """The token of the link in an e-mail."""
    return LINK.search(message.body).group(1)


def snapshot() -> tuple:
    """Everything a consent decision could change."""
    return (
        sorted(Claim.objects.values_list("pk", "status", "version", "decision_reason", "end_reason")),
        sorted(
            ConsentRequest.objects.values_list(
                "pk", "decision", "confirmed_at", "declined_at", "superseded_at", "reason", "email_state"
            )
        ),
        Comment.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )
