"""Errors meant for the person at the terminal."""


class JobError(RuntimeError):
    """A job cannot run or must not publish; the first line of the message says why."""
