"""Writing files so that a crash never leaves half a file: a temporary file in the same
directory, flushed to disk, then renamed over the target. Every command that writes uses it."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class ChangedOnDisk(Exception):
    """The file changed between reading and writing: nothing was written."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(
    path: Path,
    data: bytes,
    expected_digest: str | None = None,
    before_rename: Callable[[Path], None] | None = None,
) -> None:
    """Write `data` to `path` atomically.

    With `expected_digest`, refuse (ChangedOnDisk, nothing written) when the file on disk no
    longer has that digest: someone changed it since it was read. On any failure the temporary
    file is removed and the original is left as it was. `before_rename` lets tests inject a
    failure between writing and renaming.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        if before_rename is not None:
            before_rename(Path(temporary))
        if expected_digest is not None and digest(path.read_bytes()) != expected_digest:
            raise ChangedOnDisk(
                f"{path} changed on disk while the new content was being prepared; "
                "run the command again"
            )
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
