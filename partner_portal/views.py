"""The partner side: my claims and their CSV export, the claim form (new, draft, edit, reclaim),
live directory checks, the claim page with its actions, comments and PoE downloads.

Every view fetches through ``claims.access`` (another company's claim is a 404, a read-only
role gets 403 on writes), writes through ``claims.services`` and turns domain errors into
messages on the form, keeping what was typed. Pages work without JavaScript; HTMX requests
get the page's partials (``page.html#name``).
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from arbitration.selectors import incumbent_request
from arbitration.services import NO_OPEN_REQUEST, arbitration_answer
from claims import selectors
from claims.access import get_claim_for_partner, get_claim_for_reviewer, partner_membership_or_404
from claims.errors import ClaimChanged, ClaimError, ValidationFailed
from claims.models import INCENTIVE_ACTIVITIES, EndReason, InfoRequestReason, PoeFile, RejectionReason
from claims.pending import form_key as pending_form_key
from claims.pending import pending_attach, pending_keep, pending_kept, pending_remove
from claims.references import one_line
from claims.services import (
    claim_create,
    claim_dispute,
    claim_end,
    claim_resubmit,
    claim_submit,
    claim_update,
    claim_withdraw,
    comment_add,
    drafts_discard,
    poe_attach_many,
)
from claims.states import ACTIVE_STATUSES, Status, allowed, status_in_sentence
from claims.transitions import permitted, require_allowed
from claims.uploads import PREVIEWABLE_CONTENT_TYPES, check_uploads, safe_header_name
from claims.validation import ClaimInput, check_subscription, check_tenant, validate_claim
from directory.models import Channel, SolutionArea, SubscriptionStatus
from lib.csv_export import csv_lines
from lib.params import parse_id, parse_int
from lib.ratelimit import has_files, rate_limited
from lib.retry import retry_on_conflict
from partner_portal.forms import (
    SUMMARY_LABELS,
    CaseAnswerForm,
    ClaimForm,
    CommentForm,
    DisputeForm,
    EndForm,
    PoeForm,
    ResubmitForm,
    WithdrawForm,
)

MAX_VERSION = 2**31 - 1  # Claim.version is a PositiveIntegerField
# ``poe_attach_many`` refusals that belong on the form's file field: no room on the claim, or the
# company's PoE storage quota.
POE_REFUSALS = {"too_many", "quota"}

FORM_TEXT_FIELDS = (
    "name",
    "mpn",
    "customer_tenant_id",
    "customer_domain",
    "solution_area",
    "activity",
    "subscription_ref",
    "customer_contact_name",
    "customer_contact_title",
    "customer_contact_email",
    "partner_contact_name",
    "partner_contact_email",
    "description",
    "filing_comment",
)


def _writer_membership(request):
    """The user's membership when it may change claims: not a partner user → 404, read-only → 403."""
    membership = partner_membership_or_404(request.user)
    if not membership.can_write:
        raise PermissionDenied
    return membership


# --- My claims -----------------------------------------------------------------------------


# My claims' columns, as Partner Center's "Customer claims" shows them: (sort key or None, label).
LIST_COLUMNS = (
    ("name", _lazy("Claim")),
    ("customer", _lazy("Customer")),
    (None, _lazy("Product · activity")),
    ("status", _lazy("Status")),
    (None, _lazy("Deadline")),
    ("submitted", _lazy("Submitted")),
    ("updated", _lazy("Last updated")),
)
# Query-string keys that are not filters: how the list is read.
LIST_READING_KEYS = ("sort", "cursor", "page")


def _list_query(params, **changes) -> str:
    """The list's query string with ``changes`` (a value of None drops the key), without the
    page position unless given and without empty values: a link or bookmark says what was chosen."""
    query = QueryDict(mutable=True)
    for key, values in params.lists():
        if key in ("cursor", "page") or key in changes:
            continue
        kept = [v for v in values if v.strip()]
        if kept:
            query.setlist(key, kept)
    for key, value in changes.items():
        if value:
            query[key] = value
    return query.urlencode()


def _sort_columns(params, current: str):
    columns = []
    for key, label in LIST_COLUMNS:
        if key is None:
            columns.append({"key": "", "label": label, "query": "", "direction": ""})
            continue
        if current == key:
            sort, direction = f"-{key}", "ascending"
        elif current == f"-{key}":
            sort, direction = key, "descending"
        else:
            sort, direction = key, ""
        columns.append({"key": key, "label": label, "query": _list_query(params, sort=sort), "direction": direction})
    return columns


def claims_announcement(page) -> str:
    """What the live region says when My claims' results change: "12 claims match" when this
    page holds them all, else how many this page shows (the list has no COUNT)."""
    n = len(page.rows)
    if page.page == 1 and not page.has_next:
        return ngettext("%(n)s claim matches", "%(n)s claims match", n) % {"n": intcomma(n)}
    return ngettext("%(n)s claim on page %(page)s", "%(n)s claims on page %(page)s", n) % {
        "n": intcomma(n),
        "page": intcomma(page.page),
    }


@login_required
@require_GET
@vary_on_headers("HX-Request")
def claim_list(request):
    """The company's claims (Partner Center's "Customer claims"): search, filters, the sortable
    columns, keyset pages without a COUNT, the export of what is shown, the status strip and
    the claims waiting on the partner. Read-only members read it too."""
    membership = partner_membership_or_404(request.user)
    filterset, page = selectors.claim_list(partner=membership.partner, params=request.GET)
    params = request.GET.copy()
    context = {
        "filter": filterset,
        "page": page,
        "columns": _sort_columns(params, page.sort),
        "next_query": _list_query(params, cursor=page.next_cursor) if page.has_next else "",
        "previous_query": _list_query(params, cursor=page.previous_cursor) if page.has_previous else "",
        # The export takes the same filters, search and order: every matching claim, no pages.
        "export_query": _list_query(params),
        "can_write": membership.can_write,
        "is_filtered": any(v.strip() for k, v in request.GET.items() if k not in LIST_READING_KEYS),
        "nav": "claims",
    }
    if request.htmx and not request.htmx.boosted:
        context["announce"] = claims_announcement(page)
        response = render(request, "claims/claim_list.html#results", context)
        # Push a clean address (no empty filters, no page position that led to the first page:
        # a stale or forged cursor) so the bookmark and Back button read well.
        query = _list_query(params, cursor=params.get("cursor") if page.has_previous else None)
        response["HX-Push-Url"] = request.path + (f"?{query}" if query else "")
        return response
    context["status_counts"] = selectors.status_counts(partner=membership.partner)
    context["needs_action"] = needs = selectors.needs_action(partner=membership.partner)
    context["needs_action_drafts"] = any(claim.status == Status.EDITING for claim in needs)
    return render(request, "claims/claim_list.html", context)


# What the export of My claims holds: the claim's own columns, codes as the reviewers' export has
# them and moments in ISO 8601. Never a comment, an internal note or anything of another company.
EXPORT_HEADER = (
    "reference",
    "name",
    "status",
    "customer",
    "tenant_id",
    "domain",
    "solution_area",
    "activity",
    "products",
    "mpn",
    "submitted",
    "updated",
    "due",
)


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def _export_row(claim) -> tuple:
    return (
        claim.reference,
        one_line(claim.name),
        claim.status,
        claim.tenant.name if claim.tenant else "",
        claim.tenant.tenant_id if claim.tenant else claim.customer_tenant_id,
        claim.customer_domain,
        claim.solution_area,
        claim.activity,
        ", ".join(product.name for product in claim.products.all()),
        claim.mpn.number,
        _iso(claim.submitted_at),
        _iso(claim.updated_at),
        _iso(claim.due_at),
    )


@login_required
@require_GET
def claim_export(request):
    """My claims as CSV: every claim of the company the list's filters, search and order select
    (the same parameters), streamed; formulas are shown as text (lib.csv_export). Read-only
    members export too: it is reading."""
    membership = partner_membership_or_404(request.user)
    rows = selectors.claim_export(partner=membership.partner, params=request.GET)
    response = StreamingHttpResponse(csv_lines(EXPORT_HEADER, map(_export_row, rows)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="claims-{timezone.localdate():%Y-%m-%d}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the claim form ------------------------------------------------------------------------


def _initial_from_claim(claim) -> dict:
    initial = {name: getattr(claim, name) for name in FORM_TEXT_FIELDS if name != "mpn"}
    initial["mpn"] = claim.mpn_id
    initial["products"] = [str(pk) for pk in claim.products.values_list("pk", flat=True)]
    initial["version"] = claim.version
    return initial


def _initial_from_data(data) -> dict:
    initial = {name: data.get(name, "") for name in FORM_TEXT_FIELDS}
    initial["mpn"] = initial["mpn"] or None
    initial["products"] = data.getlist("products") if hasattr(data, "getlist") else []
    initial["version"] = data.get("version") or None
    return initial


def _render_form(request, *, form, claim=None, reclaimed_from=None, general_issues=(), status=200, **extra):
    if claim is not None and claim.pk:
        action_url = reverse("claims:edit", args=[claim.pk])
        title = _("Edit claim %(ref)s") % {"ref": claim.reference}
    elif reclaimed_from is not None:
        action_url = reverse("claims:reclaim", args=[reclaimed_from.pk])
        title = _("Reclaim %(ref)s") % {"ref": reclaimed_from.reference}
    else:
        action_url = reverse("claims:new")
        title = _("New claim")
    form.enable_live_checks()
    # The error summary at the top (the GOV.UK pattern): every error, each linking to its input.
    summary = []
    for bound in form:
        anchor = form.summary_anchor(bound.name)
        label = SUMMARY_LABELS.get(bound.name, bound.label)
        summary += [(anchor, f"{label}: {error}") for error in bound.errors]
        summary += [(anchor, issue.message) for issue in bound.issues]
    summary += [("", str(error)) for error in form.non_field_errors()]
    summary += [("", issue.message) for issue in general_issues if not issue.warning]
    issues = [issue for bound in form for issue in bound.issues] + list(general_issues)
    form_key = extra.pop("form_key", None) or pending_form_key(None)
    context = {
        "form": form,
        "claim": claim,
        "reclaimed_from": reclaimed_from,
        "general_issues": general_issues,
        "general_warnings": [i for i in general_issues if i.warning],
        "summary": summary,
        # "If the details are right, contact support" is advice for directory errors only.
        "summary_directory_advice": any(issue.advice for issue in issues if not issue.warning),
        "poe_files": selectors.claim_poe(claim) if claim is not None and claim.pk else [],
        "form_key": form_key,
        "kept_files": extra.pop("kept", None) or pending_kept(user=request.user, form_key=form_key),
        "kept_hours": max(int(settings.PENDING_UPLOAD_TTL.total_seconds() // 3600), 1),
        "action_url": action_url,
        "title": title,
        "nav": "new" if claim is None else "claims",
        **extra,
    }
    return render(request, "claims/claim_form.html", context, status=status)


def _precheck(form, *, partner, claim, poe_count: int) -> list:
    """The submission rules (``claims.validation``) on what the form says now, before anything is
    saved, so one submit shows every error: a field the form already refused (an e-mail typo, an
    MPN that is not the company's) keeps its form error and gets no second one from the rules."""
    cleaned = getattr(form, "cleaned_data", {})
    values = {}
    for name in FORM_TEXT_FIELDS:
        if name in cleaned:
            values[name] = cleaned[name] if name == "mpn" else (cleaned[name] or "")
        elif name != "mpn":
            values[name] = str(form.data.get(name, "")).strip()
    data = ClaimInput(
        **{k: v for k, v in values.items() if k in ClaimInput.__dataclass_fields__},
        products=list(cleaned.get("products") or []),
        poe_count=poe_count,
    )
    if claim is not None and claim.pk and "mpn" not in form.fields:
        data.mpn = claim.mpn
    if data.solution_area != SolutionArea.BUSINESS_APPLICATIONS:
        data.subscription_ref = ""
    result = validate_claim(data, partner=partner, claim_id=claim.pk if claim is not None else None)
    refused = {name for name in form.errors if name != "__all__"}
    return [issue for issue in result.issues if issue.field not in refused]


def _save_claim_form(request, *, membership, claim=None, reclaimed_from=None):
    """POST of the claim form: "Submit claim", "Save draft", or (without JavaScript) "Update
    choices" after changing the solution area or "Remove" on a kept file.

    Every check runs on every submit — the form's fields, each chosen file, and for a
    submission the rules against the directory — and all their errors come back at once; the
    files that were accepted are kept for this form (``claims.pending``) and listed as kept,
    so a corrected form needs no re-upload. Nothing is saved until the whole form passes: a
    submission is one transaction (create or update the draft, attach the kept files,
    submit), so a refused one leaves no draft behind (docs/claim-form.md)."""
    user = request.user
    action = request.POST.get("action", "save")
    form_key = pending_form_key(request.POST.get("upload_key"))
    render_kw = {"claim": claim, "reclaimed_from": reclaimed_from, "form_key": form_key}
    remove = parse_id(request.POST.get("remove_kept", ""))
    if remove is not None:
        pending_remove(user=user, form_key=form_key, upload_id=remove)
        action = "refresh"

    existing = claim.poe_files.count() if claim is not None and claim.pk else 0
    kept = pending_kept(user=user, form_key=form_key)
    refusals = []
    chosen = [f for f in request.FILES.getlist("poe") if f]
    if chosen:
        accepted, refusals = check_uploads(chosen, existing_count=existing + len(kept))
        if accepted:
            try:
                kept += pending_keep(user=user, form_key=form_key, uploads=accepted, existing_count=existing)
            except ClaimError as exc:
                refusals.append(str(exc.message))

    if action == "refresh":
        form = ClaimForm(initial=_initial_from_data(request.POST), partner=membership.partner, claim=claim)
        form.attach_file_refusals(refusals)
        return _render_form(request, form=form, kept=kept, **render_kw)

    form = ClaimForm(request.POST, partner=membership.partner, claim=claim)
    form.is_valid()
    form.attach_file_refusals(refusals)
    drafting = claim is None or claim.status == Status.EDITING
    general = []
    if action == "submit" and drafting:
        general = form.attach_issues(
            _precheck(form, partner=membership.partner, claim=claim, poe_count=existing + len(kept))
        )
    elif claim is None and "mpn" not in form.errors and form.cleaned_data.get("mpn") is None:
        form.add_error("mpn", _("Choose an MPN ID. A draft needs one too."))
    if form.has_problems or any(not issue.warning for issue in general):
        return _render_form(request, form=form, general_issues=general, kept=kept, **render_kw)

    try:
        claim, warnings = _save_claim(
            user=user,
            claim=claim,
            data=form.service_data(),
            version=form.cleaned_data["version"],
            reclaimed_from=reclaimed_from,
            form_key=form_key,
            submit=action == "submit",
        )
    except ValidationFailed as exc:  # the rules again under the locks (a concurrent filing), or an edit
        claim = render_kw["claim"]
        general = form.attach_issues(exc.issues)
        return _render_form(request, form=form, general_issues=general, **render_kw)
    except ClaimChanged as exc:
        claim = render_kw["claim"]
        if claim is not None:
            claim.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(claim.version)
            form = ClaimForm(data, partner=membership.partner, claim=claim)
            form.is_valid()
        form.add_error(None, str(exc.message) + " " + _("Check the values below and save again to keep yours."))
        return _render_form(request, form=form, **render_kw)
    except ClaimError as exc:
        claim = render_kw["claim"]
        if exc.code in POE_REFUSALS:
            form.attach_file_refusals([exc.message])
        else:
            form.add_error(None, str(exc.message))
        return _render_form(request, form=form, **render_kw)

    if claim.status != Status.EDITING and action == "submit":
        _submitted_messages(request, claim, warnings)
    else:
        messages.success(
            request,
            _("Draft %(ref)s saved.") % {"ref": claim.reference}
            if claim.status == Status.EDITING
            else _("Changes to %(ref)s saved.") % {"ref": claim.reference},
        )
    return redirect("claims:detail", pk=claim.pk)


@retry_on_conflict
@transaction.atomic
def _save_claim(*, user, claim, data, version, reclaimed_from, form_key, submit):
    """The claim form's save, one transaction: create or update the draft, attach the form's
    kept files, and (``submit``) submit it. A refused submission leaves nothing behind; a
    deadlock with another partner's writer on the same key is retried as a whole (lib.retry).
    Returns ``(claim, warnings)``."""
    if claim is None:
        claim = claim_create(user=user, data=data, reclaimed_from=reclaimed_from)
    else:
        claim = claim_update(claim=claim, user=user, data=data, expected_version=_required_version(version))
    # The kept files become the claim's PoE where they are stored; when this transaction rolls
    # back they stay kept for the form (nothing to delete, nothing lost).
    pending_attach(claim=claim, user=user, form_key=form_key)
    warnings = []
    if submit and claim.status == Status.EDITING:
        claim.refresh_from_db()
        claim, warnings = claim_submit(claim=claim, user=user, expected_version=claim.version)
    return claim, warnings


def _submitted_messages(request, claim, warnings) -> None:
    messages.success(
        request,
        ngettext(
            "Claim %(ref)s submitted. Microsoft starts the review within %(days)d business day.",
            "Claim %(ref)s submitted. Microsoft starts the review within %(days)d business days.",
            settings.SERVICE_DAYS_REVIEW_START,
        )
        % {"ref": claim.reference, "days": settings.SERVICE_DAYS_REVIEW_START},
    )
    for warning in warnings:
        messages.warning(request, warning.message)
    # A competing claim is explained once, by the claim page's banner (not also in a message).


def _submit(request, *, membership, claim, expected_version=None):
    """Submit a saved draft (the claim page's "Submit" button). On failure the claim form comes
    back with each issue on its field; the draft (and its PoE) stays saved."""
    try:
        claim, warnings = claim_submit(claim=claim, user=request.user, expected_version=expected_version)
    except ValidationFailed as exc:
        claim.refresh_from_db()
        form = ClaimForm(initial=_initial_from_claim(claim), partner=membership.partner, claim=claim)
        general = form.attach_issues(exc.issues)
        return _render_form(request, form=form, claim=claim, general_issues=general, saved_not_submitted=True)
    except ClaimError as exc:
        messages.error(request, str(exc.message))
        return redirect("claims:detail", pk=claim.pk)
    _submitted_messages(request, claim, warnings)
    return redirect("claims:detail", pk=claim.pk)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("draft", methods=("POST",))
@rate_limited("poe", methods=("POST",), when=has_files("poe"))
def claim_new(request):
    membership = _writer_membership(request)
    if request.method == "POST":
        return _save_claim_form(request, membership=membership)
    form = ClaimForm(partner=membership.partner, initial=_initial_from_data(request.GET))
    return _render_form(request, form=form)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("draft", methods=("POST",))
@rate_limited("poe", methods=("POST",), when=has_files("poe"))
def claim_reclaim(request, pk):
    """A new draft prefilled from a rejected, withdrawn or ended claim and linked to it.
    ``?subscription=<id>`` prefills a renewed subscription (the re-check's link)."""
    old, _can_write = get_claim_for_partner(request.user, pk, write=True, queryset=selectors.claim_for_page())
    membership = request.user.partner_membership
    if not allowed("reclaim", old.status):
        messages.error(request, _("Only a rejected, withdrawn or ended claim can be reclaimed."))
        return redirect("claims:detail", pk=old.pk)
    if request.method == "POST":
        return _save_claim_form(request, membership=membership, reclaimed_from=old)
    initial = _initial_from_claim(old)
    initial["version"] = None
    subscription = (request.GET.get("subscription") or "").strip()[:64]
    if subscription:
        initial["subscription_ref"] = subscription
    form = ClaimForm(initial=initial, partner=membership.partner)
    return _render_form(request, form=form, reclaimed_from=old)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("poe", methods=("POST",), when=has_files("poe"))
def claim_edit(request, pk):
    claim, _can_write = get_claim_for_partner(request.user, pk, write=True)
    membership = request.user.partner_membership
    if not allowed("edit", claim.status):
        messages.error(
            request, _("A claim that is “%(status)s” cannot be edited.") % {"status": status_in_sentence(claim.status)}
        )
        return redirect("claims:detail", pk=claim.pk)
    if request.method == "POST":
        return _save_claim_form(request, membership=membership, claim=claim)
    form = ClaimForm(initial=_initial_from_claim(claim), partner=membership.partner, claim=claim)
    return _render_form(request, form=form, claim=claim)


@login_required
@require_POST
def claim_submit_view(request, pk):
    claim, _can_write = get_claim_for_partner(request.user, pk, write=True)
    try:
        version = _posted_version(request)
    except ClaimChanged as exc:
        messages.error(request, str(exc.message))
        return redirect("claims:detail", pk=claim.pk)
    return _submit(request, membership=request.user.partner_membership, claim=claim, expected_version=version)


@login_required
@require_GET
def form_fields(request):
    """HTMX: the fields that depend on the solution area (activity, products, subscription)."""
    membership = _writer_membership(request)
    form = ClaimForm(initial=_initial_from_data(request.GET), partner=membership.partner).enable_live_checks()
    return render(request, "claims/claim_form.html#dependent", {"form": form})


# --- live checks (HTMX fragments) ------------------------------------------------------------


@login_required
@require_GET
@rate_limited("live_check", fragment="check")
def live_check_tenant(request):
    _writer_membership(request)
    tenant_text = request.GET.get("customer_tenant_id", "")[:200]
    domain = request.GET.get("customer_domain", "")[:300]
    issues, tenant = check_tenant(tenant_text, domain) if tenant_text.strip() else ([], None)
    live = {"checked": bool(tenant_text.strip()), "issues": issues, "tenant": tenant, "domain": domain.strip()}
    return render(request, "claims/claim_form.html#tenant_check", {"live": live})


@login_required
@require_GET
@rate_limited("live_check", fragment="check")
def live_check_subscription(request):
    _writer_membership(request)
    value = request.GET.get("subscription_ref", "")[:200]
    tenant_text = request.GET.get("customer_tenant_id", "")[:200]
    issues, sub = check_subscription(value, tenant_text=tenant_text) if value.strip() else ([], None)
    details = ""
    if sub is not None and not issues:
        details = " · ".join(
            [
                str(Channel(sub.channel).label),
                str(SubscriptionStatus(sub.status).label),
                str(_("provisioned") if sub.provisioned else _("not provisioned")),
            ]
        )
    live = {"checked": bool(value.strip()), "issues": issues, "subscription": sub, "details": details}
    return render(request, "claims/claim_form.html#subscription_check", {"live": live})


@login_required
@require_GET
@rate_limited("live_check", fragment="check")
def live_check_mpn(request):
    """The not-enrolled warning as soon as MPN and activity are chosen (a warning, never an error)."""
    membership = _writer_membership(request)
    mpn = None
    mpn_id = parse_id(request.GET.get("mpn", ""))
    if mpn_id is not None:
        mpn = selectors.partner_mpns(membership.partner).filter(pk=mpn_id).first()
    activity = request.GET.get("activity", "")
    warn = mpn is not None and activity in INCENTIVE_ACTIVITIES and not mpn.incentive_enrolled
    return render(request, "claims/claim_form.html#mpn_check", {"live": {"mpn": mpn, "warn": warn}})


# --- the claim page ----------------------------------------------------------------------------


def _actions(claim, can_write: bool, *, case_request=None) -> dict:
    status = claim.status
    w = can_write
    return {
        # An approved incumbent answers a request made in its arbitration case.
        "can_answer_case": w and case_request is not None and allowed("case_answer", status),
        "can_edit": w and allowed("edit", status),
        "can_submit": w and allowed("submit", status),
        "can_withdraw": w and allowed("withdraw", status),
        "can_resubmit": w and allowed("resubmit", status),
        "can_dispute": w and permitted(claim=claim, action="dispute"),
        "can_end": w and allowed("end", status),
        "can_reclaim": w and allowed("reclaim", status),
        # A rejected claim takes new PoE only with its dispute (the dispute form's files).
        # On a rejected claim new PoE comes with the dispute (its form has the file field).
        "can_add_poe": w and permitted(claim=claim, action="add_poe") and status != Status.REJECTED,
    }


def _thread_context(claim, can_write, comment_form=None) -> dict:
    comments = selectors.partner_comments(claim)
    # The competing notice once per page: while the notice at the top of the page explains it,
    # the thread's entry only says when it happened.
    notice_above = claim.is_competing and claim.status in ACTIVE_STATUSES
    for comment in comments:
        comment.said_above = notice_above and comment.code in ("competing", "competing_incumbent")
    return {
        "claim": claim,
        "comments": comments,
        "comment_form": comment_form or CommentForm(),
        "can_comment": can_write and permitted(claim=claim, action="comment"),
        # A finished claim's thread is closed (a draft has none yet: reviewers cannot see it).
        "thread_closed": claim.status != Status.EDITING and not permitted(claim=claim, action="comment"),
    }


def _render_detail(request, claim, can_write, *, status=200, **forms):
    poe_files = selectors.claim_poe(claim)
    thread = _thread_context(claim, can_write, forms.get("comment_form"))
    requests = [c for c in thread["comments"] if c.code == "info_requested"]
    info_request = requests[-1] if requests and claim.status == Status.ACTION_REQUIRED else None
    labels = dict(InfoRequestReason.choices)
    info_reasons = [str(labels.get(r, r)) for r in (info_request.data or {}).get("reasons", [])] if info_request else []
    # An approved incumbent asked for information in its open arbitration case.
    case_request = incumbent_request(claim)
    context = {
        "claim": claim,
        "can_write": can_write,
        "products": list(claim.products.all()),
        "poe_files": poe_files,
        "timeline": selectors.partner_timeline(claim, poe_names={p.pk: p.original_name for p in poe_files}),
        "resubmit_form": forms.get("resubmit_form") or ResubmitForm(),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "end_form": forms.get("end_form") or EndForm(),
        "poe_form": forms.get("poe_form") or PoeForm(),
        "open_form": forms.get("open_form", ""),
        "case_answer_form": forms.get("case_answer_form") or CaseAnswerForm(),
        "case_request": case_request,
        # The competing notice once per page: an incumbent's request banner says it already.
        "show_competing": claim.is_competing and claim.status in ACTIVE_STATUSES and case_request is None,
        "mpn_warning": claim.activity in INCENTIVE_ACTIVITIES and not claim.mpn.incentive_enrolled,
        "decision_reason_label": dict(RejectionReason.choices).get(claim.decision_reason, claim.decision_reason),
        "nav": "claims",
        "info_request": info_request,
        "info_reasons": "; ".join(info_reasons),
        **thread,
        **_actions(claim, can_write, case_request=case_request),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def _page_claim(request, pk, *, write=False):
    return get_claim_for_partner(request.user, pk, write=write, queryset=selectors.claim_for_page())


@login_required
@require_GET
def claim_detail(request, pk):
    claim, can_write = _page_claim(request, pk)
    return _render_detail(request, claim, can_write)


@login_required
@require_POST
@vary_on_headers("HX-Request")
@rate_limited("comment")
def comment_post(request, pk):
    """A partner comment. HTMX gets the updated thread; without JavaScript, PRG."""
    claim, can_write = _page_claim(request, pk, write=True)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = comment_add(claim=claim, user=request.user, body=form.cleaned_data["body"])
        except ClaimError as exc:
            form.add_error("body", str(exc.message))
        else:
            if request.htmx:
                # Focus goes to the new comment (``data-focus``), the live region says it was posted.
                context = {**_thread_context(claim, can_write), "new_comment": comment.pk}
                response = render(request, "claims/claim_detail.html#thread", context)
                response["HX-Trigger"] = json.dumps({"announce": _("Comment posted.")})
                return response
            messages.success(request, _("Comment posted."))
            return redirect(reverse("claims:detail", args=[claim.pk]) + "#comments")
    if request.htmx:
        return render(request, "claims/claim_detail.html#thread", _thread_context(claim, can_write, form))
    return _render_detail(request, claim, can_write, comment_form=form, open_form="comment")


def _posted_version(request) -> int:
    """The claim version the form was loaded with. Every write form carries it; a form without
    one (or with a tampered one) is refused like a stale form, so nothing is applied blind."""
    return _required_version(request.POST.get("version"))


def _required_version(value) -> int:
    """``value`` as a claim version, or ``ClaimChanged`` when it is missing or malformed."""
    version = parse_int((str(value) if value is not None else "").strip(), minimum=1, maximum=MAX_VERSION)
    if version is None:
        raise ClaimChanged()
    return version


def _expect_version(request, claim) -> None:
    """Refuse a stale form *before* new PoE is stored (attaching PoE bumps the version)."""
    if _posted_version(request) != claim.version:
        raise ClaimChanged()


def _attach_files(request, claim, form, files) -> bool:
    """Check and store new PoE for an action form, all the files or none. False (with the errors
    on the form's ``poe`` field) when a file is refused, the claim has no room for them or the
    company's storage quota would be exceeded: then nothing is stored. (The count is asked here
    first, for the message per file, and again by ``poe_attach_many`` under the claim's lock.)"""
    accepted, errors = check_uploads(files, existing_count=claim.poe_files.count())
    if errors:
        for error in errors:
            form.add_error("poe", error)
        return False
    try:
        poe_attach_many(claim=claim, user=request.user, uploads=accepted)
    except ClaimError as exc:
        if exc.code not in POE_REFUSALS:
            raise
        form.add_error("poe", str(exc.message))
        return False
    return True


def _attach_action_files(request, claim, form) -> bool:
    """For an action that takes new PoE: refuse a stale form first, then store the form's files
    and reload the claim (attaching moves its version on). False, with the errors on the form's
    ``poe`` field, when a file is refused: then nothing is stored."""
    _expect_version(request, claim)
    if not _attach_files(request, claim, form, form.cleaned_data["poe"]):
        return False
    claim.refresh_from_db()
    return True


def _partner_action(request, pk, *, form_class, name, act):
    """What every action form on the partner's claim page does around its service call. The
    claim only if the user may write to it (another partner's is a 404, a read-only member gets
    403); the form bound to the POST; then ``act(claim, form)``, which calls the service and
    returns the success message, or None when it put an error on the form (a refused file).
    Done: the message and back to the claim. Invalid, refused or overtaken by another change:
    the page again with the claim as it is now and this form (``<name>_form``) open with its
    errors."""
    claim, can_write = _page_claim(request, pk, write=True)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            done = act(claim, form)
        except ClaimError as exc:
            form.add_error(None, str(exc.message))
        else:
            if done:
                messages.success(request, done)
                return redirect("claims:detail", pk=claim.pk)
    claim.refresh_from_db()
    return _render_detail(request, claim, can_write, open_form=name, **{f"{name}_form": form})


@login_required
@require_POST
@rate_limited("poe", when=has_files("poe"))
def claim_resubmit_view(request, pk):
    """Answer Microsoft's request (optionally with new PoE) and resubmit."""

    def resubmit(claim, form):
        require_allowed(claim=claim, action="resubmit")  # before the answer's files are stored
        if not _attach_action_files(request, claim, form):
            return None
        claim_resubmit(
            claim=claim, user=request.user, message=form.cleaned_data["message"], expected_version=claim.version
        )
        return _("Your answer was sent and the claim is back under review.")

    return _partner_action(request, pk, form_class=ResubmitForm, name="resubmit", act=resubmit)


@login_required
@require_POST
def claim_withdraw_view(request, pk):
    def withdraw(claim, form):
        claim_withdraw(
            claim=claim,
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=_posted_version(request),
        )
        return _("Claim %(ref)s withdrawn.") % {"ref": claim.reference}

    return _partner_action(request, pk, form_class=WithdrawForm, name="withdraw", act=withdraw)


@login_required
@require_POST
@rate_limited("poe", when=has_files("poe"))
def claim_dispute_view(request, pk):
    """Dispute a rejection within 30 days: a justification and optionally new PoE."""

    def dispute(claim, form):
        require_allowed(claim=claim, action="dispute")  # before the dispute's files are stored
        if not _attach_action_files(request, claim, form):
            return None
        claim_dispute(
            claim=claim,
            user=request.user,
            justification=form.cleaned_data["justification"],
            expected_version=claim.version,
        )
        days = settings.SERVICE_DAYS_DISPUTE_DECISION
        return ngettext(
            "Dispute sent. Microsoft decides within %(days)d business day.",
            "Dispute sent. Microsoft decides within %(days)d business days.",
            days,
        ) % {"days": days}

    return _partner_action(request, pk, form_class=DisputeForm, name="dispute", act=dispute)


@login_required
@require_POST
def claim_end_view(request, pk):
    """End an approved association, with a mandatory reason."""

    def end(claim, form):
        claim_end(
            claim=claim,
            user=request.user,
            reason=EndReason.PARTNER_DISASSOCIATED,
            message=form.cleaned_data["message"],
            expected_version=_posted_version(request),
        )
        return _("The association of %(ref)s has ended.") % {"ref": claim.reference}

    return _partner_action(request, pk, form_class=EndForm, name="end", act=end)


@login_required
@require_POST
@rate_limited("poe")
def poe_add(request, pk):
    """Extra PoE on a submitted claim, a claim waiting on the partner, or an approved
    association being defended."""
    claim, can_write = _page_claim(request, pk, write=True)
    form = PoeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _expect_version(request, claim)  # a stale (or version-less) form stores nothing
            if _attach_files(request, claim, form, form.cleaned_data["poe"]):
                count = len(form.cleaned_data["poe"])
                messages.success(
                    request, ngettext("%(n)d PoE file added.", "%(n)d PoE files added.", count) % {"n": count}
                )
                return redirect(reverse("claims:detail", args=[claim.pk]) + "#poe")
        except ClaimError as exc:
            form.add_error(None, str(exc.message))
    claim.refresh_from_db()
    return _render_detail(request, claim, can_write, poe_form=form, open_form="poe")


# --- PoE downloads -------------------------------------------------------------------------------


def _poe_for(request, pk, poe_id) -> PoeFile:
    """The PoE file if the user may see its claim: reviewers any submitted claim's, partner
    users their company's (anything else is a 404)."""
    if getattr(request.user, "is_reviewer", False):
        claim = get_claim_for_reviewer(request.user, pk)
    else:
        claim, _can_write = get_claim_for_partner(request.user, pk)
    return get_object_or_404(PoeFile, pk=poe_id, claim=claim)


def _poe_response(poe: PoeFile, *, inline: bool):
    try:
        handle = poe.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    content_type = poe.content_type or "application/octet-stream"
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = FileResponse(
        handle, as_attachment=not inline, filename=safe_header_name(poe.original_name), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; frame-ancestors 'self'" if inline else "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_GET
def poe_download(request, pk, poe_id):
    return _poe_response(_poe_for(request, pk, poe_id), inline=False)


@login_required
@require_GET
@xframe_options_sameorigin
def poe_preview(request, pk, poe_id):
    """Inline view of a PDF, PNG or JPEG (the reviewers' preview); other types are 404."""
    poe = _poe_for(request, pk, poe_id)
    if poe.content_type not in PREVIEWABLE_CONTENT_TYPES:
        raise Http404
    return _poe_response(poe, inline=True)


# --- discarding drafts from "Needs your action" ------------------------------------------------

# More than a company may have open (MAX_OPEN_DRAFTS_PER_PARTNER); anything past it is ignored.
MAX_DISCARD = 500


def _discard_selection(values) -> dict[int, int | None]:
    """``{draft id: version}`` from the ticked ``claim`` values (``"<id>:<version>"``, or a bare
    id: then any version); malformed values are ignored."""
    selection = {}
    for value in values[:MAX_DISCARD]:
        pk_text, _sep, version_text = str(value).partition(":")
        pk = parse_id(pk_text)
        if pk is None:
            continue
        selection[pk] = parse_int(version_text, minimum=1, maximum=MAX_VERSION) if version_text else None
    return selection


@login_required
@require_POST
def drafts_discard_view(request):
    """Discard the drafts ticked in "Needs your action" in one step. The first POST shows them
    and asks to confirm (no JavaScript needed); the confirmed POST (``confirm=1``) discards the
    company's drafts among them (``claims.services.drafts_discard``) and says how many. Ids of
    another company's claims, or of claims that are no longer drafts, are ignored; a partner
    user who may not write gets 403, anyone else 404."""
    membership = _writer_membership(request)
    selection = _discard_selection(request.POST.getlist("claim"))
    if request.POST.get("confirm") != "1":
        drafts = selectors.drafts_selected(partner=membership.partner, claim_ids=selection)
        if not drafts:
            messages.error(request, _("Select at least one draft to discard."))
            return redirect("claims:list")
        return render(request, "claims/drafts_discard.html", {"drafts": drafts, "nav": "claims"})
    versions = {pk: version for pk, version in selection.items() if version is not None}
    try:
        discarded = drafts_discard(user=request.user, claim_ids=selection, versions=versions)
    except ClaimError as exc:
        messages.error(request, str(exc.message))
        return redirect("claims:list")
    done = len(discarded)
    left = selectors.drafts_selected(partner=membership.partner, claim_ids=selection.keys() - {c.pk for c in discarded})
    text = (
        ngettext("%(n)d draft discarded.", "%(n)d drafts discarded.", done) % {"n": done}
        if done
        else _("No draft was discarded.")
    )
    if left:
        text += " " + ngettext(
            "%(n)d draft was kept: it changed after the list was shown. Look at it again first.",
            "%(n)d drafts were kept: they changed after the list was shown. Look at them again first.",
            len(left),
        ) % {"n": len(left)}
    (messages.success if done else messages.warning)(request, text)
    return redirect("claims:list")


# --- arbitration: an approved incumbent answers Microsoft's request -----------------------------


@login_required
@require_POST
@rate_limited("poe", when=has_files(f"{CaseAnswerForm.prefix}-poe"))
def claim_case_answer_view(request, pk):
    """An approved incumbent's answer to the information request of its arbitration case,
    optionally with new PoE. The claim stays approved; nothing is rejected if it never comes."""

    def answer(claim, form):
        require_allowed(claim=claim, action="case_answer")
        if incumbent_request(claim) is None:  # before the answer's files are stored
            raise ClaimError(NO_OPEN_REQUEST)
        if not _attach_action_files(request, claim, form):
            return None
        arbitration_answer(
            claim=claim, user=request.user, message=form.cleaned_data["message"], expected_version=claim.version
        )
        return _("Your answer was sent to Microsoft. Your association stays valid until the decision.")

    return _partner_action(request, pk, form_class=CaseAnswerForm, name="case_answer", act=answer)
