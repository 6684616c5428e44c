"""Reads for the reviewer workspace: the queue (a page, or every row for the export), one
claim's review screen, and the dashboard's aggregates.

The queue is built to stay fast on a million claims: one query per page reading the
partial index ``claim_queue_due_idx`` in order (keyset pagination, no ``COUNT``), the
related rows joined in, and the product names folded into a correlated subquery so a page
of 100 rows costs what a page of 25 does.
"""

from dataclasses import dataclass, field

from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value

from audit.models import AuditEvent
from claims.models import Claim, Comment, PoeFile
from claims.states import OPEN_STATUSES
from review import cursor as keyset
from review.filters import QueueFilter

ROW_FIELDS = (
    "id",
    "version",
    "status",
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


def queue_rows(queryset):
    """The columns a queue row (or an export line) shows, joined in one query."""
    return (
        queryset.select_related("partner", "mpn", "tenant", "assignee")
        .only(*ROW_FIELDS)
        .annotate(product_names=_product_names())
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


def queue_page(*, filterset: QueueFilter, cursor_token: str = "") -> QueuePage:
    """One page of the filtered queue after ``cursor_token`` (a signed position; a bad or
    foreign one gives the first page). Fetches one row more than the page to know whether
    a next page exists."""
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
    if position is None:
        rows = list(filtered[: size + 1])
    else:
        rows = []
        for condition in keyset.after(position):
            rows += filtered.filter(condition)[: size + 1 - len(rows)]
            if len(rows) > size:
                break
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = keyset.encode_cursor(due_at=last.due_at, pk=last.pk, order=order)
    return QueuePage(
        rows=rows,
        next_cursor=next_cursor,
        page_size=size,
        order=order,
        bad_cursor=bad,
        has_cursor=position is not None,
        filterset=filterset,
    )


def queue_export(filterset: QueueFilter):
    """Every row of the filtered queue in queue order, streamed from the database in chunks."""
    return queue_rows(filterset.qs).order_by(*keyset.order_by(filterset.ordering)).iterator(chunk_size=2000)


# --- one claim ------------------------------------------------------------------------------


def claim_for_review_queryset():
    return Claim.objects.select_related("partner", "mpn", "tenant", "subscription", "assignee", "created_by")


def claim_products(claim):
    return list(claim.products.order_by("name"))


def claim_poe_files(claim):
    return list(PoeFile.objects.filter(claim=claim).select_related("uploaded_by").order_by("-uploaded_at", "-id"))


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
