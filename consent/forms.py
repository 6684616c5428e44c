"""The consent page's form: the customer's decision, and with a decline an optional reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consent.models import Decision
from consent.services import CHOOSE, MAX_REASON_LENGTH


class DecisionForm(forms.Form):
    # Which button was pressed; its absence or a made-up value is the form's error (not a
    # hidden field's, which the page could not show).
    decision = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why do you decline?"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Microsoft reads it; so does the partner, unless you tick the box below."),
    )
    private = forms.BooleanField(label=_("Show my reason to Microsoft only, not to the partner"), required=False)

    def clean_decision(self):
        value = self.cleaned_data["decision"]
        return value if value in Decision.values else ""

    def clean(self):
        data = super().clean()
        if not data.get("decision"):
            raise forms.ValidationError(CHOOSE)
        return data
