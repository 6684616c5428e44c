"""Demo time: telling a claim's story "as of" a past moment, and the business-day calendar the
stories and the bulk loader count back on.

``as_of(moment)`` freezes the portal's clock (``lib.clock.frozen_at``), so everything the
services compute from ``clock.now()`` — deadlines, decision and dispute times, audit events —
reads ``moment``. Model field defaults are bound to the real clock (``default=timezone.now``,
``auto_now``), so the rows that take their time from one are stamped with ``moment`` when the
block ends: the rows created in the block (``DEFAULT_STAMPED``) and ``Claim.updated_at`` of
every claim saved in it. The result is what a real claim would carry had the steps happened
at that moment, down to the order of a partner's drafts by last change.

Only the demo seeding uses it, in its own transaction; blocks do not nest (an outer block
would stamp the inner block's rows with its own moment).
"""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Max
from django.db.models.signals import post_save

from arbitration.models import ArbitrationCase, CaseClaim
from claims.models import Claim, Comment, PoeFile
from lib import clock
from lib.business_days import is_business_day
from notifications.models import Notification

# Rows whose timestamp comes from a model default (bound to the real clock at import time):
# (model, field). Every such row the block creates is stamped with the block's moment.
DEFAULT_STAMPED = (
    (Claim, "created_at"),
    (Comment, "created_at"),
    (PoeFile, "uploaded_at"),
    (Notification, "created_at"),
    (ArbitrationCase, "opened_at"),
    (CaseClaim, "joined_at"),
)

# The pks of the claims saved (``Claim.save``, which sets the ``auto_now`` field) in the
# current thread's or task's ``as_of`` block; None outside one.
_saved_claims: ContextVar[set[int] | None] = ContextVar("demo_clock_saved_claims", default=None)


def _note_saved_claim(sender, instance, **kwargs) -> None:
    saved = _saved_claims.get()
    if saved is not None:
        saved.add(instance.pk)


post_save.connect(_note_saved_claim, sender=Claim, dispatch_uid="demo.clock.note_saved_claim")


@contextmanager
def as_of(moment: dt.datetime):
    """Run the block as if it were ``moment`` (aware): ``clock.now()`` returns it inside, and
    afterwards the rows the block created carry it as their default timestamp
    (``DEFAULT_STAMPED``), and the claims it saved (``Claim.save``) as their ``updated_at``,
    as the services would have written it at that moment. Bulk updates in the block leave
    ``updated_at`` alone, as they always do.

    If the block raises, nothing is stamped (the caller's transaction is failing anyway); the
    clock is real again either way."""
    marks = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model, _ in DEFAULT_STAMPED}
    saved: set[int] = set()
    token = _saved_claims.set(saved)
    try:
        with clock.frozen_at(moment):
            yield moment
    finally:
        _saved_claims.reset(token)
    for model, field in DEFAULT_STAMPED:
        model.objects.filter(pk__gt=marks[model]).update(**{field: moment})
    if saved:
        Claim.objects.filter(pk__in=saved).update(updated_at=moment)


def business_day_before(day: dt.date, n: int) -> dt.date:
    """The date ``n`` business days before ``day``."""
    while n > 0:
        day -= dt.timedelta(days=1)
        if is_business_day(day):
            n -= 1
    return day
