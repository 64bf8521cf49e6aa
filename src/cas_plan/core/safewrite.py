"""Writing one file so that a crash never leaves half a file: a temporary file in the same
directory, flushed to disk, then renamed over the target (an output file, the parse cache).
Writers of one directory take turns under an advisory lock on it, which also lets a writer
remove the temporaries a killed one left. Plan files and sets of files go through
core/journal.py instead (all or nothing); where outputs may go is core/outputs.py's business.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


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


def write_atomically(path: Path, data: bytes | Iterable[bytes | memoryview]) -> None:
    """Write `data` (bytes, or its pieces in order) to `path` atomically.

    A symbolic link at `path` is replaced by the file, never written through. On any failure
    the temporary file is removed and the original is left as it was.
    """
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
            present = path.exists() and not path.is_symlink()
            mode = path.stat().st_mode & 0o7777 if present else 0o666 & ~current_umask()
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
