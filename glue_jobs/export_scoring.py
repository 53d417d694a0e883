"""Glue job: the scoring set of a date (--lake, --date; default the newest delivered day)
with the approved model's vocabulary."""

from flightlake.steps import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("export_scoring", argv)


if __name__ == "__main__":
    main()
