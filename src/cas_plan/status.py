"""The statuses a progress entry can have, and the status of an activity with no entry.

Kept apart from the models so that the command line can check `--status` without loading them.
"""

STATUSES: tuple[str, ...] = ("not_started", "in_progress", "completed", "delayed", "cancelled")
NOT_REPORTED = "not_reported"
