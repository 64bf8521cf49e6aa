"""What the tests of concurrent and killed writers share: a directory's files as they are, and
waiting until another process holds a plan's lock."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

STEPS = {
    "prepared": "old",
    "temporaries": "old",
    "journal": "completed",
    "rename-1": "completed",
    "rename-2": "completed",
    "renamed": "completed",
    "journal-removed": "new",
}
"""The steps of a journaled write of two entries, in order, and what the next command that opens
the directory finds after a kill there: the old files, the write completed, or the new ones."""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root`, hidden ones too, by relative path."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def wait_until_locked(directory: Path) -> None:
    """Until another process holds the directory's lock (it paused holding it)."""
    deadline = time.monotonic() + 30
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        while time.monotonic() < deadline:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(descriptor, fcntl.LOCK_UN)
            except BlockingIOError:
                return
            time.sleep(0.02)
    finally:
        os.close(descriptor)
    pytest.fail("the first writer never took the lock")
