"""The login lockout: django-axes' database handler with one failure limit per way of counting
(docs/security.md, "Login protection").

Axes counts failures for each entry of ``AXES_LOCKOUT_PARAMETERS`` (here: a username at one
address, a username at any address, an address whatever the username) but compares them all
with one ``AXES_FAILURE_LIMIT``. This handler gives each its own limit:

==========================  =================================  ==============================
counted by                  limit                              stops
==========================  =================================  ==============================
username and address        ``AXES_FAILURE_LIMIT`` (5)         a guesser at one address
username                    ``AXES_USERNAME_FAILURE_LIMIT``    a guesser with many addresses
address                     ``AXES_ADDRESS_FAILURE_LIMIT``     password spraying
==========================  =================================  ==============================

It does so by reporting, as "the failures", how close the request is to the nearest of its
limits: ``AXES_FAILURE_LIMIT`` minus the failures still allowed before that limit. Axes' own
comparison (failures ≥ ``AXES_FAILURE_LIMIT``) then locks exactly when one of the counts
reached its limit, both before a sign-in is tried and after a failure, and everything else of
axes (the lockout page, the cool-off, the admin, ``axes_reset``) works as before.

A successful sign-in forgets the failures of its username at its address only: the owner who
mistyped twice starts afresh, but what others tried on that username from elsewhere, and what
that address tried on other usernames, still counts until it ages out. (Axes would otherwise
forget every failure of the address too, and a sprayer with one account of their own could
sign in between rounds to start again.)
"""

from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.db.models import Sum


def limit_of(parameter, pair_limit: int) -> int:
    """The failure limit of one entry of ``AXES_LOCKOUT_PARAMETERS``."""
    names = (parameter,) if isinstance(parameter, str) else tuple(parameter)
    if names == ("username",):
        return settings.AXES_USERNAME_FAILURE_LIMIT
    if names == ("ip_address",):
        return settings.AXES_ADDRESS_FAILURE_LIMIT
    return pair_limit


class TieredLockoutHandler(AxesDatabaseHandler):
    def failure_counts(self, request, credentials=None) -> list[tuple[object, int, int]]:
        """``(parameter, failures, limit)`` for each way of counting, within the cool-off."""
        pair_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)  # in the parameters' order
        return [
            (
                parameter,
                attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0,
                limit_of(parameter, pair_limit),
            )
            for parameter, attempts in zip(parameters, attempts_list, strict=True)
        ]

    def get_failures(self, request, credentials=None) -> int:
        """``AXES_FAILURE_LIMIT`` minus the failures left before the nearest limit: at or above
        ``AXES_FAILURE_LIMIT`` exactly when some count reached its own limit."""
        pair_limit = get_failure_limit(request, credentials)
        left = min(limit - failures for _parameter, failures, limit in self.failure_counts(request, credentials))
        return pair_limit - left

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget the failures of this username at this address."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count
