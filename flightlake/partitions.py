"""How the lake encodes time partitions: the one place that spells a month or a day.

Processed and curated tables are partitioned by month (`flight_month=2013-01`); the
predictions by scoring day (`scoring_date=2013-12-01`). The Glue catalog's partition projection
reads the same encoding (catalog/glue.py), so a change here changes both.
"""

from __future__ import annotations

import re
from datetime import date

MONTH_PATTERN = "yyyy-MM"  # Spark's date_format and Glue's projection.<col>.format
DAY_PATTERN = "yyyy-MM-dd"
_MONTH_IN_PATH = re.compile(r"_month=(\d{4}-\d{2})/")


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def month_in_path(path: str) -> str | None:
    """The month of a file under a `<column>_month=YYYY-MM/` partition folder."""
    found = _MONTH_IN_PATH.search(path)
    return found.group(1) if found else None
