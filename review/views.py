"""The reviewer workspace: the queue (with bulk actions and a CSV export), one claim's review
screen with its HTMX actions, and the dashboard. Reviewers and review leads only.

Each page is one template whose swappable regions are partials; an HTMX request gets the
partial (``page.html#name``), any other request the whole page, and every form also works
without JavaScript (a redirect after a successful POST).
"""

import hashlib
import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma, intword
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from arbitration.selectors import claim_open_case
from claims import services
from claims.access import get_claim_for_reviewer, require_reviewer_or_403
from claims.cache import CLAIMS_GENERATION
from claims.errors import ClaimChanged, ClaimError
from claims.jobs.recheck import CLAIMABLE_NOW, ENDED, SKIPPED, recheck_claim
from claims.models import Claim, PoeFile
from claims.references import one_line
from claims.states import OPEN_STATUSES, allowed
from claims.transitions import permitted
from lib.cache import cache_generations, cache_get_current, cache_get_many, cache_set_current, cache_set_many
from lib.csv_export import csv_lines
from lib.ratelimit import rate_limited
from partners.models import PARTNERS_GENERATION
from review import selectors
from review.checks import run_checks
from review.cursor import ASC
from review.dashboard import dashboard as dashboard_data
from review.filters import DEFAULT_PAGE_SIZE
from review.forms import (
    ApproveForm,
    AssignForm,
    BulkForm,
    CommentForm,
    RejectForm,
    RequestInfoForm,
    RevertForm,
    StartReviewForm,
)
from review.rows import queue_rows_html

# Query-string keys the queue understands; anything else is dropped from its links.
QUEUE_KEYS = (
    "q",
    "status",
    "solution_area",
    "activity",
    "sla",
    "competing",
    "assigned",
    "partner",
    "mpn",
    "submitted_from",
    "submitted_to",
    "order",
    "per",
)
DEFAULT_PARAMS = {("order", ASC), ("per", str(DEFAULT_PAGE_SIZE))}
MAX_BULK = 100
SELECTION_RE = re.compile(r"^([0-9]{1,18}):([0-9]{1,9})$")


def _clean_params(params) -> list[tuple[str, str]]:
    """The queue's own parameters, without empty or default values (for links, the pushed
    URL and redirects: a bookmark says only what was chosen)."""
    return [
        (key, value)
        for key in QUEUE_KEYS
        for value in params.getlist(key)
        if value.strip() and (key, value) not in DEFAULT_PARAMS
    ]


def _queue_url(params, **extra) -> str:
    pairs = _clean_params(params) + [(k, v) for k, v in extra.items() if v]
    query = urlencode(pairs)
    return reverse("review:queue") + (f"?{query}" if query else "")


def _cache_key(kind: str, request, pairs) -> str:
    """A queue cache key: what is drawn depends on the language, the time zone, the reader
    (the "You" label, a lead's bulk actions) and the query."""
    digest = hashlib.sha256(urlencode(sorted(pairs)).encode()).hexdigest()[:32]
    user = request.user
    who = "any" if kind == "filters" else f"{user.pk}.{int(user.is_review_lead)}"
    return f"queue:{kind}:{translation.get_language()}:{timezone.get_current_timezone_name()}:{who}:{digest}"


def queue_announcement(total) -> str:
    """What the live region says when the queue's results change: "12 claims match"."""
    if total.kind == "exact":
        return ngettext("%(n)s claim matches", "%(n)s claims match", total.count) % {"n": intcomma(total.count)}
    if total.kind == "about":
        return ngettext("About %(n)s claim matches", "About %(n)s claims match", total.count) % {
            "n": intword(total.count)
        }
    return ngettext("More than %(n)s claim matches", "More than %(n)s claims match", total.count) % {
        "n": intcomma(total.count)
    }


def _draw_table(request, params, cursor, drawn: dict) -> tuple[str, bool]:
    """The queue's table — bulk bar, rows and pager — as HTML, and whether the page link was
    refused. ``drawn`` receives the page and its rows (for the view's context)."""
    now = timezone.now()
    filterset = selectors.queue_filter(data=params, request=request, now=now)
    page = selectors.queue_page(filterset=filterset, cursor_token=cursor)
    total = selectors.queue_total(filterset)
    context = {
        "page": page,
        "rows": page.rows,
        "rows_html": queue_rows_html(page.rows, user=request.user, now=now),
        "total": total,
        "announce": queue_announcement(total),
        "next_url": _queue_url(params, cursor=page.next_cursor) if page.next_cursor else None,
        "prev_url": _queue_url(params, cursor=page.prev_cursor) if page.prev_cursor else None,
        "first_url": _queue_url(params) if page.has_cursor or page.bad_cursor else None,
        "bulk_form": BulkForm(lead=request.user.is_review_lead),
    }
    drawn.update(context)
    # No request: the fragment holds nothing per session (the CSRF token stays outside it).
    return render_to_string("review/queue.html#table", context), page.bad_cursor


def _draw_filters(request, params) -> str:
    filterset = selectors.queue_filter(data=params, request=request)
    return render_to_string("review/queue.html#filters", {"filter": filterset})


def _queue_fragments(request, params, *, filters: bool, generations: dict | None = None) -> dict:
    """The queue page's costly parts, cached for ``QUEUE_CACHE_SECONDS``:

    - ``table`` (the query and the rows), per reader, query and *claims generation*: any
      change to any claim starts a new generation (``lib.cache``), so a cached table is never
      older than the last change, only than the clock (relative deadlines);
    - ``filters`` (the form, with a few hundred partners in its select), per query, the same
      for every reviewer, until the partner list changes.

    Two cache round trips when both are cached (the generations, then the fragments); drawn
    afresh when the cache is off or unreachable. ``drawn`` holds the page's context when the
    table was drawn now."""
    cursor = params.get("cursor", "")[:500]
    wanted = {"table": (CLAIMS_GENERATION, [*_clean_params(params), ("cursor", cursor)])}
    if filters:
        wanted["filters"] = (PARTNERS_GENERATION, _clean_params(params))
    seconds = settings.QUEUE_CACHE_SECONDS
    if not seconds:
        generations = {}
    elif generations is None:  # (the whole-page lookup has just read them)
        generations = cache_generations(*(name for name, _pairs in wanted.values()))
    keys = {
        part: f"{_cache_key(part, request, pairs)}:{generations[name]}"
        for part, (name, pairs) in wanted.items()
        if generations.get(name)
    }
    found = cache_get_many(list(keys.values())) if keys else {}
    result = {"drawn": {}}
    fresh = {}
    for part in wanted:
        value = found.get(keys.get(part))
        if value is None:
            if part == "table":
                value = _draw_table(request, params, cursor, result["drawn"])
            else:
                value = _draw_filters(request, params)
            if part in keys:
                fresh[keys[part]] = value
        result[part] = value
    if fresh:
        cache_set_many(fresh, seconds)
    return result


def _queue_context(request, params, *, notice=None, filters=False, generations=None) -> dict:
    """The queue page's context: its fragments (``filters`` for a whole page) and links."""
    fragments = _queue_fragments(request, params, filters=filters, generations=generations)
    table_html, bad_cursor = fragments["table"]
    return {
        **fragments["drawn"],
        "nav": "queue",
        "table_html": mark_safe(table_html),  # noqa: S308 (drawn by our template)
        "filters_html": mark_safe(fragments.get("filters", "")),  # noqa: S308 (drawn by our template)
        "bad_cursor": bad_cursor,
        "export_url": reverse("review:export") + (f"?{query}" if (query := urlencode(_clean_params(params))) else ""),
        "this_query": urlencode(
            _clean_params(params) + ([("cursor", params["cursor"])] if params.get("cursor") else [])
        ),
        "notice": notice,
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def queue(request):
    """Claims awaiting Microsoft, most urgent deadline first, filtered and paged by cursor."""
    require_reviewer_or_403(request.user)
    partial = request.htmx and not request.htmx.history_restore_request
    if not partial:
        return _queue_page(request)
    context = _queue_context(request, request.GET)
    response = render(request, "review/queue.html#results", context)
    # The canonical URL of what is shown (no empty fields), for bookmarks and Back.
    cursor = "" if context["bad_cursor"] else request.GET.get("cursor", "")
    response["HX-Push-Url"] = _queue_url(request.GET, cursor=cursor)
    return response


# The CSRF tokens in a drawn page (the forms' hidden inputs and htmx's header on <body>): a
# cached page holds a placeholder instead, filled with this request's token when served.
CSRF_IN_PAGE = re.compile(
    r'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")|(?<="X-CSRFToken": ")[A-Za-z0-9]{64}(?=")'
)
CSRF_PLACEHOLDER = "\x00csrf\x00"


def _queue_page(request):
    """The whole queue page, kept like its fragments: per reader, language, query, unread count
    and the claims and partners generations, for ``QUEUE_CACHE_SECONDS``. One cache round trip
    when nothing changed. Never while a flash message waits to be shown (it would be lost or
    shown twice); the CSRF token is this request's."""
    seconds = settings.QUEUE_CACHE_SECONDS
    if not seconds or len(messages.get_messages(request)):
        return render(request, "review/queue.html", _queue_context(request, request.GET, filters=True))
    pairs = [*_clean_params(request.GET), ("cursor", request.GET.get("cursor", "")[:500])]
    user = request.user  # (the keyboard-shortcut switch shows the reader's choice)
    key = f"{_cache_key('page', request, pairs)}:{user.unread_notifications}:{int(user.queue_shortcuts)}"
    page, generations = cache_get_current(key, (CLAIMS_GENERATION, PARTNERS_GENERATION))
    if page is not None:
        return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
    known = dict(zip((CLAIMS_GENERATION, PARTNERS_GENERATION), generations, strict=True)) if generations else None
    context = _queue_context(request, request.GET, filters=True, generations=known)
    response = render(request, "review/queue.html", context)
    if generations is not None:
        page, tokens = CSRF_IN_PAGE.subn(CSRF_PLACEHOLDER, response.content.decode())
        if tokens:
            cache_set_current(key, generations, page, seconds)
    return response


def _parse_selection(values) -> list[tuple[int, int]]:
    """``pk:version`` pairs from the row checkboxes; malformed ones are ignored."""
    matches = (SELECTION_RE.match(value) for value in values[:MAX_BULK])
    return [(int(m[1]), int(m[2])) for m in matches if m]


def bulk_outcome(action: str, *, done: int, skipped: int, assignee, user) -> str:
    """What a bulk action did, in words: "3 claims assigned to Johan Ek.", "2 claims moved to
    under review.", then how many were skipped and why."""
    if not done:
        text = _("No claim was changed.")
    elif action == BulkForm.START:
        text = ngettext("Review started on %(n)d claim.", "Review started on %(n)d claims.", done) % {"n": done}
    elif assignee is None:
        text = ngettext("%(n)d claim unassigned.", "%(n)d claims unassigned.", done) % {"n": done}
    elif assignee == user:
        text = ngettext("%(n)d claim assigned to you.", "%(n)d claims assigned to you.", done) % {"n": done}
    else:
        text = ngettext("%(n)d claim assigned to %(name)s.", "%(n)d claims assigned to %(name)s.", done) % {
            "n": done,
            "name": assignee.display_name,
        }
    if skipped:
        text += " " + ngettext(
            "%(n)d claim skipped: it changed since the queue was drawn, or the action does not apply to it.",
            "%(n)d claims skipped: they changed since the queue was drawn, or the action does not apply to them.",
            skipped,
        ) % {"n": skipped}
    return text


@login_required
@require_POST
@vary_on_headers("HX-Request")
def bulk(request):
    """Assign to me / to a reviewer (leads) / start review, on the selected rows. Each claim
    goes through its service in its own transaction; a claim that changed since the queue
    was drawn, or that the action does not apply to, is skipped and counted."""
    user = request.user
    require_reviewer_or_403(user)
    if request.POST.get("action") == BulkForm.ASSIGN and not user.is_review_lead:
        raise PermissionDenied
    form = BulkForm(request.POST, lead=user.is_review_lead)
    selected = _parse_selection(request.POST.getlist("claim"))
    params = QueryDict(request.POST.get("next", "")[:2000])
    if not form.is_valid() or not selected:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        notice = ("error", " ".join(errors) if errors else _("Select at least one claim."))
    else:
        action = form.cleaned_data["action"]
        claims = {c.pk: c for c in Claim.objects.filter(pk__in=[pk for pk, _v in selected], status__in=OPEN_STATUSES)}
        done = skipped = 0
        for pk, version in selected:
            claim = claims.get(pk)
            try:
                if claim is None:
                    raise ClaimError()
                if action == BulkForm.START:
                    services.claim_start_review(claim=claim, user=user, expected_version=version)
                else:
                    assignee = form.cleaned_data["assignee"] if action == BulkForm.ASSIGN else user
                    services.claim_assign(claim=claim, user=user, assignee=assignee, expected_version=version)
            except ClaimError:
                skipped += 1
            else:
                done += 1
        assignee = form.cleaned_data.get("assignee") if action == BulkForm.ASSIGN else user
        notice = (
            "success" if done else "warning",
            bulk_outcome(action, done=done, skipped=skipped, assignee=assignee, user=user),
        )
    if request.htmx:
        response = render(request, "review/queue.html#results", _queue_context(request, params, notice=notice))
        response["HX-Trigger"] = json.dumps({"queueChanged": {"message": notice[1]}, "announce": notice[1]})
        return response
    getattr(messages, notice[0])(request, notice[1])
    return redirect(_queue_url(params))


# --- CSV export ---------------------------------------------------------------------------


EXPORT_HEADER = (
    "reference",
    "name",
    "status",
    "partner",
    "mpn",
    "customer",
    "tenant_id",
    "domain",
    "solution_area",
    "activity",
    "products",
    "due",
    "assignee",
    "competing",
)


def _export_lines(rows):
    # Claim columns only: comments and internal notes are never part of an export. Every cell
    # goes through lib.csv_export.csv_safe (formulas are shown as text).
    return csv_lines(
        EXPORT_HEADER,
        (
            (
                claim.reference,
                one_line(claim.name),
                claim.status,
                claim.partner.name,
                claim.mpn.number,
                claim.tenant.name if claim.tenant else "",
                claim.tenant.tenant_id if claim.tenant else claim.customer_tenant_id,
                claim.customer_domain,
                claim.solution_area,
                claim.activity,
                claim.product_names or "",
                timezone.localtime(claim.due_at).isoformat(timespec="minutes") if claim.due_at else "",
                claim.assignee.username if claim.assignee else "",
                "yes" if claim.is_competing else "no",
            )
            for claim in rows
        ),
    )


@login_required
@require_GET
def export(request):
    """The filtered queue as CSV, streamed (every matching row, in queue order)."""
    require_reviewer_or_403(request.user)
    filterset = selectors.queue_filter(data=request.GET, request=request)
    response = StreamingHttpResponse(_export_lines(selectors.queue_export(filterset)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="review-queue-{timezone.localdate():%Y-%m-%d}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- one claim ------------------------------------------------------------------------------


FORM_CLASSES = {
    "assign": AssignForm,
    "start": StartReviewForm,
    "request_info": RequestInfoForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "revert": RevertForm,
}


def _available(claim, user, open_case) -> dict:
    """Which actions the screen offers for the claim's state and the user's role."""
    status = claim.status
    return {
        "assign": allowed("assign", status),
        "start": allowed("start_review", status),
        "request_info": allowed("request_info", status),
        "approve": allowed("approve", status) and open_case is None,
        "reject": allowed("reject", status) and open_case is None,
        "revert": user.is_review_lead and allowed("revert", status),
    }


def _claim_context(request, claim, *, bound=None, comment_form=None, changed=False, flash=None, preview=None):
    everything = request.GET.get("all") == "1"
    limit = None if everything else selectors.RECENT
    thread, thread_earlier = selectors.claim_thread(claim, limit=limit)
    history, history_earlier = selectors.claim_history(claim, limit=limit)
    open_case = claim_open_case(claim)
    available = _available(claim, request.user, open_case)
    forms = {name: cls(claim=claim) for name, cls in FORM_CLASSES.items() if available[name]}
    if bound is not None:
        name, form = bound
        forms[name] = form
    return {
        "nav": "queue",
        "now": timezone.now(),
        "claim": claim,
        "products": selectors.claim_products(claim),
        "poe_files": selectors.claim_poe_files(claim),
        "thread": thread,
        "thread_earlier": thread_earlier,
        "history": history,
        "history_earlier": history_earlier,
        "checks": run_checks(claim),
        "open_case": open_case,
        "forms": forms,
        "comment_form": comment_form or CommentForm(conversation_open=permitted(claim=claim, action="comment")),
        "changed": changed,
        "flash": flash,
        "preview": preview,
        "is_lead": request.user.is_review_lead,
    }


def _load(request, pk, *, lead=False) -> Claim:
    return get_claim_for_reviewer(request.user, pk, lead=lead, queryset=selectors.claim_for_review_queryset())


@login_required
@require_GET
def claim_detail(request, pk):
    """Everything about one claim, a fresh run of the directory checks, and the actions."""
    claim = _load(request, pk)
    return render(request, "review/claim.html", _claim_context(request, claim))


def _after_action(request, context, *, status=200, trigger=None) -> HttpResponse:
    """The HTMX answer to an action: the action area (the swap target) plus the status,
    thread and history regions out of band, so the whole screen shows the claim as it is."""
    html = render_to_string("review/claim.html#after_action", context, request=request)
    response = HttpResponse(html, status=status)
    if trigger:
        response["HX-Trigger"] = json.dumps(trigger)
    return response


def _run_action(request, pk, name, perform, *, success, lead=False):
    claim = _load(request, pk, lead=lead)
    form = FORM_CLASSES[name](request.POST, claim=claim)
    changed = False
    if form.is_valid():
        try:
            perform(claim, form.cleaned_data)
        except ClaimChanged:
            changed = True  # the banner says so; the form keeps what was typed
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            claim = _load(request, pk)
            if request.htmx:
                context = _claim_context(request, claim, flash=success)
                return _after_action(
                    request,
                    context,
                    trigger={"claimUpdated": {"version": claim.version, "status": claim.status}},
                )
            messages.success(request, success)
            return redirect("review:claim", pk=claim.pk)
    elif "version" in form.errors:
        changed = True  # a form without its version is treated as a stale one: never applied blind
    # Refused: the form comes back as typed, next to the claim as it is now.
    current = _load(request, pk)
    context = _claim_context(request, current, bound=(name, form), changed=changed)
    if request.htmx:
        return _after_action(request, context)
    return render(request, "review/claim.html", context, status=409 if changed else 200)


def _post_view(func):
    return login_required(require_POST(vary_on_headers("HX-Request")(func)))


@_post_view
def claim_assign(request, pk):
    """Take the claim (reviewers) or give it to someone, or nobody (leads)."""
    to_me = request.POST.get("to_me") or "assignee" not in request.POST
    if not to_me and not request.user.is_review_lead:
        get_claim_for_reviewer(request.user, pk)  # 404 / 403 as for any claim first
        raise PermissionDenied

    def perform(claim, data):
        assignee = request.user if to_me else data["assignee"]
        services.claim_assign(claim=claim, user=request.user, assignee=assignee, expected_version=data["version"])

    return _run_action(request, pk, "assign", perform, success=_("Assignment saved."))


# What the reviewer is told after an action, with the service time of the clock it started.
REVIEW_STARTED = ngettext_lazy(
    "Review started. The decision is due in %(days)d business day.",
    "Review started. The decision is due in %(days)d business days.",
    "days",
)
INFO_REQUESTED = ngettext_lazy(
    "Information requested. The partner has %(days)d business day.",
    "Information requested. The partner has %(days)d business days.",
    "days",
)


@_post_view
def claim_start(request, pk):
    def perform(claim, data):
        services.claim_start_review(claim=claim, user=request.user, expected_version=data["version"])

    success = REVIEW_STARTED % {"days": settings.SERVICE_DAYS_DECISION}
    return _run_action(request, pk, "start", perform, success=success)


@_post_view
def claim_request_info(request, pk):
    def perform(claim, data):
        services.claim_request_info(
            claim=claim,
            user=request.user,
            reasons=data["reasons"],
            message=data["message"],
            expected_version=data["version"],
        )

    success = INFO_REQUESTED % {"days": settings.SERVICE_DAYS_PARTNER_ANSWER}
    return _run_action(request, pk, "request_info", perform, success=success)


@_post_view
def claim_approve(request, pk):
    def perform(claim, data):
        services.claim_approve(
            claim=claim, user=request.user, message=data["message"], expected_version=data["version"]
        )

    return _run_action(request, pk, "approve", perform, success=_("Claim approved."))


@_post_view
def claim_reject(request, pk):
    def perform(claim, data):
        services.claim_reject(
            claim=claim,
            user=request.user,
            reason=data["reason"],
            message=data["message"],
            expected_version=data["version"],
        )

    return _run_action(request, pk, "reject", perform, success=_("Claim rejected."))


@_post_view
def claim_revert(request, pk):
    """Leads only: take back a mistaken approval or rejection."""

    def perform(claim, data):
        services.claim_revert(claim=claim, user=request.user, reason=data["reason"], expected_version=data["version"])

    return _run_action(
        request, pk, "revert", perform, success=_("Decision reverted: the claim is under review again."), lead=True
    )


@_post_view
@rate_limited("comment")
def claim_comment(request, pk):
    """A reply to the partner or an internal note (the default)."""
    claim = _load(request, pk)
    form = CommentForm(request.POST, conversation_open=permitted(claim=claim, action="comment"))
    if form.is_valid():
        try:
            comment = services.comment_add(
                claim=claim, user=request.user, body=form.cleaned_data["body"], internal=form.internal
            )
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            success = _("Internal note added.") if form.internal else _("Reply sent to the partner.")
            if request.htmx:
                # The flash is announced; focus goes to the new entry (``data-focus``, portal.js).
                context = {**_claim_context(request, claim, flash=success), "new_comment": comment.pk}
                html = render_to_string("review/claim.html#after_comment", context, request=request)
                response = HttpResponse(html)
                response["HX-Trigger"] = json.dumps({"commentAdded": {"internal": form.internal}})
                return response
            messages.success(request, success)
            return redirect(reverse("review:claim", kwargs={"pk": claim.pk}) + "#thread")
    context = _claim_context(request, claim, comment_form=form)
    if request.htmx:
        return HttpResponse(render_to_string("review/claim.html#after_comment", context, request=request))
    return render(request, "review/claim.html", context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def poe_preview(request, pk, poe_id):
    """The inline preview of a PDF or image PoE file: the frame (HTMX) or the review screen
    with the preview open (without JavaScript). The file itself is served by the claims app."""
    claim = _load(request, pk)
    poe = get_object_or_404(PoeFile.objects.filter(claim=claim), pk=poe_id)
    if request.htmx:
        return render(request, "review/claim.html#preview", {"claim": claim, "preview": poe})
    return render(request, "review/claim.html", _claim_context(request, claim, preview=poe))


# --- dashboard ------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    """The figures are aggregates over every claim (0.2 s at 1,000,000 claims, 0.6 s with ten
    weeks of 8,000 decisions a week), so they are computed at most once per
    ``DASHBOARD_CACHE_SECONDS`` per language and time zone; the page says "As of" when."""
    require_reviewer_or_403(request.user)
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"dashboard:{translation.get_language()}:{timezone.get_current_timezone_name()}"
    context = cache_get_many([key]).get(key) if seconds else None
    if context is None:
        context = dashboard_data()
        if seconds:
            cache_set_many({key: context}, seconds)
    context["nav"] = "dashboard"
    return render(request, "review/dashboard.html", context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def claim_recheck(request, pk):
    """Re-check one claim's subscription against the directory now (reviewers only)."""
    claim = get_claim_for_reviewer(request.user, pk)
    outcome = recheck_claim(claim)
    if request.htmx:
        response = render(request, "review/recheck.html#result", {"outcome": outcome, "claim": claim})
        response["HX-Trigger"] = json.dumps({"claimRechecked": {"claim": claim.pk, "outcome": outcome.code}})
        return response
    if outcome.code in (ENDED, CLAIMABLE_NOW):
        messages.success(request, outcome.message)
    elif outcome.code == SKIPPED:
        messages.warning(request, outcome.message)
    else:
        messages.info(request, outcome.message)
    return redirect("review:claim", pk=claim.pk)
