"""The signed page positions of a list sorted by a chosen column (lib.paging): what one holds
comes back exactly, anything we did not write for this list and order is refused, and an
order's reverse is its exact reverse (the "previous page" reads it)."""

import datetime as dt

import pytest
from django.core import signing

from lib.csv_export import csv_lines
from lib.paging import BadPosition, KeysetOrder, Position, decode_position, encode_position

SALT = "lib.tests.positions"


@pytest.mark.parametrize(
    "value",
    [None, "", "Northwind – Sales “pilot”", "x" * 300, dt.datetime(2026, 12, 8, 21, 58, 1, 123456, tzinfo=dt.UTC)],
)
def test_a_position_comes_back_as_written(value):
    token = encode_position(salt=SALT, sort="-name", value=value, pk=42, page=3, back=True)
    assert decode_position(token, salt=SALT, sort="-name") == Position(value, 42, 3, True)


def test_a_moment_keeps_its_instant_in_any_zone():
    moment = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    token = encode_position(salt=SALT, sort="updated", value=moment, pk=1, page=2)
    assert decode_position(token, salt=SALT, sort="updated").value == moment


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        encode_position(salt=SALT, sort="name", value="a", pk=1, page=2),  # another order
        encode_position(salt="another.list", sort="-name", value="a", pk=1, page=2),
        signing.dumps(["-name", "s", "a", 1, 2, 0]),  # unsalted
        signing.dumps(["-name", "s", "a", 0, 2, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", 2**63, 2, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", True, 2, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", 1, 0, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", 1, 10**7, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", 1, 2, 2], salt=SALT),
        signing.dumps(["-name", "s", 5, 1, 2, 0], salt=SALT),
        signing.dumps(["-name", "t", "a", 1, 2, 0], salt=SALT),
        signing.dumps(["-name", "t", 10**30, 1, 2, 0], salt=SALT),
        signing.dumps(["-name", "n", "a", 1, 2, 0], salt=SALT),
        signing.dumps(["-name", "?", "a", 1, 2, 0], salt=SALT),
        signing.dumps(["-name", "s", "a", 1, 2], salt=SALT),
        signing.dumps({"sort": "-name"}, salt=SALT),
    ],
)
def test_a_position_we_did_not_write_is_refused(token):
    with pytest.raises(BadPosition):
        decode_position(token, salt=SALT, sort="-name")


def test_only_text_moments_and_nothing_are_positions():
    with pytest.raises(TypeError):
        encode_position(salt=SALT, sort="n", value=3, pk=1, page=1)


def test_an_order_reversed():
    assert KeysetOrder(descending=True).flipped() == KeysetOrder(descending=False)
    never_last = KeysetOrder(descending=False, nulls_last=True)
    assert never_last.flipped() == KeysetOrder(descending=True, nulls_last=False)
    assert never_last.flipped().flipped() == never_last


def test_csv_lines_are_formula_safe():
    lines = list(csv_lines(("a", "b"), [("=1+1", "plain"), ("-2", None)]))
    assert lines == ["a,b\r\n", "'=1+1,plain\r\n", "'-2,\r\n"]
