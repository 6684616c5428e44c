"""The guidance beside the claim form's choices: claims/guidance.py and the two includes
(templates/claims/_guidance_mpn.html, _guidance_activity.html)."""

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from claims.guidance import (
    ACTIVITY_MEANINGS,
    AREA_NOTES,
    INCENTIVES_OVERVIEW_URL,
    NO_INCENTIVE_NOTE,
    activity_guidance,
)
from claims.models import ACTIVITIES_BY_AREA, INCENTIVE_ACTIVITIES, Activity
from directory.models import SolutionArea

BA, M365 = SolutionArea.BUSINESS_APPLICATIONS, SolutionArea.MICROSOFT_365


class _Text(HTMLParser):
    """The page's visible text, node by node."""

    def __init__(self):
        super().__init__()
        self.nodes = []

    def handle_data(self, data):
        if data.strip():
            self.nodes.append(data.strip())


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.nodes)


def render_activity(**context) -> str:
    return render_to_string("claims/_guidance_activity.html", context)


def render_mpn() -> str:
    return render_to_string("claims/_guidance_mpn.html", {})


# --- the facts --------------------------------------------------------------------------------


@pytest.mark.parametrize("area", SolutionArea.values)
def test_every_offered_activity_of_every_area_has_a_meaning(area):
    offered = ACTIVITIES_BY_AREA[area]
    assert offered
    for activity in offered:
        assert str(ACTIVITY_MEANINGS[(area, activity)]).strip()


def test_no_meaning_for_an_activity_an_area_does_not_offer():
    offered = {(area, activity) for area, activities in ACTIVITIES_BY_AREA.items() for activity in activities}
    assert set(ACTIVITY_MEANINGS) == offered


def test_rows_follow_the_models_offer_and_incentives():
    for group in activity_guidance(""):
        assert [row.activity for row in group.rows] == list(ACTIVITIES_BY_AREA[group.area])
        for row in group.rows:
            assert row.label == Activity(row.activity).label
            assert row.earns_incentives == (row.activity in INCENTIVE_ACTIVITIES)
            # Revenue association (no incentives) says so; the others carry no such note.
            assert row.note == ("" if row.earns_incentives else NO_INCENTIVE_NOTE)
    revenue = [row for group in activity_guidance("") for row in group.rows if row.note]
    assert [row.activity for row in revenue] == [Activity.REVENUE_ASSOCIATION]


def test_business_applications_is_limited_to_volume_licensing_and_web_direct():
    notes = {group.area: str(group.note) for group in activity_guidance("")}
    assert "Volume Licensing" in notes[BA] and "Web-Direct" in notes[BA]
    assert notes[M365] == ""  # the seed puts no purchase-channel condition on Microsoft 365
    assert set(AREA_NOTES) == {BA}


def test_without_an_area_every_area_in_catalog_order_none_chosen():
    for area in ("", None, "no_such_area"):
        groups = activity_guidance(area)
        assert [group.area for group in groups] == SolutionArea.values
        assert not any(group.chosen for group in groups)


def test_the_chosen_area_comes_first():
    groups = activity_guidance(M365)
    assert [(group.area, group.chosen) for group in groups] == [(M365, True), (BA, False)]
    assert activity_guidance(BA)[0].chosen


# --- the activity include -------------------------------------------------------------------


def test_activity_guidance_without_an_area_shows_every_area():
    for html in (render_activity(), render_activity(area="")):
        assert '<details class="guidance guidance-activity"' in html
        assert "<summary>Which activity do I choose?</summary>" in html
        assert "guidance-more" not in html  # nothing folded away
        assert html.count("<table") == 2
        assert html.index("<caption>Business Applications</caption>") < html.index("<caption>Microsoft 365</caption>")
        assert '<th scope="col">Activity</th>' in html
        assert '<th scope="row">Revenue association</th>' in html
        assert "earns no incentive payment" in html
        assert "Volume Licensing agreement or Web-Direct" in html
        assert 'aria-describedby="guidance-business_applications-note"' in html


def test_activity_guidance_with_an_area_shows_it_first_and_folds_the_others():
    html = render_activity(area=M365)
    chosen, more = html.index("<caption>Microsoft 365</caption>"), html.index('<details class="guidance-more">')
    assert chosen < more < html.index("<caption>Business Applications</caption>")
    assert "<summary>Activities of Business Applications</summary>" in html
    assert html.count("<details") == html.count("</details>") == 2
    assert html.count("<table") == 2  # the others are still there, without JavaScript

    html = render_activity(area=BA)
    assert html.index("<caption>Business Applications</caption>") < html.index('<details class="guidance-more">')
    assert "<summary>Activities of Microsoft 365</summary>" in html


def test_every_offered_activity_is_a_row_of_its_area():
    html = render_activity()
    for area, activities in ACTIVITIES_BY_AREA.items():
        table = re.search(rf'<table class="guidance-table" id="guidance-{area}".*?</table>', html, re.S).group(0)
        assert re.findall(r'data-activity="([a-z_]+)"', table) == list(activities)


# --- the MPN include ------------------------------------------------------------------------


def test_mpn_guidance():
    html = render_mpn()
    text = text_of(html)
    assert '<details class="guidance guidance-mpn"' in html
    assert "<summary>Which MPN ID do I choose?</summary>" in html
    assert "FRP FastTrack" in text
    assert "ask your global admin" in text
    assert "enrolled in an incentive program" in text
    assert f'href="{INCENTIVES_OVERVIEW_URL}"' in html
    assert 'rel="noopener noreferrer"' in html


# --- translations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "render", [render_mpn, render_activity, lambda: render_activity(area=BA), lambda: render_activity(area=M365)]
)
def test_renders_in_swedish(render):
    with translation.override("sv"):
        html = render()
        assert "<details" in html
    if render is not render_mpn:
        assert "Aktivitet" in html and "Förförsäljning" in html  # labels already in the catalog


@pytest.mark.parametrize("render", [render_mpn, render_activity, lambda: render_activity(area=M365)])
def test_every_word_shown_goes_through_gettext(render, monkeypatch):
    """With gettext marking what it returns, every visible word is marked: no text in the
    templates or in claims/guidance.py escapes translation."""
    real = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"⟦{real(message)}⟧")
    text = text_of(render())
    assert "⟦" in text
    while "⟦" in text:  # innermost first: a blocktranslate's placeholder is translated too
        text, count = re.subn(r"⟦[^⟦⟧]*⟧", "", text)
        assert count
    assert text.strip(" ()") == ""
