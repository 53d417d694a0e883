"""sql --check finds syntax errors, unknown tables and unknown columns, with file:line."""

from flightlake.sqlcheck import check_all


def test_repository_sql_is_clean():
    count, problems = check_all()
    assert count >= 9 and problems == []


def test_problems_are_reported_with_file_and_line(tmp_path):
    sql = tmp_path / "sql"
    (sql / "views").mkdir(parents=True)
    (sql / "queries").mkdir()
    (sql / "views" / "v.sql").write_text(
        "CREATE OR REPLACE VIEW curated.v AS\n"
        "SELECT flight_date, flights FROM curated.daily_airport_stats"
    )
    (sql / "queries" / "a.sql").write_text(
        "-- unknown column\nSELECT flight_date,\n  nope\nFROM curated.v\n"
    )
    (sql / "queries" / "b.sql").write_text("-- unknown table\nSELECT *\nFROM curated.nothing\n")
    (sql / "queries" / "c.sql").write_text("-- syntax\nSELECT (1\n")
    count, problems = check_all(sql)
    assert count == 4
    assert problems == [
        "sql/queries/a.sql:3: Column 'nope' could not be resolved",
        "sql/queries/b.sql:3: unknown table curated.nothing",
        "sql/queries/c.sql:2:9: Expecting )",
    ]


def test_constructs_that_would_answer_differently_are_reported(tmp_path):
    sql = tmp_path / "sql"
    (sql / "views").mkdir(parents=True)
    (sql / "queries").mkdir()
    (sql / "queries" / "p90.sql").write_text(
        "-- approximate\nSELECT origin,\n  approx_percentile(dep_delay, 0.9)\n"
        "FROM curated.flights GROUP BY origin\n"
    )
    (sql / "queries" / "hll.sql").write_text(
        "SELECT approx_distinct(tailnum) FROM curated.flights\n"
    )
    count, problems = check_all(sql)
    assert count == 2
    assert problems[0].startswith("sql/queries/hll.sql:1: approx_distinct: ")
    assert "count(DISTINCT x) is exact" in problems[0]
    assert problems[1].startswith("sql/queries/p90.sql:3: approx_percentile: ")
    assert all(p.endswith("not run locally (Athena would answer)") for p in problems)


def test_a_view_refused_stops_the_check_at_that_view(tmp_path):
    sql = tmp_path / "sql"
    (sql / "views").mkdir(parents=True)
    (sql / "queries").mkdir()
    (sql / "views" / "v.sql").write_text(
        "CREATE OR REPLACE VIEW curated.v AS\n"
        "SELECT origin, approx_distinct(dest) AS dests FROM curated.flights GROUP BY origin"
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
