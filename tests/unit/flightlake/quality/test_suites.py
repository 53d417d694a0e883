"""Quality gate on tiny inline data: the suites derived from the contracts, the gate's own
checks, the two-pass result format and the settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flightlake.contracts import Contract, get, get_curated
from flightlake.contracts.model import Check, Column, Reference
from flightlake.quality import expectations as ex
from flightlake.quality.settings import GateSettings
from flightlake.quality.validate import Suite, validate

TINY = Contract(
    name="tiny",
    description="a table for the gate's tests",
    layer="curated",
    columns=(
        Column("day", "date", "day", nullable=False),
        Column("carrier", "string", "carrier", nullable=False, pattern=r"^[A-Z0-9]{2}$"),
        Column("flight", "int", "flight", nullable=False),
        Column("delay", "int", "delay", min=-1440, max=1440),
        Column("status", "string", "status", nullable=False, values=("departed", "cancelled")),
    ),
    key=("day", "carrier", "flight"),
    references=(Reference("carrier", "airlines", "carrier"),),
    checks=(
        Check(
            "delay_mean_plausible",
            "expect_column_mean_to_be_between",
            {"column": "delay", "min_value": -5, "max_value": 45},
            "mean delay within [-5, 45]",
        ),
    ),
)
SCHEMA = "day date, carrier string, flight int, delay int, status string"
AIRLINES = {"airlines.carrier": ["AA", "UA"]}
D = date(2013, 1, 1)


def outcomes(spark, rows, contract=TINY, extra=(), schema=SCHEMA):
    frame = spark.createDataFrame(rows, schema)
    exps = [*ex.from_contract(contract, AIRLINES), *extra]
    return {o.name: o for o in validate(Suite("test.tiny", frame, exps, {}))}


GOOD = [(D, "AA", 1, 5, "departed"), (D, "UA", 2, None, "cancelled"), (D, "AA", 3, 12, "departed")]


def test_every_contract_gets_a_suite_with_the_expected_names():
    names = {
        e.meta["name"]
        for e in ex.from_contract(
            get("flights"), {"airlines.carrier": ["AA"], "airports.faa": ["EWR"]}
        )
    }
    for expected in (
        "columns_match",
        "flight_id_type",
        "flight_id_not_null",
        "carrier_format",
        "dep_delay_range",
        "status_accepted",
        "key_unique",
        "carrier_in_airlines",
        "origin_in_airports",
        "cancelled_share_plausible",
        "arr_delay_quantiles_plausible",
    ):
        assert expected in names
    curated = ex.from_contract(
        get_curated("flights"), {"airlines.carrier": ["AA"], "airports.faa": ["EWR"]}
    )
    severities = {e.meta["name"]: str(e.severity.value) for e in curated}
    assert severities["weather_coverage"] == "warning"
    assert severities["key_unique"] == "critical"


def test_good_rows_pass_without_collecting_anything(spark):
    found = outcomes(spark, GOOD)
    assert all(o.success for o in found.values()), [o for o in found.values() if not o.success]
    # First pass is pass/fail only: no counts, no samples were computed
    assert all(o.unexpected is None and not o.samples for o in found.values())


@pytest.mark.parametrize(
    ("bad_row", "failed", "sample"),
    [
        ((D, None, 9, 0, "departed"), "carrier_not_null", None),
        ((D, "AA", 1, 7, "departed"), "key_unique", "'carrier': 'AA', 'flight': 1"),
        ((D, "ZZ", 9, 0, "departed"), "carrier_in_airlines", "ZZ"),
        ((D, "AA", 9, 5000, "departed"), "delay_range", "5000"),
        ((D, "AA", 9, 0, "landed"), "status_accepted", "landed"),
        ((D, "a!", 9, 0, "departed"), "carrier_format", "a!"),
    ],
)
def test_each_kind_of_bad_row_fails_its_expectation_with_count_and_sample(
    spark, bad_row, failed, sample
):
    found = outcomes(spark, [*GOOD, bad_row])
    assert {n for n, o in found.items() if not o.success} >= {failed}
    o = found[failed]
    assert o.critical
    assert o.unexpected and o.unexpected >= 1
    if sample is not None:
        assert any(sample in s for s in o.samples), o.samples


def test_a_hand_written_check_fails_as_a_warning(spark):
    found = outcomes(spark, [(D, "AA", 1, 300, "departed"), (D, "UA", 2, 200, "departed")])
    o = found["delay_mean_plausible"]
    assert not o.success and o.severity == "warning"
    assert o.observed == 250
    assert all(x.success for n, x in found.items() if n != "delay_mean_plausible")


def test_a_missing_column_fails_the_schema_check(spark):
    found = outcomes(
        spark,
        [(D, "AA", 1, "departed")],
        schema="day date, carrier string, flight int, status string",
    )
    assert not found["columns_match"].success
    assert not found["delay_range"].success  # cannot be evaluated: named, not raised
    assert "delay" in (found["delay_range"].error or "")


def _days(n: int, rows: int, start: date = D) -> list[tuple]:
    return [
        (start + timedelta(days=d), "AA", i, 0, "departed") for d in range(n) for i in range(rows)
    ]


def test_daily_volume_fails_a_truncated_delivered_day(spark):
    settings = GateSettings()
    history = _days(8, 10)
    truncated = [(D + timedelta(days=8), "AA", 1, 0, "departed")]
    day9 = D + timedelta(days=8)
    found = outcomes(spark, history + truncated, extra=[ex.daily_volume("day", {day9}, settings)])
    o = found["daily_volume"]
    assert not o.success and o.critical
    assert o.unexpected == 1 and "2013-01-09" in o.samples[0] and "rows=1" in o.samples[0]
    # a full day passes
    found = outcomes(spark, _days(9, 10), extra=[ex.daily_volume("day", {day9}, settings)])
    assert found["daily_volume"].success


def test_daily_volume_waits_for_enough_history(spark):
    rows = [*_days(3, 10), (D + timedelta(days=3), "AA", 1, 0, "departed")]
    check = ex.daily_volume("day", {D + timedelta(days=3)}, GateSettings())
    assert outcomes(spark, rows, extra=[check])["daily_volume"].success


def test_quarantine_share_names_the_mostly_bad_file(spark):
    rows = [("raw/a.csv", i, "published", []) for i in range(10)] + [
        ("raw/b.csv", i, "quarantined", ["encoding" if i < 5 else "missing_day", "x"])
        for i in range(8)
    ]
    rows += [("raw/b.csv", 9, "published", []), ("raw/b.csv", 10, "published", [])]
    frame = spark.createDataFrame(
        rows, "_source_file string, _line int, _fate string, _errors array<string>"
    )
    [o] = validate(Suite("t:drop", frame, [ex.quarantine_share(GateSettings())], {}))
    assert not o.success and o.critical and o.unexpected == 1
    # The file, how many of its rows, and the rule most of them broke.
    assert "raw/b.csv" in o.samples[0] and "quarantined=8" in o.samples[0]
    assert "rule=encoding" in o.samples[0]


def test_an_empty_raw_file_is_named(spark):
    rows = [("raw/a.csv", 1, "published"), ("raw/a.csv", 2, "published")]
    frame = spark.createDataFrame(rows, "_source_file string, _line int, _fate string")
    check = ex.every_file_has_rows(["raw/a.csv", "raw/empty.csv"])
    [o] = validate(Suite("t:drop", frame, [check], {}))
    assert not o.success and o.critical
    assert o.unexpected == 1  # one expected file has no rows
    [o] = validate(Suite("t:drop", frame, [ex.every_file_has_rows(["raw/a.csv"])], {}))
    assert o.success


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_MAX_QUARANTINE_SHARE", "0.25")
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_MIN_DAYS_FOR_VOLUME", "3")
    s = GateSettings.from_env()
    assert (s.max_quarantine_share, s.min_days_for_volume, s.enabled) == (0.25, 3, True)
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_MAX_QUARANTINE_SHARE", "lots")
    with pytest.raises(ValueError, match="FLIGHTLAKE_QUALITY_MAX_QUARANTINE_SHARE"):
        GateSettings.from_env()
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_MAX_QUARANTINE_SHARE", "0.1")
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_GATE", "maybe")
    with pytest.raises(ValueError, match="on or off"):
        GateSettings.from_env()


def test_validation_makes_no_network_call(spark, monkeypatch):
    """Context creation and validation run with every non-loopback connection refused."""
    import socket

    from flightlake.quality import validate as module

    real_connect = socket.socket.connect
    attempts = []

    def guarded(self, address):
        inet = self.family in (socket.AF_INET, socket.AF_INET6)
        if inet and address[0] not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(address)
            raise OSError(f"network refused in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(module, "_context", None)  # built again under the guard
    found = outcomes(spark, GOOD)
    assert all(o.success for o in found.values())
    assert attempts == []
