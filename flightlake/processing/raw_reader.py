"""Read raw CSV drops as lines, keeping for each row its file, line number and raw text."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from flightlake.contracts import RawSource
from flightlake.lake import DELIVERED_PATTERN, FILE_DATE_PATTERN

# Split on commas outside double quotes, to count the fields a line really has.
_FIELD_SPLIT = r',(?=(?:[^"]*"[^"]*")*[^"]*$)'


def read_lines(spark: SparkSession, uris: list[str], header: str) -> DataFrame:
    """One row per non-blank data line: _source_file, _delivered, _file_date, _line, _raw_line,
    _header. Each file is read whole, so line numbers are exact (files are one day each).
    A file whose first line is not the expected `header` keeps that line as data (it will be
    quarantined with the rest of the file), so no line is ever dropped."""
    files = spark.read.text(uris, wholetext=True)
    path = F.input_file_name()
    lines = files.select(
        # Anchored on the raw layout, so a lake under e.g. /data/raw/ still maps right.
        F.regexp_extract(path, r"(raw/[^/]+/delivered=[^/]+/[^/]+)$", 1).alias("_source_file"),
        F.to_date(F.regexp_extract(path, DELIVERED_PATTERN, 1)).alias("_delivered"),
        F.to_date(F.nullif(F.regexp_extract(path, FILE_DATE_PATTERN, 1), F.lit(""))).alias(
            "_file_date"
        ),
        F.split(F.col("value"), "\n").alias("_lines"),
    )
    exploded = lines.select(
        "_source_file",
        "_delivered",
        "_file_date",
        F.regexp_replace(F.col("_lines")[0], "\r$", "").alias("_header"),
        F.posexplode("_lines").alias("_pos", "_text"),
    )
    is_data = (F.col("_pos") > 0) | (F.col("_header") != F.lit(header))
    return exploded.where(is_data & (F.trim("_text") != "")).select(
        "_source_file",
        "_delivered",
        "_file_date",
        "_header",
        (F.col("_pos") + 1).cast("int").alias("_line"),
        F.regexp_replace("_text", "\r$", "").alias("_raw_line"),
    )


def split_fields(lines: DataFrame, source: RawSource) -> DataFrame:
    """Add the source's columns as raw strings, plus _n_fields (fields actually on the line)."""
    ddl = ", ".join(f"`{c.name}` STRING" for c in source.columns)
    parsed = F.from_csv(F.col("_raw_line"), ddl, {"mode": "PERMISSIVE"})
    return (
        lines.select(
            "*",
            # The quote-aware split is costly; most lines have no quotes and need a plain split.
            F.when(F.instr("_raw_line", '"') == 0, F.size(F.split("_raw_line", ",")))
            .otherwise(F.size(F.split("_raw_line", _FIELD_SPLIT)))
            .alias("_n_fields"),
            parsed.alias("_fields"),
        )
        .select("*", "_fields.*")
        .drop("_fields")
    )
