"""Glue job: raw airlines → processed.airlines (arguments: --lake, optional --run_id)."""

from flightlake.processing.entry import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("airlines", argv)


if __name__ == "__main__":
    main()
