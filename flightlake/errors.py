"""Errors meant for the person at the terminal."""


class JobError(RuntimeError):
    """A job cannot run or must not publish; the first line of the message says why."""

    # What the step had done when it stopped (its StepResult: counts, rows set aside), for
    # its run record; set by the step that raises.
    result = None


def one_line(exc: BaseException) -> str:
    """An exception as the single line a person needs (JobError messages are written so)."""
    java = getattr(exc, "java_exception", None)
    if java is not None:  # a Spark failure: its root cause says what went wrong
        while java.getCause() is not None:
            java = java.getCause()
        return f"Spark failed: {str(java.toString()).splitlines()[0]}"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return first if isinstance(exc, JobError) else f"{type(exc).__name__}: {first}"
