"""Arbitration cases in the admin, view only.

Cases are opened, joined, awarded and reopened by ``arbitration.services`` under the key's
lock; an operator looks at them here and decides nothing.
"""

import re

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseClaim
from claims.models import Activity
from claims.references import claim_admin_link
from directory.admin import parse_uuid
from directory.models import CustomerTenant
from lib.admin import ReadOnlyAdminMixin, StrictAdminMixin

_CASE_REFERENCE = re.compile(r"(?:ARB-?)?0*([0-9]{1,18})", re.IGNORECASE)


def case_id_from_term(term: str) -> int | None:
    """The case a search term names: ``ARB-00012``, ``arb12`` or ``12``."""
    match = _CASE_REFERENCE.fullmatch(term.strip())
    return int(match[1]) if match else None


def case_link(case_id: int | None):
    """A link to a case's admin page built from its id alone: no query, no join."""
    if case_id is None:
        return None
    url = reverse("admin:arbitration_arbitrationcase_change", args=[case_id])
    return format_html('<a href="{}">{}</a>', url, ArbitrationCase(pk=case_id).reference)


class ActivityFilter(admin.SimpleListFilter):
    """The case's activity (a plain column on the case, so the choices come from claims)."""

    title = _("activity")
    parameter_name = "activity"

    def lookups(self, request, model_admin):
        return Activity.choices

    def queryset(self, request, queryset):
        return queryset.filter(activity=self.value()) if self.value() else queryset


class CaseClaimInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseClaim
    verbose_name = _("competing claim")
    verbose_name_plural = _("competing claims")
    fields = (
        "claim_reference",
        "partner",
        "claim_status",
        "is_incumbent",
        "joined_at",
        "info_requested_at",
        "info_due_at",
        "info_answered_at",
    )
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claim__partner")

    @admin.display(description=_("claim"))
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)

    @admin.display(description=_("partner"))
    def partner(self, obj):
        return obj.claim.partner

    @admin.display(description=_("status"))
    def claim_status(self, obj):
        return obj.claim.get_status_display()


@admin.register(ArbitrationCase)
class ArbitrationCaseAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "association_key",
        "tenant",
        "product",
        "activity_label",
        "status",
        "assignee",
        "opened_at",
        "decided_at",
    )
    list_select_related = ("tenant", "product", "assignee")
    list_filter = ("status", ActivityFilter)
    date_hierarchy = "opened_at"
    ordering = ("-id",)
    search_fields = ("=id", "=association_key", "=tenant__tenant_id")
    search_help_text = _("Case reference (ARB-…), association key or tenant ID.")
    fields = (
        "reference",
        "status",
        "association_key",
        "tenant",
        "product",
        "subscription",
        "activity_label",
        "assignee",
        "opened_at",
        "decided_at",
        "decided_by",
        "winner_reference",
        "decision_reason",
        "version",
    )
    readonly_fields = fields
    inlines = (CaseClaimInline,)

    @admin.display(description=_("reference"), ordering="id")
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("activity"), ordering="activity")
    def activity_label(self, obj):
        return Activity(obj.activity).label if obj.activity in Activity.values else obj.activity

    @admin.display(description=_("awarded claim"))
    def winner_reference(self, obj):
        return claim_admin_link(obj.winner_id)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = [Q(association_key=term)]
        case_id = case_id_from_term(term)
        if case_id is not None:
            matches.append(Q(pk=case_id))
        guid = parse_uuid(term)
        if guid is not None:
            tenant_ids = list(CustomerTenant.objects.filter(tenant_id=guid).values_list("pk", flat=True))
            matches.append(Q(tenant_id__in=tenant_ids))
        return queryset.filter(Q.create(matches, connector=Q.OR)), False
