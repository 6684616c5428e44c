"""The focus ring stands at least 3:1 (WCAG 1.4.11) against every background it appears on,
computed from the colours in static/css/portal.css: the outline (``--focus``) against the
light backgrounds around an element, and the halo between outline and element
(``--focus-halo``) against the buttons it surrounds."""

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
# Where a focused element sits: the surface (cards, header, inputs), the page, the flashes and
# notices, table heads, the current queue row and the hover greys.
BACKGROUNDS = ("--surface", "--bg", "--info-bg", "--ok-bg", "--warn-bg", "--bad-bg", "--neutral-bg", "--internal-bg")
LITERAL_BACKGROUNDS = ("#f0f2f5", "#f4f6f9", "#f7f9fc", "#fbfcfd", "#fff4ce", "#fbe9f5", "#e6ecff")
# What the halo touches: the filled buttons (and their hover colours).
BUTTONS = ("--brand", "--brand-dark", "--bad", "#861f24")


def var(name: str) -> str:
    return re.search(rf"{re.escape(name)}:\s*(#[0-9a-fA-F]{{3,6}})", CSS)[1]


def colour(value: str) -> str:
    return var(value) if value.startswith("--") else value


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ring_is_drawn_with_the_focus_colour_and_its_halo():
    rule = re.search(r"^:focus-visible \{([^}]*)\}", CSS, re.M)[1]
    assert "outline: 3px solid var(--focus)" in rule and "outline-offset: 2px" in rule
    assert "box-shadow: 0 0 0 2px var(--focus-halo)" in rule


@pytest.mark.parametrize("background", BACKGROUNDS + LITERAL_BACKGROUNDS)
def test_outline_against_each_background(background):
    assert contrast(var("--focus"), colour(background)) >= 3


@pytest.mark.parametrize("button", BUTTONS)
def test_halo_against_each_filled_button(button):
    assert contrast(var("--focus-halo"), colour(button)) >= 3
    assert contrast(var("--focus-halo"), var("--focus")) >= 3  # the halo and the outline apart
