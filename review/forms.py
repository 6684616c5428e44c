"""The reviewer's action forms. Each carries the claim's ``version`` as it was when the form
was drawn, so a decision on a claim that changed meanwhile is refused (claims.errors.ClaimChanged)
instead of applied to something the reviewer has not seen."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP
from claims.models import InfoRequestReason, RejectionReason
from claims.services import (
    COMMENT_REQUIRED,
    MAX_COMMENT_LENGTH,
    MESSAGE_REQUIRED,
    REASONS_REQUIRED,
    REJECTION_REASON_REQUIRED,
    REVERT_REASON_REQUIRED,
)
from lib.forms import IdChoiceField

PARTNER, INTERNAL = "partner", "internal"


def reviewers_queryset():
    """Active reviewers and leads, for assignment selects."""
    groups = Group.objects.filter(name__in=[REVIEWERS_GROUP, REVIEW_LEADS_GROUP])
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups)
        .distinct()
        .order_by("first_name", "last_name", "username")
        .only("pk", "username", "first_name", "last_name")
    )


class ReviewerChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class VersionedForm(forms.Form):
    """The screen shows several of these at once: each has its own ids, ``id_<id_prefix>-<field>``
    as a prefix would make them, while the field names stay plain."""

    id_prefix = ""
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, claim=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
        if claim is not None and not self.is_bound:
            self.initial.setdefault("version", claim.version)
        self.claim = claim


class StartReviewForm(VersionedForm):
    id_prefix = "start"


class AssignForm(VersionedForm):
    """Without ``assignee`` the reviewer takes the claim; leads may pick anyone (or nobody)."""

    id_prefix = "assign"
    assignee = ReviewerChoiceField(
        queryset=reviewers_queryset(), required=False, label=_("Assign to"), empty_label=_("— Unassigned —")
    )
    to_me = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.claim is not None and not self.is_bound:
            self.initial.setdefault("assignee", self.claim.assignee_id)  # the select shows who has it


class RequestInfoForm(VersionedForm):
    id_prefix = "info"
    reasons = forms.MultipleChoiceField(
        label=_("What is missing"),
        choices=InfoRequestReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": REASONS_REQUIRED},
    )
    message = forms.CharField(
        label=_("Message to the partner"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": MESSAGE_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.SERVICE_DAYS_PARTNER_ANSWER
        self.fields["message"].help_text = ngettext(
            "Say exactly what the partner should provide. The partner has %(days)d business day to answer.",
            "Say exactly what the partner should provide. The partner has %(days)d business days to answer.",
            days,
        ) % {"days": days}


class ApproveForm(VersionedForm):
    id_prefix = "approve"
    message = forms.CharField(
        label=_("Message to the partner (optional)"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(VersionedForm):
    id_prefix = "reject"
    # Competing claims are decided on their arbitration case, never here.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason"))]
        + [
            (value, label)
            for value, label in RejectionReason.choices
            if value != RejectionReason.COMPETING_CLAIM_AWARDED
        ],
        error_messages={"required": REJECTION_REASON_REQUIRED},
    )
    message = forms.CharField(
        label=_("Message to the partner"),
        max_length=MAX_COMMENT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RevertForm(VersionedForm):
    id_prefix = "revert"
    reason = forms.CharField(
        label=_("Why is the decision reverted?"),
        max_length=MAX_COMMENT_LENGTH,
        # data-required: sent without the confirmation while empty (static/js/portal.js)
        widget=forms.Textarea(attrs={"rows": 3, "data-required": True}),
        help_text=_("An internal note: the partner is only told that the decision is being reviewed again."),
        error_messages={"required": REVERT_REASON_REQUIRED},
    )


class CommentForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=[(INTERNAL, _("Internal note (reviewers only)")), (PARTNER, _("Reply to partner"))],
        widget=forms.RadioSelect,
        initial=INTERNAL,
        required=False,  # no choice is an internal note: the safe default
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": COMMENT_REQUIRED},
    )

    def __init__(self, *args, conversation_open: bool = True, **kwargs):
        kwargs.setdefault("auto_id", "id_comment-%s")  # the screen's other forms have a message too
        super().__init__(*args, **kwargs)
        # A finished claim's conversation with the partner is closed (``claims.states``
        # "comment"): only internal notes are offered; the use case refuses a reply anyway.
        self.conversation_open = conversation_open
        if not conversation_open:
            self.fields["visibility"].choices = [(INTERNAL, _("Internal note (reviewers only)"))]

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("visibility", INTERNAL) != PARTNER


class BulkForm(forms.Form):
    ASSIGN_ME, ASSIGN, START = "assign_me", "assign", "start"
    action = forms.ChoiceField(
        label=_("With the selected claims"),
        choices=[
            (ASSIGN_ME, _("Assign to me")),
            (ASSIGN, _("Assign to the reviewer below")),
            (START, _("Start review")),
        ],
    )
    assignee = ReviewerChoiceField(
        queryset=reviewers_queryset(), required=False, label=_("Reviewer"), empty_label=_("— Choose a reviewer —")
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, lead=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not lead:
            self.fields["action"].choices = [c for c in self.fields["action"].choices if c[0] != self.ASSIGN]
            del self.fields["assignee"]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.ASSIGN and not data.get("assignee"):
            self.add_error("assignee", _("Choose the reviewer to assign the claims to."))
        return data
