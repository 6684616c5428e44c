"""The Swedish catalog ships complete, and its compiled form matches it."""

import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text):
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        yield block


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    untranslated, fuzzy = [], []
    for block in _entries(text):
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        if msgid and msgid.group(1) == "" and 'msgid ""\nmsgstr ""\n"Project-Id' in block:
            continue  # header
        if "#, fuzzy" in block:
            fuzzy.append(block)
        if re.search(r'^msgstr(\[\d\])? ""\n(?!")', block + "\n", re.M):
            untranslated.append(block)
    assert not fuzzy, fuzzy[:3]
    assert not untranslated, untranslated[:3]


def test_compiled_catalog_has_the_translations():
    catalog = gettext.GNUTranslations(MO.open("rb"))
    assert catalog.gettext("My claims") != "My claims"
    assert catalog.gettext("Re-check subscription now") == "Kontrollera prenumerationen nu"
