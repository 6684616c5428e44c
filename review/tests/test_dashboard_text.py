"""What the dashboard says (#22, item 10): each data table has its own caption and its own
summary, counts are plural-aware whole sentences, and the stacked series of the reviewer chart
are told apart without their hue (≥ 3:1 between neighbours, ≥ 3:1 against the card)."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext, trans_real

from arbitration.models import ArbitrationCase
from claims import services
from claims.states import Status
from claims.tests.factories import TenantFactory
from review import dashboard
from review.tests.helpers import queue_claim, under_review
from tests.helpers import login

URL = reverse("review:dashboard")
CSS = settings.BASE_DIR / "static" / "css" / "portal.css"
# The dashboard's counts in sentences, as makemessages extracts them from the template.
TILE = '<span class="n">%(shown)s</span> '
PLURAL_MSGIDS = [
    (TILE + "claim in the queue", TILE + "claims in the queue"),
    (TILE + "overdue", TILE + "overdue"),
    (TILE + "arbitration case open", TILE + "arbitration cases open"),
    (TILE + "decision in the last %(weeks)s weeks", TILE + "decisions in the last %(weeks)s weeks"),
    ("Week of %(week)s: %(n)s decision.", "Week of %(week)s: %(n)s decisions."),
    ("%(name)s, week of %(week)s: %(n)s decision", "%(name)s, week of %(week)s: %(n)s decisions"),
]


class Texts(HTMLParser):
    """The text of every <caption>, <summary> and stat tile (<ul class="stats"> item)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.captions, self.summaries, self.tiles = [], [], []
        self._into = None
        self._in_stats = False

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and ("class", "stats") in attrs:
            self._in_stats = True
        elif tag in ("caption", "summary"):
            self._into = {"caption": self.captions, "summary": self.summaries}[tag]
            self._into.append("")
        elif tag == "li" and self._in_stats:
            self._into = self.tiles
            self._into.append("")

    def handle_endtag(self, tag):
        if tag in ("caption", "summary", "li"):
            self._into = None
        if tag == "ul":
            self._in_stats = False

    def handle_data(self, data):
        if self._into is not None:
            self._into[-1] += data


def texts(html):
    parser = Texts()
    parser.feed(html)
    squash = lambda items: [re.sub(r"\s+", " ", t).strip() for t in items]  # noqa: E731
    return squash(parser.captions), squash(parser.summaries), squash(parser.tiles)


def test_every_table_has_its_own_caption_and_summary(client, reviewer1):
    html = login(client, reviewer1).get(URL).content.decode()
    captions, summaries, _tiles = texts(html)
    assert len(captions) == len(summaries) == 4
    assert all(captions) and len(set(captions)) == 4
    assert len(set(summaries)) == 4 and "Data table" not in summaries
    assert summaries[0] == "Open claims by status as a table"
    # The sideways-scrolling table's region is named by its caption.
    assert 'role="region" aria-labelledby="c-rev-cap"' in html and '<caption id="c-rev-cap">' in html


def test_tiles_in_the_singular(client, lead, draft, contoso_admin, reviewer1):
    queue_claim(status=Status.SUBMITTED, due_in=-dt.timedelta(hours=2))
    services.claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)
    ArbitrationCase.objects.create(association_key="k", tenant=TenantFactory(), activity="usage")
    _c, _s, tiles = texts(login(client, lead).get(URL).content.decode())
    assert tiles == [
        "1 claim in the queue",
        "1 overdue",
        "1 arbitration case open",
        "1 decision in the last 10 weeks",
    ]


def test_tiles_in_the_plural(client, lead):
    html = login(client, lead).get(URL).content.decode()
    _c, _s, tiles = texts(html)
    assert tiles == [
        "0 claims in the queue",
        "0 overdue",
        "0 arbitration cases open",
        "0 decisions in the last 10 weeks",
    ]
    assert '<span class="n">0</span> claims in the queue' in html  # the number is drawn large


def test_week_sentences_are_whole(client, reviewer1, draft, contoso_admin):
    services.claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)
    html = login(client, reviewer1).get(URL).content.decode()
    label = client.get(URL).context["week_labels"][-1]
    assert f"Week of {label}: 100%." in html  # attainment, in the chart's description and bar
    assert f"Week of {label}: 1 decision." in html and "Week of" in html.split('id="c-rev-d"')[1]
    assert f"reviewer1, week of {label}: 1 decision</title>" in html


def test_no_two_reviewers_share_a_colour():
    reviewers = [(f"r{i}", [10 - i, 1]) for i in range(9)]
    series = dashboard.chart_series(reviewers)
    assert [name for name, _v in series] == ["r0", "r1", "r2", "r3", "r4", "Other reviewers"]
    assert series[-1][1] == [sum(10 - i for i in range(5, 9)), 4]
    legend = dashboard.stacked_chart(["a", "b"], series)["legend"]
    assert len({item["css"] for item in legend}) == len(legend)
    assert dashboard.chart_series(reviewers[:6]) == reviewers[:6]


def _luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def series_colours():
    found = dict(re.findall(r"\.series-(\d) \{ fill: #([0-9a-f]{6});", CSS.read_text()))
    return [found[str(i)] for i in range(dashboard.SERIES_CLASSES)]


def test_neighbouring_series_are_three_to_one_apart():
    colours = series_colours()
    for i, colour in enumerate(colours):
        following = colours[(i + 1) % len(colours)]  # series 6 would be series 0 again
        assert contrast(colour, following) >= 3, (i, colour, following)
        assert contrast(colour, "ffffff") >= 3, (i, colour)


@pytest.mark.parametrize("css", ["bar-submitted", "bar-under_review", "bar-disputed", "bar-action_required"])
def test_single_bars_stand_out_from_the_card(css):
    colour = re.search(rf"\.{css} \{{ fill: #([0-9a-f]{{6}});", CSS.read_text()).group(1)
    assert contrast(colour, "ffffff") >= 3


@pytest.mark.parametrize("i", range(4))
def test_age_bars_stand_out_from_the_card(i):
    colour = re.search(rf"\.bar-age-{i} \{{ fill: #([0-9a-f]{{6}});", CSS.read_text()).group(1)
    assert contrast(colour, "ffffff") >= 3


@pytest.mark.parametrize(("singular", "plural"), PLURAL_MSGIDS)
def test_swedish_uses_the_catalogs_plural_forms(singular, plural):
    """Once translated, Swedish gets its own singular and plural, the number still in its
    large-print span; until then, the English forms."""
    catalog = trans_real.translation("sv")._catalog
    with translation.override("sv"):
        one, two = ngettext(singular, plural, 1), ngettext(singular, plural, 2)
    assert singular not in catalog, f"{singular!r} is translated without its plural"
    if (singular, 0) in catalog:
        assert (one, two) == (catalog[(singular, 0)], catalog[(singular, 1)])
        for form in (one, two):
            assert form % {"shown": "2", "n": 2, "weeks": 10, "week": "16 nov", "name": "Johan Ek"}
            assert form.count('<span class="n">') == singular.count('<span class="n">')
    else:
        assert (one, two) == (singular, plural)


def test_the_tiles_use_these_msgids(client, lead):
    """The template says exactly what PLURAL_MSGIDS lists (a typo would go untranslated)."""
    html = login(client, lead).get(URL).content.decode()
    with translation.override("en"):
        for singular, plural in PLURAL_MSGIDS[:4]:
            expected = ngettext(singular, plural, 0) % {"shown": "0", "weeks": 10}
            assert expected in html
