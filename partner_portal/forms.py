"""Forms of the partner side. They only shape input: the rules live in ``claims.validation``
and ``claims.services``, and their issues are attached back to these fields by the views."""

from django import forms
from django.conf import settings
from django.forms import BoundField
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arbitration.services import ANSWER_REQUIRED
from claims import selectors
from claims.models import NAME_MAX_LENGTH, Activity, Claim
from claims.services import EDITABLE_AFTER_SUBMIT, NAME_REQUIRED
from claims.states import Status
from claims.uploads import ACCEPT, ALLOWED_TYPES_TEXT
from directory.models import Product, SolutionArea
from lib.forms import IdChoiceField, IdMultipleChoiceField
from lib.params import parse_id


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Emptiness and type are checked by ``claims.uploads``, so
    each refusal can name its file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}))
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not items:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def poe_help_text():
    return ngettext(
        "Allowed: %(types)s. Up to %(size)s per file, %(count)d file per claim.",
        "Allowed: %(types)s. Up to %(size)s per file, %(count)d files per claim. You can choose several.",
        settings.POE_MAX_FILES_PER_CLAIM,
    ) % {
        "types": ALLOWED_TYPES_TEXT,
        "size": filesizeformat(settings.POE_MAX_FILE_BYTES),
        "count": settings.POE_MAX_FILES_PER_CLAIM,
    }


class FileRefusal:
    """A refused file, shown on the PoE field like a validation issue (message, no advice)."""

    code = "file_refused"
    advice = ""
    warning = False
    params: dict = {}

    def __init__(self, message: str):
        self.message = message


class MpnChoiceField(IdChoiceField):
    def label_from_instance(self, mpn):
        enrolled = _("enrolled in an incentive program") if mpn.incentive_enrolled else _("not enrolled")
        parts = [f"{mpn.number} · {mpn.location} — {enrolled}"]
        if mpn.partner_type:
            parts.append(str(mpn.get_partner_type_display()))
        return " · ".join(parts)


class ClaimBoundField(BoundField):
    """A claim form field as ``templates/claims/_field.html`` draws it: the validation issues
    the views attach (``claims.validation``, refused files on an unbound form) make it invalid
    as form errors do — ``aria-invalid`` and its ``<auto_id>_error`` in ``aria-describedby`` —
    and a live check's region (``live_check``, set by ``enable_live_checks``) describes it too."""

    issues: list
    warnings: list
    live_check = ""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.issues and not (widget or self.field.widget).is_hidden:
            attrs["aria-invalid"] = "true"
        return attrs

    @property
    def aria_describedby(self):
        ids = [self.live_check] if self.live_check else []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(f"{self.auto_id}_helptext")
            if self.errors or self.issues:
                ids.append(f"{self.auto_id}_error")
        return " ".join(ids)


class ClaimForm(forms.Form):
    """The claim form for a new claim, a draft (every field) or a submitted claim (only
    ``services.EDITABLE_AFTER_SUBMIT``). Nothing but the claim's name is required: a draft may
    be incomplete, and submission runs ``claims.validation`` which reports each missing field.
    The name is what the partner knows the claim by, so even a draft has one."""

    bound_field_class = ClaimBoundField
    name = forms.CharField(
        label=_("Claim name"),
        max_length=NAME_MAX_LENGTH,
        error_messages={"required": NAME_REQUIRED},
        help_text=_(
            "Your company's name for the claim, shown in your claims list and in the e-mails about it, "
            "e.g. “Northwind – Dynamics 365 Sales rollout”. Microsoft sees it; other partners never do."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mpn = MpnChoiceField(
        label=_("MPN ID"),
        queryset=None,
        required=False,
        empty_label=_("Choose an MPN ID"),
        help_text=_(
            "The location that did the work. An MPN that is not enrolled in an incentive program earns no "
            "incentives for presales or usage."
        ),
    )
    customer_tenant_id = forms.CharField(
        label=_("Customer tenant ID"),
        max_length=64,
        required=False,
        help_text=_("A GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e. Ask your customer for it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "text"}),
    )
    customer_domain = forms.CharField(
        label=_("Customer domain"),
        max_length=253,
        required=False,
        help_text=_("A domain of that tenant, e.g. northwind.onmicrosoft.com or a verified custom domain."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    solution_area = forms.ChoiceField(
        label=_("Solution area"),
        required=False,
        choices=[("", _("Choose a solution area")), *SolutionArea.choices],
    )
    activity = forms.ChoiceField(label=_("Activity"), required=False, choices=())
    products = IdMultipleChoiceField(
        label=_("Products / workloads"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subscription_ref = forms.CharField(
        label=_("Subscription ID"),
        max_length=64,
        required=False,
        help_text=_(
            "The Dynamics 365 subscription you worked on (a GUID). You can leave it empty when the customer has "
            "exactly one eligible subscription for the product: the portal finds it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    customer_contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    customer_contact_title = forms.CharField(label=_("Title"), max_length=200, required=False)
    customer_contact_email = forms.EmailField(label=_("E-mail"), required=False)
    partner_contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    partner_contact_email = forms.EmailField(label=_("E-mail"), required=False)
    description = forms.CharField(
        label=_("Description of the work"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your company did for the customer, when, and with which products."),
    )
    filing_comment = forms.CharField(
        label=_("Comment for Microsoft (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Anything the reviewer should know. It becomes the first comment of the claim's conversation when you "
            "submit; your colleagues see it too."
        ),
    )
    poe = MultipleFileField(label=_("Proof of execution (PoE)"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, partner, claim: Claim | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.claim = claim
        self.fields["mpn"].queryset = selectors.partner_mpns(partner)
        self.fields["poe"].help_text = poe_help_text()
        self.after_submit = claim is not None and claim.status != Status.EDITING
        area = claim.solution_area if self.after_submit else self._value("solution_area")
        if area not in SolutionArea.values:
            area = ""
        self.area = area
        self._area_choices(area)
        if self.after_submit:
            for name in list(self.fields):
                if name not in EDITABLE_AFTER_SUBMIT and name not in ("poe", "version"):
                    del self.fields[name]
        for bound in self:
            bound.issues = []
            bound.warnings = []

    def _area_choices(self, area: str) -> None:
        """Offer only the area's activities and products. Any activity or active product is
        still *accepted*, so a stale choice (the area changed without "Update choices") reaches
        the submission rules and gets their message (activity_not_offered, product_wrong_area)
        instead of a generic "not a valid choice"; the stale choice stays visible, marked."""
        offered = [Activity(x) for x in selectors.area_activities(area)]
        placeholder = _("Choose an activity") if area else _("Choose a solution area first")
        activity_field = self.fields["activity"]
        activity_field.choices = [("", placeholder), *Activity.choices]
        shown = [("", placeholder)] + [(a.value, a.label) for a in offered]
        current = self._value("activity")
        if current in Activity.values and current not in {a.value for a in offered}:
            shown.append(
                (
                    current,
                    _("%(activity)s (not offered for this solution area)") % {"activity": Activity(current).label},
                )
            )
        activity_field.widget.choices = shown

        products_field = self.fields["products"]
        products_field.queryset = Product.objects.filter(is_active=True).order_by("name")
        in_area = list(selectors.area_products(area).values_list("pk", "name"))
        selected = {str(v) for v in self._values("products")}
        in_area_pks = {str(pk) for pk, _name in in_area}
        stale = [pk for pk in map(parse_id, selected - in_area_pks) if pk is not None]
        extra = (
            list(Product.objects.filter(pk__in=stale, is_active=True).values_list("pk", "name").order_by("name"))
            if stale
            else []
        )
        products_field.widget.choices = in_area + [
            (pk, _("%(product)s (not part of this solution area)") % {"product": name}) for pk, name in extra
        ]
        products_field.help_text = (
            _("Choose the products of the selected solution area.")
            if area
            else _("Choose a solution area first: its products and workloads appear here.")
        )

    def _values(self, name) -> list:
        if self.is_bound:
            return self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        value = self.initial.get(name) or []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def _value(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        value = self.initial.get(name, "")
        return value or ""

    def enable_live_checks(self):
        """HTMX attributes for the live per-field checks and the dependent fields. The page
        works without them: the server checks everything again on save and submit."""
        trigger = "change, keyup changed delay:500ms"
        live = {
            "customer_tenant_id": (
                "claims:check_tenant",
                "#tenant-check",
                "#id_customer_tenant_id, #id_customer_domain",
                trigger,
            ),
            "customer_domain": (
                "claims:check_tenant",
                "#tenant-check",
                "#id_customer_tenant_id, #id_customer_domain",
                trigger,
            ),
            "subscription_ref": (
                "claims:check_subscription",
                "#subscription-check",
                "#id_subscription_ref, #id_customer_tenant_id",
                trigger,
            ),
            "mpn": ("claims:check_mpn", "#mpn-check", "#id_mpn, #id_activity", "change"),
            "activity": ("claims:check_mpn", "#mpn-check", "#id_mpn, #id_activity", "change"),
            "solution_area": (
                "claims:form_fields",
                "#dependent-fields",
                "#id_solution_area, #id_activity, [name=products], #id_subscription_ref",
                "change",
            ),
        }
        # The input is described by its check's region too (the check speaks of the field).
        described = {"customer_tenant_id", "customer_domain", "subscription_ref", "mpn"}
        for name, (url, target, include, when) in live.items():
            if name in self.fields:
                if name in described:
                    self[name].live_check = target.removeprefix("#")
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": reverse(url),
                        "hx-target": target,
                        "hx-include": include,
                        "hx-trigger": when,
                        "hx-sync": "this:replace",
                    }
                )
        return self

    @property
    def shows_subscription(self) -> bool:
        return "subscription_ref" in self.fields and self.area == SolutionArea.BUSINESS_APPLICATIONS

    def service_data(self) -> dict:
        """Cleaned values for ``claim_create`` / ``claim_update`` (only the form's fields)."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name in ("poe", "version"):
                continue
            if name == "mpn" and value is None:
                continue  # a draft keeps its MPN; only a chosen one replaces it
            if name == "subscription_ref" and not self.shows_subscription:
                value = ""
            data[name] = list(value) if name == "products" else ("" if value is None else value)
        return data

    def attach_file_refusals(self, messages) -> None:
        """One refusal per refused file (or for the whole choice: too many, quota) on the PoE
        field: form errors on a bound form; on the unbound form of "Update choices" (which shows
        no field errors) they are listed like the validation issues."""
        if "poe" not in self.fields or not messages:
            return
        if self.is_bound:
            for message in messages:
                self.add_error("poe", str(message))
        else:
            self["poe"].issues.extend(FileRefusal(str(message)) for message in messages)

    @property
    def has_problems(self) -> bool:
        """Form errors or errors attached from the rules or the file checks."""
        return bool(self.errors) or any(bound.issues for bound in self)

    def summary_anchor(self, name: str) -> str:
        """The id the error summary links to: the field's input (the first box of a group)."""
        bound = self[name]
        if bound.widget_type == "checkboxselectmultiple":
            return f"{bound.auto_id}_0" if bound.field.widget.choices else f"field-{name}"
        return bound.id_for_label or f"field-{name}"

    def attach_issues(self, issues) -> list:
        """Put each validation issue (``claims.validation.Issue``) on its field; returns the ones
        that belong to no field of this form (shown at the top)."""
        general = []
        for issue in issues:
            name = issue.field
            if name in self.fields:
                bound = self[name]
                (bound.warnings if issue.warning else bound.issues).append(issue)
            else:
                general.append(issue)
        return general


class ClaimPageForm(forms.Form):
    """A form of the claim page, which shows several at once: its ids are its own,
    ``id_<id_prefix>-<field>`` as a prefix would make them, while its field names stay plain."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class CommentForm(ClaimPageForm):
    id_prefix = "comment"
    body = forms.CharField(
        label=_("Comment"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain text. Microsoft reviewers and your colleagues see it."),
    )


class ResubmitForm(ClaimPageForm):
    id_prefix = "resubmit"
    message = forms.CharField(
        label=_("Your answer to Microsoft"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you changed or provide the information requested."),
    )
    poe = MultipleFileField(label=_("Add PoE files (optional)"))


class WithdrawForm(ClaimPageForm):
    id_prefix = "withdraw"
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw this claim. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw the claim.")},
    )


class DisputeForm(ClaimPageForm):
    id_prefix = "dispute"
    justification = forms.CharField(
        label=_("Why is the rejection wrong?"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Explain what the reviewer missed. Add new PoE below if it helps."),
    )
    poe = MultipleFileField(label=_("Add PoE files (optional)"))


class EndForm(ClaimPageForm):
    id_prefix = "end"
    message = forms.CharField(
        label=_("Why does your company end this association?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, end the association. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you want to end the association.")},
    )


class PoeForm(ClaimPageForm):
    id_prefix = "add"
    poe = MultipleFileField(label=_("Add PoE files"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poe"].help_text = poe_help_text()
        self.fields["poe"].error_messages["required"] = _("Choose at least one file.")


# Field names as the error summary at the top of the form spells them (labels inside their
# fieldset are short: "Name", "E-mail").
SUMMARY_LABELS = {
    "name": _("Claim name"),
    "mpn": _("MPN ID"),
    "customer_tenant_id": _("Customer tenant ID"),
    "customer_domain": _("Customer domain"),
    "solution_area": _("Solution area"),
    "activity": _("Activity"),
    "products": _("Products / workloads"),
    "subscription_ref": _("Subscription ID"),
    "customer_contact_name": _("Customer contact name"),
    "customer_contact_title": _("Customer contact title"),
    "customer_contact_email": _("Customer contact e-mail"),
    "partner_contact_name": _("Partner contact name"),
    "partner_contact_email": _("Partner contact e-mail"),
    "description": _("Description of the work"),
    "filing_comment": _("Comment for Microsoft"),
    "poe": _("Proof of execution (PoE)"),
}


class CaseAnswerForm(forms.Form):
    """An approved incumbent's answer to Microsoft's request in arbitration (its claim stays
    approved while Microsoft decides the competing claims). Prefixed: the same page has the
    end-association form's ``message`` and the add-PoE form's ``poe``."""

    prefix = "answer"
    message = forms.CharField(
        label=_("Your answer to Microsoft"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Provide the information requested. Microsoft decides the competing claims with it."),
        error_messages={"required": ANSWER_REQUIRED},
    )
    poe = MultipleFileField(label=_("Add PoE files (optional)"))
