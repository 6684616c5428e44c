"""Counts in sentences are plural-aware (#14, item 9): every count shown goes through
``ngettext`` / ``{% blocktranslate count %}``, and status words inside sentences are lower-case.

English is checked word for word, singular and plural. For Swedish each plural msgid is
checked against the catalog: once the translators have added it, ``ngettext`` under ``sv``
must give the catalog's own singular and plural forms (and the msgid must not exist as a
plain, count-less entry); until then it falls back to the English forms. ``PLURAL_MSGIDS``
lists the msgids this applies to."""

import pytest
from django.utils import translation
from django.utils.translation import ngettext, trans_real

from claims.errors import InvalidTransition
from claims.sla import DUE_SOON, ON_TRACK, OVERDUE, PAUSED, SlaInfo
from claims.states import Status, status_in_sentence
from claims.templatetags import claims_tags
from claims.transitions import require_allowed
from review import views as review_views
from review.forms import BulkForm

# (singular, plural) msgids of counts, as in the code and templates (templates write
# ``%(n)s`` for ``{{ n }}``).
PLURAL_MSGIDS = [
    ("%(n)d business day left", "%(n)d business days left"),
    ("Overdue by %(n)d business day", "Overdue by %(n)d business days"),
    ("Paused · %(n)d day left", "Paused · %(n)d days left"),
    ("%(n)d claim assigned to you.", "%(n)d claims assigned to you."),
    ("%(n)d claim assigned to %(name)s.", "%(n)d claims assigned to %(name)s."),
    ("%(n)d claim unassigned.", "%(n)d claims unassigned."),
    ("Review started on %(n)d claim.", "Review started on %(n)d claims."),
    (
        "%(n)d claim skipped: it changed since the queue was drawn, or the action does not apply to it.",
        "%(n)d claims skipped: they changed since the queue was drawn, or the action does not apply to them.",
    ),
    ("%(n)d draft discarded.", "%(n)d drafts discarded."),
    (
        "%(n)d draft was kept: it changed after the list was shown. Look at it again first.",
        "%(n)d drafts were kept: they changed after the list was shown. Look at them again first.",
    ),
    ("Discard this draft?", "Discard these %(n)s drafts?"),
    ("Discard %(n)s draft", "Discard %(n)s drafts"),
    ("The latest entry of %(total)s.", "The latest %(n)s of %(total)s entries."),
    ("The latest %(n)s event.", "The latest %(n)s events."),
    ("%(n)d PoE file added.", "%(n)d PoE files added."),
]


class _Named:
    def __init__(self, name):
        self.display_name = name


def sla_text(state, days):
    return claims_tags._sla_text(SlaInfo(state, None, days, ""))


@pytest.mark.parametrize(
    ("state", "days", "english"),
    [
        (ON_TRACK, 5, "5 business days left"),
        (DUE_SOON, 1, "1 business day left"),
        (DUE_SOON, 0, "Due within a business day"),
        (OVERDUE, -1, "Overdue by 1 business day"),
        (OVERDUE, -3, "Overdue by 3 business days"),
        (OVERDUE, 0, "Overdue"),
        (PAUSED, 1, "Paused · 1 day left"),
        (PAUSED, 4, "Paused · 4 days left"),
    ],
)
def test_the_sla_clock_in_english(state, days, english):
    with translation.override("en"):
        assert sla_text(state, days) == english


def test_the_sla_clock_in_swedish():
    # These plural entries are in the Swedish catalog already.
    with translation.override("sv"):
        assert sla_text(ON_TRACK, 5) == "5 arbetsdagar kvar"
        assert sla_text(DUE_SOON, 1) == "1 arbetsdag kvar"
        assert sla_text(OVERDUE, -1) == "Försenat med 1 arbetsdag"
        assert sla_text(OVERDUE, -2) == "Försenat med 2 arbetsdagar"


@pytest.mark.parametrize(
    ("action", "done", "skipped", "assignee", "english"),
    [
        (BulkForm.ASSIGN_ME, 1, 0, "me", "1 claim assigned to you."),
        (BulkForm.ASSIGN_ME, 4, 0, "me", "4 claims assigned to you."),
        (BulkForm.ASSIGN, 3, 0, "Johan Ek", "3 claims assigned to Johan Ek."),
        (BulkForm.ASSIGN, 1, 0, "Johan Ek", "1 claim assigned to Johan Ek."),
        (BulkForm.ASSIGN, 2, 0, None, "2 claims unassigned."),
        (BulkForm.START, 2, 0, "me", "Review started on 2 claims."),
        (BulkForm.START, 1, 0, "me", "Review started on 1 claim."),
        (
            BulkForm.START,
            1,
            1,
            "me",
            "Review started on 1 claim. 1 claim skipped: it changed since the queue was drawn, or the action "
            "does not apply to it.",
        ),
        (
            BulkForm.ASSIGN_ME,
            0,
            2,
            "me",
            "No claim was changed. 2 claims skipped: they changed since the queue was drawn, or the action does not "
            "apply to them.",
        ),
    ],
)
def test_bulk_actions_say_what_was_done(action, done, skipped, assignee, english):
    me = _Named("Rita Reviewer")
    who = me if assignee == "me" else (None if assignee is None else _Named(assignee))
    with translation.override("en"):
        assert review_views.bulk_outcome(action, done=done, skipped=skipped, assignee=who, user=me) == english


def test_every_count_goes_through_ngettext(monkeypatch):
    """The texts above are built with ``ngettext`` and exactly these msgids."""
    seen = []

    def recording(singular, plural, number):
        seen.append((singular, plural))
        return ngettext(singular, plural, number)

    monkeypatch.setattr(claims_tags, "ngettext", recording)
    monkeypatch.setattr(review_views, "ngettext", recording)
    me = _Named("Rita Reviewer")
    with translation.override("en"):
        sla_text(ON_TRACK, 2)
        sla_text(OVERDUE, -2)
        sla_text(PAUSED, 2)
        for action in (BulkForm.ASSIGN_ME, BulkForm.START):
            review_views.bulk_outcome(action, done=2, skipped=1, assignee=me, user=me)
        review_views.bulk_outcome(BulkForm.ASSIGN, done=2, skipped=0, assignee=_Named("Johan Ek"), user=me)
        review_views.bulk_outcome(BulkForm.ASSIGN, done=2, skipped=0, assignee=None, user=me)
    assert set(seen) <= set(PLURAL_MSGIDS)
    assert len(set(seen)) == 8


@pytest.mark.parametrize(("singular", "plural"), PLURAL_MSGIDS)
def test_swedish_uses_the_catalogs_plural_forms(singular, plural):
    catalog = trans_real.translation("sv")._catalog
    values = {"n": 2, "total": 9, "name": "Johan Ek"}
    with translation.override("sv"):
        one, two = ngettext(singular, plural, 1), ngettext(singular, plural, 2)
    assert singular not in catalog, f"{singular!r} is translated without its plural"
    if (singular, 0) in catalog:
        assert (one, two) == (catalog[(singular, 0)], catalog[(singular, 1)])
        assert two % values  # the translation keeps the placeholders
    else:  # not translated yet: the English forms
        assert (one, two) == (singular, plural)


@pytest.mark.parametrize(
    ("language", "status", "word"),
    [
        ("en", Status.APPROVED, "approved"),
        ("en", Status.ACTION_REQUIRED, "partner action required"),
        ("en", Status.UNDER_REVIEW, "under review"),
        ("sv", Status.APPROVED, "godkänt"),
        ("sv", Status.ACTION_REQUIRED, "åtgärd krävs av partner"),
        ("sv", Status.EDITING, "utkast"),
    ],
)
def test_status_words_inside_sentences_are_lower_case(language, status, word):
    with translation.override(language):
        assert status_in_sentence(status) == word
        assert claims_tags.status_in_sentence(status) == word
        assert status_in_sentence("no-such-status") == "no-such-status"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "This action is not possible while the claim is “approved”."),
        ("sv", "Den här åtgärden är inte möjlig när anspråket har statusen ”godkänt”."),
    ],
)
def test_a_refused_action_names_the_status_in_lower_case(language, sentence):
    class Approved:
        status = Status.APPROVED
        disputed_once = False
        dispute_until = None

    with translation.override(language), pytest.raises(InvalidTransition) as refused:
        require_allowed(claim=Approved(), action="edit")
    assert str(refused.value.message) == sentence
