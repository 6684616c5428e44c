"""What each activity means, shown beside the activity choice on the claim form.

The texts are the seed's table ("Which activity do I choose?", /work/shared/seed/), in plain
words. Which activities an area offers and which of them pay incentives stay in
``claims.models`` (``ACTIVITIES_BY_AREA``, ``INCENTIVE_ACTIVITIES``); this module only says what
they mean, so the guidance can never offer an activity the form does not.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from claims.models import ACTIVITIES_BY_AREA, INCENTIVE_ACTIVITIES, Activity
from directory.models import SolutionArea

# Where a partner enrols an MPN ID in an incentive program (Partner Center, sign-in required).
INCENTIVES_OVERVIEW_URL = "https://partner.microsoft.com/dashboard/incentives/enrollment/summary"

USAGE_MEANING = _(
    "Choose it if you drive the customer's adoption and use of an eligible workload and want to apply for "
    "usage incentives."
)

# (solution area, activity) → when the partner chooses it.
ACTIVITY_MEANINGS = {
    (SolutionArea.BUSINESS_APPLICATIONS, Activity.PRESALES): _(
        "Choose it if you influenced the customer's purchase of an eligible product and want to apply for "
        "presales incentives."
    ),
    (SolutionArea.BUSINESS_APPLICATIONS, Activity.USAGE): USAGE_MEANING,
    (SolutionArea.BUSINESS_APPLICATIONS, Activity.REVENUE_ASSOCIATION): _(
        "Choose it if you influenced the customer's choice of an eligible product as a business influencer."
    ),
    (SolutionArea.MICROSOFT_365, Activity.USAGE): USAGE_MEANING,
}

# What holds for every activity of an area.
AREA_NOTES = {
    SolutionArea.BUSINESS_APPLICATIONS: _(
        "Business Applications activities apply only if the customer bought the products through a Volume "
        "Licensing agreement or Web-Direct."
    ),
}

# The note on an activity that pays no incentives (revenue association).
NO_INCENTIVE_NOTE = _("Revenue association only: this activity earns no incentive payment.")


@dataclass(frozen=True)
class ActivityRow:
    activity: str
    label: str
    meaning: str
    earns_incentives: bool
    note: str  # empty when there is nothing to add


@dataclass(frozen=True)
class AreaGuidance:
    area: str
    label: str
    note: str  # empty when there is nothing to add
    rows: tuple[ActivityRow, ...]
    chosen: bool


def activity_guidance(area: str | None = "") -> list[AreaGuidance]:
    """Every solution area with its offered activities and what each means, in
    ``SolutionArea`` order, except that the chosen ``area`` (if it is one) comes first and is
    marked ``chosen``. Texts are lazy: they translate when rendered."""
    areas = []
    for value, label in SolutionArea.choices:
        rows = tuple(
            ActivityRow(
                activity=activity.value,
                label=Activity(activity).label,
                meaning=ACTIVITY_MEANINGS[(value, activity)],
                earns_incentives=activity in INCENTIVE_ACTIVITIES,
                note="" if activity in INCENTIVE_ACTIVITIES else NO_INCENTIVE_NOTE,
            )
            for activity in ACTIVITIES_BY_AREA.get(value, ())
        )
        areas.append(AreaGuidance(value, label, AREA_NOTES.get(value, ""), rows, chosen=value == area))
    return sorted(areas, key=lambda guidance: not guidance.chosen)  # stable: the rest keep their order
