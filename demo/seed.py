"""``seed_demo()``: the demo data behind ``manage.py seed_demo``, created where missing.

The reference data and users (``demo.reference``) are checked on every run, and the demo
users' passwords set again; the claim stories (``demo.stories``) are told once, when no demo
partner has created a claim yet.
"""

from django.db import transaction
from django.db.models import Max

from audit.models import AuditEvent
from claims.models import Claim
from demo.reference import DEFAULT_PASSWORD, PARTNER_WRITERS, seed_reference_data, seed_users
from demo.stories import tell_stories
from demo.story import Story
from notifications.models import EmailState, Notification


def story_present() -> bool:
    """Whether the claim stories were told already (a demo partner writer created a claim)."""
    return AuditEvent.objects.filter(
        action="claims.claim.created", actor__username__in=PARTNER_WRITERS.values()
    ).exists()


def seed_demo(*, password: str = DEFAULT_PASSWORD, log=print) -> bool:
    """Create what is missing of the demo; returns whether the claim stories were created now."""
    with transaction.atomic():
        seed_reference_data()
        seed_users(password)
        if story_present():
            log("Demo claims already present; reference data and users checked, passwords set.")
            return False
        mark = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
        tell_stories(Story())
        # The stories are history: mail about them would only flood the demo inboxes.
        Notification.objects.filter(pk__gt=mark, email_state=EmailState.PENDING).update(email_state=EmailState.SKIPPED)
    log(f"Demo data created: {Claim.objects.count()} claims.")
    return True
