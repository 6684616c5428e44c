"""Builders for the arbitration view tests: a case where Contoso holds an approved
association and Fabrikam competes for it, made through the real services."""

from django.core.files.base import ContentFile

from arbitration.models import ArbitrationCase, CaseStatus
from claims import services
from claims.tests.factories import ClaimFactory

PDF = b"%PDF-1.4\n%arbitration test\n"


def draft_with_poe(mpn, user, sub, product, *, content=b"%PDF-1.4 race"):
    """A complete draft with one PoE file, not submitted."""
    claim = ClaimFactory(mpn=mpn, created_by=user, sub=sub, products=[product])
    services.poe_attach(claim=claim, user=user, name="p.pdf", file=ContentFile(content), content_type="application/pdf")
    return claim


def file_claim(mpn, user, *, sub, products, poe_name="poe.pdf", content=PDF, **fields):
    """A claim filed and submitted with one PoE file (``poe_name``); ``fields`` go to the claim
    (its ``name`` too)."""
    claim = ClaimFactory(mpn=mpn, created_by=user, sub=sub, products=products, **fields)
    services.poe_attach(
        claim=claim, user=user, name=poe_name, file=ContentFile(content), content_type="application/pdf"
    )
    return services.claim_submit(claim=claim, user=user)[0]


def contested_case(*, contoso, fabrikam, reviewer, sub, products, contoso_fields=None, fabrikam_fields=None):
    """(case, incumbent, challenger): Contoso's approved claim challenged by Fabrikam's."""
    c_mpn, c_user = contoso
    f_mpn, f_user = fabrikam
    incumbent = file_claim(c_mpn, c_user, sub=sub, products=products, **(contoso_fields or {}))
    incumbent = services.claim_start_review(claim=incumbent, user=reviewer)
    incumbent = services.claim_approve(claim=incumbent, user=reviewer)
    challenger = file_claim(f_mpn, f_user, sub=sub, products=products, **(fabrikam_fields or {}))
    case = ArbitrationCase.objects.get(association_key=challenger.association_key, status=CaseStatus.OPEN)
    incumbent.refresh_from_db()
    challenger.refresh_from_db()
    return case, incumbent, challenger


def htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}
