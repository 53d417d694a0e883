"""Catalogs generated from the contracts: `local`, the DuckDB catalog every local command
queries (one view per table over its Parquet, plus sql/views); `glue`, the Glue Data Catalog
tables deploy registers for Athena."""
