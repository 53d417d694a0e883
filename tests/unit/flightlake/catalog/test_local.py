"""The local catalog creates only what a command names: sql/views are translated on creation,
and a raw table reads every drop's header, so `flightlake sql` asks for the ones its query
names (and the views those name)."""

from flightlake.catalog.local import connect, create_views
from flightlake.lake import Lake


def _views(con) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE schema_name = 'curated'"
        ).fetchall()
    }


def test_only_the_named_views_are_created(tmp_path):
    con = connect(Lake.at(str(tmp_path)), views={"route_ranking"})
    assert "route_ranking" in _views(con)
    assert "on_time_by_origin_hour" not in _views(con)
    assert "flights" in _views(con)  # the contracts' tables are always there


def test_a_view_brings_the_views_it_names(tmp_path):
    sql = tmp_path / "sql"
    (sql / "views").mkdir(parents=True)
    (sql / "views" / "a.sql").write_text(
        "CREATE OR REPLACE VIEW curated.a AS SELECT n FROM curated.b"
    )
    (sql / "views" / "b.sql").write_text(
        "CREATE OR REPLACE VIEW curated.b AS SELECT count(*) AS n FROM curated.flights"
    )
    (sql / "views" / "c.sql").write_text("CREATE OR REPLACE VIEW curated.c AS SELECT 1 AS one")
    con = connect(Lake.at(str(tmp_path / "lake")), with_views=False)
    assert create_views(con, sql, only={"a"}) == ["b", "a"]  # b first: a reads it
    assert {"a", "b"} <= _views(con) and "c" not in _views(con)
