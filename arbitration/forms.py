"""The case screen's action forms.

Each carries the case's ``version`` and the versions of the claims it acts on, as they were
when the screen was drawn: an action on a case or claim that changed meanwhile (another
reviewer's award, a partner's new PoE, a claim that joined) is refused instead of applied to
something the reviewer has not seen.
"""

from django import forms
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arbitration.services import AWARD_REASON_REQUIRED, PARTNERS_REQUIRED, REOPEN_REASON_REQUIRED
from claims.models import InfoRequestReason
from claims.services import MAX_COMMENT_LENGTH, MESSAGE_REQUIRED, REASONS_REQUIRED
from lib.params import parse_id, parse_int
from review.forms import ReviewerChoiceField, reviewers_queryset

DAMAGED = _("The form is damaged. Reload the case and try again.")


def encode_versions(claims) -> str:
    """``pk:version,pk:version`` for a hidden field."""
    return ",".join(f"{c.pk}:{c.version}" for c in claims)


def decode_versions(text: str) -> dict[int, int] | None:
    """The inverse of ``encode_versions``; ``None`` when the value is malformed."""
    versions = {}
    for part in (text or "").split(",")[:100]:
        pk, _sep, version = part.partition(":")
        pk, version = parse_id(pk), parse_int(version, minimum=1, maximum=2**31 - 1)
        if pk is None or version is None:
            return None
        versions[pk] = version
    return versions or None


def claim_choice(column, *, status: bool = False):
    """A claim as a choice of the case's forms: its partner, then (muted) its reference, its
    status if asked, and whether it is the incumbent."""
    details = [column.claim.reference]
    if status:
        details.append(str(column.claim.get_status_display()))
    if column.is_incumbent:
        details.append(str(_("incumbent")))
    return format_html('{} <span class="muted small">· {}</span>', column.claim.partner.name, " · ".join(details))


class CaseForm(forms.Form):
    """The screen shows several of these at once: each has its own ids, ``id_<id_prefix>-<field>``
    as a prefix would make them, while the field names stay plain."""

    id_prefix = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, case=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
        self.case = case
        if case is not None and not self.is_bound:
            self.initial.setdefault("version", case.version)

    def clean(self):
        data = super().clean()
        # Hidden fields have no place to show an error: say it once, at the top of the form.
        if any(self[name].is_hidden for name in self.errors if name in self.fields):
            self.add_error(None, DAMAGED)
        return data


class ClaimsForm(CaseForm):
    """A case form that also carries the versions of the case's claims."""

    claim_versions = forms.CharField(widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.all_columns = list(columns)
        if not self.is_bound:
            self.initial["claim_versions"] = encode_versions(c.claim for c in self.all_columns)

    def clean_claim_versions(self):
        versions = decode_versions(self.cleaned_data["claim_versions"])
        if versions is None:
            raise forms.ValidationError(DAMAGED)
        return versions


class AssignCaseForm(CaseForm):
    """Without ``assignee`` the reviewer takes the case; leads may pick anyone (or nobody)."""

    id_prefix = "assign"
    assignee = ReviewerChoiceField(
        queryset=reviewers_queryset(), required=False, label=_("Assign to"), empty_label=_("— Unassigned —")
    )
    to_me = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.case is not None and not self.is_bound:
            self.initial.setdefault("assignee", self.case.assignee_id)  # the select shows who has it


class RequestInfoCaseForm(ClaimsForm):
    """Ask one partner, several, or all of them at once."""

    id_prefix = "info"
    claims = forms.TypedMultipleChoiceField(
        label=_("Ask"),
        coerce=int,
        # data-ask-box: "Ask only this partner" ticks one of them (static/js/arbitration.js)
        widget=forms.CheckboxSelectMultiple(attrs={"data-ask-box": True}),
        error_messages={"required": PARTNERS_REQUIRED},
    )
    reasons = forms.MultipleChoiceField(
        label=_("What is missing"),
        choices=InfoRequestReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": REASONS_REQUIRED},
    )
    message = forms.CharField(
        label=_("Message to the partners"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": MESSAGE_REQUIRED},
    )

    def __init__(self, *args, preselect=None, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.SERVICE_DAYS_PARTNER_ANSWER
        self.fields["message"].help_text = ngettext(
            "Each partner receives this message in its own claim's comments and never learns who else was asked. "
            "Claims awaiting a decision wait on the partner for %(days)d business day.",
            "Each partner receives this message in its own claim's comments and never learns who else was asked. "
            "Claims awaiting a decision wait on the partner for %(days)d business days.",
            days,
        ) % {"days": days}
        self.columns = [c for c in self.all_columns if c.requestable]
        self.fields["claims"].choices = [(c.claim.pk, claim_choice(c, status=True)) for c in self.columns]
        if not self.is_bound:
            self.initial["claims"] = [c.claim.pk for c in self.columns if preselect in (None, c.claim.pk)]

    def chosen_versions(self) -> dict[int, int]:
        versions = self.cleaned_data["claim_versions"]
        return {pk: versions[pk] for pk in self.cleaned_data["claims"] if pk in versions}


class AwardForm(ClaimsForm):
    id_prefix = "award"
    winner = forms.TypedChoiceField(
        label=_("Winning claim"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the claim that wins.")},
    )
    reason = forms.CharField(
        label=_("Why this claim wins"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept with the case for reviewers. The other partners are told only that the claim was awarded to "
            "another partner."
        ),
        error_messages={"required": AWARD_REASON_REQUIRED},
    )
    # Shown only while a party still owes an answer (``waiting``): the award then needs it.
    despite_waiting = forms.BooleanField(label=_("Decide now, without waiting for these answers"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = [c for c in self.all_columns if c.awardable]
        self.fields["winner"].choices = [(c.claim.pk, claim_choice(c)) for c in self.columns]
        self.waiting = [c for c in self.all_columns if c.awaits_answer]


class ReopenForm(CaseForm):
    id_prefix = "reopen"
    reason = forms.CharField(
        label=_("Why is the case reopened?"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept with the case for reviewers. The claims that lost the award go back under review; the "
            "winner keeps its approval until the case is decided again."
        ),
        error_messages={"required": REOPEN_REASON_REQUIRED},
    )
