"""The portal's one date and time format per language (``FORMAT_MODULE_PATH`` in settings).

Every page, e-mail and notification shows a moment as ``8 December 2026 22:58`` in English and
``8 december 2026 22:58`` in Swedish, and a day as ``8 December 2026`` / ``8 december 2026``:
day, month name, year, 24-hour time, in the portal's time zone. Templates and code format
through Django's named formats (``{{ value|date:"DATETIME_FORMAT" }}``,
``formats.date_format(value, "DATE_FORMAT")``), never with a pattern of their own; the short
names mean the same here, so a table cell, the admin and a sentence all agree. CSV exports
write ISO 8601 instead (``2026-12-08T22:58+01:00``), for spreadsheets and scripts.
See docs/architecture.md, "Dates and times".
"""
