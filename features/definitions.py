"""Every feature of the delay-risk model, in export order: the one place they are defined.

A flight is scored the evening before it departs, so a feature may use only what is known
then:
- its schedule (known weeks ahead), holidays, the plane assigned to it;
- the weather at its origin around its scheduled hour. The lake holds observed weather, not
  forecasts: observed weather stands in for the forecast the evening before. That flatters the
  model on days the forecast was wrong; a production model would read a forecast feed here.
  The window stays inside the flight's own local day, so no later day's data leaks in.
- history: on-time rates and volumes over the previous N days, **strictly before** the flight's
  date. The scoring run is the overnight batch: after the previous day's last arrival is in,
  before the first departure. Scored at, say, 18:00 instead, the previous day's late-evening
  flights would not be known yet and the 1-day features would have to skip that day.

The label follows the US DOT: not on time = arrived 15+ minutes late, cancelled or diverted.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL = "late"  # 1 = not on time (DOT), 0 = on time
ID = "flight_id"


@dataclass(frozen=True)
class Feature:
    name: str
    group: str  # schedule | holiday | plane | rotation | congestion | weather | history
    kind: str  # numeric | categorical (integer code from the training vocabulary)
    description: str


# History keys: the columns a rolling window is grouped by.
HISTORY_KEYS: dict[str, tuple[str, ...]] = {
    "carrier": ("carrier",),
    "origin": ("origin",),
    "dest": ("dest",),
    "route": ("origin", "dest"),
    "origin_hour": ("origin", "sched_dep_hour"),
    "tail": ("tailnum",),
    "flight_number": ("carrier", "flight"),
}
HISTORY_WINDOWS = (1, 7, 28)  # days before the flight's date

# Weather around the scheduled hour: hours either side, inside the same local day.
WEATHER_WINDOW_HOURS = 3

CATEGORICAL = ("carrier", "origin", "dest")
# Features that move with the calendar, whatever the data's health: December differs from
# November and from the training year in its month, its holidays and its temperatures. Drift
# monitoring reports them and never alarms on them (training/monitoring.py): the same period
# of an earlier year is what they could be judged against, and the lake holds one year.
CALENDAR = ("month", "day_of_week", "is_holiday", "days_to_holiday", "temp_f", "dewpoint_f")

_BASE = (
    Feature("month", "schedule", "numeric", "Month of the flight date (1-12)"),
    Feature("day_of_week", "schedule", "numeric", "1 = Sunday … 7 = Saturday"),
    Feature("sched_dep_hour", "schedule", "numeric", "Scheduled departure hour, origin clock"),
    Feature("sched_dep_minute_of_day", "schedule", "numeric", "Scheduled departure, minutes"),
    Feature("sched_arr_hour", "schedule", "numeric", "Scheduled arrival hour, destination clock"),
    Feature("carrier", "schedule", "categorical", "Airline"),
    Feature("origin", "schedule", "categorical", "Origin airport"),
    Feature("dest", "schedule", "categorical", "Destination airport"),
    Feature("distance", "schedule", "numeric", "Great-circle distance, miles"),
    Feature("is_holiday", "holiday", "numeric", "1 on a US federal holiday"),
    Feature(
        "days_to_holiday", "holiday", "numeric", "Days to the nearest US federal holiday (≤ 30)"
    ),
    Feature("plane_age_years", "plane", "numeric", "Flight year minus build year"),
    Feature("seats", "plane", "numeric", "Seats of the plane"),
    Feature("engines", "plane", "numeric", "Engines of the plane"),
    Feature("plane_known", "plane", "numeric", "1 when the tail number is in the registry"),
    Feature("tail_legs_day", "rotation", "numeric", "Scheduled departures of the plane that day"),
    Feature(
        "tail_leg_number", "rotation", "numeric", "This flight's place among the plane's legs"
    ),
    Feature(
        "tail_turn_minutes",
        "rotation",
        "numeric",
        "Minutes from the plane's previous leg's scheduled arrival to this departure",
    ),
    Feature(
        "tail_first_dep_minute",
        "rotation",
        "numeric",
        "Scheduled departure of the plane's first leg that day, minutes of the day",
    ),
    Feature(
        "origin_hour_departures",
        "congestion",
        "numeric",
        "Scheduled departures at the origin in the same hour",
    ),
    Feature(
        "origin_day_departures",
        "congestion",
        "numeric",
        "Scheduled departures at the origin that day",
    ),
    Feature(
        "carrier_origin_day_departures",
        "congestion",
        "numeric",
        "Scheduled departures of the airline at the origin that day",
    ),
    Feature("temp_f", "weather", "numeric", "Temperature at the origin, scheduled hour"),
    Feature("dewpoint_f", "weather", "numeric", "Dew point at the origin, scheduled hour"),
    Feature("humidity_pct", "weather", "numeric", "Relative humidity, scheduled hour"),
    Feature("wind_speed_mph", "weather", "numeric", "Wind speed, scheduled hour"),
    Feature("wind_gust_mph", "weather", "numeric", "Wind gust, scheduled hour"),
    Feature("precip_in", "weather", "numeric", "Precipitation, scheduled hour"),
    Feature("pressure_mb", "weather", "numeric", "Sea-level pressure, scheduled hour"),
    Feature("visibility_mi", "weather", "numeric", "Visibility, scheduled hour"),
    Feature("precip_window_in", "weather", "numeric", "Precipitation summed over ±3 h"),
    Feature("visibility_window_min_mi", "weather", "numeric", "Lowest visibility over ±3 h"),
    Feature("wind_window_max_mph", "weather", "numeric", "Highest wind speed over ±3 h"),
    Feature(
        "precip_before_in",
        "weather",
        "numeric",
        "Precipitation from the local day's start to the scheduled hour",
    ),
    Feature(
        "wind_before_max_mph",
        "weather",
        "numeric",
        "Highest gust (or wind) from the local day's start to the scheduled hour",
    ),
    Feature(
        "visibility_before_min_mi",
        "weather",
        "numeric",
        "Lowest visibility from the local day's start to the scheduled hour",
    ),
    Feature("precip_day_in", "weather", "numeric", "Precipitation summed over the local day"),
    Feature("visibility_day_min_mi", "weather", "numeric", "Lowest visibility of the local day"),
    Feature("wind_day_max_mph", "weather", "numeric", "Highest gust (or wind) of the local day"),
    Feature(
        "frozen_precip_day_in",
        "weather",
        "numeric",
        "Precipitation of the local day in hours at or below 34 °F (snow, ice)",
    ),
    Feature("precip_hours_day", "weather", "numeric", "Hours with precipitation, local day"),
    Feature(
        "pressure_day_range_mb", "weather", "numeric", "Pressure swing over the local day"
    ),
)


def history_feature_names(key: str, days: int) -> tuple[str, str]:
    return f"{key}_flights_{days}d", f"{key}_late_rate_{days}d"


def _history() -> tuple[Feature, ...]:
    out = []
    for key, columns in HISTORY_KEYS.items():
        by = " × ".join(columns)
        for days in HISTORY_WINDOWS:
            volume, rate = history_feature_names(key, days)
            span = "the day before" if days == 1 else f"the {days} days before"
            out.append(Feature(volume, "history", "numeric", f"Flights per {by}, {span}"))
            out.append(
                Feature(rate, "history", "numeric", f"Not-on-time share per {by}, {span}")
            )
    return tuple(out)


# The plane's previous leg that day: its flight number's history (a late leg delays the next).
PREVIOUS_LEG_WINDOWS = (7, 28)
# How far back a flight's features read: the longest window, in days before its date.
LOOKBACK_DAYS = max(*HISTORY_WINDOWS, *PREVIOUS_LEG_WINDOWS)


def previous_leg_feature_name(days: int) -> str:
    return f"prev_leg_late_rate_{days}d"


_PREVIOUS_LEG = tuple(
    Feature(
        previous_leg_feature_name(days),
        "rotation",
        "numeric",
        f"Not-on-time share of the plane's previous leg's flight number, the {days} days before",
    )
    for days in PREVIOUS_LEG_WINDOWS
)

FEATURES: tuple[Feature, ...] = (*_BASE, *_history(), *_PREVIOUS_LEG)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def names(groups: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    """Feature names of the given groups (all by default), minus excluded groups."""
    return [
        f.name
        for f in FEATURES
        if (groups is None or f.group in groups) and f.group not in exclude
    ]
