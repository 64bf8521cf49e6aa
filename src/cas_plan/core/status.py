"""The statuses a progress entry can have and the status of an activity with no entry: their
codes, which read in words through the phrasebook (`l10n.formats.status_label`).

Kept apart from the models so that the command line can offer and check `--status` without
loading them.
"""

from enum import StrEnum


class Status(StrEnum):
    """What a progress entry says of its activity."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


NOT_REPORTED = "not_reported"


class StatusFilter(StrEnum):
    """An activity's status on a day: an entry's status, or not reported (no entry yet)."""

    NOT_REPORTED = NOT_REPORTED
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


STATUSES: tuple[str, ...] = tuple(status.value for status in Status)
