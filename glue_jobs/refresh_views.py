"""Glue job (launcher): re-create the views from sql/views (--lake)."""

from flightlake.steps import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("refresh_views", argv)


if __name__ == "__main__":
    main()
