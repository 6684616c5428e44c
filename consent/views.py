"""The customer's consent page (public: the link is the credential) and the reviewer's resend.

The page never says more about a link that does not work than "this link is not valid or has
expired" (a 404, the same for a made-up, damaged, replaced, expired or spent link and for a
claim that no longer waits on the customer), shows only the one claim its link belongs to, and
is never cached, indexed or passed to another site as a referrer. It is drawn in the e-mail's language
unless the visitor chose one (the language menu), and without the signed-in navigation.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claims.access import get_claim_for_reviewer
from claims.errors import ClaimChanged, ClaimError
from consent import services
from consent.errors import ConsentLinkInvalid
from consent.forms import DecisionForm
from consent.models import Decision
from consent.selectors import consent_for_token, window_open
from consent.sending import window_days
from lib.client_ip import client_ip
from lib.params import parse_int
from lib.ratelimit import rate_limited

MAX_VERSION = 2**31 - 1  # Claim.version is a PositiveIntegerField


def _public(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: it never leaves the site as a referrer. (Not "no-referrer":
    # the browser would then send the form's POST with "Origin: null", which CSRF refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request):
    return _public(render(request, "consent/invalid.html", {"public_page": True}, status=404))


def _in_email_language(request, row) -> None:
    """The page speaks the e-mail's language unless the visitor chose one."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or row.language not in dict(settings.LANGUAGES):
        return
    translation.activate(row.language)
    request.LANGUAGE_CODE = row.language


def _page_context(row, form) -> dict:
    claim = row.claim
    return {
        "public_page": True,
        "consent": row,
        "claim": claim,
        "partner": claim.partner.name,
        "customer": claim.tenant.name if claim.tenant_id else claim.customer_domain,
        "products": [product.name for product in claim.products.order_by("name")],
        "approved": claim.status == "approved",
        "window_open": claim.status == "approved" and window_open(row),
        "window_days": window_days(),
        "form": form,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("consent")
def consent_page(request, token):
    """GET shows the explainer, the claim's facts and the decisions the link still takes; POST
    records one (CSRF-checked like every form) and goes on to the thank-you page."""
    row = consent_for_token(token)
    if row is None:
        return _invalid(request)
    _in_email_language(request, row)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.consent_decide(
                token=token,
                decision=decision,
                reason=form.cleaned_data["reason"],
                reason_private=form.cleaned_data["private"],
                address=client_ip(request),
                language=translation.get_language(),
            )
        except ConsentLinkInvalid:
            return _invalid(request)
        except ClaimError as exc:
            form.add_error(None, exc.message)
        else:
            if decision == Decision.CONFIRMED:
                text = _("Thank you. You confirmed that %(partner)s worked with you on this.")
            else:
                text = _("Thank you. You declined: %(partner)s is not recorded as your partner for this.")
            messages.success(request, text % {"partner": row.claim.partner.name})
            return redirect("consent:done")
    return _public(render(request, "consent/page.html", _page_context(row, form)))


@never_cache
@require_GET
def consent_done(request):
    """Where a decision leads (its outcome is the page's message)."""
    return _public(render(request, "consent/done.html", {"public_page": True}))


@login_required
@require_POST
def consent_resend(request, pk):
    """A reviewer e-mails the customer a new link (the old one stops working). The form carries
    the claim's version, and a stale or missing one is refused as on every reviewer action."""
    claim = get_claim_for_reviewer(request.user, pk)
    version = parse_int((request.POST.get("version") or "").strip(), minimum=1, maximum=MAX_VERSION)
    try:
        if version is None:
            raise ClaimChanged()
        row = services.consent_resend(claim=claim, user=request.user, expected_version=version)
    except ClaimError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("A new consent link was e-mailed to %(email)s. The earlier link no longer works.") % {"email": row.email},
        )
    return redirect(reverse("review:claim", args=[claim.pk]))
