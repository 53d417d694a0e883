"""Files the package reads at run time, read the same way from a checkout and from a wheel.

sql/ and crawlers/ stay at the top of the repository, where people look for them; pyproject.toml
ships them inside the package as flightlake.sql and flightlake.glue_crawlers. Reading them with
importlib.resources, never by a path relative to this file or the checkout, is what lets an
installed wheel (on Glue, or in any virtual environment) find them.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import NamedTuple


class SqlFile(NamedTuple):
    """A file of sql/; unpacks as (name, text)."""

    name: str  # the file's stem: a view file is named after the view it creates
    text: str

    folder = ""

    @property
    def source(self) -> str:
        """How messages name the file, wherever it is installed: sql/views/<name>.sql."""
        return f"sql/{self.folder}/{self.name}.sql"


class ViewFile(SqlFile):
    """A file of sql/views: one CREATE OR REPLACE VIEW."""

    __slots__ = ()
    folder = "views"


class QueryFile(SqlFile):
    """A file of sql/queries: an example analyst query."""

    __slots__ = ()
    folder = "queries"


def sql_root() -> Traversable:
    """The packaged sql/ folder."""
    return files("flightlake.sql")


def _listing(folder: Traversable, suffix: str) -> list[Traversable]:
    return sorted((f for f in folder.iterdir() if f.name.endswith(suffix)), key=lambda f: f.name)


def view_files(root: Traversable | None = None) -> list[ViewFile]:
    """sql/views, by file name; `root` replaces the packaged sql/ folder (tests)."""
    folder = (root or sql_root()) / ViewFile.folder
    return [ViewFile(f.name.removesuffix(".sql"), _text(f)) for f in _listing(folder, ".sql")]


def query_files(root: Traversable | None = None) -> list[QueryFile]:
    """sql/queries, by file name; `root` replaces the packaged sql/ folder (tests)."""
    folder = (root or sql_root()) / QueryFile.folder
    return [QueryFile(f.name.removesuffix(".sql"), _text(f)) for f in _listing(folder, ".sql")]


def crawler_definitions(folder: Traversable | None = None) -> dict[str, str]:
    """crawlers/<source>.json: file name → text, by file name; `folder` replaces crawlers/."""
    folder = folder or files("flightlake.glue_crawlers")
    return {f.name: _text(f) for f in _listing(folder, ".json")}


def airports_supplement() -> str:
    """flightlake/reference/airports_supplement.csv: airports the provider's snapshot lacks."""
    return _text(files("flightlake") / "reference" / "airports_supplement.csv")


def _text(f: Traversable) -> str:
    # Explicit: a Glue or container locale need not be UTF-8.
    return f.read_text(encoding="utf-8")
