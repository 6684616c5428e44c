"""The audit log in the admin: view only, newest first, searched by what an operator has in
hand (a claim or case reference, an action, a user name)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from arbitration.admin import case_id_from_term, case_link
from arbitration.models import CaseStatus
from audit.models import AuditEvent
from claims.models import EndReason, InfoRequestReason, RejectionReason
from claims.references import claim_admin_link, claim_id_from_term
from claims.states import Status
from lib.admin import ReadOnlyAdminMixin, StrictAdminMixin

# Labels of the codes an event stores: statuses (a claim's or a case's) and reasons.
STATUS_LABELS = {**dict(CaseStatus.choices), **dict(Status.choices)}
REASON_LABELS = {**dict(InfoRequestReason.choices), **dict(RejectionReason.choices), **dict(EndReason.choices)}


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def reason_label(codes: str) -> str:
    """The labels of a stored reason code (an information request's are comma-separated)."""
    return "; ".join(str(REASON_LABELS.get(code, code)) for code in codes.split(",") if code)


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
        "consent": _("Customer consent"),
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
class AuditEventAdmin(StrictAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Labels, not codes ("Claim rejected", "Under review → Rejected"); the codes are on the event's page.
    list_display = (
        "created_at",
        "action_label",
        "actor",
        "claim_reference",
        "case_reference",
        "status_change",
        "reason",
    )
    list_select_related = ("actor",)
    list_filter = (ActionAreaFilter, ActorKindFilter, ("created_at", admin.DateFieldListFilter))
    ordering = ("-id",)
    show_full_result_count = False
    fields = (
        "created_at",
        "action_label",
        "action",
        "actor",
        "claim_reference",
        "case_reference",
        "status_change",
        "from_status",
        "to_status",
        "reason",
        "reason_code",
        "data",
    )
    readonly_fields = fields
    search_fields = ("=claim__id", "=case__id", "^action", "=actor__username")
    search_help_text = _("Claim reference (CPOR-…), case reference (ARB-…), the start of an action, or a user name.")

    class Media:
        css = {"all": ("admin-cpor/changelists.css",)}

    @admin.display(description=_("claim"), ordering="claim_id")
    def claim_reference(self, obj):
        return claim_admin_link(obj.claim_id)

    @admin.display(description=_("arbitration case"), ordering="case_id")
    def case_reference(self, obj):
        return case_link(obj.case_id)

    @admin.display(description=_("what happened"), ordering="action")
    def action_label(self, obj):
        return obj.action_label

    @admin.display(description=_("status change"))
    def status_change(self, obj):
        if not obj.from_status and not obj.to_status:
            return None
        if obj.from_status == obj.to_status:
            return status_label(obj.to_status)
        return f"{status_label(obj.from_status) if obj.from_status else '–'} → {status_label(obj.to_status)}"

    @admin.display(description=_("reason"))
    def reason(self, obj):
        return reason_label(obj.reason_code) or None

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
