"""Glue job: raw flights → processed.flights (arguments: --lake, optional --run_id)."""

from flightlake.processing.entry import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("flights", argv)


if __name__ == "__main__":
    main()
