"""The audit log in the admin: view only, newest first, searched by what an operator has in
hand (a claim or case reference, an action, a user name)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from arbitration.admin import case_id_from_term, case_link
from audit.models import AuditEvent
from claims.references import claim_admin_link, claim_id_from_term
from lib.admin import ReadOnlyAdminMixin


class ActionAreaFilter(admin.SimpleListFilter):
    """What the event is about: the first two parts of its dotted action. A fixed list, so
    the filter costs no ``SELECT DISTINCT`` over the whole log."""

    title = _("about")
    parameter_name = "area"
    AREAS = {
        "claims.claim": _("Claims"),
        "claims.comment": _("Comments"),
        "claims.poe": _("PoE files"),
        "arbitration.case": _("Arbitration cases"),
    }

    def lookups(self, request, model_admin):
        return list(self.AREAS.items())

    def queryset(self, request, queryset):
        if self.value() in self.AREAS:
            return queryset.filter(action__startswith=f"{self.value()}.")
        return queryset


class ActorKindFilter(admin.SimpleListFilter):
    title = _("actor")
    parameter_name = "by"

    def lookups(self, request, model_admin):
        return [("user", _("A user")), ("job", _("An automatic job"))]

    def queryset(self, request, queryset):
        if self.value() == "user":
            return queryset.filter(actor__isnull=False)
        if self.value() == "job":
            return queryset.filter(actor__isnull=True)
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "action",
        "actor",
        "claim_reference",
        "case_reference",
        "from_status",
        "to_status",
        "reason_code",
    )
    list_select_related = ("actor",)
    list_filter = (ActionAreaFilter, ActorKindFilter, ("created_at", admin.DateFieldListFilter))
    ordering = ("-id",)
    show_full_result_count = False
    fields = (
        "created_at",
        "action",
        "actor",
        "claim_reference",
        "case_reference",
        "from_status",
        "to_status",
        "reason_code",
        "data",
    )
    readonly_fields = fields
    search_fields = ("=claim__id", "=case__id", "^action", "=actor__username")
    search_help_text = _("Claim reference (CPOR-…), case reference (ARB-…), the start of an action, or a user name.")

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)

    @admin.display(description=_("arbitration case"), ordering="case_id")
    def case_reference(self, obj):
        return case_link(obj.case_id)

    def get_search_results(self, request, queryset, search_term):
        # Each branch is an index lookup: claim/case ids and actor (foreign keys), the action
        # prefix (indexed column). No scan of the whole log.
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = [Q(action__startswith=term.lower())]
        if term.upper().startswith("ARB"):
            case_id = case_id_from_term(term)
            if case_id is not None:
                matches.append(Q(case_id=case_id))
        else:
            claim_id = claim_id_from_term(term)
            if claim_id is not None:
                matches.append(Q(claim_id=claim_id))
        actor_ids = list(User.objects.filter(username=term).values_list("pk", flat=True))
        if actor_ids:
            matches.append(Q(actor_id__in=actor_ids))
        return queryset.filter(Q.create(matches, connector=Q.OR)), False
