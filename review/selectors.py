"""Reads for the reviewer workspace: the queue (a page, or every row for the export), one
claim's review screen, and the dashboard's aggregates.

The queue is built to stay fast on a million claims: one query per page reading the
partial index ``claim_queue_due_idx`` in order (keyset pagination, no ``COUNT``), the
related rows joined in, and the product names folded into a correlated subquery so a page
of 100 rows costs what a page of 25 does.
"""

from dataclasses import dataclass, field

from django.db.models import Aggregate, CharField, Exists, OuterRef, Subquery, Value

from audit.models import AuditEvent
from claims.models import Claim, Comment, PoeFile
from claims.states import OPEN_STATUSES
from lib.db import planner_rows
from review import cursor as keyset
from review.filters import QueueFilter

ROW_FIELDS = (
    "id",
    "version",
    "status",
    "name",
    "activity",
    "solution_area",
    "customer_domain",
    "customer_tenant_id",
    "is_competing",
    "due_at",
    "due_kind",
    "paused_days",
    "submitted_at",
    "partner__name",
    "mpn__number",
    "tenant__name",
    "tenant__tenant_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


class ProductNames(Aggregate):
    """The claim's product names, comma-separated (GROUP_CONCAT / STRING_AGG)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(", "), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def _product_names():
    through = Claim.products.through
    names = (
        through.objects.filter(claim_id=OuterRef("pk"))
        .order_by()
        .values("claim_id")
        .annotate(names=ProductNames("product__name"))
        .values("names")
    )
    return Subquery(names, output_field=CharField())


def queue_base():
    """Every claim the queue may show (its partial indexes carry this same condition)."""
    return Claim.objects.filter(status__in=OPEN_STATUSES)


def _same_file_on_row():
    """``Exists`` per queue row: one of the claim's PoE files is also on another partner's
    claim (through the PoE's claim index, then the ``sha256`` index; 25–100 rows a page)."""
    return Exists(
        PoeFile.objects.filter(claim_id=OuterRef("pk")).filter(
            same_file_elsewhere(OuterRef("sha256"), OuterRef(OuterRef("partner_id")))
        )
    )


def queue_rows(queryset):
    """The columns a queue row (or an export line) shows, joined in one query."""
    return (
        queryset.select_related("partner", "mpn", "tenant", "assignee")
        .only(*ROW_FIELDS)
        .annotate(product_names=_product_names(), same_file=_same_file_on_row())
    )


def queue_filter(*, data, request, now=None) -> QueueFilter:
    return QueueFilter(data, queryset=queue_base(), request=request, now=now)


@dataclass
class QueuePage:
    rows: list
    next_cursor: str | None
    page_size: int
    order: str
    bad_cursor: bool = False
    has_cursor: bool = False
    filterset: QueueFilter | None = field(default=None, repr=False)
    prev_cursor: str | None = None


def queue_page(*, filterset: QueueFilter, cursor_token: str = "") -> QueuePage:
    """One page of the filtered queue after ``cursor_token`` (a signed position; a bad or
    foreign one gives the first page), or before it for a "previous page" cursor. Fetches one
    row more than the page to know whether a next (or an earlier) page exists."""
    size, order = filterset.page_size, filterset.ordering
    filtered = queue_rows(filterset.qs).order_by(*keyset.order_by(order))
    position, bad = None, False
    if cursor_token:
        try:
            position = keyset.decode_cursor(cursor_token)
        except keyset.BadCursor:
            bad = True
        if position is not None and position.order != order:
            position, bad = None, True
    more_before = position is not None
    if position is not None and position.back:
        backwards = queue_rows(filterset.qs).order_by(*keyset.order_by(keyset.flipped(order)))
        earlier = _read_after(backwards, keyset.before(position), size + 1)
        if len(earlier) > size:  # a whole page, and more before it
            rows = [*reversed(earlier[:size]), None]  # the page we came from follows: "next" stays
        else:  # back at the start: the first page
            position, more_before = None, False
    if position is None:
        rows = list(filtered[: size + 1])
    elif not position.back:
        rows = _read_after(filtered, keyset.after(position), size + 1)
    next_cursor = prev_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = keyset.encode_cursor(due_at=last.due_at, pk=last.pk, order=order)
    if more_before and rows:
        first = rows[0]
        prev_cursor = keyset.encode_cursor(due_at=first.due_at, pk=first.pk, order=order, back=True)
    return QueuePage(
        rows=rows,
        next_cursor=next_cursor,
        page_size=size,
        order=order,
        bad_cursor=bad,
        has_cursor=position is not None,
        filterset=filterset,
        prev_cursor=prev_cursor,
    )


def _read_after(queryset, conditions, limit: int) -> list:
    """Up to ``limit`` rows of ``queryset`` (already ordered) matching the keyset ``conditions``
    in turn: each one an index range, the next read only while the page is not full."""
    rows = []
    for condition in conditions:
        rows += queryset.filter(condition)[: limit - len(rows)]
        if len(rows) >= limit:
            break
    return rows


# Up to this many matches the queue says exactly how many; beyond, the planner's estimate.
COUNT_CAP = 10_000


@dataclass(frozen=True)
class QueueTotal:
    count: int
    kind: str  # "exact"; "about" (PostgreSQL's planner estimate); "more" (more than ``count``)


def queue_total(filterset: QueueFilter) -> QueueTotal:
    """How many claims match the filter, without counting a million rows: an exact count of at
    most ``COUNT_CAP + 1`` rows (an index-only read), and above it the planner's estimate
    (never below the cap), or "more than the cap" where there is no planner to ask."""
    matching = filterset.qs.order_by().values("pk")
    exact = matching[: COUNT_CAP + 1].count()
    if exact <= COUNT_CAP:
        return QueueTotal(exact, "exact")
    estimate = planner_rows(matching)
    if estimate is None:
        return QueueTotal(COUNT_CAP, "more")
    return QueueTotal(max(estimate, COUNT_CAP + 1), "about")


def queue_export(filterset: QueueFilter):
    """Every row of the filtered queue in queue order, streamed from the database in chunks."""
    return queue_rows(filterset.qs).order_by(*keyset.order_by(filterset.ordering)).iterator(chunk_size=2000)


# --- one claim ------------------------------------------------------------------------------


def claim_for_review_queryset():
    return Claim.objects.select_related("partner", "mpn", "tenant", "subscription", "assignee", "created_by")


def claim_products(claim):
    return list(claim.products.order_by("name"))


def same_file_elsewhere(sha256, partner_id):
    """``Exists``: a file with this SHA-256 was handed in on a claim of another partner (a
    submitted one: a draft is its partner's own). One lookup on the ``sha256`` index."""
    return Exists(
        PoeFile.objects.filter(sha256=sha256, claim__submitted_at__isnull=False).exclude(claim__partner_id=partner_id)
    )


def claim_poe_files(claim):
    """The claim's PoE, newest first, each with ``elsewhere``: the same file is on another
    partner's claim (never which one: the flag alone tells the reviewer to look closer)."""
    return list(
        PoeFile.objects.filter(claim=claim)
        .select_related("uploaded_by")
        .annotate(elsewhere=same_file_elsewhere(OuterRef("sha256"), claim.partner_id))
        .order_by("-uploaded_at", "-id")
    )


# The review screen shows the latest entries; "show earlier" loads the rest on demand.
RECENT = 50


def _latest(queryset, limit):
    """The last ``limit`` rows in chronological order (all of them with ``limit=None``) and how
    many earlier ones were left out. Two queries whatever the thread's length."""
    if limit is None:
        return list(queryset.order_by("created_at", "id")), 0
    rows = list(queryset.order_by("-created_at", "-id")[:limit])
    rows.reverse()
    earlier = queryset.count() - len(rows) if len(rows) == limit else 0
    return rows, earlier


def claim_thread(claim, *, limit=RECENT):
    """The comments, internal notes included (the reviewer's view): the latest ``limit``, and
    the number of earlier ones."""
    return _latest(Comment.objects.filter(claim=claim).select_related("author__membership__partner"), limit)


def claim_history(claim, *, limit=RECENT):
    return _latest(AuditEvent.objects.filter(claim=claim).select_related("actor"), limit)
