"""The claim form's guidance beside its choices (templates/claims/_guidance_*.html).

The includes load these themselves, so a view (or the form's HTMX partial) only has to pass
the chosen solution area: ``{% include "claims/_guidance_activity.html" with area=form.area %}``.
"""

from django import template

from claims.guidance import INCENTIVES_OVERVIEW_URL, activity_guidance

register = template.Library()


@register.simple_tag(name="activity_guidance")
def activity_guidance_tag(area=""):
    """``{% activity_guidance area as areas %}``: the areas and their activities, chosen first."""
    return activity_guidance(area)


@register.simple_tag
def incentives_overview_url():
    return INCENTIVES_OVERVIEW_URL
