"""Athena SQL on Athena: the same files, database names mapped for the environment.

Runs through awswrangler with the standard AWS credential chain (an optional named
profile); tested against moto, never the network.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from sqlglot import exp

from flightlake.athena_sql import parse, remap_databases

LAYERS = ("raw", "processed", "curated")


def database_map(prefix: str) -> dict[str, str]:
    return {layer: f"{prefix}{layer}" for layer in LAYERS}


def to_athena(sql: str, source: str, prefix: str) -> list[tuple[str, bool]]:
    """(Athena SQL, returns rows?) per statement."""
    out = []
    for tree in parse(sql, source):
        remapped = remap_databases(tree, database_map(prefix))
        out.append((remapped.sql(dialect="athena"), not isinstance(tree, exp.Create)))
    return out


def run_athena(
    sql: str,
    source: str = "<query>",
    prefix: str = "",
    workgroup: str = "primary",
    s3_output: str | None = None,
    boto3_session: Any = None,
) -> pa.Table | None:
    import awswrangler as wr

    result = None
    for statement, returns_rows in to_athena(sql, source, prefix):
        if returns_rows:
            frame = wr.athena.read_sql_query(
                statement,
                database=database_map(prefix)["curated"],
                workgroup=workgroup,
                s3_output=s3_output,
                ctas_approach=False,
                unload_approach=False,
                boto3_session=boto3_session,
            )
            result = pa.Table.from_pandas(frame, preserve_index=False)
        else:
            wr.athena.start_query_execution(
                statement,
                workgroup=workgroup,
                s3_output=s3_output,
                wait=True,
                boto3_session=boto3_session,
            )
            result = None
    return result
