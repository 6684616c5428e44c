"""How people name a claim: its reference ``CPOR-000123``, read back from what they type, and
a link to its admin page. Built from the id alone (no query), so lists and e-mails can name
claims they never loaded; where the claim's own name is at hand, a sentence names the claim by
both (``claim_label``)."""

import re

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

_REFERENCE = re.compile(r"(?:CPOR-?)?0*([0-9]{1,18})", re.IGNORECASE)


def claim_reference(claim_id) -> str:
    """``CPOR-000123`` for id 123; "" without an id."""
    return f"CPOR-{int(claim_id):06d}" if claim_id else ""


def one_line(text) -> str:
    """``text`` on one line, runs of white space (line breaks, tabs) as one space: a claim's name
    goes into e-mail subjects, CSV cells and headings."""
    return " ".join(str(text or "").split())


def claim_label(claim_id, name: str = "") -> str:
    """How a sentence names a claim: ``“Contoso rollout” (CPOR-000123)``; the reference alone
    when the claim has no name to show."""
    reference = claim_reference(claim_id)
    name = one_line(name)
    if not name or not reference:
        return reference or name
    return gettext("“%(name)s” (%(ref)s)") % {"name": name, "ref": reference}


def claim_id_from_term(term: str) -> int | None:
    """The claim a search term names: ``CPOR-000123``, ``cpor123`` or ``123``."""
    match = _REFERENCE.fullmatch(term.strip())
    return int(match[1]) if match else None


def claim_admin_link(claim_id: int | None):
    """A link to the claim's admin page (``None`` without an id)."""
    if claim_id is None:
        return None
    url = reverse("admin:claims_claim_change", args=[claim_id])
    return format_html('<a href="{}">{}</a>', url, claim_reference(claim_id))
