"""Arbitration for reviewers and review leads: the case list and one case's side-by-side
screen with its actions (assign, request information, award, reopen).

Each page is one template whose swappable regions are partials: an HTMX request gets the
partial (``page.html#name``), any other request the whole page, and every form also works
without JavaScript (a redirect after a successful POST). Partner users get 403 here: a
partner never sees a case, only its own claim's comments.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from arbitration import selectors, services
from arbitration.forms import AssignCaseForm, AwardForm, ReopenForm, RequestInfoCaseForm, encode_versions
from arbitration.models import ArbitrationCase, CaseStatus
from claims.access import require_reviewer_or_403
from claims.errors import ClaimChanged, ClaimError
from claims.models import Claim, PoeFile
from lib.lookups import get_by_pk_or_404
from lib.params import parse_id

LIST_KEYS = ("q", "status", "activity", "assigned")


# --- the case list ---------------------------------------------------------------------------


def _list_url(params, **extra) -> str:
    pairs = [(k, v) for k in LIST_KEYS for v in params.getlist(k) if v.strip()]
    pairs += [(k, str(v)) for k, v in extra.items() if v]
    query = urlencode(pairs)
    return reverse("arbitration:list") + (f"?{query}" if query else "")


@login_required
@require_GET
@vary_on_headers("HX-Request")
def case_list(request):
    """Arbitration cases (open by default, most urgent deadline first), filtered and paged
    without a COUNT."""
    require_reviewer_or_403(request.user)
    filterset = selectors.case_filter(data=request.GET, request=request)
    page = selectors.case_page(filterset=filterset, page=selectors.parse_page(request.GET.get("page")))
    context = {
        "nav": "arbitration",
        "now": timezone.now(),
        "filter": filterset,
        "page": page,
        "decided": filterset.status_value == CaseStatus.DECIDED,
        "next_url": _list_url(request.GET, page=page.page + 1) if page.has_next else None,
        "previous_url": _list_url(request.GET, page=page.page - 1 if page.page > 2 else None)
        if page.has_previous
        else None,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "arbitration/case_list.html#results", context)
    return render(request, "arbitration/case_list.html", context)


@login_required
@require_GET
def case_for_claim(request, claim_pk):
    """The case a claim competes in (its open case, else the latest): where the review
    queue's and review screen's "competing" flag leads."""
    require_reviewer_or_403(request.user)
    case = selectors.claim_case(claim_pk)
    if case is None:
        raise Http404
    return redirect("arbitration:case", pk=case.pk)


# --- one case --------------------------------------------------------------------------------


def _load(request, pk, *, lead=False) -> ArbitrationCase:
    require_reviewer_or_403(request.user)
    if lead and not request.user.is_review_lead:
        raise PermissionDenied
    return get_by_pk_or_404(selectors.case_queryset(), pk)


def _ask(request) -> int | None:
    return parse_id(request.GET.get("ask", ""))


def _url_maker(name, *args):
    """A function id → URL for a route whose last argument is an id: one ``reverse`` for a
    column's many PoE files instead of one per file and link."""
    marker = "987654321987"
    template = reverse(name, args=[*args, int(marker)])
    return lambda pk: template.replace(marker, str(pk))


def _with_urls(case, columns):
    for column in columns:
        download = _url_maker("claims:poe_download", column.claim.pk)
        preview = _url_maker("arbitration:poe_preview", case.pk, column.claim.pk)
        for poe in column.poe_files:
            poe.download_url = download(poe.pk)
            poe.preview_url = preview(poe.pk)
    return columns


def _context(request, case, *, bound=None, flash=None, preview=None, notice=None, ask=None) -> dict:
    """Everything the case screen shows. ``bound`` = (name, form) puts a refused form back as
    typed; ``notice`` = (name, kind) explains a lost race next to that form."""
    columns = _with_urls(case, selectors.case_columns(case))
    is_open = case.status == CaseStatus.OPEN
    lead = request.user.is_review_lead
    forms = {}
    if is_open:
        forms["assign"] = AssignCaseForm(case=case)
        if any(c.requestable for c in columns):
            forms["request_info"] = RequestInfoCaseForm(case=case, columns=columns, preselect=ask)
        if any(c.awardable for c in columns):
            forms["award"] = AwardForm(case=case, columns=columns)
    elif lead:
        forms["reopen"] = ReopenForm(case=case)
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "nav": "arbitration",
        "now": timezone.now(),
        "case": case,
        "columns": columns,
        "duplicates": selectors.duplicate_hashes(case),
        "case_history": selectors.case_history(case),
        "forms": forms,
        "is_lead": lead,
        "flash": flash,
        "preview": preview,
        "notice": notice or (None, None),
        "ask": ask,
    }


@login_required
@require_GET
def case_detail(request, pk):
    """The competing claims side by side, with the case's actions."""
    case = _load(request, pk)
    return render(request, "arbitration/case.html", _context(request, case, ask=_ask(request)))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def poe_preview(request, pk, claim_pk, poe_id):
    """The inline preview of a PDF or image in its claim's column: the frame (HTMX) or the
    case screen with the preview open (without JavaScript). The file itself is served by the
    claims app, which checks access again."""
    case = _load(request, pk)
    poe = get_object_or_404(
        PoeFile.objects.select_related("claim"), pk=poe_id, claim__pk=claim_pk, claim__case_links__case=case
    )
    if request.htmx:
        return render(request, "arbitration/case.html#preview", {"case": case, "claim": poe.claim, "preview": poe})
    return render(request, "arbitration/case.html", _context(request, case, preview=poe))


def _respond(request, context, *, status=200, trigger=None) -> HttpResponse:
    """The answer to an action: with HTMX the action area (the swap target) plus the case
    head, flash, columns and case history out of band; otherwise the whole page."""
    if not request.htmx:
        return render(request, "arbitration/case.html", context, status=status)
    response = HttpResponse(render_to_string("arbitration/case.html#after_action", context, request=request))
    if trigger:
        response["HX-Trigger"] = json.dumps(trigger)
    return response


def _run(request, pk, name, form_class, perform, *, success, lead=False):
    """Validate the posted form, run the service, and answer: PRG or the updated regions on
    success; on refusal the form as typed with the reason, next to the case as it is now."""
    case = _load(request, pk, lead=lead)
    takes_columns = form_class in (AwardForm, RequestInfoCaseForm)
    columns = selectors.case_columns(case) if takes_columns else ()
    form = form_class(request.POST, case=case, **({"columns": columns} if takes_columns else {}))
    notice = None
    if name != "reopen" and case.status != CaseStatus.OPEN:
        notice = "decided"
    elif form.is_valid():
        try:
            perform(case, form.cleaned_data, form)
        except ClaimError as exc:
            case = _load(request, pk)
            if name != "reopen" and case.status != CaseStatus.OPEN:
                notice = "decided"  # lost the race to another reviewer's award
            elif isinstance(exc, ClaimChanged):
                notice = "changed"
            else:
                form.add_error(None, exc.message)
        else:
            case = _load(request, pk)
            if request.htmx:
                context = _context(request, case, flash=success)
                return _respond(request, context, trigger={"caseUpdated": {"version": case.version}})
            messages.success(request, success)
            return redirect("arbitration:case", pk=case.pk)
    elif "version" in form.errors or "claim_versions" in form.errors:
        notice = "changed"  # a form without its versions is treated as a stale one: never applied blind
    current = _load(request, pk)
    if notice == "changed" and current.status == CaseStatus.OPEN and name != "reopen":
        data = request.POST.copy()
        data["version"] = str(current.version)
        if takes_columns:
            fresh = selectors.case_columns(current)
            data["claim_versions"] = encode_versions(c.claim for c in fresh)
            form = form_class(data, case=current, columns=fresh)
        else:
            form = form_class(data, case=current)
        form.is_valid()
    elif notice == "decided" and name == "award":
        # What was typed stays to be read and copied, not sent: the case is decided.
        form.fields["reason"].widget.attrs["readonly"] = True
        form["reason"].help_text = ""
    context = _context(request, current, bound=(name, form), notice=(name, notice))
    return _respond(request, context, status=409 if notice else 200)


def _post_view(func):
    return login_required(require_POST(vary_on_headers("HX-Request")(func)))


@_post_view
def case_assign(request, pk):
    """Take the case (reviewers) or give it to someone, or nobody (leads)."""
    to_me = bool(request.POST.get("to_me")) or "assignee" not in request.POST
    if not to_me:
        _load(request, pk, lead=True)  # 403 for reviewers who are not leads

    def perform(case, data, form):
        assignee = request.user if to_me else data["assignee"]
        services.arbitration_assign(case=case, user=request.user, assignee=assignee, expected_version=data["version"])

    return _run(request, pk, "assign", AssignCaseForm, perform, success=_("Assignment saved."))


@_post_view
def case_request_info(request, pk):
    """Ask the chosen partners (one, several or all) for more information."""

    def perform(case, data, form):
        services.arbitration_request_info(
            case=case,
            user=request.user,
            claim_ids=data["claims"],
            reasons=data["reasons"],
            message=data["message"],
            expected_version=data["version"],
            expected_claim_versions=form.chosen_versions(),
        )

    return _run(
        request,
        pk,
        "request_info",
        RequestInfoCaseForm,
        perform,
        success=ngettext(
            "Information requested. Each partner sees only its own request and has %(days)d business day.",
            "Information requested. Each partner sees only its own request and has %(days)d business days.",
            settings.SERVICE_DAYS_PARTNER_ANSWER,
        )
        % {"days": settings.SERVICE_DAYS_PARTNER_ANSWER},
    )


@_post_view
def case_award(request, pk):
    """Award the key to the chosen claim."""

    def perform(case, data, form):
        services.arbitration_award(
            case=case,
            user=request.user,
            winner=Claim(pk=data["winner"]),
            reason=data["reason"],
            expected_version=data["version"],
            expected_claim_versions=data["claim_versions"],
            despite_waiting=data["despite_waiting"],
        )

    return _run(request, pk, "award", AwardForm, perform, success=_("Case decided. Every partner has been told."))


@_post_view
def case_reopen(request, pk):
    """Leads only: reopen a decided case."""

    def perform(case, data, form):
        services.arbitration_reopen(
            case=case, user=request.user, reason=data["reason"], expected_version=data["version"]
        )

    return _run(
        request,
        pk,
        "reopen",
        ReopenForm,
        perform,
        success=_("Case reopened: the claims that lost the award are under review again."),
        lead=True,
    )
