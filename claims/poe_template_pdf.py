"""The proof-of-execution template a partner downloads beside the PoE field (Partner Center
offers one): a one-page PDF, in the active language, prefilled with what the claim says —
partner, MPN ID, customer, tenant ID, domain, solution area, activity, products — with room
for the engagement's activities and the customer's signature and date. The partner has the
customer sign it and uploads it as PoE. Built with fpdf2; docs/claim-form.md, "PoE template".

The text face is DejaVu Sans when ``POE_TEMPLATE_FONT`` points at it (Debian's
fonts-dejavu-core; any Unicode TrueType font will do), so every customer name prints; without
it, fpdf2's built-in Helvetica, which has no glyphs beyond Latin-1 (those print as "?")."""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

BLANK = "______________________________"


@dataclass(frozen=True)
class TemplateFacts:
    """What the template is prefilled with; an empty value prints as a line to fill in."""

    partner: str
    mpn: str = ""
    customer: str = ""
    tenant_id: str = ""
    domain: str = ""
    solution_area: str = ""
    activity: str = ""
    products: list[str] = field(default_factory=list)
    reference: str = ""


def _font(pdf: FPDF) -> tuple[str, bool]:
    """(family, unicode?)"""
    path = Path(getattr(settings, "POE_TEMPLATE_FONT", "") or "")
    if path.is_file():
        pdf.add_font("body", "", str(path))
        bold = path.with_name(path.stem + "-Bold" + path.suffix)
        pdf.add_font("body", "B", str(bold if bold.is_file() else path))
        return "body", True
    return "helvetica", False


def poe_template_pdf(facts: TemplateFacts) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    family, full = _font(pdf)
    pdf.add_page()
    pdf.set_title(_("Proof of execution"))
    pdf.set_creator("CPOR Portal")

    def text(value: str) -> str:
        return value if full else value.encode("latin-1", "replace").decode("latin-1")

    def heading(value: str, size: int = 12) -> None:
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, 7, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(value: str) -> None:
        pdf.set_font(family, "", 10)
        pdf.multi_cell(0, 5.5, text(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def facts_table(rows: list[tuple[str, str]]) -> None:
        pdf.set_font(family, "", 10)
        for label, value in rows:
            pdf.set_font(family, "B", 10)
            pdf.cell(64, 7, text(label))
            pdf.set_font(family, "", 10)
            pdf.multi_cell(0, 7, text(value or BLANK), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    heading(_("Proof of execution: Claimed Partner of Record"), 15)
    para(
        _(
            "The partner below asks Microsoft to record it as the partner of record for this customer. "
            "The customer confirms with a signature that the partner did the work described here."
        )
    )
    heading(_("Partner"))
    facts_table([(_("Company"), facts.partner), (_("MPN ID"), facts.mpn)])
    heading(_("Customer"))
    facts_table(
        [
            (_("Organisation"), facts.customer),
            (_("Tenant ID"), facts.tenant_id),
            (_("Domain"), facts.domain),
        ]
    )
    heading(_("What the partner did"))
    facts_table(
        [
            (_("Solution area"), facts.solution_area),
            (_("Activity"), facts.activity),
            (_("Products / workloads"), ", ".join(facts.products)),
        ]
    )
    para(_("Activities performed, with their dates (within the last 12 months):"))
    pdf.set_draw_color(150, 150, 150)
    for _line in range(6):
        y = pdf.get_y() + 7
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y)
    pdf.ln(6)
    heading(_("Customer acknowledgement"))
    customer = facts.customer or _("the customer")
    partner = facts.partner
    para(
        _(
            "I confirm on behalf of %(customer)s that %(partner)s performed the activities described above, and "
            "that %(customer)s knows of this claim."
        )
        % {"customer": customer, "partner": partner}
    )
    facts_table(
        [
            (_("Name"), ""),
            (_("Title"), ""),
            (_("Signature"), ""),
            (_("Date"), ""),
        ]
    )
    pdf.set_font(family, "", 8)
    made = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    footer = _("Template from the CPOR Portal, %(date)s.") % {"date": made}
    if facts.reference:
        footer += " " + _("Claim %(ref)s.") % {"ref": facts.reference}
    pdf.multi_cell(0, 4.5, text(footer), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
