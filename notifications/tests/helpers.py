"""Claims in each state, made through the services (as the portal makes them)."""

import datetime as dt
from zoneinfo import ZoneInfo

from claims.models import Claim
from claims.services import claim_reject, claim_request_info, claim_start_review, claim_submit

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*args) -> dt.datetime:
    """An aware Stockholm time: ``local(2026, 12, 24, 10)``."""
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def submitted(draft, partner_user) -> Claim:
    claim, _warnings = claim_submit(claim=draft, user=partner_user)
    return claim


def under_review(draft, partner_user, reviewer) -> Claim:
    return claim_start_review(claim=submitted(draft, partner_user), user=reviewer)


def action_required(draft, partner_user, reviewer) -> Claim:
    claim = under_review(draft, partner_user, reviewer)
    return claim_request_info(claim=claim, user=reviewer, reasons=["poe_missing"], message="Please add the PoE.")


def rejected(draft, partner_user, reviewer) -> Claim:
    claim = under_review(draft, partner_user, reviewer)
    return claim_reject(claim=claim, user=reviewer, reason="insufficient_poe", message="Not enough.")


def set_deadline(claim, due_at, kind=None) -> Claim:
    """Move a claim's deadline (tests only: the services always set deadlines from now)."""
    fields = {"due_at": due_at}
    if kind:
        fields["due_kind"] = kind
    Claim.objects.filter(pk=claim.pk).update(**fields)
    claim.refresh_from_db()
    return claim
