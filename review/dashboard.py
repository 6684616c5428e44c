"""The reviewers' dashboard: a few aggregate queries, drawn as server-side SVG.

No claim is loaded into Python: every figure is a ``COUNT`` grouped in the database. Where
the business-day calendar is needed, the thresholds are computed in Python (a handful of
dates) and the database counts against them, or the database groups by day and Python
folds the (few hundred at most) day groups into weeks.

Deadline attainment, as shown: among the decisions reviewers made in a week (approve or
reject audit events with an actor; arbitration awards included, automatic rejections for
*no partner response* not), the share made no later than the decision's service time
(``SERVICE_DAYS_DECISION`` business days, 5 by default) after the decision clock last
started — the latest of *review started*, *partner answered*, *dispute filed* or *decision
reverted* before the decision — counted in whole local days.
After a partner's answer the real deadline is the time that was left when the clock paused,
which can be less than the full service time, so for claims that needed more information the figure is
slightly generous. The clock start is a correlated subquery per decision on the audit
index (claim, created_at, id): cheap per row, and only the last weeks' decisions are read.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationCase, CaseStatus
from audit.models import AuditEvent
from claims.models import Claim
from claims.states import AWAITING_REVIEWER, OPEN_STATUSES, Status
from lib.business_days import add_business_days, is_business_day

WEEKS = 10
DECISION_ACTIONS = ("claims.claim.approved", "claims.claim.rejected")
# Events that (re)start the reviewer's decision clock.
CLOCK_ACTIONS = (
    "claims.claim.review_started",
    "claims.claim.resubmitted",
    "claims.claim.disputed",
    "claims.claim.reverted",
)
AGE_BUCKETS = [
    # (label, fewest business days, most business days or None)
    (_("0–2 days"), 0, 2),
    (_("3–5 days"), 3, 5),
    (_("6–10 days"), 6, 10),
    (_("More than 10 days"), 11, None),
]
SERIES_CLASSES = 6  # colours in the stylesheet: .series-0 … .series-5

# --- geometry ----------------------------------------------------------------------------
#
# Every number written into the SVG is a string made here, with a full stop as decimal sign
# (``svg_number``): a template would localise a float ("31,6" in Swedish), which SVG cannot
# parse, so the chart would not draw. The template also draws the charts under
# ``{% localize off %}``. Text people read (tick labels) is localised here instead.


def svg_number(value: float) -> str:
    """``value`` for an SVG attribute: one decimal at most, a full stop, never localised."""
    text = format(value, ".1f").rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass
class Bar:
    label: str
    value: float | None
    x: str
    y: str
    width: str
    height: str
    cx: str
    text: str = ""
    css: str = ""
    filled: bool = False  # a bar of no height is not drawn; its value label still is


CHART_W, CHART_H = 560, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 10, 16, 34


def _nice_max(value: float) -> float:
    """The top of the y axis: the smallest 1, 2, 4, 5 or 10 × 10^k at or above ``value``."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 4, 5, 10) if value <= m * magnitude)


def _count_text(value: float) -> str:
    """A figure people read, in the active language ("1,234" / "1 234", "2.5" / "2,5")."""
    return formats.number_format(int(value) if value == int(value) else value, force_grouping=True)


def _ticks(top: float, plot_h: float, *, percent=False) -> list[dict]:
    """Grid lines at 0, half and the top; a count axis has no half-claim line (0.5, 2.5)."""
    ticks = []
    for f in (0, 0.5, 1):
        value = top * f
        if not percent and value != int(value):
            continue
        text = _count_text(value) + ("%" if percent else "")
        ticks.append({"y": svg_number(PAD_TOP + plot_h - plot_h * f), "text": text})
    return ticks


def _frame(plot_h: float) -> dict:
    return {
        "width": svg_number(CHART_W),
        "height": svg_number(CHART_H),
        "axis_x": svg_number(PAD_LEFT),
        "axis_right": svg_number(CHART_W - PAD_RIGHT),
        "base_y": svg_number(PAD_TOP + plot_h),
        "label_y": svg_number(PAD_TOP + plot_h + 16),
    }


def bar_chart(items, *, maximum=None, percent=False) -> dict:
    """Vertical bars for ``items`` = [(label, value or None, css)], with a y axis."""
    top = maximum if maximum is not None else _nice_max(max([v or 0 for _l, v, _c in items] or [0]))
    plot_w = CHART_W - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_H - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(items), 1)
    bar_w = min(56, slot * 0.62)
    bars = []
    for i, (label, value, css) in enumerate(items):
        height = 0 if not value else plot_h * value / top
        x = PAD_LEFT + slot * i + (slot - bar_w) / 2
        text = "—" if value is None else (f"{value:.0f}%" if percent else _count_text(value))
        bars.append(
            Bar(
                label=str(label),
                value=value,
                x=svg_number(x),
                y=svg_number(PAD_TOP + plot_h - height),
                width=svg_number(bar_w),
                height=svg_number(height),
                cx=svg_number(x + bar_w / 2),
                text=text,
                css=css,
                filled=svg_number(height) != "0",
            )
        )
    return {**_frame(plot_h), "bars": bars, "ticks": _ticks(top, plot_h, percent=percent)}


def chart_series(series: list, most=SERIES_CLASSES) -> list:
    """At most ``most`` series for a chart, so that no two share a colour: past that, the
    smallest are added up as "Other reviewers" (the data table keeps every reviewer)."""
    if len(series) <= most:
        return series
    kept, rest = series[: most - 1], series[most - 1 :]
    others = [sum(values[i] for _n, values in rest) for i in range(len(rest[0][1]))]
    return [*kept, (str(_("Other reviewers")), others)]


def stacked_chart(columns, series) -> dict:
    """Stacked bars: ``columns`` = labels, ``series`` = [(name, [value per column])]. Series
    ``s`` is drawn in colour ``series-s``: the stylesheet alternates dark and light colours,
    at least 3:1 apart, so neighbouring segments (and legend swatches) are told apart without
    their hue; a thin white line separates them too."""
    totals = [sum(values[i] for _n, values in series) for i in range(len(columns))]
    top = _nice_max(max(totals or [0]))
    plot_w = CHART_W - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_H - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(columns), 1)
    bar_w = min(40, slot * 0.62)
    stacks = []
    for i, label in enumerate(columns):
        base = PAD_TOP + plot_h
        parts = []
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            height = plot_h * value / top
            base -= height
            parts.append(
                {
                    "y": svg_number(base),
                    "height": svg_number(height),
                    "css": f"series-{s % SERIES_CLASSES}",
                    "name": name,
                    "value": value,
                }
            )
        x = PAD_LEFT + slot * i + (slot - bar_w) / 2
        stacks.append(
            {
                "label": label,
                "x": svg_number(x),
                "width": svg_number(bar_w),
                "parts": parts,
                "total": totals[i],
                "total_y": svg_number(base - 4),
                "center": svg_number(x + bar_w / 2),
            }
        )
    legend = [{"name": name, "css": f"series-{s % SERIES_CLASSES}"} for s, (name, _v) in enumerate(series)]
    return {**_frame(plot_h), "stacks": stacks, "ticks": _ticks(top, plot_h), "legend": legend}


# --- the numbers -------------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def _business_days_back(today: dt.date, n: int) -> dt.date:
    """The ``n``-th business day counting back from ``today`` (today itself is the first
    when it is a business day)."""
    day, seen = today, 0
    while True:
        if is_business_day(day):
            seen += 1
            if seen == n:
                return day
        day -= dt.timedelta(days=1)


def age_thresholds(now) -> dict:
    """A claim submitted on local day ``d`` is ``k`` business days old when ``k`` business
    days lie in ``(d, today]``; so it is at least ``k`` old iff it was submitted before the
    local midnight that starts the ``k``-th business day counting back from today."""
    today = timezone.localdate(now)
    return {k: _local_midnight(_business_days_back(today, k)) for k in (3, 6, 11)}


def ageing(now) -> tuple[list, int]:
    """The age buckets of the queue, and how many of its running deadlines are past."""
    t = age_thresholds(now)
    running = list(AWAITING_REVIEWER)
    counts = Claim.objects.filter(status__in=OPEN_STATUSES).aggregate(
        overdue=Count("id", filter=Q(status__in=running, due_at__lte=now)),
        b0=Count("id", filter=Q(submitted_at__gte=t[3])),
        b1=Count("id", filter=Q(submitted_at__lt=t[3], submitted_at__gte=t[6])),
        b2=Count("id", filter=Q(submitted_at__lt=t[6], submitted_at__gte=t[11])),
        b3=Count("id", filter=Q(submitted_at__lt=t[11])),
    )
    return [(label, counts[f"b{i}"]) for i, (label, _lo, _hi) in enumerate(AGE_BUCKETS)], counts["overdue"]


def open_by_status() -> list:
    counts = dict(
        Claim.objects.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [(Status(s).label, counts.get(s, 0), s) for s in OPEN_STATUSES]


def week_starts(now, weeks=WEEKS) -> list[dt.date]:
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]


def _week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _decisions(since):
    return AuditEvent.objects.filter(action__in=DECISION_ACTIONS, created_at__gte=since, actor__isnull=False)


def attainment(weeks: list[dt.date]) -> list:
    """[(week start, decisions, on time)] — see the module docstring for the definition."""
    zone = timezone.get_current_timezone()
    clock_start = (
        AuditEvent.objects.filter(
            claim_id=OuterRef("claim_id"), action__in=CLOCK_ACTIONS, created_at__lte=OuterRef("created_at")
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    groups = (
        _decisions(_local_midnight(weeks[0]))
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .annotate(started=TruncDate(Subquery(clock_start, output_field=DateTimeField()), tzinfo=zone))
        .values_list("day", "started")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals = {w: [0, 0] for w in weeks}
    for day, started, n in groups:
        week = _week_of(day)
        if week not in totals:
            continue
        totals[week][0] += n
        if started is not None and day <= add_business_days(started, settings.SERVICE_DAYS_DECISION):
            totals[week][1] += n
    return [(w, totals[w][0], totals[w][1]) for w in weeks]


def decisions_per_reviewer(weeks: list[dt.date]) -> tuple[list, list]:
    """(reviewers, [(reviewer name, [count per week])]) for the weeks shown."""
    zone = timezone.get_current_timezone()
    groups = (
        _decisions(_local_midnight(weeks[0]))
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day", "actor__username", "actor__first_name", "actor__last_name")
        .annotate(n=Count("id"))
        .order_by()
    )
    index = {w: i for i, w in enumerate(weeks)}
    per_reviewer: dict[str, list[int]] = {}
    for day, username, first, last, n in groups:
        week = _week_of(day)
        if week not in index:
            continue
        name = f"{first} {last}".strip() or username
        per_reviewer.setdefault(name, [0] * len(weeks))[index[week]] += n
    return sorted(per_reviewer.items(), key=lambda item: (-sum(item[1]), item[0]))


def open_cases() -> int:
    return ArbitrationCase.objects.filter(status=CaseStatus.OPEN).count()


def dashboard(now=None) -> dict:
    now = now or timezone.now()
    weeks = week_starts(now)
    by_status = open_by_status()
    ages, overdue = ageing(now)
    attained = attainment(weeks)
    reviewers = decisions_per_reviewer(weeks)
    # Swedish writes month abbreviations in lower case ("16 nov"), English capitalised ("16 Nov").
    month = "M" if (translation.get_language() or "en").startswith("en") else "b"
    week_labels = [formats.date_format(w, f"j {month}") for w in weeks]
    return {
        "now": now,
        "weeks": weeks,
        "on_time_days": settings.SERVICE_DAYS_DECISION,
        "open_total": sum(n for _l, n, _s in by_status),
        "cases_open": open_cases(),
        "overdue_total": overdue,
        "by_status": by_status,
        "by_status_chart": bar_chart([(label, n, f"bar-{status}") for label, n, status in by_status]),
        "ages": ages,
        "ages_chart": bar_chart([(label, n, f"bar-age-{i}") for i, (label, n) in enumerate(ages)]),
        "attainment": [
            {"week": w, "label": label, "decisions": d, "on_time": o, "share": (100 * o / d) if d else None}
            for (w, d, o), label in zip(attained, week_labels, strict=True)
        ],
        "attainment_chart": bar_chart(
            [
                (label, (100 * o / d) if d else None, "bar-attainment")
                for (_w, d, o), label in zip(attained, week_labels, strict=True)
            ],
            maximum=100,
            percent=True,
        ),
        "reviewers": reviewers,
        "reviewers_chart": stacked_chart(week_labels, chart_series(reviewers)),
        "week_labels": week_labels,
        "decisions_total": sum(d for _w, d, _o in attained),
    }
