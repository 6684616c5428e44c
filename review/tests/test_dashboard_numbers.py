"""Numbers the browser reads — SVG coordinates, sizes in styles, numeric data attributes — are
never localised (#22, item 1). Swedish writes decimals with a comma ("31,6"), which SVG cannot
parse: the charts drew nothing and the console filled with errors. Every chart is rendered in
every shipped language, with data that makes fractional coordinates, and every numeric
attribute on the page must parse as a plain number."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from arbitration.models import ArbitrationCase
from claims import services
from claims.states import Status
from claims.tests.factories import TenantFactory
from review import dashboard
from review.tests.helpers import queue_claim, under_review
from tests.helpers import login

URL = reverse("review:dashboard")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
NUMBER = re.compile(r"-?\d+(\.\d+)?")
# Attributes whose value is one number (or, for viewBox and points, a list of them).
NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height"}
NUMERIC |= {"stroke-width", "font-size", "opacity", "offset", "colspan", "rowspan"}
NUMBER_LISTS = {"viewbox", "points"}  # html.parser lower-cases attribute names
# A length in a style ("width: 31.6%"), in any unit.
STYLE_NUMBER = re.compile(r"-?[\d.,]+(?=[a-z%]*\b)")


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.found.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def attributes(html: str) -> list[tuple[str, str, str]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def unparsable(found) -> list[str]:
    """Every numeric attribute, style length or number-like data attribute that does not
    parse as a float (a decimal comma, a thousands separator, an empty value)."""
    bad = []
    for tag, name, value in found:
        if name in NUMERIC:
            ok = NUMBER.fullmatch(value.strip()) is not None
        elif name in NUMBER_LISTS:
            ok = all(NUMBER.fullmatch(part) for part in value.split()) and "," not in value
        elif name == "style":
            lengths = [m.group() for m in STYLE_NUMBER.finditer(value)]
            ok = all(NUMBER.fullmatch(n) for n in lengths)
        elif name.startswith("data-") and re.fullmatch(r"[-\d\s\u00a0.,]*\d[-\d\s\u00a0.,]*", value):
            ok = NUMBER.fullmatch(value) is not None
        else:
            continue
        if not ok:
            bad.append(f'<{tag} {name}="{value}">')
    return bad


@pytest.fixture
def busy_queue(reviewer1, draft, contoso_admin):
    """Counts that fall between the axis lines (fractional heights), bars in slots of
    fractional width, one decision this week and an open arbitration case."""
    for status, n in ((Status.SUBMITTED, 3), (Status.UNDER_REVIEW, 1), (Status.ACTION_REQUIRED, 2)):
        for _ in range(n):
            queue_claim(status=status)
    services.claim_approve(claim=under_review(draft, contoso_admin, reviewer1), user=reviewer1)
    ArbitrationCase.objects.create(association_key="k", tenant=TenantFactory(), activity="usage")


def test_the_swedish_locale_would_write_a_decimal_comma():
    """What the test guards against: a float in a template under Swedish."""
    with translation.override("sv"):
        assert Template("{{ x }}").render(Context({"x": 31.6})) == "31,6"


@pytest.mark.parametrize("language", LANGUAGES)
def test_whole_numbers_are_written_without_grouping(language):
    """Other templates put ids and versions into attributes (``data-ask="{{ claim.pk }}"``,
    ``value="{{ claim.pk }}:{{ claim.version }}"``): whole numbers, safe only while Django
    groups no digits ("1 234 567" in Swedish). Turning USE_THOUSAND_SEPARATOR on would break them."""
    assert not settings.USE_THOUSAND_SEPARATOR
    with translation.override(language):
        assert Template("{{ n }}").render(Context({"n": 1234567})) == "1234567"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chart_attribute_parses_in_every_language(client, lead, busy_queue, language, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60  # the second request is drawn from the cached figures
    lead.language = language
    lead.save(update_fields=["language"])
    login(client, lead)
    for _drawn_or_cached in range(2):
        html = client.get(URL).content.decode()
        assert f'lang="{language}"' in html
        assert html.split("<main")[1].count("<svg") == 4
        found = attributes(html)
        assert not unparsable(found), f"numbers written for {language}: {unparsable(found)[:10]}"
        # The data did make fractions: otherwise the test would prove nothing.
        svg_values = [v for _t, name, v in found if name in NUMERIC and "." in v]
        assert len(svg_values) > 20
        # Every chart has drawn bars.
        for chart in html.split('<section class="card chart"')[1:]:
            assert '<rect class="bar' in chart


@pytest.mark.parametrize("language", LANGUAGES)
def test_chart_geometry_is_written_for_svg(language):
    with translation.override(language):
        chart = dashboard.bar_chart([("a", 1, ""), ("b", 3, ""), ("c", None, "")])
        stacked = dashboard.stacked_chart(["w1", "w2", "w3"], [("r1", [1, 0, 2]), ("r2", [2, 1, 0])])
    numbers = [chart["width"], chart["height"], chart["base_y"], chart["label_y"]]
    numbers += [getattr(b, name) for b in chart["bars"] for name in ("x", "y", "width", "height", "cx")]
    numbers += [t["y"] for t in chart["ticks"] + stacked["ticks"]]
    numbers += [s[name] for s in stacked["stacks"] for name in ("x", "width", "total_y", "center")]
    numbers += [p[name] for s in stacked["stacks"] for p in s["parts"] for name in ("y", "height")]
    assert all(isinstance(n, str) and NUMBER.fullmatch(n) for n in numbers), numbers
    assert any("." in n for n in numbers)
    assert [b.filled for b in chart["bars"]] == [True, True, False]  # no bar of no height


@pytest.mark.parametrize(("value", "text"), [(31.6, "31.6"), (31.64, "31.6"), (40.0, "40"), (0, "0"), (-0.04, "0")])
def test_svg_number(value, text):
    with translation.override("sv"):
        assert dashboard.svg_number(value) == text


def test_tick_labels_are_read_by_people_so_they_are_localised():
    with translation.override("sv"):
        ticks = dashboard.bar_chart([("a", 12, "")], maximum=15)["ticks"]
        percent = dashboard.bar_chart([("a", 50, "")], maximum=100, percent=True)["ticks"]
    assert [t["text"] for t in ticks] == ["0", "15"]  # no 7.5-claim line on a count axis
    assert [t["text"] for t in percent] == ["0%", "50%", "100%"]
    with translation.override("sv"):
        assert dashboard.bar_chart([("a", 1, "")], maximum=2.5, percent=True)["ticks"][1]["text"] == "1,25%"


def test_unparsable_finds_what_a_localised_template_writes():
    html = (
        '<svg viewBox="0 0 560 220"><rect x="40" width="31,6" height="1 234"></rect></svg>'
        '<div style="width: 31,6%" data-share="31,6" data-code="not_a_number" colspan="2"></div>'
    )
    assert unparsable(attributes(html)) == [
        '<rect width="31,6">',
        '<rect height="1 234">',
        '<div style="width: 31,6%">',
        '<div data-share="31,6">',
    ]


def test_no_other_template_writes_a_variable_into_a_numeric_attribute_or_style():
    """The dashboard's charts are the only place a template puts a variable into geometry or
    a style, and they are drawn under ``{% localize off %}``: a new one elsewhere must either
    go there too or be a preformatted string (then add it here)."""
    names = "|".join(sorted(NUMERIC - {"colspan", "rowspan"}) + ["viewBox", "style"])
    pattern = re.compile(r"\s(?:" + names + r')="[^"]*\{\{')
    allowed = {"review/dashboard.html", "review/_chart_axes.svg"}
    root = settings.BASE_DIR / "templates"
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and path.suffix in (".html", ".svg", ".txt") and pattern.search(path.read_text())
    )
    assert set(found) <= allowed, found
    for name in allowed:
        assert "{% localize off %}" in (root / name).read_text()
