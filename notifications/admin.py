"""Notifications (the in-portal list and the e-mail outbox) and job runs, view only.

The one thing an operator does here is put failed e-mails back in the outbox once the
cause (an SMTP outage, a wrong address) is fixed; the next outbox run sends them.
"""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from claims.references import claim_admin_link, claim_id_from_term
from lib.admin import ReadOnlyAdminMixin, StrictAdminMixin
from notifications.models import EmailState, JobRun, Notification, SweepMark


@admin.register(Notification)
class NotificationAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "kind_label",
        "recipient",
        "claim_reference",
        "email_state",
        "email_attempts",
        "created_at",
        "read_at",
        "email_sent_at",
    )
    list_select_related = ("recipient",)
    list_filter = ("email_state", ("read_at", admin.EmptyFieldListFilter), ("created_at", admin.DateFieldListFilter))
    ordering = ("-id",)
    show_full_result_count = False
    fields = (
        "recipient",
        "claim_reference",
        "kind_label",
        "kind",
        "data",
        "dedupe_key",
        "created_at",
        "read_at",
        "email_state",
        "email_attempts",
        "email_claimed_at",
        "email_sent_at",
    )
    readonly_fields = fields
    actions = ("mark_pending_again",)
    search_fields = ("=recipient__username", "=recipient__email", "=claim__id", "=dedupe_key")
    search_help_text = _("Recipient's user name or e-mail, claim reference, or dedupe key.")

    class Media:
        css = {"all": ("admin-cpor/changelists.css",)}

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)

    @admin.display(description=_("notification"), ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label

    def get_search_results(self, request, queryset, search_term):
        # Index lookups only: recipient and claim (foreign keys), dedupe key (unique).
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = [Q(dedupe_key=term)]
        claim_id = claim_id_from_term(term)
        if claim_id is not None:
            matches.append(Q(claim_id=claim_id))
        user_ids = list(
            User.objects.filter(Q(username=term) | Q(email__iexact=term)).values_list("pk", flat=True)[:100]
        )
        if user_ids:
            matches.append(Q(recipient_id__in=user_ids))
        return queryset.filter(Q.create(matches, connector=Q.OR)), False

    def has_requeue_permission(self, request):
        # The change form stays read-only; the action needs the model's change permission.
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Mark failed e-mails as pending again"), permissions=["requeue"])
    def mark_pending_again(self, request, queryset):
        count = queryset.filter(email_state=EmailState.FAILED).update(
            email_state=EmailState.PENDING, email_attempts=0, email_claimed_at=None
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d failed e-mail is pending again; the next outbox run sends it.",
                "%(count)d failed e-mails are pending again; the next outbox run sends them.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(JobRun)
class JobRunAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "last_success_at", "last_duration_ms")
    fields = ("name", "last_success_at", "last_duration_ms", "last_result")
    readonly_fields = fields
    search_fields = ("name",)


@admin.register(SweepMark)
class SweepMarkAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Once-only events of the periodic jobs (a dispute window announced, a draft seen waiting
    for its subscription). Deleting one would let the job do it again."""

    list_display = ("key", "claim_reference", "created_at")
    fields = ("key", "claim_reference", "run", "created_at")
    readonly_fields = fields
    ordering = ("-id",)
    show_full_result_count = False
    search_fields = ("=key",)

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)
