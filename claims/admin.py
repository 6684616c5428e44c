"""Claims, PoE files and comments in the admin.

Operators look things up here; they do not work claims. Every state change goes through
``claims.services`` (which locks the row and writes the audit event), so the lifecycle
fields are read-only, nothing can be added or deleted, and the only edit is a correction of
the contact details, which is locked, versioned and audited like a service write.

The claims table is large (a million rows and more): the changelist shows columns of the
claim and two joined rows only, sorts by primary key, and its search runs index lookups on
identifiers (and the start of the claim's name) rather than ``LIKE '%…%'`` scans. Its seven
columns fit a 1366-pixel screen beside the filters, one line per claim but for a long claim name,
which wraps in its column (static/admin-cpor/changelists.css; the admin has no navigation
sidebar, cpor_portal/urls.py); the rest is on the claim's page.
"""

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from claims.models import Claim, Comment, PendingUpload, PoeFile
from claims.references import claim_admin_link, claim_id_from_term
from directory.admin import parse_uuid, tenant_ids_for_domain
from directory.models import CustomerTenant, Subscription
from lib.admin import NoDeleteAdminMixin, ReadOnlyAdminMixin, StrictAdminMixin
from lib.params import parse_id
from partners.models import Mpn


class ClaimRowAdminMixin:
    """The admin of rows that belong to a claim (PoE files, comments, consent requests): the
    claim as a link, and a search that reads a claim reference first (``CPOR-000042``,
    ``cpor42``, ``42``), then ``search_other(queryset, term)`` (nothing, unless overridden)."""

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)

    def search_other(self, queryset, term):
        return queryset.none()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        claim_id = claim_id_from_term(term)
        if claim_id is not None:
            return queryset.filter(claim_id=claim_id), False
        return self.search_other(queryset, term), False


class PoeFileInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PoeFile
    # Never the file itself: PoE is downloaded only through the portal's access-checked view.
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class CommentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Comment
    fields = ("created_at", "author", "kind", "internal", "code", "body")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Claim)
class ClaimAdmin(StrictAdminMixin, NoDeleteAdminMixin, admin.ModelAdmin):
    # The only fields an operator may correct. Everything else is decided by the services.
    editable_fields = (
        "customer_contact_name",
        "customer_contact_title",
        "customer_contact_email",
        "partner_contact_name",
        "partner_contact_email",
    )

    list_display = ("reference", "name", "status", "partner", "customer", "activity", "due")
    list_select_related = ("partner", "tenant")
    list_filter = ("status", "activity", "solution_area", "is_competing")
    # Sorting by a joined column would sort the whole table: only indexed or cheap orders.
    sortable_by = ("reference", "due")
    ordering = ("-id",)
    show_full_result_count = False
    # Shown as the search box; get_search_results turns a term into index lookups.
    search_fields = (
        "=id",
        "^name",
        "=mpn__number",
        "=tenant__tenant_id",
        "=subscription__subscription_id",
        "customer_domain",
    )
    search_help_text = _(
        "Claim reference, the start of the claim's name, MPN ID, tenant or subscription ID, customer domain (or "
        "its start), or association key."
    )
    # Safety net: should one of these ever become editable, it must not render a select of every row.
    raw_id_fields = ("partner", "mpn", "created_by", "tenant", "subscription", "assignee", "reclaimed_from")
    inlines = (PoeFileInline, CommentInline)
    fieldsets = (
        (None, {"fields": ("reference", "name", "partner", "mpn", "created_by", "status", "history")}),
        (
            _("Customer and products"),
            {
                "fields": (
                    "customer_tenant_id",
                    "customer_domain",
                    "tenant",
                    "solution_area",
                    "activity",
                    "products",
                    "subscription_ref",
                    "subscription",
                    "description",
                )
            },
        ),
        (
            _("Contacts"),
            {
                "fields": (
                    "customer_contact_name",
                    "customer_contact_title",
                    "customer_contact_email",
                    "partner_contact_name",
                    "partner_contact_email",
                )
            },
        ),
        (
            _("Review"),
            {
                "fields": (
                    "association_key",
                    "is_competing",
                    "assignee",
                    "due_at",
                    "due_kind",
                    "paused_days",
                    "submitted_at",
                    "review_started_at",
                    "decided_at",
                    "decision_reason",
                    "decision_message",
                    "dispute_until",
                    "ended_at",
                    "end_reason",
                    "end_message",
                    "reclaimed_from",
                    "version",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )

    class Media:
        css = {"all": ("admin-cpor/changelists.css",)}

    @admin.display(description=_("reference"), ordering="id")
    def reference(self, obj):
        return obj.reference

    @admin.display(description=_("customer"))
    def customer(self, obj):
        # The tenant's name (its GUID is on the claim's page), or what a draft's partner typed.
        if obj.tenant_id:
            return obj.tenant.name
        return obj.customer_domain or obj.customer_tenant_id or None

    @admin.display(description=_("due"), ordering="due_at")
    def due(self, obj):
        # The day (the time when pointed at, and on the claim's page): a short column.
        if obj.due_at is None:
            return None
        moment = timezone.localtime(obj.due_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            moment.isoformat(),
            formats.date_format(moment, "SHORT_DATETIME_FORMAT"),
            formats.date_format(moment, "SHORT_DATE_FORMAT"),
        )

    @admin.display(description=_("history"))
    def history(self, obj):
        if obj.pk is None:
            return None
        url = reverse("admin:audit_auditevent_changelist")
        return format_html('<a href="{}?claim__id__exact={}">{}</a>', url, obj.pk, _("Audit events of this claim"))

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.get_fields() if f.concrete and f.name not in self.editable_fields]
        return ["reference", "history", *names]

    def has_add_permission(self, request):
        return False  # claims are filed by partners in the portal (claims.services.claim_create)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = []
        claim_id = claim_id_from_term(term)
        if claim_id is not None:
            matches.append(Q(pk=claim_id))
        if parse_id(term) is not None:
            mpn_ids = list(Mpn.objects.filter(number=term).values_list("pk", flat=True))
            if mpn_ids:
                matches.append(Q(mpn_id__in=mpn_ids))
        guid = parse_uuid(term)
        if guid is not None:
            tenant_ids = list(CustomerTenant.objects.filter(tenant_id=guid).values_list("pk", flat=True))
            subscription_ids = list(Subscription.objects.filter(subscription_id=guid).values_list("pk", flat=True))
            if tenant_ids:
                matches.append(Q(tenant_id__in=tenant_ids))
            if subscription_ids:
                matches.append(Q(subscription_id__in=subscription_ids))
        elif ":" in term:
            matches.append(Q(association_key=term))
        elif claim_id is None:
            # The start of the claim's name, any case (the index claim_name_upper_idx); a domain
            # as the partner typed it (stored lower-case), or any claim on a tenant whose
            # directory domain starts with the term.
            matches.append(Q(name__istartswith=term))
            matches.append(Q(customer_domain=term.lower()))
            tenant_ids = tenant_ids_for_domain(term)
            if tenant_ids:
                matches.append(Q(tenant_id__in=tenant_ids))
        if not matches:
            return queryset.none(), False
        return queryset.filter(Q.create(matches, connector=Q.OR)), False

    def save_model(self, request, obj, form, change):
        """Apply a contact correction like a service write: lock the row, save only the
        changed fields, bump the version (an open partner form becomes stale) and audit it."""
        fields = [name for name in form.changed_data if name in self.editable_fields]
        if not change or not fields:
            return
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=obj.pk)
            before = {name: getattr(claim, name) for name in fields}
            for name in fields:
                setattr(claim, name, getattr(obj, name))
            claim.version += 1
            claim.save(update_fields=[*fields, "version", "updated_at"])
            audit_record(
                action="claims.claim.updated",
                actor=request.user,
                claim=claim,
                from_status=claim.status,
                to_status=claim.status,
                data={"fields": fields, "before": before, "via": "admin"},
            )
        obj.version, obj.updated_at = claim.version, claim.updated_at


@admin.register(PoeFile)
class PoeFileAdmin(ClaimRowAdminMixin, StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Never the file itself (no URL exists, and downloads go through the access-checked view).
    fields = ("claim_reference", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    list_display = ("original_name", "claim_reference", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    list_select_related = ("uploaded_by",)
    list_filter = (("uploaded_at", admin.DateFieldListFilter),)
    ordering = ("-id",)
    show_full_result_count = False
    search_fields = ("=sha256", "=claim__id")
    search_help_text = _("Claim reference or SHA-256 (the same file filed twice shares it).")

    def search_other(self, queryset, term):
        return queryset.filter(sha256=term.lower())


@admin.register(PendingUpload)
class PendingUploadAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Files kept for claim forms that came back with errors (claims.pending): read-only."""

    fields = ("name", "user", "partner", "state", "size", "sha256", "content_type", "claim", "created_at", "expires_at")
    readonly_fields = fields
    list_display = ("name", "user", "state", "size", "created_at", "expires_at")
    list_select_related = ("user",)
    list_filter = ("state",)
    ordering = ("-id",)
    show_full_result_count = False
    search_fields = ("=sha256",)
    search_help_text = _("SHA-256 of the file.")


@admin.register(Comment)
class CommentAdmin(ClaimRowAdminMixin, StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    fields = ("claim_reference", "author", "kind", "internal", "code", "data", "body", "created_at")
    readonly_fields = fields
    # Not __str__: it names the claim, which would cost a query per row.
    list_display = ("created_at", "claim_reference", "author", "kind", "internal", "code")
    list_select_related = ("author",)
    list_filter = ("kind", "internal", ("created_at", admin.DateFieldListFilter))
    ordering = ("-id",)
    show_full_result_count = False
    search_fields = ("=claim__id",)
    search_help_text = _("Claim reference.")
