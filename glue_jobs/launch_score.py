"""Glue job (launcher): batch transform of a date's scoring set with the latest approved
model on SageMaker, waiting for it; scores to curated.predictions (--lake, --date,
--sagemaker_role)."""

from flightlake.steps import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("score", argv)


if __name__ == "__main__":
    main()
