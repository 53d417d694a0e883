"""Stored results and the HTML report, without Spark."""

from __future__ import annotations

from flightlake.lake import Lake
from flightlake.quality import report, results
from flightlake.quality.results import Outcome, TableQuality


def _quality() -> TableQuality:
    return TableQuality(
        table="processed.flights",
        run_id="20130101T000000Z-abc123",
        batches={"processed.flights": {"partitions": "2013-01 … 2013-01 (1)"}},
        outcomes=[
            Outcome(
                "key_unique",
                "processed.flights",
                "expect_compound_columns_to_be_unique",
                "critical",
                "the natural key is unique",
                True,
            ),
            Outcome(
                "carrier_in_airlines",
                "processed.flights",
                "expect_column_values_to_be_in_set",
                "critical",
                "every carrier is a carrier of processed.airlines",
                False,
                unexpected=2,
                rows=900,
                samples=["<script>", "ZZ"],
            ),
            Outcome(
                "weather_coverage",
                "processed.flights",
                "unexpected_rows_expectation",
                "warning",
                "95% have weather",
                False,
                unexpected=1,
                samples=["weather_share=0.9"],
            ),
        ],
        seconds=1.5,
    )


def test_results_round_trip_and_verdict(tmp_path):
    lake = Lake.at(str(tmp_path))
    q = _quality()
    results.save(lake, q)
    [loaded] = results.load_run(lake, q.run_id)
    assert loaded == q
    assert not loaded.passed
    assert [o.name for o in loaded.critical_failures] == ["carrier_in_airlines"]
    assert [o.name for o in loaded.warnings] == ["weather_coverage"]
    assert results.run_ids(lake) == [q.run_id]
    assert loaded.record(lake)["critical_failed"] == [
        "carrier_in_airlines (critical): 2 of 900 rows, e.g. <script>; ZZ"
    ]


def test_report_escapes_values_and_puts_failures_first(tmp_path):
    lake = Lake.at(str(tmp_path))
    q = _quality()
    results.save(lake, q)
    uri = report.write(lake, q.run_id)
    html = (tmp_path / "_quality" / q.run_id / "report.html").read_text()
    assert uri.endswith("report.html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "FAILED — nothing published" in html
    assert (
        html.index("carrier_in_airlines")
        < html.index("weather_coverage")
        < html.index("key_unique")
    )
