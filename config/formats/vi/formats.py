# Vietnamese formats as DigiWard shows them: dates dd/mm/yyyy, money 2.357.000.
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "d/m"
YEAR_MONTH_FORMAT = "m/Y"
# What people type in a date box (core.widgets.DateInput): with slashes, dots, dashes or
# spaces, or the 8 digits alone (a phone's number keyboard has no slash); ISO last, for
# links and old bookmarks.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %m %Y", "%d%m%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
