"""sql --check finds syntax errors, unknown tables and unknown columns, with file:line."""

from pathlib import Path

from flightlake.sqlcheck import check_all


def sql_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    """A sql/ folder holding `files` ({"views/v.sql": text, "queries/q.sql": text, …})."""
    sql = tmp_path / "sql"
    (sql / "views").mkdir(parents=True)
    (sql / "queries").mkdir()
    for name, text in files.items():
        (sql / name).write_text(text)
    return sql


def test_repository_sql_is_clean():
    count, problems = check_all()
    assert count >= 9 and problems == []


def test_problems_are_reported_with_file_and_line(tmp_path):
    sql = sql_folder(
        tmp_path,
        {
            "views/v.sql": "CREATE OR REPLACE VIEW curated.v AS\n"
            "SELECT flight_date, flights FROM curated.daily_airport_stats",
            "queries/a.sql": "-- unknown column\nSELECT flight_date,\n  nope\nFROM curated.v\n",
            "queries/b.sql": "-- unknown table\nSELECT *\nFROM curated.nothing\n",
            "queries/c.sql": "-- syntax\nSELECT (1\n",
        },
    )
    count, problems = check_all(sql)
    assert count == 4
    assert problems == [
        "sql/queries/a.sql:3: Column 'nope' could not be resolved",
        "sql/queries/b.sql:3: unknown table curated.nothing",
        "sql/queries/c.sql:2:9: Expecting )",
    ]


def test_constructs_that_would_answer_differently_are_reported(tmp_path):
    sql = sql_folder(
        tmp_path,
        {
            "queries/p90.sql": "-- approximate\nSELECT origin,\n"
            "  approx_percentile(dep_delay, 0.9)\nFROM curated.flights GROUP BY origin\n",
            "queries/hll.sql": "SELECT approx_distinct(tailnum) FROM curated.flights\n",
        },
    )
    count, problems = check_all(sql)
    assert count == 2
    assert problems[0].startswith("sql/queries/hll.sql:1: approx_distinct: ")
    assert "count(DISTINCT x) is exact" in problems[0]
    assert problems[1].startswith("sql/queries/p90.sql:3: approx_percentile: ")
    assert all(p.endswith("not run locally (Athena would answer)") for p in problems)


def test_a_view_refused_stops_the_check_at_that_view(tmp_path):
    sql = sql_folder(
        tmp_path,
        {
            "views/v.sql": "CREATE OR REPLACE VIEW curated.v AS\nSELECT origin, "
            "approx_distinct(dest) AS dests FROM curated.flights GROUP BY origin",
        },
    )
    _, problems = check_all(sql)
    assert len(problems) == 1 and problems[0].startswith("sql/views/v.sql:2: approx_distinct: ")


def test_shipped_views_give_rates_as_doubles(tmp_path):
    """A rate averaged over 0.0 and 1.0 is a decimal(2,1) in Athena, rounded to one digit
    (model_calibration once was): every shipped view's numbers are integers or doubles."""
    from flightlake.catalog.local import connect
    from flightlake.lake import Lake
    from flightlake.query import run
    from flightlake.resources import view_files

    con = connect(Lake.at(str(tmp_path)))
    for view in view_files():
        result = run(con, f"SELECT * FROM curated.{view.name}")
        types = {f.name: f.metadata[b"trino_type"].decode() for f in result.schema}
        assert not [c for c, t in types.items() if t.startswith("decimal")], view.name
    late_rate = run(con, "SELECT late_rate FROM curated.model_calibration").schema.field(0)
    assert late_rate.metadata[b"trino_type"] == b"double"
