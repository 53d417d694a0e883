"""raw weather → processed weather: conformed names and units, local and UTC hours."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import lineage, month_column, shift

REFERENCES: tuple[str, ...] = ()

_RENAMES = {
    "temp_f": "temp",
    "dewpoint_f": "dewp",
    "humidity_pct": "humid",
    "wind_speed_mph": "wind_speed",
    "wind_gust_mph": "wind_gust",
    "precip_in": "precip",
    "pressure_mb": "pressure",
    "visibility_mi": "visib",
}


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    day = F.make_date("year", "month", "day")
    return raw.withColumns(
        {
            "origin": F.upper("origin"),
            "observation_date": day,
            # time_hour is the provider's UTC instant; the local hour alone is ambiguous on
            # the autumn daylight-saving night, so it is not the key.
            "observed_at_utc": F.date_trunc("hour", F.col("time_hour")),
            "observed_at_local": shift(day.cast("timestamp_ntz"), minutes=F.col("hour") * 60),
            "wind_dir_deg": F.round("wind_dir").cast("int"),
            "observation_month": month_column(day),
            **{new: F.col(old) for new, old in _RENAMES.items()},
            **lineage(run_id),
        }
    )
