"""Who belongs to a partner company: the recipients of its notifications."""

from partners.models import Membership


def partner_member_ids(partner_id, *, exclude_user=None) -> list[int]:
    """The active members of one partner company (``exclude_user`` left out)."""
    ids = Membership.objects.filter(partner_id=partner_id, user__is_active=True).values_list("user_id", flat=True)
    exclude = getattr(exclude_user, "pk", None)
    return [i for i in ids if i != exclude]


def partner_members(partner_ids) -> dict[int, list[int]]:
    """``{partner id: [active member user ids]}`` for many partners, in one query."""
    members: dict[int, list[int]] = {}
    rows = Membership.objects.filter(partner_id__in=set(partner_ids), user__is_active=True).values_list(
        "partner_id", "user_id"
    )
    for partner_id, user_id in rows:
        members.setdefault(partner_id, []).append(user_id)
    return members
