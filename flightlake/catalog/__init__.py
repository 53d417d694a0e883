"""Catalogs generated from the contracts: local DuckDB now, the Glue Data Catalog next."""
