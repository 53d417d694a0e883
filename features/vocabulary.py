"""Categorical encodings: a vocabulary built on the training period only, stored in the
export manifest, applied to every split and to scoring sets (pure, no I/O)."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from features.definitions import CATEGORICAL

UNKNOWN = 0  # a value the training period never saw, or none at all


def build(train: DataFrame, columns: tuple[str, ...] = CATEGORICAL) -> dict[str, list[str]]:
    """Per column, its training values by descending frequency (ties by value): code i+1."""
    vocab = {}
    for column in columns:
        rows = (
            train.where(F.col(column).isNotNull())
            .groupBy(column)
            .count()
            .orderBy(F.desc("count"), F.asc(column))
            .collect()
        )
        vocab[column] = [r[column] for r in rows]
    return vocab


def encode(df: DataFrame, vocab: dict[str, list[str]]) -> DataFrame:
    """Replace each categorical column by its integer code; unseen values become UNKNOWN."""
    coded = {}
    for column, values in vocab.items():
        mapping = F.create_map(
            *[x for i, v in enumerate(values, start=1) for x in (F.lit(v), F.lit(i))]
        )
        coded[column] = F.coalesce(mapping[F.col(column)], F.lit(UNKNOWN)).cast("int")
    return df.withColumns(coded)
