"""Who may see and change a claim. One place, used by every view, fragment and download.

- A partner user sees only its own company's claims: anything else is a 404 (we do not
  confirm that another company's claim exists). A read-only role (Incentives user) gets
  403 on every write.
- Reviewers and leads see every claim that has left the draft stage.

The views use the ``get_*`` helpers (404 / 403); the services check the same rules again
with the ``require_*`` helpers, which raise domain errors (``NotAllowed``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from claims.errors import NotAllowed
from claims.models import NEVER_SUBMITTED, Claim
from lib.actors import SystemActor
from lib.lookups import get_by_pk_or_404


def partner_membership_or_404(user):
    membership = getattr(user, "partner_membership", None)
    if membership is None:
        raise Http404
    return membership


def get_claim_for_partner(user, pk, *, write: bool = False, queryset=None) -> tuple[Claim, bool]:
    """The claim if it belongs to the user's company (else 404), and whether the user may
    change it. With ``write=True`` a read-only member gets 403."""
    membership = partner_membership_or_404(user)
    qs = queryset if queryset is not None else Claim.objects.all()
    claim = get_by_pk_or_404(qs, pk, partner_id=membership.partner_id)
    if write and not membership.can_write:
        raise PermissionDenied
    return claim, membership.can_write


def get_claim_for_reviewer(user, pk, *, lead: bool = False, queryset=None) -> Claim:
    """Any claim its partner submitted, for reviewers (403 for everyone else). A claim never
    submitted — a draft, or a draft the partner discarded — is the partner's own business
    and is 404 here."""
    if not getattr(user, "is_reviewer", False) or (lead and not user.is_review_lead):
        raise PermissionDenied
    qs = queryset if queryset is not None else Claim.objects.all()
    return get_by_pk_or_404(qs.exclude(NEVER_SUBMITTED), pk)


def require_reviewer_or_403(user) -> None:
    if not getattr(user, "is_reviewer", False):
        raise PermissionDenied


# --- the same rules for the services (domain errors, not HTTP) -------------------------------


def require_actor(user) -> None:
    """Every service is told who acts: a user, or ``lib.actors.SYSTEM`` for the jobs. ``None``
    is a programming error, never "the system"."""
    if user is None:
        raise TypeError("pass the acting user, or lib.actors.SYSTEM for the portal's own jobs")


def require_partner_writer(user, claim=None):
    """The user writes for a partner company (not a read-only role) and, with ``claim``,
    the claim is that company's. Returns the membership."""
    require_actor(user)
    membership = getattr(user, "partner_membership", None)
    if membership is None or not membership.can_write:
        raise NotAllowed(_("Only your company's Global, Billing or Incentives admins can change claims."))
    if claim is not None and claim.partner_id != membership.partner_id:
        raise NotAllowed()
    return membership


def require_reviewer(user) -> None:
    require_actor(user)
    if isinstance(user, SystemActor) or not getattr(user, "is_reviewer", False):
        raise NotAllowed(_("Only Microsoft reviewers can do this."))


def require_review_lead(user) -> None:
    require_actor(user)
    if isinstance(user, SystemActor) or not getattr(user, "is_review_lead", False):
        raise NotAllowed(_("Only review leads can do this."))
