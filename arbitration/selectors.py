"""Reads for arbitration: the case list and one case's side-by-side screen.

Both stay at a fixed number of queries whatever the number of cases, claims, PoE files,
comments or events: the list aggregates the partners and the oldest open deadline in its one
query, and the case screen fetches each kind of row for every claim of the case at once.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Min, Prefetch, Q, Window
from django.db.models.functions import RowNumber

from arbitration.filters import CaseFilter
from arbitration.models import ArbitrationCase, CaseStatus
from audit.models import AuditEvent
from claims.models import Claim, Comment, DueKind, InfoRequestReason, PoeFile
from claims.states import AWAITING_REVIEWER, OPEN_STATUSES, Status, allowed
from directory.models import Product

# A column shows the latest entries of each kind; the claim's review screen has them all.
THREAD_LIMIT = 20
HISTORY_LIMIT = 25
PAGE_SIZE = 50
MAX_PAGE = 200  # offset pages without a COUNT; deeper pages are reached by filtering


# --- the case list -----------------------------------------------------------------------


def case_filter(*, data, request) -> CaseFilter:
    return CaseFilter(data, queryset=ArbitrationCase.objects.all(), request=request)


def case_rows(queryset):
    """The list's columns in one query: the key's parts joined in, the number of partners and
    the oldest deadline among the case's open claims aggregated."""
    return queryset.select_related("tenant", "product", "subscription", "assignee", "winner__partner").annotate(
        partner_count=Count("participants__claim__partner", distinct=True),
        oldest_due=Min("participants__claim__due_at", filter=Q(participants__claim__status__in=OPEN_STATUSES)),
    )


def parse_page(value) -> int:
    try:
        page = int(str(value)[:6])
    except (TypeError, ValueError):
        return 1
    return min(max(page, 1), MAX_PAGE)


@dataclass
class CasePage:
    rows: list
    page: int
    has_next: bool
    has_previous: bool


def case_page(*, filterset: CaseFilter, page: int = 1) -> CasePage:
    """One page of the filtered cases without a COUNT: one row more than the page tells
    whether a next page exists. Open cases come most urgent first (oldest open deadline),
    decided ones newest decision first."""
    qs = case_rows(filterset.qs)
    if filterset.status_value == CaseStatus.DECIDED:
        qs = qs.order_by(F("decided_at").desc(nulls_last=True), "-id")
    else:
        qs = qs.order_by(F("oldest_due").asc(nulls_last=True), "opened_at", "id")
    offset = (page - 1) * PAGE_SIZE
    rows = list(qs[offset : offset + PAGE_SIZE + 1])
    return CasePage(rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE, has_previous=page > 1)


# --- one case ------------------------------------------------------------------------------


def awaits_answer(claim: Claim, *, request_open: bool) -> bool:
    """The claim's partner owes an answer to a request made in the case: a challenger waits in
    *partner action required*, an approved incumbent has an open request on its case link."""
    return allowed("resubmit", claim.status) or (request_open and allowed("case_answer", claim.status))


def case_queryset():
    return ArbitrationCase.objects.select_related(
        "tenant", "product", "subscription", "assignee", "decided_by", "winner__partner"
    )


@dataclass
class Column:
    """One claim of the case, with everything its column shows."""

    claim: Claim
    is_incumbent: bool
    poe_files: list = field(default_factory=list)
    thread: list = field(default_factory=list)
    history: list = field(default_factory=list)
    thread_total: int = 0
    history_total: int = 0
    # An approved incumbent's information request (``CaseClaim.info_*``).
    info_requested_at: object = None
    info_due_at: object = None
    info_answered_at: object = None

    @property
    def info_request_open(self) -> bool:
        return self.info_requested_at is not None and self.info_answered_at is None

    @property
    def awaits_answer(self) -> bool:
        """Its partner owes an answer: the award waits for it, or is decided despite it."""
        return awaits_answer(self.claim, request_open=self.info_request_open)

    @property
    def requestable(self) -> bool:
        """Can be asked for more information (waiting ones are already asked)."""
        if self.awaits_answer:
            return False
        return self.claim.status in AWAITING_REVIEWER or allowed("case_ask_incumbent", self.claim.status)

    @property
    def awardable(self) -> bool:
        return allowed("award_win", self.claim.status)


def _latest_per_claim(queryset, limit: int):
    """The newest ``limit`` rows of each claim (and each row's claim total), in one query:
    a window numbers each claim's rows newest first."""
    newest_first = [F("created_at").desc(), F("id").desc()]
    return (
        queryset.annotate(
            row=Window(RowNumber(), partition_by=[F("claim_id")], order_by=newest_first),
            total=Window(Count("id"), partition_by=[F("claim_id")]),
        )
        .filter(row__lte=limit)
        .order_by("claim_id", "created_at", "id")
    )


def case_columns(case: ArbitrationCase) -> list[Column]:
    """Every claim of the case, incumbent first then in the order they joined, each with its
    products, PoE (newest first), the latest of its comment thread (internal notes included:
    this is the reviewer's view) and of its history. Five queries whatever the counts."""
    claims = list(
        Claim.objects.filter(case_links__case=case)
        .annotate(
            link_incumbent=F("case_links__is_incumbent"),
            link_joined=F("case_links__joined_at"),
            link_info_requested=F("case_links__info_requested_at"),
            link_info_due=F("case_links__info_due_at"),
            link_info_answered=F("case_links__info_answered_at"),
        )
        .select_related("partner", "mpn", "tenant", "subscription", "assignee")
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("name").only("pk", "name")))
        .order_by("-link_incumbent", "link_joined", "pk")
    )
    ids = [c.pk for c in claims]
    columns = {
        c.pk: Column(
            claim=c,
            is_incumbent=c.link_incumbent,
            info_requested_at=c.link_info_requested,
            info_due_at=c.link_info_due,
            info_answered_at=c.link_info_answered,
        )
        for c in claims
    }
    for poe in PoeFile.objects.filter(claim_id__in=ids).order_by("-uploaded_at", "-id"):
        columns[poe.claim_id].poe_files.append(poe)
    comments = Comment.objects.filter(claim_id__in=ids).select_related("author__membership__partner")
    for comment in _latest_per_claim(comments, THREAD_LIMIT):
        column = columns[comment.claim_id]
        column.thread.append(comment)
        column.thread_total = comment.total
    # Comments are in the thread already: the history shows the claim's other events.
    events = AuditEvent.objects.filter(claim_id__in=ids).exclude(action="claims.comment.added").select_related("actor")
    for event in _latest_per_claim(events, HISTORY_LIMIT):
        column = columns[event.claim_id]
        column.history.append(event)
        column.history_total = event.total
    return list(columns.values())


def duplicate_hashes(case: ArbitrationCase) -> set[str]:
    """SHA-256 values of PoE files that occur under more than one partner's claim in this
    case: the same file handed in by two partners (one query)."""
    return set(
        PoeFile.objects.filter(claim__case_links__case=case)
        .values("sha256")
        .annotate(partners=Count("claim__partner", distinct=True))
        .filter(partners__gt=1)
        .values_list("sha256", flat=True)
    )


def case_history(case: ArbitrationCase) -> list[AuditEvent]:
    """The case's own events (opened, assigned, requests, award, reopen)."""
    return list(
        AuditEvent.objects.filter(case=case, action__startswith="arbitration.")
        .select_related("actor", "claim")
        .order_by("created_at", "id")
    )


def claim_case(claim_pk: int) -> ArbitrationCase | None:
    """The case a claim is in: its open one, else the most recent."""
    return (
        ArbitrationCase.objects.filter(participants__claim__pk=claim_pk)
        .order_by(
            # open first
            F("decided_at").desc(nulls_first=True),
            "-id",
        )
        .first()
    )


def claim_open_case(claim: Claim) -> ArbitrationCase | None:
    """The open arbitration case the claim competes in, if any."""
    link = claim.case_links.select_related("case").filter(case__status=CaseStatus.OPEN).first()
    return link.case if link else None


@dataclass
class IncumbentRequest:
    """What an approved incumbent's partner is asked for in an open case (its claim page):
    the request's reasons (labels) and message, and when the answer is due."""

    due_at: object
    requested_at: object
    reasons: str = ""
    body: str = ""
    # ``claims_tags.sla_clock`` draws the partner's clock from these, as for a claim's deadline.
    status: str = Status.APPROVED
    due_kind: str = DueKind.PARTNER_RESPONSE
    paused_days: None = None


def incumbent_request(claim: Claim) -> IncumbentRequest | None:
    """The open information request on an approved incumbent in its open case, if any: the
    latest request comment of its thread gives reasons and message (two queries)."""
    if not allowed("case_answer", claim.status):
        return None
    link = (
        claim.case_links.filter(case__status=CaseStatus.OPEN, info_requested_at__isnull=False)
        .filter(info_answered_at__isnull=True)
        .first()
    )
    if link is None:
        return None
    requests = Comment.objects.filter(claim=claim, code="case_info_requested", internal=False)
    comment = requests.order_by("-created_at", "-id").first()
    labels = dict(InfoRequestReason.choices)
    reasons = (comment.data or {}).get("reasons", []) if comment else []
    return IncumbentRequest(
        due_at=link.info_due_at,
        requested_at=link.info_requested_at,
        reasons="; ".join(str(labels.get(r, r)) for r in reasons),
        body=comment.body if comment else "",
    )
