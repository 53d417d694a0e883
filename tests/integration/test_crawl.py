"""flightlake crawl: raw tables registered, drift reported, a lost column fails."""

from datetime import date

from typer.testing import CliRunner

from flightlake.catalog.local import connect
from flightlake.cli import app
from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.query import run

runner = CliRunner()
JAN1 = "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv"


def drop(root, text: str, day="2013-01-03", delivered="2013-01-04"):
    target = root / f"raw/flights/delivered={delivered}/flights_{day}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def test_crawl_registers_raw_tables_and_crawls_new_folders_once(lake_dir):
    land(Lake.at(str(lake_dir)), date(2013, 1, 2))
    first = runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    assert first.exit_code == 0 and "no schema drift" in first.output
    assert "flights 2" in first.output
    assert "flights 0" in runner.invoke(app, ["crawl", "--lake", str(lake_dir)]).output
    rows = run(connect(Lake.at(str(lake_dir))), "SELECT count(*) AS n FROM raw.flights").to_pylist()
    assert rows == [{"n": 842 + 943}]


def test_renamed_column_is_reported_and_fails(lake_dir):
    land(Lake.at(str(lake_dir)), date(2013, 1, 2))
    runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    original = (lake_dir / JAN1).read_text()
    drop(lake_dir, original.replace("dep_delay", "departure_delay", 1))
    result = runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    assert result.exit_code == 1
    assert "column removed" in result.output and "dep_delay" in result.output
    assert "column added" in result.output and "departure_delay" in result.output
    assert "1 breaking change(s), e.g. column removed dep_delay" in result.output
    again = runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    assert again.exit_code == 1, "a broken drop keeps failing until it is fixed"


def test_type_change_is_reported_without_failing(lake_dir):
    land(Lake.at(str(lake_dir)), date(2013, 1, 2))
    runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    header, first, *rest = (lake_dir / JAN1).read_text().splitlines()
    drop(lake_dir, "\n".join([header, first.replace(",1400,", ",far,"), *rest]) + "\n")
    result = runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    assert result.exit_code == 0, result.output
    assert "type changed" in result.output and "distance" in result.output
    assert "1 value(s) are not int" in result.output


def test_a_reordered_upper_case_header_with_a_bom_and_a_ragged_line_is_no_drift(lake_dir):
    """Processing reads columns by name, as providers send them: none of this is drift (the
    ragged line is processing's to quarantine)."""
    land(Lake.at(str(lake_dir)), date(2013, 1, 2))
    runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    header, first, second, *rest = (lake_dir / JAN1).read_text().splitlines()
    names = header.upper().split(",")
    swapped = ",".join([names[1], names[0], *names[2:]])
    longer = f"{rest[0]},extra"  # a line with a field too many: also processing's
    drop(lake_dir, "\ufeff" + "\n".join([swapped, first, second[:20], longer, *rest]) + "\n")
    result = runner.invoke(app, ["crawl", "--lake", str(lake_dir)])
    assert result.exit_code == 0, result.output
    assert "column" not in result.output and "Traceback" not in result.output
