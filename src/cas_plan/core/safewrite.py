"""Writing files so that a crash never leaves half a file: a temporary file in the same
directory, flushed to disk, then renamed over the target. Every command that writes uses it.

Writers of one directory take turns: the digest check and the rename happen under an advisory
lock on the directory, so two `casplan progress` on one file cannot both pass the check and
lose an entry (the second sees the first's change and refuses). An editor takes no such lock;
its save between our check and our rename is the one race left, and the window is a rename.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


class ChangedOnDisk(Exception):
    """The file changed between reading and writing: nothing was written."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def directory_lock(directory: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) on a directory, held by one writer at a time.

    Locking the directory itself leaves no lock file in the plan. Where flock does not exist
    (Windows), writers are not serialized and the digest check alone protects the file.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as exc:  # a file system without locks (some network mounts)
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                raise
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _temporary_prefix(path: Path) -> str:
    # hidden and not ending in .yaml: never taken for a plan file (the loader skips it)
    return f".{path.name}."


def _remove_stale_temporaries(path: Path) -> None:
    """Temporaries of `path` a killed writer left behind; call with the directory locked, when
    no other writer of the directory can be using one."""
    prefix = _temporary_prefix(path)
    for leftover in path.parent.glob(f"{glob.escape(prefix)}*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def write_atomically(
    path: Path,
    data: bytes | Iterable[bytes | memoryview],
    expected_digest: str | None = None,
    before_rename: Callable[[Path], None] | None = None,
) -> None:
    """Write `data` (bytes, or its pieces in order) to `path` atomically.

    A symbolic link is written through: its target is replaced, the link stays a link. With
    `expected_digest`, refuse (ChangedOnDisk, nothing written) when the file on disk no longer
    has that digest: someone changed it since it was read. On any failure the temporary file is
    removed and the original is left as it was. `before_rename` lets tests inject a failure
    between writing and renaming.
    """
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    with directory_lock(path.parent):
        _remove_stale_temporaries(path)
        descriptor, temporary = tempfile.mkstemp(
            prefix=_temporary_prefix(path), suffix=TEMPORARY_SUFFIX, dir=path.parent
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    handle.writelines(data)
                handle.flush()
                os.fsync(handle.fileno())
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~current_umask()
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


def current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
