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
