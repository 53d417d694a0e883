"""Glue job: curated.flights → feature export (--lake, optional --split_config,
--scoring_from, --scoring_to, --export_id)."""

from features.export import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry(argv)


if __name__ == "__main__":
    main()
