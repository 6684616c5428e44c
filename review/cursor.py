"""Keyset (cursor) pagination for the review queue.

A page link carries the position of the last row shown: its deadline and id, signed with
``django.core.signing`` so a visitor cannot hand-craft positions (and we never have to
trust or range-check a value we did not write). The next page is the rows strictly after
that position in the queue's order — one indexed range read, whatever the depth, and no
``COUNT``.

The queue order is ``due_at`` (NULLs after every deadline) then ``id``; in reverse order
NULLs come first. Rows with a deadline are read with a row-value comparison
``(due_at, id) > (%s, %s)``, which PostgreSQL answers as one range of the partial index
``claim_queue_due_idx``. Rows without a deadline (none in practice: every queue status has
one) are read by a second query only when the first one runs out.
"""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import F, Field, Func, Q, Value
from django.db.models.lookups import GreaterThan, LessThan

SALT = "review.queue.cursor"
ASC, DESC = "due", "-due"
ORDERINGS = (ASC, DESC)
_MAX_ID = 2**63 - 1
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class BadCursor(Exception):
    """The cursor was not written by us (tampered, truncated, or from another ordering)."""


@dataclass(frozen=True)
class Cursor:
    due_at: dt.datetime | None
    pk: int
    order: str
    back: bool = False  # the page *before* this position (the "previous page" link)


def encode_cursor(*, due_at, pk: int, order: str, back: bool = False) -> str:
    micros = None if due_at is None else int((due_at - _EPOCH) / dt.timedelta(microseconds=1))
    return signing.dumps([order, micros, pk, *([1] if back else [])], salt=SALT)


def decode_cursor(token: str) -> Cursor:
    try:
        parts = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadCursor from None
    # [order, micros, pk] for the page after the position, [order, micros, pk, 1] before it.
    if not isinstance(parts, list) or len(parts) not in (3, 4) or parts[3:] not in ([], [1]):
        raise BadCursor
    order, micros, pk = parts[:3]
    back = len(parts) == 4
    # Signed by us, so well-formed; checked anyway so a leaked old format can never 500.
    if order not in ORDERINGS or type(pk) is not int or not 0 < pk <= _MAX_ID:
        raise BadCursor
    if micros is None:
        return Cursor(None, pk, order, back)
    if type(micros) is not int:
        raise BadCursor
    try:
        due_at = _EPOCH + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise BadCursor from None
    return Cursor(due_at, pk, order, back)


class Row(Func):
    """A SQL row value ``(a, b)`` for keyset comparisons."""

    function = ""
    template = "(%(expressions)s)"
    arg_joiner = ", "
    output_field = Field()  # compared as a whole; the members keep their own types


def order_by(order: str) -> list:
    if order == DESC:
        return [F("due_at").desc(nulls_first=True), F("id").desc()]
    return [F("due_at").asc(nulls_last=True), F("id").asc()]


def flipped(order: str) -> str:
    """The reverse of ``order``: NULL deadlines first where they came last, and back."""
    return DESC if order == ASC else ASC


def before(cursor: Cursor) -> list[Q]:
    """The reads of the rows before ``cursor`` in its order, nearest first (a query ordered by
    ``order_by(flipped(cursor.order))``): ``after`` in the other direction."""
    return after(Cursor(cursor.due_at, cursor.pk, flipped(cursor.order)))


def after(cursor: Cursor) -> list[Q]:
    """The filters of the reads that follow ``cursor``, in order: each one a single index
    range. The caller runs the next one only while the page is not full."""
    position = Row(Value(cursor.due_at), Value(cursor.pk))
    keys = Row(F("due_at"), F("id"))
    if cursor.order == ASC:
        if cursor.due_at is None:
            return [Q(due_at__isnull=True, id__gt=cursor.pk)]
        return [Q(GreaterThan(keys, position), due_at__isnull=False), Q(due_at__isnull=True)]
    if cursor.due_at is None:
        return [Q(due_at__isnull=True, id__lt=cursor.pk), Q(due_at__isnull=False)]
    return [Q(LessThan(keys, position), due_at__isnull=False)]
