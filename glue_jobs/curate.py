"""Glue job: processed → curated, the months new processed data touched (--lake, --run_id)."""

from flightlake.curation import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry(argv)


if __name__ == "__main__":
    main()
