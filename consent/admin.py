"""Consent links in the admin, view only. An operator records here that consent e-mails came
back (a bounce notice in the sender's mailbox); a reviewer then sends a new link once the
partner corrected the address."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims.admin import ClaimRowAdminMixin
from consent.models import ConsentRequest
from consent.services import consent_email_bounced
from lib.admin import ReadOnlyAdminMixin, StrictAdminMixin


@admin.register(ConsentRequest)
class ConsentRequestAdmin(ClaimRowAdminMixin, StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("claim_reference", "email", "email_state", "decision", "created_at", "superseded_at", "final_at")
    list_filter = ("email_state", "decision", "occasion")
    ordering = ("-id",)
    show_full_result_count = False
    # Never the salt or the hash: with the server's secret they would open the link.
    fields = (
        "claim_reference",
        "occasion",
        "opened_by",
        "email",
        "language",
        "created_at",
        "expires_at",
        "superseded_at",
        "decision",
        "confirmed_at",
        "confirmed_from",
        "declined_at",
        "declined_from",
        "reason",
        "reason_private",
        "customer_language",
        "window_ends_at",
        "final_at",
        "email_state",
        "email_attempts",
        "email_sent_at",
        "email_error",
    )
    readonly_fields = fields
    actions = ("mark_bounced",)
    search_fields = ("=claim__id", "=email")
    search_help_text = _("Claim reference or the customer's e-mail address.")

    class Media:
        css = {"all": ("admin-cpor/changelists.css",)}

    def search_other(self, queryset, term):
        return queryset.filter(email__iexact=term)

    def has_bounce_permission(self, request):
        return request.user.has_perm("consent.change_consentrequest")

    @admin.action(description=_("Mark the sent e-mails as bounced"), permissions=["bounce"])
    def mark_bounced(self, request, queryset):
        count = consent_email_bounced(request_ids=queryset.values_list("pk", flat=True), user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d consent e-mail is marked as bounced.",
                "%(count)d consent e-mails are marked as bounced.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
