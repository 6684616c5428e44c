"""The directory interface claims are checked against, and its database implementation.

Claims never query directory models directly: they ask a ``Directory``. Production could
plug in a client of Microsoft's commerce APIs with the same five methods
(``settings.DIRECTORY_BACKEND``).
"""

import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from directory.models import CustomerTenant, Subscription, TenantDomain


@dataclass(frozen=True)
class TenantInfo:
    tenant_id: uuid.UUID
    name: str
    pk: int


@dataclass(frozen=True)
class SubscriptionInfo:
    subscription_id: uuid.UUID
    tenant_id: uuid.UUID
    product_codes: frozenset[str]
    channel: str
    status: str
    provisioned: bool
    has_dynamics: bool
    pk: int


class Directory(Protocol):
    def tenant(self, tenant_id: uuid.UUID) -> TenantInfo | None: ...

    def tenant_domains(self, tenant_id: uuid.UUID) -> frozenset[str]: ...

    def subscription(self, subscription_id: uuid.UUID) -> SubscriptionInfo | None: ...

    def tenant_subscriptions(self, tenant_id: uuid.UUID) -> list[SubscriptionInfo]: ...

    def domain_known(self, domain: str) -> bool: ...


class DatabaseDirectory:
    """The directory as imported into our own tables."""

    def tenant(self, tenant_id):
        row = CustomerTenant.objects.filter(tenant_id=tenant_id).values("pk", "tenant_id", "name").first()
        return TenantInfo(tenant_id=row["tenant_id"], name=row["name"], pk=row["pk"]) if row else None

    def tenant_domains(self, tenant_id):
        return frozenset(TenantDomain.objects.filter(tenant__tenant_id=tenant_id).values_list("domain", flat=True))

    def domain_known(self, domain):
        return TenantDomain.objects.filter(domain=domain).exists()

    def subscription(self, subscription_id):
        found = self._subscriptions(subscription_id=subscription_id)
        return found[0] if found else None

    def tenant_subscriptions(self, tenant_id):
        return self._subscriptions(tenant__tenant_id=tenant_id)

    @staticmethod
    def _subscriptions(**lookup) -> list[SubscriptionInfo]:
        rows = (
            Subscription.objects.filter(**lookup)
            .select_related("tenant")
            .prefetch_related("products")
            .order_by("subscription_id")
        )
        return [
            SubscriptionInfo(
                subscription_id=s.subscription_id,
                tenant_id=s.tenant.tenant_id,
                product_codes=frozenset(p.code for p in s.products.all()),
                channel=s.channel,
                status=s.status,
                provisioned=s.provisioned,
                has_dynamics=any(p.is_dynamics for p in s.products.all()),
                pk=s.pk,
            )
            for s in rows
        ]


def get_directory() -> Directory:
    return import_string(getattr(settings, "DIRECTORY_BACKEND", "directory.lookup.DatabaseDirectory"))()
