"""Athena SQL as text: parse it as Athena (Trino) and map database names; no engine.

Both engines start here: flightlake.athena sends the result to Athena, flightlake.query
transpiles it to DuckDB. Only sqlglot is imported, so a Glue job that talks to Athena never
loads DuckDB (Glue does not provide it and the job does not install it).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError


class SqlError(Exception):
    """A SQL problem as one line: where (file:line:col when known) and what."""


def remap_databases(tree: exp.Expression, databases: Mapping[str, str]) -> exp.Expression:
    for table in tree.find_all(exp.Table):
        db = table.args.get("db")
        if db is not None and table.db in databases:
            table.set("db", exp.to_identifier(databases[table.db], quoted=db.quoted))
        table.set("catalog", None)  # awsdatacatalog.<db>.<table> → <db>.<table>
    return tree


def parse(sql: str, source: str = "<query>") -> list[exp.Expression]:
    try:
        trees = sqlglot.parse(sql, read="athena")
    except ParseError as exc:
        err = exc.errors[0] if exc.errors else {}
        where = f"{source}:{err.get('line', '?')}:{err.get('col', '?')}"
        raise SqlError(f"{where}: {err.get('description', str(exc))}") from None
    except SqlglotError as exc:
        raise SqlError(f"{source}: {str(exc).splitlines()[0]}") from None
    return [t for t in trees if t is not None]


def tables_in(sql: str, database: str, source: str = "<query>") -> set[str]:
    """The tables of `database` that the statements in `sql` name."""
    return {
        table.name
        for tree in parse(sql, source)
        for table in tree.find_all(exp.Table)
        if table.db == database
    }
