"""Reading a large table page by page without OFFSET: each page is one indexed range query
that starts after the last row of the previous page (keyset paging)."""

from django.db.models import Q


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
