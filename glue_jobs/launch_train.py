"""Glue job (launcher): SageMaker training on the newest feature export, waiting for it,
then registration (approved only if better) (--lake, --sagemaker_role)."""

from flightlake.steps import run_entry


def main(argv: list[str] | None = None) -> None:
    run_entry("train", argv)


if __name__ == "__main__":
    main()
