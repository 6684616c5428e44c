"""Fetching one row by its primary key."""

from django.http import Http404


def get_by_pk_or_404(queryset, pk, **filters):
    """``get_object_or_404(queryset, pk=pk, ...)`` without the ``LIMIT 21`` that ``get()``
    adds. With several to-one relations joined in (``select_related``), PostgreSQL plans the
    LIMIT variant of a primary-key lookup several times slower: measured at 1,000,000 claims,
    the arbitration case query took 5.8 ms with it and 2.8 ms without, the review screen's
    claim 2.8 ms and 2.2 ms. A primary key matches one row at most, so the limit buys
    nothing."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    rows = list(queryset.filter(pk=pk, **filters))
    if not rows:
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
    return rows[0]
