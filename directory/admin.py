"""The directory in the admin: operators keep tenants, domains, subscriptions and the catalog.

Searches that name an identifier (a tenant or subscription GUID, a domain) use the unique
columns, so they stay fast however large the mirrored commerce data grows.
"""

import uuid

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from directory.models import CustomerTenant, Product, Subscription, TenantDomain


def parse_uuid(term: str) -> uuid.UUID | None:
    """The GUID an operator pasted into a search box, or ``None``."""
    try:
        return uuid.UUID(term.strip())
    except ValueError:
        return None


def tenant_ids_for_domain(term: str, *, limit: int = 100) -> list[int]:
    """Tenants owning a domain that starts with ``term`` (domains are stored lower-case, and
    the unique index on ``domain`` serves the prefix search)."""
    term = term.strip().lower()
    if not term:
        return []
    return list(TenantDomain.objects.filter(domain__startswith=term).values_list("tenant_id", flat=True)[:limit])


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "solution_area", "is_dynamics", "is_active")
    list_filter = ("solution_area", "is_dynamics", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # Deleting a product would silently drop it from every claim that names it (the
        # many-to-many rows cascade). A product no claim uses may go; the others are retired
        # by clearing "available for claims".
        if obj is not None and obj.claims.exists():
            return False
        return super().has_delete_permission(request, obj)


class TenantDomainInline(admin.TabularInline):
    model = TenantDomain
    fields = ("domain", "is_initial")
    extra = 0


@admin.register(CustomerTenant)
class CustomerTenantAdmin(admin.ModelAdmin):
    list_display = ("name", "tenant_id")
    search_fields = ("name",)
    search_help_text = _("Customer name, tenant ID, or the start of one of its domains.")
    inlines = (TenantDomainInline,)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        guid = parse_uuid(search_term)
        if guid is not None:
            results |= queryset.filter(tenant_id=guid)
        tenant_ids = tenant_ids_for_domain(search_term)
        if tenant_ids:
            results |= queryset.filter(pk__in=tenant_ids)
        return results, may_have_duplicates


@admin.register(TenantDomain)
class TenantDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "tenant", "is_initial")
    list_select_related = ("tenant",)
    list_filter = ("is_initial",)
    search_fields = ("domain__startswith", "tenant__name")
    autocomplete_fields = ("tenant",)

    def get_search_results(self, request, queryset, search_term):
        # Domains are stored lower-case; a case-sensitive prefix search can use the unique index.
        return super().get_search_results(request, queryset, search_term.lower())


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("subscription_id", "tenant", "channel", "status", "provisioned", "provisioned_at", "updated_at")
    list_select_related = ("tenant",)
    list_filter = ("status", "channel", "provisioned")
    search_fields = ("tenant__name",)
    search_help_text = _("Subscription ID, tenant ID, customer name or the start of a customer domain.")
    autocomplete_fields = ("tenant",)
    filter_horizontal = ("products",)
    readonly_fields = ("updated_at",)
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        guid = parse_uuid(search_term)
        if guid is not None:
            results |= queryset.filter(subscription_id=guid)
            results |= queryset.filter(tenant__tenant_id=guid)
        tenant_ids = tenant_ids_for_domain(search_term)
        if tenant_ids:
            results |= queryset.filter(tenant_id__in=tenant_ids)
        return results, may_have_duplicates
