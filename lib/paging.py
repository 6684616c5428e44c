"""Reading a large table page by page without OFFSET: each page is one indexed range query
that starts after the last row of the previous page (keyset paging) — for the jobs that walk a
table (``keyset_pages``) and for lists a person pages through in an order they chose (a signed
``Position`` in the page links, ``KeysetOrder`` for the order and the rows after a position)."""

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db.models import F, Field, Func, Q, Value
from django.db.models.lookups import GreaterThan, LessThan


def keyset_pages(qs, fields: tuple[str, ...], size: int, order: str = "id"):
    """Pages (lists of ``values_list(*fields)`` rows) of ``qs`` in ``(order, id)`` order, at most
    ``size`` rows each. ``fields`` starts with ``id``, then ``order`` unless ``order`` is ``id``.
    Rows changed behind the cursor while paging are not seen again; rows ahead of it are."""
    last = None
    while True:
        page = qs
        if last is not None:
            if order == "id":
                page = page.filter(id__gt=last[0])
            else:
                page = page.filter(Q(**{f"{order}__gt": last[1]}) | Q(**{order: last[1], "id__gt": last[0]}))
                page = page.filter(**{f"{order}__gte": last[1]})  # lets the planner use the range
        ordering = ("id",) if order == "id" else (order, "id")
        rows = list(page.order_by(*ordering).values_list(*fields)[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]


# --- signed positions for a page's "next" and "previous" links ---------------------------------
#
# A list sorted by a column a person chose pages by the position of the row a link starts from:
# the sort column's value and the id (the tiebreak, so the order is total). The position
# travels signed (``django.core.signing``), so a visitor cannot hand-craft one and the value is
# never a guess we must check; the next page is the rows strictly after it, one range read.

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MAX_ID = 2**63 - 1
MAX_PAGE_NUMBER = 10**6


class BadPosition(Exception):
    """A position we did not write: tampered, truncated, another list's or another order's."""


@dataclass(frozen=True)
class Position:
    value: object  # the sort column's value at the row: str, datetime or None
    pk: int
    page: int  # the number of the page the link leads to (for "Page 3")
    back: bool = False  # the page *before* the row (a "previous" link)


def encode_position(*, salt: str, sort: str, value, pk: int, page: int, back: bool = False) -> str:
    if value is None:
        kind, raw = "n", None
    elif isinstance(value, dt.datetime):
        kind, raw = "t", int((value - _EPOCH) / dt.timedelta(microseconds=1))
    elif isinstance(value, str):
        kind, raw = "s", value
    else:
        raise TypeError(f"a position holds text or a moment, not {type(value).__name__}")
    return signing.dumps([sort, kind, raw, pk, page, int(back)], salt=salt, compress=True)


def decode_position(token: str, *, salt: str, sort: str) -> Position:
    """The position in ``token``, written by ``encode_position`` for this list (``salt``) and
    this order (``sort``); anything else raises ``BadPosition``."""
    try:
        parts = signing.loads(str(token)[:4000], salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadPosition from None
    if not isinstance(parts, list) or len(parts) != 6:
        raise BadPosition
    written_for, kind, raw, pk, page, back = parts
    # Signed by us, so well-formed; checked anyway so a leaked old format can never 500.
    if written_for != sort or type(pk) is not int or not 0 < pk <= _MAX_ID:
        raise BadPosition
    if type(page) is not int or not 1 <= page <= MAX_PAGE_NUMBER or back not in (0, 1):
        raise BadPosition
    if kind == "n" and raw is None:
        value = None
    elif kind == "s" and isinstance(raw, str):
        value = raw
    elif kind == "t" and type(raw) is int:
        try:
            value = _EPOCH + dt.timedelta(microseconds=raw)
        except OverflowError:
            raise BadPosition from None
    else:
        raise BadPosition
    return Position(value, pk, page, bool(back))


class Row(Func):
    """A SQL row value ``(a, b)`` for keyset comparisons."""

    function = ""
    template = "(%(expressions)s)"
    arg_joiner = ", "
    output_field = Field()  # compared as a whole; the members keep their own types


@dataclass(frozen=True)
class KeysetOrder:
    """The order of a keyset-paged list: the annotation ``name`` (the sort column), then the id
    in the same direction. ``nulls_last`` is None for a column that is never NULL (then the
    order is plain ASC/DESC, which an index on the column serves in either direction)."""

    descending: bool
    nulls_last: bool | None = None
    name: str = "sort_value"

    def flipped(self) -> "KeysetOrder":
        """The exact reverse (the "previous page" reads it, nearest row first)."""
        nulls = None if self.nulls_last is None else not self.nulls_last
        return KeysetOrder(not self.descending, nulls, self.name)

    def order_by(self) -> list:
        column, pk = F(self.name), F("id")
        nulls = {} if self.nulls_last is None else {"nulls_last" if self.nulls_last else "nulls_first": True}
        if self.descending:
            return [column.desc(**nulls), pk.desc()]
        return [column.asc(**nulls), pk.asc()]

    def after(self, value, pk: int) -> Q:
        """The rows strictly after ``(value, pk)`` in this order, as one condition."""
        id_after = Q(id__lt=pk) if self.descending else Q(id__gt=pk)
        if value is None:
            if self.nulls_last is None:
                return Q(pk__in=[])  # a position this column cannot have
            null_rows = Q(**{f"{self.name}__isnull": True}) & id_after
            return null_rows if self.nulls_last else null_rows | Q(**{f"{self.name}__isnull": False})
        compare = LessThan if self.descending else GreaterThan
        later = Q(compare(Row(F(self.name), F("id")), Row(Value(value), Value(pk))))
        if self.nulls_last is None:
            return later
        later &= Q(**{f"{self.name}__isnull": False})
        return later | Q(**{f"{self.name}__isnull": True}) if self.nulls_last else later
