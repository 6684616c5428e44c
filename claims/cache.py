"""What is cached from claims, and the one function every write to claims goes through.

Two families of cached pages are drawn from claims:

- the review queue's pages (``review.views``), keyed on the *claims generation*: a token that
  ``claims_changed`` replaces, so every page drawn before a change becomes unreachable at once;
- each partner's status strip (``claims.selectors.status_counts``), one key per partner, which
  ``claims_changed`` drops for the partners named.

Every write path ends here: ``Claim.save`` and the claim queryset's ``update`` /
``bulk_create`` / ``bulk_update`` (``claims.models``), and the raw-SQL writers (the set-based
automatic rejection, the bulk loader), which call it themselves. It acts now and again when
the current transaction commits: a page drawn while the transaction was still open (without
the change) may have been stored under the first new token. A cache outage never fails the
change (``lib.cache``). See docs/architecture.md, "Caches".
"""

from collections.abc import Iterable

from django.db import transaction

from lib.cache import cache_delete_many, new_generation

CLAIMS_GENERATION = "claims"


def status_counts_key(partner_id) -> str:
    return f"claims:status-counts:{partner_id}"


def claims_changed(*, partner_ids: Iterable[int] = ()) -> None:
    """Claims changed: start a new claims generation and forget the status strips of
    ``partner_ids`` (the partners whose claims changed status, or were created)."""
    keys = sorted({status_counts_key(pk) for pk in partner_ids if pk is not None})

    def forget() -> None:
        new_generation(CLAIMS_GENERATION)
        if keys:
            cache_delete_many(keys)

    forget()
    transaction.on_commit(forget)
