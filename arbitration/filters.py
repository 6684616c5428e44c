"""The case list's filters. Without a status the list shows open cases; invalid values are
reported on the form and ignored, never an error page."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseStatus
from claims.models import Activity
from claims.validation import parse_guid
from directory.models import TenantDomain

ME, UNASSIGNED, ANYONE = "me", "unassigned", "anyone"


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Customer"),
        method="filter_customer",
        max_length=253,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tenant ID, domain or name"), "autocomplete": "off"}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CaseStatus.choices,
        method="filter_status",
        empty_label=None,
        null_label=None,
    )
    activity = django_filters.ChoiceFilter(label=_("Activity"), choices=Activity.choices, empty_label=_("Any activity"))
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[(ANYONE, _("To anyone")), (ME, _("To me")), (UNASSIGNED, _("Unassigned"))],
        method="filter_assigned",
        empty_label=None,
    )

    class Meta:
        model = ArbitrationCase
        fields = ["q", "status", "activity", "assigned"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        # The defaults are real choices, so the form shows them selected.
        if not data.get("status"):
            data["status"] = CaseStatus.OPEN
        if not data.get("assigned"):
            data["assigned"] = ANYONE
        super().__init__(data, *args, **kwargs)

    @property
    def status_value(self) -> str:
        self.form.is_valid()  # cleaned_data keeps the valid fields of an invalid form
        return self.form.cleaned_data.get("status") or CaseStatus.OPEN

    @property
    def qs(self):
        qs = super().qs
        # An invalid status (ignored by the form) still shows open cases, never everything.
        if "status" in self.form.errors:
            qs = qs.filter(status=CaseStatus.OPEN)
        return qs

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value or CaseStatus.OPEN)

    def filter_assigned(self, queryset, name, value):
        if value == ME:
            return queryset.filter(assignee_id=getattr(self.request.user, "pk", None))
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_customer(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        guid = parse_guid(text)
        if guid is not None:
            return queryset.filter(tenant__tenant_id=guid)
        domains = TenantDomain.objects.filter(tenant_id=OuterRef("tenant_id"), domain__icontains=text)
        return queryset.filter(Q(tenant__name__icontains=text) | Exists(domains))
