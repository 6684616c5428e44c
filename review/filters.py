"""The review queue's filters.

Every filter becomes a condition the database answers from an index — in particular the
SLA state is turned into a ``due_at`` range computed with the business-day calendar, not
evaluated row by row in Python. Invalid values are reported on the form and ignored.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Activity, Claim
from claims.references import claim_id_from_term
from claims.sla import DUE_SOON, ON_TRACK, OVERDUE, PAUSED, SLA_LABELS
from claims.states import AWAITING_REVIEWER, OPEN_STATUSES, Status
from claims.validation import parse_guid
from directory.models import CustomerTenant, SolutionArea
from lib.business_days import business_days_after
from partners.models import Mpn, Partner
from review.cursor import ASC, DESC
from review.params import ANYONE, ME, UNASSIGNED

SLA_CHOICES = [(state, SLA_LABELS[state]) for state in (ON_TRACK, DUE_SOON, OVERDUE, PAUSED)]
# The reviewer's clock runs in these states; in action_required it is paused.
RUNNING_STATUSES = AWAITING_REVIEWER
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25
MPN_RE = re.compile(r"^[0-9]{6,12}$")
MAX_NAME_MATCHES = 100  # customers whose name starts with the search text, at most


def _partner_choices():
    """The partner select's options, read once when the form is first drawn (never for an
    HTMX results request, which does not draw the form)."""
    cache = []

    def choices():
        if not cache:
            cache.extend([("", _("Any partner")), *Partner.objects.order_by("name").values_list("pk", "name")])
        return cache

    return choices


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_customer",
        max_length=253,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Claim name or reference, tenant ID, domain or customer"),
                "autocomplete": "off",
            }
        ),
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Status if s in OPEN_STATUSES],
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
    )
    solution_area = django_filters.ChoiceFilter(
        label=_("Solution area"), choices=SolutionArea.choices, empty_label=_("Any area")
    )
    activity = django_filters.ChoiceFilter(label=_("Activity"), choices=Activity.choices, empty_label=_("Any activity"))
    sla = django_filters.ChoiceFilter(
        label=_("Deadline"), choices=SLA_CHOICES, method="filter_sla", empty_label=_("Any deadline")
    )
    competing = django_filters.ChoiceFilter(
        label=_("Competing"),
        choices=[("yes", _("Competing")), ("no", _("Not competing"))],
        method="filter_competing",
        empty_label=_("Competing or not"),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[(ME, _("To me")), (UNASSIGNED, _("Unassigned")), (ANYONE, _("To anyone"))],
        method="filter_assigned",
        empty_label=_("Assigned or not"),
    )
    partner = IdFilter(label=_("Partner"), field_name="partner_id", min_value=1, max_value=2**63 - 1)
    mpn = django_filters.CharFilter(
        label=_("MPN ID"),
        method="filter_mpn",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 10}),
    )
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"), method="filter_submitted_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted until"), method="filter_submitted_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    # Not filters: how the page is read. Unknown values fall back to the defaults.
    order = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[(ASC, _("Most urgent first")), (DESC, _("Least urgent first"))],
        method="keep",
        empty_label=None,
    )
    per = django_filters.ChoiceFilter(
        label=_("Rows per page"),
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
        method="keep",
        empty_label=None,
    )

    class Meta:
        model = Claim
        fields = []

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        self.filters["partner"].extra["widget"] = forms.Select(choices=_partner_choices())

    # --- reading options ------------------------------------------------------------

    def cleaned(self, name, default=None):
        """A valid value of the field, else ``default`` (invalid values are ignored)."""
        if not self.is_bound or not self.form.is_valid() and name in self.form.errors:
            return default
        value = self.form.cleaned_data.get(name)
        return default if value in (None, "", []) else value

    @property
    def ordering(self) -> str:
        return self.cleaned("order", ASC)

    @property
    def page_size(self) -> int:
        return int(self.cleaned("per", DEFAULT_PAGE_SIZE))

    # --- filter methods -------------------------------------------------------------

    def keep(self, queryset, name, value):
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def filter_sla(self, queryset, name, value):
        now = self.now
        if value == PAUSED:
            return queryset.filter(status=Status.ACTION_REQUIRED)
        running = queryset.filter(status__in=RUNNING_STATUSES)
        # Same boundaries as claims.sla.sla_info: overdue at the deadline; due soon while less
        # than one whole business day is left.
        one_day = business_days_after(now, 1)
        if value == OVERDUE:
            return running.filter(due_at__lte=now)
        if value == DUE_SOON:
            return running.filter(due_at__gt=now, due_at__lt=one_day)
        if value == ON_TRACK:
            return running.filter(due_at__gte=one_day)
        return queryset

    def filter_competing(self, queryset, name, value):
        return queryset.filter(is_competing=(value == "yes"))

    def filter_assigned(self, queryset, name, value):
        if value == ME:
            return queryset.filter(assignee_id=self.request.user.pk)
        if value == UNASSIGNED:
            return queryset.filter(assignee__isnull=True)
        if value == ANYONE:
            return queryset.filter(assignee__isnull=False)
        return queryset

    def filter_mpn(self, queryset, name, value):
        """An exact MPN ID. Resolved to its (unique) row first, so the queue is read through
        the partner's index in deadline order instead of sorting every claim of the MPN."""
        value = value.strip()
        found = (
            Mpn.objects.filter(number=value).values_list("pk", "partner_id").first() if MPN_RE.match(value) else None
        )
        if found is None:
            return queryset.none()
        mpn_id, partner_id = found
        return queryset.filter(partner_id=partner_id, mpn_id=mpn_id)

    def filter_customer(self, queryset, name, value):
        """A tenant ID (exact, when the text is a GUID), else the claim's reference
        (``CPOR-000042``, ``cpor42`` or ``42``), the start of the claim's name (any case), the
        start of the customer's domain (stored lower-case) or, for text without a dot, of the
        customer's name.

        Each is an index lookup (the claim's id, ``claim_name_upper_idx``,
        ``claim_queue_domain_idx``, the tenant's): the planner ORs them and sorts the few
        matches, whatever the queue's size. The claim's name is matched from its start, not
        anywhere in it: a substring would read every claim of the queue (see the index).
        Matching customer names are resolved to tenant ids first (one small query): the queue
        query then combines indexed conditions the planner can estimate, instead of a subquery
        it cannot (which made a search without matches scan the whole queue)."""
        value = value.strip()
        if not value:
            return queryset
        guid = parse_guid(value)
        if guid is not None:
            return queryset.filter(tenant__tenant_id=guid)
        matches = Q(customer_domain__startswith=value.lower()) | Q(name__istartswith=value)
        claim_id = claim_id_from_term(value)
        if claim_id is not None:
            matches |= Q(pk=claim_id)
        if "." in value:
            return queryset.filter(matches)
        tenants = list(
            CustomerTenant.objects.filter(name__istartswith=value)
            .order_by()
            .values_list("pk", flat=True)[:MAX_NAME_MATCHES]
        )
        return queryset.filter(matches | Q(tenant_id__in=tenants)) if tenants else queryset.filter(matches)

    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=_start_of_day(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=_start_of_day(value + dt.timedelta(days=1)))
