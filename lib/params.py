"""Reading numbers and ids from a request, one strict way.

``str.isdigit()`` says yes to superscripts and circled digits that ``int()`` refuses (a 500),
``int()`` reads digits of other scripts, and a value past 2^63 overflows the database. Every
view, form and fragment reads numbers through these functions: ASCII digits only, within the
range a database id (a signed 64-bit integer) holds. Anything else is ``None``, which the caller
treats as a missing value, a form error or a 404.
"""

import re

MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` (a str) as an int in ``[minimum, maximum]``, written in ASCII digits with no sign
    or space; else ``None``."""
    if not isinstance(value, str) or not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id (1 to 2^63 - 1) in ASCII digits, else ``None``."""
    return parse_int(value, minimum=1)
