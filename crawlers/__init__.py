"""Not code: this file makes crawlers/ the package `flightlake.glue_crawlers` (see
pyproject.toml), so the crawler definitions ship in the wheel and flightlake.resources reads
them wherever the package is installed."""
