"""Reads for the partner side: a company's claims, one claim's page data, the form's choices.

Every function takes the partner (or a claim already fetched through ``claims.access``) so
visibility is applied in the query, never in a template.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from claims.cache import status_counts_key
from claims.filters import ClaimFilter
from claims.models import ACTIVITIES_BY_AREA, Claim, Comment, EndReason, InfoRequestReason, PoeFile, RejectionReason
from claims.references import claim_reference
from claims.states import Status
from directory.models import Product
from lib.cache import cache_get, cache_set
from partners.models import Membership, Mpn

PAGE_SIZE = 25
MAX_PAGE = 400  # offset pagination without COUNT; deeper pages are reached by filtering

# Sortable columns: the only values ?sort= may take (anything else is the default).
SORTS = {
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "reference": ("id",),
    "customer": ("customer_domain", "id"),
    "status": ("status", "id"),
    "activity": ("activity", "id"),
    "due": ("due_at", "id"),
}
DEFAULT_SORT = "-created"


def parse_sort(value) -> tuple[str, tuple[str, ...]]:
    """``(key, order_by)`` for a ``?sort=`` value; unknown or hostile values give the default."""
    value = str(value or "")
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORTS:
        return parse_sort(DEFAULT_SORT)
    fields = SORTS[key]
    if descending:
        fields = tuple(f"-{f}" for f in fields)
    return value, fields


def parse_page(value) -> int:
    try:
        page = int(str(value))
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


@dataclass
class ClaimPage:
    rows: list
    page: int
    has_next: bool
    has_previous: bool
    sort: str


def claim_list(*, partner, params) -> tuple[ClaimFilter, ClaimPage]:
    """The company's claims filtered by ``params`` (a QueryDict), one page of them, without a
    COUNT: ``PAGE_SIZE + 1`` rows tell whether there is a next page. Two queries (rows and
    their products) whatever the page holds."""
    base = Claim.objects.filter(partner=partner)
    filterset = ClaimFilter(params, queryset=base)
    sort, order = parse_sort(params.get("sort"))
    page = parse_page(params.get("page"))
    offset = (page - 1) * PAGE_SIZE
    rows = list(
        filterset.qs.select_related("mpn", "tenant")
        .prefetch_related(Prefetch("products", queryset=Product.objects.only("pk", "name")))
        .order_by(*order)[offset : offset + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE and page < MAX_PAGE
    return filterset, ClaimPage(rows=rows[:PAGE_SIZE], page=page, has_next=has_next, has_previous=page > 1, sort=sort)


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
