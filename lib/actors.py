"""Who made a change, when nobody did: the portal's own jobs.

Services take the acting user as ``user=`` and refuse ``None``; the periodic jobs (the SLA
sweep's automatic rejection, the subscription re-check ending a lapsed association) and the
demo's automatic steps pass ``SYSTEM``. The audit log records it as an event without an actor
("the system"), exactly as before; what changed is that no caller can reach that meaning by
forgetting to pass a user.
"""


class SystemActor:
    """Stands in for a user: never authenticated, no partner, no reviewer role."""

    pk = None
    id = None
    is_authenticated = False
    is_anonymous = False
    is_active = False
    is_reviewer = False
    is_review_lead = False
    is_superuser = False
    is_staff = False
    partner_membership = None
    username = "system"

    def get_full_name(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "SYSTEM"

    def __bool__(self) -> bool:
        return True


SYSTEM = SystemActor()


def is_system(actor) -> bool:
    return actor is SYSTEM
