"""The statuses a progress entry can have, the status of an activity with no entry, and how
they read in plain text.

Kept apart from the models so that the command line can check `--status` without loading them.
"""

STATUSES: tuple[str, ...] = ("not_started", "in_progress", "completed", "delayed", "cancelled")
NOT_REPORTED = "not_reported"


def status_label(status: str) -> str:
    """'not_reported' -> 'not reported': a status as people read it."""
    return status.replace("_", " ")
