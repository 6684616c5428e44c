"""Builders for the reviewer workspace's tests."""

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from claims import services
from claims.models import Claim
from claims.states import Status
from claims.tests.factories import ClaimFactory, MpnFactory, ProductFactory, SubscriptionFactory, TenantFactory


def queue_claim(
    *, mpn=None, status=Status.SUBMITTED, due_in=dt.timedelta(days=3), products=None, tenant=None, **fields
):
    """A claim in a queue state with a deadline ``due_in`` from now, written directly (the
    queue reads it; the state machine is tested elsewhere)."""
    mpn = mpn or MpnFactory()
    tenant = tenant or TenantFactory()
    claim = ClaimFactory(mpn=mpn, products=products or [ProductFactory(code="d365-sales", name="Dynamics 365 Sales")])
    now = timezone.now()
    values = {
        "status": status,
        "association_key": f"test:{claim.pk}",
        "tenant": tenant,
        "customer_tenant_id": str(tenant.tenant_id),
        "customer_domain": tenant.domains.values_list("domain", flat=True).first(),
        "submitted_at": now - dt.timedelta(days=1),
        "due_at": None if due_in is None else now + due_in,
        "due_kind": "partner_response" if status == Status.ACTION_REQUIRED else "review_start",
        **fields,
    }
    Claim.objects.filter(pk=claim.pk).update(**values)
    claim.refresh_from_db()
    return claim


def under_review(draft, partner_user, reviewer):
    """The conftest ``draft`` submitted and taken into review (through the services)."""
    claim, _warnings = services.claim_submit(claim=draft, user=partner_user)
    claim = services.claim_start_review(claim=claim, user=reviewer)
    claim.refresh_from_db()
    return claim


def another_valid_draft(mpn, partner_user, product):
    """A second complete draft on its own subscription (so its key differs)."""
    sub = SubscriptionFactory(products=[product])
    claim = ClaimFactory(mpn=mpn, created_by=partner_user, sub=sub, products=[product])
    services.poe_attach(
        claim=claim,
        user=partner_user,
        name="poe.pdf",
        file=ContentFile(b"%PDF-1.4\n%test\n"),
        content_type="application/pdf",
    )
    claim.refresh_from_db()
    return claim


def htmx(**extra):
    return {"HTTP_HX_REQUEST": "true", **extra}
