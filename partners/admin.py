"""Partners, their MPN IDs and their users' roles in the admin."""

from django.contrib import admin

from lib.admin import StrictAdminMixin, StrictIdsAdminMixin
from partners.models import Membership, Mpn, Partner


class MpnInline(admin.TabularInline):
    model = Mpn
    fields = ("number", "location", "partner_type", "incentive_enrolled", "is_active")
    extra = 0
    show_change_link = True


class MembershipInline(StrictIdsAdminMixin, admin.TabularInline):
    model = Membership
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "partner")


@admin.register(Partner)
class PartnerAdmin(StrictAdminMixin, admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_at",)
    inlines = (MpnInline, MembershipInline)


@admin.register(Mpn)
class MpnAdmin(StrictAdminMixin, admin.ModelAdmin):
    list_display = ("number", "partner", "location", "partner_type", "incentive_enrolled", "is_active")
    list_select_related = ("partner",)
    list_filter = ("incentive_enrolled", "partner_type", "is_active")
    search_fields = ("number__startswith", "partner__name", "location")
    autocomplete_fields = ("partner",)


@admin.register(Membership)
class MembershipAdmin(StrictAdminMixin, admin.ModelAdmin):
    list_display = ("user", "partner", "role", "created_at")
    list_select_related = ("user", "partner")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "partner__name")
    autocomplete_fields = ("user", "partner")
    readonly_fields = ("created_at",)
