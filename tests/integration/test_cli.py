"""The CLI end to end on two real days: land, run, status, and one-line errors."""

from csv import reader

import pyarrow.parquet as pq
from typer.testing import CliRunner

from flightlake.cli import app

runner = CliRunner()


def test_land_run_status(lake_dir):
    lake = ["--lake", str(lake_dir)]
    landed = runner.invoke(app, ["land", "--through", "2013-01-02", *lake])
    assert landed.exit_code == 0, landed.output
    assert "flights" in landed.output
    again = runner.invoke(app, ["land", "--through", "2013-01-02", *lake])
    assert again.exit_code == 0
    assert len(list((lake_dir / "raw" / "flights").rglob("*.csv"))) == 2

    ran = runner.invoke(app, ["run", *lake])
    assert ran.exit_code == 0, ran.output
    assert "1,785" in ran.output  # flights published on Jan 1-2
    assert "nothing new" in runner.invoke(app, ["run", *lake]).output.lower()

    status = runner.invoke(app, ["status", *lake])
    assert status.exit_code == 0
    line = next(x for x in status.output.splitlines() if "flights" in x)
    assert "1,785" in line and "succeeded" in status.output
    assert "curated.daily_airport_stats" in status.output

    q = "SELECT origin, count(*) AS n FROM curated.flights GROUP BY origin ORDER BY origin"
    csv = runner.invoke(app, ["sql", q, "--format", "csv", *lake])
    assert csv.exit_code == 0, csv.output
    rows = list(reader(csv.output.splitlines()))
    assert rows[0] == ["origin", "n"]
    assert sum(int(n) for _, n in rows[1:]) == 1785
    out = lake_dir.parent / "stats.parquet"
    written = runner.invoke(
        app,
        [
            "sql",
            "SELECT * FROM curated.daily_airport_stats",
            "--format",
            "parquet",
            "--output",
            str(out),
            *lake,
        ],
    )
    assert written.exit_code == 0 and pq.read_table(out).num_rows == 6
    bad = runner.invoke(app, ["sql", "SELECT origin,\n  nope\nFROM curated.flights", *lake])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "<query>:2: Column 'nope' could not be resolved" in bad.output


def test_bad_date_is_one_line_error(lake_dir):
    result = runner.invoke(app, ["land", "--through", "2013-13-01", "--lake", str(lake_dir)])
    assert result.exit_code != 0
    assert "is not a date" in result.output
    assert "Traceback" not in result.output


def test_run_without_reference_data_fails_with_one_line(lake_dir):
    (lake_dir / "raw/flights/delivered=2013-01-02").mkdir(parents=True)
    (lake_dir / "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv").write_text(
        "year,month,day\n2013,1,1\n"
    )
    result = runner.invoke(app, ["run", "--lake", str(lake_dir)])
    assert result.exit_code == 1
    assert "processed.airports does not exist yet" in result.output
    assert "Traceback" not in result.output


def test_a_misplaced_raw_file_is_reported_not_read(lake_dir):
    stray = lake_dir / "raw" / "flights" / "misplaced.csv"
    stray.parent.mkdir(parents=True)
    stray.write_text("year\n")
    result = runner.invoke(app, ["run", "--lake", str(lake_dir)])
    assert "not read raw/flights/misplaced.csv" in result.output
    assert "Traceback" not in result.output


def test_a_step_command_that_can_do_nothing_fails(lake_dir):
    """`flightlake score` with no approved model: one line, exit 1 (the daily workflow, by
    contrast, skips its scoring steps with a note)."""
    runner.invoke(app, ["land", "--through", "2013-01-01", "--lake", str(lake_dir)])
    result = runner.invoke(app, ["score", "--from", "2013-01-01", "--lake", str(lake_dir)])
    assert result.exit_code == 1
    assert "no approved model yet" in result.output and "Traceback" not in result.output
