"""Reads for the partner side: a company's claims, one claim's page data, the form's choices.

Every function takes the partner (or a claim already fetched through ``claims.access``) so
visibility is applied in the query, never in a template.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from claims.cache import status_counts_key
from claims.filters import ClaimFilter
from claims.models import ACTIVITIES_BY_AREA, Claim, Comment, EndReason, InfoRequestReason, PoeFile, RejectionReason
from claims.references import claim_reference
from claims.states import Status
from directory.models import Product
from lib.cache import cache_get, cache_set
from lib.paging import MAX_PAGE_NUMBER, BadPosition, KeysetOrder, Position, decode_position, encode_position
from partners.models import Membership, Mpn

PAGE_SIZE = 25
CURSOR_SALT = "claims.list.cursor"

# The sortable columns: the only values ?sort= may take (with "-" for descending; anything else
# is the default). Each is ``(expression, may be NULL)``; the id breaks ties, so the order is
# total and a page link's position (lib.paging) is exact. The name sorts without regard to
# case. Name, submission and the default order (last updated first) read an index of the
# company's claims (``claim_partner_*_idx``) forwards or backwards, one range a page; customer
# and status read the matching claims in another index's order.
SORTS = {
    "name": (Upper("name"), False),
    "customer": (F("customer_domain"), False),
    "status": (F("status"), False),
    # A claim never submitted has no date: it counts as after every date (last oldest first,
    # first newest first), as PostgreSQL orders NULL, so one index serves both directions.
    "submitted": (F("submitted_at"), True),
    "updated": (F("updated_at"), False),
}
DEFAULT_SORT = "-updated"


def parse_sort(value) -> tuple[str, KeysetOrder]:
    """``(sort, order)`` for a ``?sort=`` value; unknown or hostile values give the default."""
    value = str(value or "")
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    _expression, nullable = SORTS[key]
    return value, KeysetOrder(descending=descending, nulls_last=(not descending) if nullable else None)


@dataclass
class ClaimPage:
    rows: list
    page: int
    has_next: bool
    has_previous: bool
    sort: str
    next_cursor: str = ""
    previous_cursor: str = ""


def _sorted_claims(*, partner, params):
    """The company's claims that ``params`` filter, in the order they ask for: ``(filter set,
    sort, order, queryset)``; the queryset carries the sort column as ``sort_value``."""
    filterset = ClaimFilter(params, queryset=Claim.objects.filter(partner=partner))
    sort, order = parse_sort(params.get("sort"))
    key = sort.removeprefix("-")
    return filterset, sort, order, filterset.qs.annotate(sort_value=SORTS[key][0])


def _list_rows(queryset):
    return queryset.select_related("mpn", "tenant").prefetch_related(
        Prefetch("products", queryset=Product.objects.only("pk", "name"))
    )


def _position(token, sort: str) -> Position | None:
    if not token:
        return None
    try:
        return decode_position(token, salt=CURSOR_SALT, sort=sort)
    except BadPosition:
        return None  # a stale or foreign link: the first page


def claim_list(*, partner, params) -> tuple[ClaimFilter, ClaimPage]:
    """The company's claims filtered, searched and sorted by ``params`` (a QueryDict), one page
    of them: keyset pages (``?cursor=``, a signed position, lib.paging) without OFFSET or COUNT,
    ``PAGE_SIZE + 1`` rows telling whether there is a next page. Two queries (rows and their
    products) whatever the page holds and however deep it is."""
    filterset, sort, order, claims = _sorted_claims(partner=partner, params=params)
    position = _position(params.get("cursor"), sort)
    rows = None
    if position is not None and position.back:
        flipped = order.flipped()
        earlier = list(
            _list_rows(claims.filter(flipped.after(position.value, position.pk)).order_by(*flipped.order_by()))[
                : PAGE_SIZE + 1
            ]
        )
        if len(earlier) > PAGE_SIZE:  # a whole page, and more before it
            rows, page, has_previous = [*reversed(earlier[:PAGE_SIZE]), None], max(position.page, 2), True
        else:  # back at the start
            position = None
    if rows is None:
        ordered = claims.order_by(*order.order_by())
        if position is not None:
            ordered = ordered.filter(order.after(position.value, position.pk))
        rows = list(_list_rows(ordered)[: PAGE_SIZE + 1])
        page, has_previous = (position.page, True) if position is not None else (1, False)
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    result = ClaimPage(rows=rows, page=page, has_next=has_next, has_previous=has_previous, sort=sort)
    if has_next:
        last = rows[-1]
        result.next_cursor = encode_position(
            salt=CURSOR_SALT, sort=sort, value=last.sort_value, pk=last.pk, page=min(page + 1, MAX_PAGE_NUMBER)
        )
    if has_previous and rows:
        first = rows[0]
        result.previous_cursor = encode_position(
            salt=CURSOR_SALT, sort=sort, value=first.sort_value, pk=first.pk, page=max(page - 1, 1), back=True
        )
    return filterset, result


# The columns the export writes (partner_portal.views.EXPORT_HEADER), and no others.
EXPORT_FIELDS = (
    "id",
    "partner_id",
    "name",
    "status",
    "customer_tenant_id",
    "customer_domain",
    "solution_area",
    "activity",
    "submitted_at",
    "updated_at",
    "due_at",
    "mpn__number",
    "tenant__name",
    "tenant__tenant_id",
)


def claim_export(*, partner, params):
    """Every claim of the company that the list's ``params`` filter, in the list's order (the
    export of My claims), streamed from the database in chunks, with their customer, MPN and
    products: one query for the rows and one a chunk of 2,000 for their products. Claim
    columns only: never a comment or internal note."""
    _filterset, _sort, order, claims = _sorted_claims(partner=partner, params=params)
    rows = _list_rows(claims.order_by(*order.order_by())).only(*EXPORT_FIELDS)
    return rows.iterator(chunk_size=2000)


def status_counts(*, partner) -> list[tuple[str, str, int]]:
    """``(status, label, count)`` for every status, from one GROUP BY query. A large partner
    has hundreds of thousands of claims, so the counts are cached; every status change of the
    partner's claims drops the cache entry (claims.cache.claims_changed), so they stay exact."""
    key = status_counts_key(partner.pk)
    counts = cache_get(key)
    if counts is None:
        counts = dict(
            Claim.objects.filter(partner=partner)
            .order_by()
            .values("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        cache_set(key, counts, timeout=600)
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]


NEEDS_ACTION_LIMIT = 8


def needs_action(*, partner, limit: int = NEEDS_ACTION_LIMIT) -> list[Claim]:
    """Claims waiting on the partner: information requested first (soonest deadline first),
    then drafts (most recently touched first). Two small indexed queries (a large partner has
    thousands of drafts, so one query sorting both kinds together reads them all)."""
    requested = list(
        Claim.objects.filter(partner=partner, status=Status.ACTION_REQUIRED)
        .select_related("tenant")
        .order_by("due_at", "id")[:limit]
    )
    drafts = list(
        Claim.objects.filter(partner=partner, status=Status.EDITING)
        .select_related("tenant")
        .order_by("-updated_at", "-id")[:limit]
    )
    return (requested + drafts)[:limit]


def drafts_selected(*, partner, claim_ids) -> list[Claim]:
    """The company's drafts among ``claim_ids`` (ticked in "Needs your action"), oldest id first,
    for the page that confirms discarding them: another company's claim or a claim that is no
    longer a draft is simply not among them. One query."""
    ids = {int(pk) for pk in claim_ids}
    if not ids:
        return []
    return list(
        Claim.objects.filter(partner=partner, status=Status.EDITING, pk__in=ids).select_related("tenant").order_by("pk")
    )


# --- one claim --------------------------------------------------------------------------------

# Audit actions a partner sees on its claim's timeline. Assignment is Microsoft-internal;
# internal notes are excluded by the comment condition below.
PARTNER_TIMELINE_ACTIONS = (
    "claims.claim.created",
    "claims.claim.updated",
    "claims.claim.submitted",
    "claims.claim.review_started",
    "claims.claim.info_requested",
    "claims.claim.resubmitted",
    "claims.claim.approved",
    "claims.claim.rejected",
    "claims.claim.withdrawn",
    "claims.claim.disputed",
    "claims.claim.ended",
    "claims.claim.reverted",
    "claims.poe.added",
    "arbitration.case.joined",
    "arbitration.case.awarded",
    "arbitration.case.closed",
    "arbitration.case.reopened",
    "arbitration.case.info_requested",  # only the incumbent's own event names its claim
    "arbitration.case.info_answered",
)


TIMELINE_LABELS = {
    "claims.claim.created": _("Draft created"),
    "claims.claim.updated": _("Claim edited"),
    "claims.claim.submitted": _("Submitted"),
    "claims.claim.review_started": _("Review started"),
    "claims.claim.info_requested": _("More information requested"),
    "claims.claim.resubmitted": _("Answered and resubmitted"),
    "claims.claim.approved": _("Approved"),
    "claims.claim.rejected": _("Rejected"),
    "claims.claim.withdrawn": _("Withdrawn"),
    "claims.claim.disputed": _("Rejection disputed"),
    "claims.claim.ended": _("Association ended"),
    "claims.claim.reverted": _("Decision reopened for review"),
    "claims.poe.added": _("PoE file added"),
    "claims.comment.added": _("Comment added"),
    "arbitration.case.joined": _("Competing claims: Microsoft reviews the competing claims for this customer"),
    "arbitration.case.awarded": _("Competing claims decided"),
    "arbitration.case.closed": _("Competing claims review closed"),
    "arbitration.case.reopened": _("Competing claims review reopened"),
    "arbitration.case.info_requested": _("More information requested for the competing claims"),
    "arbitration.case.info_answered": _("Information request answered"),
}
# Events shown as the system's: the case's own steps (a request and its answer show who made them).
SYSTEM_ACTIONS = frozenset(
    {"arbitration.case.joined", "arbitration.case.awarded", "arbitration.case.closed", "arbitration.case.reopened"}
)


@dataclass
class TimelineEntry:
    at: object
    who: str
    what: str
    reason: str = ""
    detail: str = ""
    to_status: str = ""


def partner_side_name(user, claim: Claim) -> str:
    """How a person shows on a partner page: a colleague by name, Microsoft staff as
    "Microsoft", nobody else (another partner's people never appear)."""
    if user is None:
        return str(_("System"))
    membership = getattr(user, "membership", None) if _has_membership(user) else None
    if membership is not None:
        if membership.partner_id == claim.partner_id:
            return user.display_name
        return str(_("System"))
    return str(_("Microsoft"))


def _has_membership(user) -> bool:
    try:
        user.membership  # noqa: B018 (select_related has fetched it, or it raises)
    except Membership.DoesNotExist:
        return False
    return True


def _reason_label(event) -> str:
    if not event.reason_code:
        return ""
    labels = {**dict(InfoRequestReason.choices), **dict(RejectionReason.choices), **dict(EndReason.choices)}
    return "; ".join(str(labels.get(code, code)) for code in event.reason_code.split(","))


def _status_label(value: str) -> str:
    return str(dict(Status.choices).get(value, "")) if value else ""


def partner_timeline(claim: Claim, *, poe_names: dict | None = None) -> list[TimelineEntry]:
    """Every event of the claim a partner may see, oldest first, in partner-safe words."""
    events = (
        AuditEvent.objects.filter(claim=claim)
        .filter(Q(action__in=PARTNER_TIMELINE_ACTIONS) | Q(action="claims.comment.added", data__internal=False))
        .select_related("actor__membership")
        .order_by("created_at", "id")
    )
    field_labels = {f.name: f.verbose_name for f in Claim._meta.get_fields() if hasattr(f, "verbose_name")}
    field_labels["mpn_id"] = field_labels.get("mpn", "MPN")
    entries = []
    for event in events:
        data = event.data or {}
        who = str(_("System")) if event.action in SYSTEM_ACTIONS else partner_side_name(event.actor, claim)
        detail = ""
        if event.action == "claims.claim.updated":
            detail = ", ".join(str(field_labels.get(name, name)) for name in data.get("fields", []))
        elif event.action == "claims.claim.created" and data.get("reclaimed_from"):
            detail = _("Reclaim of %(ref)s") % {"ref": claim_reference(data["reclaimed_from"])}
        elif event.action == "claims.poe.added" and poe_names:
            detail = poe_names.get(data.get("poe"), "")
        elif event.action == "claims.claim.withdrawn":
            detail = str(data.get("reason") or "")
        entries.append(
            TimelineEntry(
                at=event.created_at,
                who=who,
                what=str(TIMELINE_LABELS.get(event.action, event.action)),
                reason=_reason_label(event),
                detail=detail,
                to_status=_status_label(event.to_status)
                if event.to_status != event.from_status and event.action != "claims.claim.created"
                else "",
            )
        )
    return entries


def partner_comments(claim: Claim) -> list[Comment]:
    """The partner-visible thread: internal notes are filtered out here, in the query. Each
    comment gets ``who`` (colleague's name, "Microsoft" or "System")."""
    comments = list(
        Comment.objects.filter(claim=claim, internal=False)
        .select_related("author__membership")
        .order_by("created_at", "id")
    )
    for comment in comments:
        comment.who = partner_side_name(comment.author, claim)
    return comments


def claim_poe(claim: Claim) -> list[PoeFile]:
    return list(PoeFile.objects.filter(claim=claim).select_related("uploaded_by").order_by("-uploaded_at", "-id"))


def claim_for_page(queryset=None):
    """The queryset the claim page fetches through ``claims.access``."""
    return (queryset or Claim.objects).select_related("mpn", "tenant", "subscription", "reclaimed_from", "partner")


# --- form choices -------------------------------------------------------------------------------


def partner_mpns(partner):
    return Mpn.objects.filter(partner=partner, is_active=True).order_by("number")


def area_products(area: str):
    if not area:
        return Product.objects.none()
    return Product.objects.filter(solution_area=area, is_active=True).order_by("name")


def area_activities(area: str):
    return ACTIVITIES_BY_AREA.get(area, ())
