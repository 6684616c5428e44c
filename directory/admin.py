"""The directory in the admin: operators keep tenants, domains, subscriptions and the catalog.

Searches that name an identifier (a tenant or subscription GUID, a domain) use the unique
columns, so they stay fast however large the mirrored commerce data grows. A part of a GUID
("7f1775e3", "bc6b-bf78") is matched too, as text: that one reads the whole table.

Tenants, subscriptions and products that claims point to are never deleted here (no bulk
delete at all): a subscription ends by its status, a product by "available for claims". A
draft names its tenant and subscription only as the partner typed them, so those count too.
"""

import re
import uuid

from django.contrib import admin
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Replace
from django.db.models.lookups import Contains
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase
from claims.models import Claim
from claims.states import Status
from directory.models import CustomerTenant, Product, Subscription, TenantDomain
from lib.admin import DeleteUnusedOnlyAdminMixin, StrictAdminMixin

GUID_FRAGMENT = re.compile(r"[0-9a-f]{4,32}")


def parse_uuid(term: str) -> uuid.UUID | None:
    """The GUID an operator pasted into a search box, or ``None``."""
    try:
        return uuid.UUID(term.strip())
    except ValueError:
        return None


def guid_fragment(term: str) -> str | None:
    """The hex digits of a part of a GUID an operator typed (at least 4), lower-case and
    without hyphens, or ``None``."""
    digits = term.strip().lower().replace("-", "")
    return digits if GUID_FRAGMENT.fullmatch(digits) else None


def guid_contains(field: str, fragment: str) -> Contains:
    """``field`` (a UUID column, or a path to one) contains ``fragment`` (from
    :func:`guid_fragment`). Compared as text without hyphens: PostgreSQL's uuid type has no
    LIKE, and SQLite stores the 32 hex digits alone."""
    return Contains(Replace(Cast(F(field), CharField()), Value("-"), Value("")), fragment)


def drafts_naming(field: str, guid: uuid.UUID):
    """Drafts whose typed ``field`` (``customer_tenant_id``, ``subscription_ref``) is ``guid``,
    in any spelling (upper-case, braces, no hyphens). Drafts only: a submitted claim points to
    its tenant and subscription by foreign key."""
    spellings = Q(**{f"{field}__icontains": str(guid)}) | Q(**{f"{field}__icontains": guid.hex})
    return Claim.objects.filter(spellings, status=Status.EDITING)


def tenant_ids_for_domain(term: str, *, limit: int = 100) -> list[int]:
    """Tenants owning a domain that starts with ``term`` (domains are stored lower-case, and
    the unique index on ``domain`` serves the prefix search)."""
    term = term.strip().lower()
    if not term:
        return []
    return list(TenantDomain.objects.filter(domain__startswith=term).values_list("tenant_id", flat=True)[:limit])


@admin.register(Product)
class ProductAdmin(StrictAdminMixin, DeleteUnusedOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "solution_area", "is_dynamics", "is_active")
    list_filter = ("solution_area", "is_dynamics", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def in_use(self, obj):
        # Deleting a product would silently drop it from every claim that names it (the
        # many-to-many rows cascade). A product no claim uses may go; the others are retired
        # by clearing "available for claims".
        return obj.claims.exists()


class TenantDomainInline(admin.TabularInline):
    model = TenantDomain
    fields = ("domain", "is_initial")
    extra = 0


@admin.register(CustomerTenant)
class CustomerTenantAdmin(StrictAdminMixin, DeleteUnusedOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "tenant_id")
    search_fields = ("name",)
    search_help_text = _("Customer name, tenant ID (or a part of it), or the start of one of its domains.")
    inlines = (TenantDomainInline,)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        guid = parse_uuid(search_term)
        fragment = guid_fragment(search_term)
        if guid is not None:
            results |= queryset.filter(tenant_id=guid)
        elif fragment is not None:
            results |= queryset.filter(guid_contains("tenant_id", fragment))
        tenant_ids = tenant_ids_for_domain(search_term)
        if tenant_ids:
            results |= queryset.filter(pk__in=tenant_ids)
        return results, may_have_duplicates

    def in_use(self, obj):
        domains = obj.domains.values("domain")
        return (
            obj.claims.exists()
            or obj.subscriptions.exists()
            or ArbitrationCase.objects.filter(tenant=obj).exists()
            or drafts_naming("customer_tenant_id", obj.tenant_id).exists()
            or Claim.objects.filter(status=Status.EDITING, customer_domain__in=domains).exists()
        )


@admin.register(TenantDomain)
class TenantDomainAdmin(StrictAdminMixin, admin.ModelAdmin):
    list_display = ("domain", "tenant", "is_initial")
    list_select_related = ("tenant",)
    list_filter = ("is_initial",)
    search_fields = ("domain__startswith", "tenant__name")
    autocomplete_fields = ("tenant",)

    def get_search_results(self, request, queryset, search_term):
        # Domains are stored lower-case; a case-sensitive prefix search can use the unique index.
        return super().get_search_results(request, queryset, search_term.lower())


@admin.register(Subscription)
class SubscriptionAdmin(StrictAdminMixin, DeleteUnusedOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("subscription_id", "tenant", "channel", "status", "provisioned", "provisioned_at", "updated_at")
    list_select_related = ("tenant",)
    list_filter = ("status", "channel", "provisioned")
    search_fields = ("tenant__name",)
    search_help_text = _(
        "Subscription ID or tenant ID (or a part of one), customer name or the start of a customer domain."
    )
    autocomplete_fields = ("tenant",)
    filter_horizontal = ("products",)
    # Set by Subscription.save() when "provisioned" is ticked (the re-check tells waiting drafts).
    readonly_fields = ("provisioned_at", "updated_at")
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        guid = parse_uuid(search_term)
        fragment = guid_fragment(search_term)
        if guid is not None:
            results |= queryset.filter(subscription_id=guid)
            results |= queryset.filter(tenant__tenant_id=guid)
        elif fragment is not None:
            results |= queryset.filter(guid_contains("subscription_id", fragment))
            results |= queryset.filter(guid_contains("tenant__tenant_id", fragment))
        tenant_ids = tenant_ids_for_domain(search_term)
        if tenant_ids:
            results |= queryset.filter(tenant_id__in=tenant_ids)
        return results, may_have_duplicates

    def in_use(self, obj):
        return (
            obj.claims.exists()
            or ArbitrationCase.objects.filter(subscription=obj).exists()
            or drafts_naming("subscription_ref", obj.subscription_id).exists()
        )
