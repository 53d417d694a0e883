"""Read raw CSV drops exactly as delivered: each line keeps its file, number and raw bytes.

Files are read as bytes (Spark's binaryFile source), gzip-compressed ones (`.csv.gz`)
decompressed, and split into lines on LF; a CR before the LF belongs to the line ending.
Nothing is decoded lossily: a line is decoded as UTF-8 only to be parsed, and a line whose
bytes are not valid UTF-8, or that holds a control character (NUL included), is marked
`encoding` so the job quarantines it with its bytes untouched.

Fields are split as RFC 4180 says (https://www.rfc-editor.org/rfc/rfc4180#section-2): a
field in double quotes may hold commas, and `""` inside it stands for one quote. A record is
one line: a quoted field that runs over a line break leaves an unbalanced quote on both
lines, and both are quarantined.

Columns are found by the file's header, as providers send it: a UTF-8 byte order mark is
stripped, names match case-insensitively and in any order, columns the contract does not
know are ignored (the job reports them as drift), and a contract column missing from the
header rejects every line of the file under `missing_<column>`. A first line naming none of
the contract's columns is not a header: every line of that file is `header_missing`.
"""

from __future__ import annotations

import gzip
import zlib

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from flightlake.contracts import RawSource
from flightlake.lake import DELIVERED_PATTERN, FILE_DATE_PATTERN, GZIP_SUFFIX

# Split on commas outside double quotes (a line with an even number of quotes).
_FIELD_SPLIT = r',(?=(?:[^"]*"[^"]*")*[^"]*$)'
# C0 controls but TAB, DEL and the C1 controls: never part of a provider's text.
_CONTROL = r"[\x00-\x08\x0A-\x1F\x7F-\x9F]"
# Longer lines are quarantined unparsed: real lines are ~150 bytes, and the quote-aware
# split is quadratic in the length of a line with quotes.
MAX_LINE_BYTES = 64 * 1024
# The structural rules of a line, in the order they are reported (the first names the row
# in quarantine).
UNREADABLE = "unreadable"
ENCODING = "encoding"
LINE_TOO_LONG = "line_too_long"
HEADER_MISSING = "header_missing"
UNBALANCED_QUOTE = "unbalanced_quote"
COLUMN_COUNT = "column_count"


def missing_rule(column: str) -> str:
    return f"missing_{column}"


@F.udf(
    T.StructType([T.StructField("data", T.BinaryType()), T.StructField("error", T.StringType())])
)
def _gunzip(content: bytes) -> tuple[bytes | None, str | None]:
    try:
        return gzip.decompress(content), None
    except (OSError, EOFError, zlib.error) as exc:
        return None, f"not a readable gzip file ({exc})"


def _read_files(spark: SparkSession, uris: list[str]) -> DataFrame:
    """One row per file: path, content (decompressed) and why it could not be read."""
    plain = [u for u in uris if not u.endswith(GZIP_SUFFIX)]
    packed = [u for u in uris if u.endswith(GZIP_SUFFIX)]
    frames = []
    # Python only for the compressed files: a plain file's bytes never leave the JVM.
    if plain:
        frames.append(
            spark.read.format("binaryFile")
            .load(plain)
            .select("path", "content", F.lit(None).cast("string").alias("error"))
        )
    if packed:
        unpacked = (
            spark.read.format("binaryFile")
            .load(packed)
            .select("path", _gunzip("content").alias("u"))
        )
        frames.append(
            unpacked.select(
                "path", F.col("u.data").alias("content"), F.col("u.error").alias("error")
            )
        )
    files = frames[0]
    for frame in frames[1:]:
        files = files.unionByName(frame)
    return files


def _unquote(field: Column) -> Column:
    """An RFC 4180 field's value: outer quotes removed, "" read as "."""
    quoted = field.startswith('"') & field.endswith('"') & (F.length(field) >= 2)
    inner = field.substr(F.lit(2), F.length(field) - 2)
    return F.when(quoted, F.regexp_replace(inner, '""', '"')).otherwise(field)


def split_csv(text: Column) -> Column:
    """The fields of one CSV line (RFC 4180 quoting), still quoted."""
    return F.when(F.instr(text, '"') == 0, F.split(text, ",", -1)).otherwise(
        F.split(text, _FIELD_SPLIT, -1)
    )


def read_lines(spark: SparkSession, uris: list[str], source: RawSource) -> DataFrame:
    """One row per line of the files but their header lines: _source_file, _delivered,
    _file_date, _line (1-based), _raw_bytes (the line's bytes, without its line ending),
    _raw_line (those bytes as UTF-8, invalid bytes replaced: for reading only), _blank,
    _header_names (the header's normalised names; null when the file has no header) and
    _unreadable (why a file could not be read: it then has one row, line 0)."""
    files = _read_files(spark, uris)
    path = F.col("path")
    text = F.decode(F.coalesce(F.col("content"), F.lit(b"").cast("binary")), "ISO-8859-1")
    known = F.array(*[F.lit(c.name) for c in source.columns])
    per_file = files.select(
        # Anchored on the raw layout, so a lake under e.g. /data/raw/ still maps right.
        F.regexp_extract(path, r"(raw/[^/]+/delivered=[^/]+/[^/]+)$", 1).alias("_source_file"),
        F.to_date(F.regexp_extract(path, DELIVERED_PATTERN, 1)).alias("_delivered"),
        F.to_date(F.nullif(F.regexp_extract(path, FILE_DATE_PATTERN, 1), F.lit(""))).alias(
            "_file_date"
        ),
        F.col("error").alias("_unreadable"),
        # ISO-8859-1 maps every byte to one character: splitting it splits the bytes.
        F.split(text, "\n", -1).alias("_lines"),
    )
    first = F.decode(
        F.encode(F.regexp_replace(F.col("_lines")[0], "\r\\z", ""), "ISO-8859-1"), "UTF-8"
    )
    names = F.transform(
        split_csv(F.regexp_replace(first, "^\ufeff", "")), lambda n: F.lower(_unquote(F.trim(n)))
    )
    with_header = per_file.withColumn(
        "_header_names", F.when(F.arrays_overlap(names, known), names)
    )
    exploded = with_header.select(
        "*", F.size("_lines").alias("_count"), F.posexplode("_lines").alias("_pos", "_text")
    ).drop("_lines")
    is_header = (F.col("_pos") == 0) & F.col("_header_names").isNotNull()
    # The empty string after the final LF is not a line.
    after_last = (F.col("_pos") == F.col("_count") - 1) & (F.col("_text") == "")
    # \z, not $: Java's $ also matches before a final \r, and every match is replaced.
    raw = F.encode(F.regexp_replace("_text", "\r\\z", ""), "ISO-8859-1")
    lines = exploded.where(F.col("_unreadable").isNull() & ~is_header & ~after_last).select(
        "_source_file",
        "_delivered",
        "_file_date",
        "_header_names",
        (F.col("_pos") + 1).cast("int").alias("_line"),
        raw.alias("_raw_bytes"),
        F.lit(None).cast("string").alias("_unreadable"),
    )
    unreadable = with_header.where(F.col("_unreadable").isNotNull()).select(
        "_source_file",
        "_delivered",
        "_file_date",
        F.lit(None).cast("array<string>").alias("_header_names"),
        F.lit(0).alias("_line"),
        F.lit(None).cast("binary").alias("_raw_bytes"),
        "_unreadable",
    )
    decoded = F.decode("_raw_bytes", "UTF-8")
    return lines.unionByName(unreadable).select(
        "*",
        F.coalesce(decoded, F.col("_unreadable")).alias("_raw_line"),
        F.coalesce(F.trim(decoded) == "", F.lit(False)).alias("_blank"),
    )


def usual_header(source: RawSource) -> Column:
    """True when a line's file has the usual header: the contract's columns, in order."""
    return F.col("_header_names") == F.array(*[F.lit(c.name) for c in source.columns])


def split_fields(lines: DataFrame, source: RawSource) -> DataFrame:
    """Add the source's columns as raw strings, found by the file's header, and the line's
    structural failures in `_errors` (encoding, length, header, quoting, field count)."""
    # A byte order mark opens a file, not a line: only a header-less file's first line has one.
    text = F.when(F.col("_line") == 1, F.regexp_replace("_raw_line", "^\ufeff", "")).otherwise(
        F.col("_raw_line")
    )
    too_long = F.length("_raw_bytes") > MAX_LINE_BYTES
    fields = F.when(~too_long, split_csv(text)).otherwise(F.array())
    header = F.col("_header_names")
    # The usual header, the contract's columns in order: every position is known without
    # searching the header once per column and row.
    usual = F.coalesce(usual_header(source), F.lit(False))
    valid_utf8 = F.encode(F.col("_raw_line"), "UTF-8") == F.col("_raw_bytes")
    expected = F.coalesce(F.size(header), F.lit(len(source.columns)))
    checks = [
        F.when(F.col("_unreadable").isNotNull(), F.lit(UNREADABLE)),
        F.when(~valid_utf8 | F.col("_raw_line").rlike(_CONTROL), F.lit(ENCODING)),
        F.when(too_long, F.lit(LINE_TOO_LONG)),
        F.when(header.isNull() & F.col("_unreadable").isNull(), F.lit(HEADER_MISSING)),
        *[
            F.when(~usual & (F.array_position(header, c.name) == 0), F.lit(missing_rule(c.name)))
            for c in source.columns
        ],
        F.when(
            (F.length(text) - F.length(F.regexp_replace(text, '"', ""))) % 2 == 1,
            F.lit(UNBALANCED_QUOTE),
        ),
        F.when(~too_long & (F.col("_n_fields") != expected), F.lit(COLUMN_COUNT)),
    ]
    # Without a header, the contract's order is the best reading of a line (for quarantine).
    position = {
        c.name: F.when(header.isNull() | usual, F.lit(i + 1)).otherwise(
            F.nullif(F.array_position(header, c.name), F.lit(0))
        )
        for i, c in enumerate(source.columns)
    }
    with_fields = lines.withColumn("_fields", fields).withColumn("_n_fields", F.size("_fields"))
    values = {
        c.name: _unquote(F.try_element_at(F.col("_fields"), position[c.name].cast("int")))
        for c in source.columns
    }
    return with_fields.withColumns({**values, "_errors": F.array_compact(F.array(*checks))}).drop(
        "_fields"
    )
