"""The PoE template download (claims/poe_template_pdf.py builds it): ``claims:poe_template``.

Prefilled from a claim of the partner's own (``?claim=<id>``, a draft or a claim waiting on
the partner), or from the claim form's current values, which the form's "Download template"
link adds to its address (static/js/portal.js; without JavaScript the link gives a template
with the partner's details and blanks for the rest). Any member of a partner company may
download it (it changes nothing); everyone else gets 404, another company's claim too."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from claims.access import get_claim_for_partner, partner_membership_or_404
from claims.models import Activity, Claim
from claims.poe_template_pdf import TemplateFacts, poe_template_pdf
from directory.models import CustomerTenant, Product, SolutionArea
from lib.params import parse_id
from partners.models import Mpn

MAX_PRODUCTS = 50  # more than any claim holds: the rest of a tampered address is ignored


def _tenant_name(tenant_id: str) -> str:
    return CustomerTenant.objects.filter(tenant_id=tenant_id).values_list("name", flat=True).first() or ""


def _facts_from_claim(claim: Claim) -> TemplateFacts:
    return TemplateFacts(
        partner=claim.partner.name,
        mpn=f"{claim.mpn.number} ({claim.mpn.location})",
        customer=_tenant_name(claim.customer_tenant_id) if claim.customer_tenant_id else "",
        tenant_id=claim.customer_tenant_id,
        domain=claim.customer_domain,
        solution_area=claim.get_solution_area_display() if claim.solution_area else "",
        activity=claim.get_activity_display() if claim.activity else "",
        products=[p.name for p in claim.products.all()],
        reference=claim.reference,
    )


def _facts_from_form(partner, params) -> TemplateFacts:
    """What the form says, each value checked: an MPN of another company, an unknown product
    or a malformed tenant ID is left blank, never printed."""
    mpn_id = parse_id(params.get("mpn"))
    mpn = Mpn.objects.filter(partner=partner, pk=mpn_id).first() if mpn_id else None
    try:
        tenant_id = str(uuid.UUID(params.get("customer_tenant_id", "").strip()))
    except ValueError:
        tenant_id = ""
    domain = params.get("customer_domain", "").strip().lower()[:253]
    area = params.get("solution_area", "")
    activity = params.get("activity", "")
    product_ids = [i for i in (parse_id(v) for v in params.getlist("products")[:MAX_PRODUCTS]) if i]
    return TemplateFacts(
        partner=partner.name,
        mpn=f"{mpn.number} ({mpn.location})" if mpn else "",
        customer=_tenant_name(tenant_id) if tenant_id else "",
        tenant_id=tenant_id,
        domain=domain if "." in domain and " " not in domain else "",
        solution_area=str(SolutionArea(area).label) if area in SolutionArea.values else "",
        activity=str(Activity(activity).label) if activity in Activity.values else "",
        products=list(Product.objects.filter(pk__in=product_ids).values_list("name", flat=True)),
    )


@login_required
@require_GET
def poe_template(request):
    membership = partner_membership_or_404(request.user)
    if "claim" in request.GET:
        queryset = Claim.objects.select_related("partner", "mpn").prefetch_related("products")
        pk = parse_id(request.GET["claim"]) or 0  # 0: no such claim, a 404
        claim, _can_write = get_claim_for_partner(request.user, pk, queryset=queryset)
        facts = _facts_from_claim(claim)
    else:
        facts = _facts_from_form(membership.partner, request.GET)
    pdf = poe_template_pdf(facts)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = facts.reference or timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="poe-template-{name}.pdf"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"  # as every download (poe_download)
    return response
