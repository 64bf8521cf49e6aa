"""A cache of parsed YAML, keyed by each file's content: repeated runs skip the parsing.

Only the expensive step is cached, YAML text -> plain data, the reader's own problems and the
positions of the values; schema validation and every check still run each time, so no answer
is ever replayed. An entry is found by a key made of the file's bytes and the versions of
everything whose behaviour shapes the parsed data (casplan, PyYAML and libyaml, Python), and it
records that key inside itself: a changed file, or an upgrade, simply has no entry.

The cache lives outside the plan, per user ($CASPLAN_CACHE_DIR, else $XDG_CACHE_HOME/casplan,
else ~/.cache/casplan), in a directory of mode 0700 whose owner is checked before any file in
it is opened; a cache file is opened without following links and without blocking (a FIFO is
never read), must be a regular file of the user's, and is read with an unpickler that builds
only plain data. One file per plan directory holds the entries of that plan's current files,
and at most MAX_PLANS such files are kept. Plans read from git revisions (`casplan diff`) are
never cached. `--no-cache` or CASPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.core.safewrite import write_atomically

MAGIC = b"casplan parse cache 2\n"
MAX_PLANS = 32
MAX_CACHE_BYTES = 512 * 1024 * 1024

# (data, [(line, col, message, severity, hint)], replaced paths, position marks, position keys)
Entry = tuple[
    Any,
    list[tuple[int, int, str, str, str | None]],
    list[tuple[str | int, ...]],
    bytes,
    list[str | None],
]


def enabled() -> bool:
    return os.environ.get("CASPLAN_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    if os.environ.get("CASPLAN_CACHE_DIR"):
        return Path(os.environ["CASPLAN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casplan"


@functools.cache
def versions() -> bytes:
    """Everything besides a file's bytes that decides what parsing it gives."""
    import yaml

    libyaml = getattr(yaml, "__with_libyaml__", False)
    if libyaml:
        from yaml import _yaml

        libyaml = _yaml.get_version_string()
    parts = (
        MAGIC.decode(),
        f"casplan {__version__}",
        f"PyYAML {yaml.__version__} libyaml {libyaml}",
        f"python {sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}",
    )
    return "\n".join(parts).encode()


def entry_key(raw: bytes) -> bytes:
    return hashlib.blake2b(versions() + b"\0" + raw, digest_size=24).digest()


class _PlainUnpickler(pickle.Unpickler):
    """Builds lists, dicts, strings, numbers, bytes and dates; refuses every other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def _plain_load(blob: bytes) -> Any:
    return _PlainUnpickler(io.BytesIO(blob)).load()


def _private_directory(directory: Path, create: bool) -> bool:
    """True when `directory` is ours alone: a real directory owned by us, mode 0700 (one of ours
    that others may read is closed first)."""
    try:
        if create:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(directory)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False  # a link, or someone else's: never used
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            os.chmod(directory, 0o700)  # ours, made by hand or an older casplan: close it
            info = os.lstat(directory)
    except OSError:
        return False
    return not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def _read_private(path: Path) -> bytes | None:
    """A cache file's bytes, if it is a regular file of ours (never a link, never a FIFO)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            or info.st_size > MAX_CACHE_BYTES
        ):
            return None
        try:
            return handle.read()
        except OSError:
            return None


class ParseCache:
    """The parsed files of one plan directory."""

    def __init__(self, plan_root: Path) -> None:
        self.directory = cache_dir()
        name = hashlib.sha256(os.fsencode(plan_root.resolve())).hexdigest()[:24]
        self.path = self.directory / f"plan-{name}.cache"
        self.entries: dict[bytes, bytes] = self._read()  # key -> pickled (key, Entry)
        self.used: dict[bytes, bytes] = {}
        self.changed = False

    def _read(self) -> dict[bytes, bytes]:
        if not _private_directory(self.directory, create=False):
            return {}
        data = _read_private(self.path)
        if data is None or not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32:
            return {}
        checksum, payload = data[len(MAGIC) : len(MAGIC) + 32], data[len(MAGIC) + 32 :]
        if hashlib.sha256(payload).digest() != checksum:
            return {}
        try:
            entries = _plain_load(payload)
        except Exception:  # a damaged or foreign cache is a miss, never an error
            return {}
        if not isinstance(entries, dict) or not all(
            isinstance(k, bytes) and isinstance(v, bytes) for k, v in entries.items()
        ):
            return {}
        return entries

    def get(self, key: bytes) -> Entry | None:
        blob = self.entries.get(key)
        if blob is None:
            return None
        try:
            stored_key, entry = _plain_load(blob)
        except Exception:
            return None
        if stored_key != key:  # an entry filed under the wrong key is no entry
            return None
        self.used[key] = blob
        return entry  # type: ignore[no-any-return]

    def put(self, key: bytes, entry: Entry) -> None:
        # pickled at once, so the cache holds compact bytes, not a second copy of the data
        self.used[key] = pickle.dumps((key, entry), protocol=pickle.HIGHEST_PROTOCOL)
        self.changed = True

    def save(self) -> None:
        """Keep the entries of this run's files; best effort, never an error."""
        if not self.changed and len(self.used) == len(self.entries):
            return
        if not _private_directory(self.directory, create=True):
            return
        payload = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
        if len(payload) > MAX_CACHE_BYTES:
            return
        try:
            write_atomically(self.path, MAGIC + hashlib.sha256(payload).digest() + payload)
            self._prune()
        except OSError:
            pass  # a read-only or full disk costs speed, not correctness

    def _prune(self) -> None:
        caches = sorted(
            self.directory.glob("plan-*.cache"), key=lambda p: p.lstat().st_mtime, reverse=True
        )
        for old in caches[MAX_PLANS:]:
            old.unlink(missing_ok=True)
