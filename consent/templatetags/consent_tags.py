"""The "Customer consent" line of the partner's claim page and the review screen:
``{% consent_line claim %}`` (the partner's view: a private reason withheld) or
``{% consent_line claim for_reviewer=True %}`` (everything, and the Resend button)."""

from django import template

from consent.selectors import consent_line as consent_line_for

register = template.Library()


@register.inclusion_tag("consent/_line.html", takes_context=True)
def consent_line(context, claim, for_reviewer=False):
    return {
        "line": consent_line_for(claim, for_reviewer=bool(for_reviewer)),
        "claim": claim,
        "for_reviewer": bool(for_reviewer),
        "csrf_token": context.get("csrf_token"),
    }
