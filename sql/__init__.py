"""Not code: this file makes sql/ the package `flightlake.sql` (see pyproject.toml), so the SQL
files ship in the wheel and flightlake.resources reads them wherever the package is installed."""
