# The portal's dates and times (see cpor_portal/formats/__init__.py): the month's name comes
# from the active language ("December", "december"); everything else is the same in both.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
