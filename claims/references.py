"""How people name a claim: its reference ``CPOR-000123``, read back from what they type, and
a link to its admin page. Built from the id alone (no query), so lists and e-mails can name
claims they never loaded."""

import re

from django.urls import reverse
from django.utils.html import format_html

_REFERENCE = re.compile(r"(?:CPOR-?)?0*([0-9]{1,18})", re.IGNORECASE)


def claim_reference(claim_id) -> str:
    """``CPOR-000123`` for id 123; "" without an id."""
    return f"CPOR-{int(claim_id):06d}" if claim_id else ""


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
