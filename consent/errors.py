"""The consent link's one refusal. Whatever is wrong with a link (a made-up or damaged token,
one that was replaced by a newer link, expired, already used for this decision, or for a
claim that no longer waits on the customer), the customer is told the same thing, so a link
never tells anyone whether it existed."""

from django.utils.translation import gettext_lazy as _

from claims.errors import ClaimError


class ConsentLinkInvalid(ClaimError):
    default_message = _("This link is not valid or has expired.")
