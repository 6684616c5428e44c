"""The time services write: ``clock.now()`` instead of ``timezone.now()`` in every write path.

Normally it is exactly ``django.utils.timezone.now()``. ``frozen_at(moment)`` makes it return
``moment`` for the current thread or task (a context variable, so concurrent requests never
see another's moment): the demo tells its claim stories "as if it were" a past moment through
the real services, so deadlines, decisions and audit events read as they would have happened.
Model field defaults (``default=timezone.now``, ``auto_now``) are bound to the real clock;
whoever freezes the clock and needs those back-dated too stamps them afterwards
(``demo.clock``). See docs/architecture.md, "Time".
"""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[dt.datetime | None] = ContextVar("cpor_clock_frozen", default=None)


def now() -> dt.datetime:
    """The current time, or the moment of the enclosing ``frozen_at`` block."""
    return _frozen.get() or timezone.now()


@contextmanager
def frozen_at(moment: dt.datetime):
    """Inside the block ``now()`` is ``moment`` (aware). Blocks nest; the outer moment returns
    when an inner block ends."""
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
