"""The partner's "My claims" filters (django-filter). Visibility is applied by the selector
before the filter set sees the queryset: these filters only narrow a company's own claims."""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims.models import Activity, Claim
from claims.states import Status
from directory.models import SolutionArea

_REFERENCE = re.compile(r"^(?:cpor-?)?0*(\d{1,12})$", re.IGNORECASE)


def search_q(value: str) -> Q:
    """Free text over the claim's name, its reference number, the customer's name, domain and
    tenant ID: any part of them, in any case. One company's claims only (the selector filters
    the partner first), so the text is looked for in those rows. A reference written as one
    (``CPOR-000123``, ``cpor123``) is looked up by its id alone: no other field holds it, and
    the lookup is one row where the text search reads every claim of the company (0.5 s at
    200,000 claims); a bare number is looked for everywhere (a tenant ID may hold it)."""
    value = (value or "").strip()[:200]
    if not value:
        return Q()
    match = _REFERENCE.match(value)
    if match and value[:4].upper() == "CPOR":
        return Q(pk=int(match.group(1)))
    q = (
        Q(name__icontains=value)
        | Q(customer_domain__icontains=value)
        | Q(customer_tenant_id__icontains=value)
        | Q(tenant__name__icontains=value)
    )
    if match:
        q |= Q(pk=int(match.group(1)))
    return q


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Claim name, reference, customer, domain or tenant ID"),
                "maxlength": 200,
            }
        ),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, empty_label=_("Any status"))
    solution_area = django_filters.ChoiceFilter(
        label=_("Solution area"), choices=SolutionArea.choices, empty_label=_("Any area")
    )
    activity = django_filters.ChoiceFilter(label=_("Activity"), choices=Activity.choices, empty_label=_("Any activity"))
    customer = django_filters.CharFilter(
        label=_("Customer"),
        method="filter_customer",
        widget=forms.TextInput(attrs={"placeholder": _("Name or domain"), "maxlength": 200}),
    )
    created_from = django_filters.DateFilter(
        label=_("Created from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    created_to = django_filters.DateFilter(
        label=_("Created to"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Claim
        fields = ["q", "status", "solution_area", "activity", "customer", "created_from", "created_to"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))

    def filter_customer(self, queryset, name, value):
        value = (value or "").strip()[:200]
        if not value:
            return queryset
        return queryset.filter(Q(tenant__name__icontains=value) | Q(customer_domain__icontains=value))
