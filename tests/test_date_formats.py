"""One date and time format per language (#14, item 7), through one place: the format modules
in ``cpor_portal/formats/`` (``FORMAT_MODULE_PATH``). English ``8 December 2026 22:58``,
Swedish ``8 december 2026 22:58``, a day without its time; the short names mean the same; CSV
exports write ISO 8601. Checked on the formats themselves, a template, the partner's claim
page, the review queue's rows, an e-mail's sentence and the CSV export."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, timezone, translation

from claims.models import DueKind
from claims.states import Status
from notifications.models import Notification
from notifications.texts import notification_sentence
from review.tests.helpers import queue_claim
from tests.helpers import login

STHLM = ZoneInfo("Europe/Stockholm")
MOMENT = dt.datetime(2026, 12, 8, 22, 58, tzinfo=STHLM)
EXPECTED = {
    "en": ("8 December 2026 22:58", "8 December 2026"),
    "sv": ("8 december 2026 22:58", "8 december 2026"),
}


@pytest.fixture(autouse=True)
def _stockholm(settings):
    settings.TIME_ZONE = "Europe/Stockholm"


def test_the_format_modules_are_configured():
    assert settings.FORMAT_MODULE_PATH == ["cpor_portal.formats"]
    assert {code for code, _name in settings.LANGUAGES} == set(EXPECTED)


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_one_format_per_language_whatever_the_name(language):
    moment, day = EXPECTED[language]
    with translation.override(language), timezone.override(STHLM):
        local = timezone.localtime(MOMENT)
        assert formats.date_format(local, "DATETIME_FORMAT") == moment
        assert formats.date_format(local, "SHORT_DATETIME_FORMAT") == moment
        assert formats.date_format(local.date(), "DATE_FORMAT") == day
        assert formats.date_format(local.date(), "SHORT_DATE_FORMAT") == day
        assert formats.time_format(local.time(), "TIME_FORMAT") == "22:58"


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_templates_format_through_the_named_formats(language):
    template = Template(
        '{{ m|date:"DATETIME_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ m|date:"DATE_FORMAT" }}'
    )
    utc = MOMENT.astimezone(dt.UTC)  # stored in UTC, shown in the portal's time zone
    with translation.override(language), timezone.override(STHLM):
        moment, day = EXPECTED[language]
        assert template.render(Context({"m": utc})) == f"{moment}|{moment}|{day}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_an_emails_deadline(language, contoso_admin, draft):
    note = Notification(
        recipient=contoso_admin,
        claim=draft,
        kind="partner_reminder",
        data={"due_at": MOMENT.astimezone(dt.UTC).isoformat(), "due_kind": DueKind.PARTNER_RESPONSE},
    )
    with translation.override(language):
        assert EXPECTED[language][0] in notification_sentence(note)


def _with_deadline(claim):
    claim.__class__.objects.filter(pk=claim.pk).update(
        status=Status.ACTION_REQUIRED,
        due_at=MOMENT,
        due_kind=DueKind.PARTNER_RESPONSE,
        association_key=f"test:{claim.pk}",
        submitted_at=MOMENT - dt.timedelta(days=7),
    )
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_partners_claim_page(client, language, contoso_admin, draft):
    claim = _with_deadline(draft)
    contoso_admin.language = language
    contoso_admin.save(update_fields=["language"])
    login(client, contoso_admin)
    html = client.get(reverse("claims:detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert EXPECTED[language][0] in html


@pytest.mark.django_db
def test_the_queue_rows_and_the_csv_export(client, reviewer1):
    claim = queue_claim(due_in=None)
    claim.__class__.objects.filter(pk=claim.pk).update(due_at=MOMENT)
    login(client, reviewer1)
    assert EXPECTED["en"][0] in client.get(reverse("review:queue")).content.decode()
    response = client.get(reverse("review:export"))
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    due = table[0].index("due")
    assert table[1][due] == "2026-12-08T22:58+01:00"
