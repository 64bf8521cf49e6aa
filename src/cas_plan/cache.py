"""A cache of parsed YAML, keyed by each file's content: repeated runs skip the parsing.

Only the expensive step is cached, YAML text -> plain data (and the reader's own problems such
as duplicate keys); schema validation and every check still run each time. An entry is found
by the hash of the file's bytes, so it can never be stale: a changed file simply has no entry,
and entries of files that are gone are dropped when the cache is rewritten.

The cache lives outside the plan (in $CASPLAN_CACHE_DIR, else $XDG_CACHE_HOME/casplan, else
~/.cache/casplan), one file per plan directory, written atomically (a temporary file, then a
rename), so concurrent runs never see half a file. A cache file that is corrupt, from another
version, or not owned by the user is ignored; it is read with an unpickler that can build
nothing but plain data and dates. `--no-cache` or CASPLAN_NO_CACHE=1 turn it off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from cas_plan import __version__

MAGIC = b"casplan parse cache\n"
FORMAT = f"1 casplan {__version__} python {sys.version_info[0]}.{sys.version_info[1]}\n".encode()

# digest of a file's bytes -> (data, [(line, col, message, severity, hint)], replaced paths)
Entry = tuple[Any, list[tuple[int, int, str, str, str | None]], list[tuple[str | int, ...]]]


def enabled() -> bool:
    return os.environ.get("CASPLAN_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    if os.environ.get("CASPLAN_CACHE_DIR"):
        return Path(os.environ["CASPLAN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casplan"


def digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=20).digest()


class _PlainUnpickler(pickle.Unpickler):
    """Builds lists, dicts, strings, numbers and dates; refuses every other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            return dt.date
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


class ParseCache:
    """The parsed files of one plan directory."""

    def __init__(self, plan_root: Path) -> None:
        key = hashlib.sha256(str(plan_root.resolve()).encode()).hexdigest()[:24]
        self.path = cache_dir() / f"plan-{key}.cache"
        self.entries: dict[bytes, bytes] = self._read()  # digest -> pickled Entry
        self.used: dict[bytes, bytes] = {}
        self.changed = False

    def _read(self) -> dict[bytes, bytes]:
        try:
            with open(self.path, "rb") as handle:
                info = os.fstat(handle.fileno())
                if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                    return {}  # someone else's file: do not trust it
                data = handle.read()
        except OSError:
            return {}
        header = MAGIC + FORMAT
        if not data.startswith(header) or len(data) < len(header) + 32:
            return {}
        checksum, payload = data[len(header) : len(header) + 32], data[len(header) + 32 :]
        if hashlib.sha256(payload).digest() != checksum:
            return {}
        try:
            entries = _PlainUnpickler(io.BytesIO(payload)).load()
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
            entry = _PlainUnpickler(io.BytesIO(blob)).load()
        except Exception:
            return None
        self.used[key] = blob
        return entry  # type: ignore[no-any-return]

    def put(self, key: bytes, entry: Entry) -> None:
        # pickled at once, so the cache holds compact bytes, not a second copy of the data
        self.used[key] = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        self.changed = True

    def save(self) -> None:
        """Write the entries of this run's files (atomically); best effort, never an error."""
        if not self.changed and len(self.used) == len(self.entries):
            return
        import tempfile  # here, not at the top: it imports `random`, slow for a cache hit

        try:
            payload = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor, temporary = tempfile.mkstemp(prefix=".plan-", dir=self.path.parent)
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(MAGIC + FORMAT + hashlib.sha256(payload).digest() + payload)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a read-only or full disk costs speed, not correctness


# --- results of whole commands -----------------------------------------------------------------
#
# A command asked again with the same options, on the same day, of byte-identical plan files
# (and, for reports, the same git state and templates) prints the same output: it is stored
# under a key made of all of these and replayed. Any change to any of them is a different key.

RESULT_MAGIC = b"casplan result cache\n"
MAX_RESULTS = 200


def plan_fingerprint(root: Path, limit: int = 2 * 1024 * 1024) -> str | None:
    """A digest of every YAML file the loader would read (paths and bytes), or None when the
    plan holds anything unusual: a symbolic link, something that is not a regular file, a
    directory that cannot be listed, a file that cannot be read or is over `limit` bytes. Then
    the command runs without the result cache, and the loader says what is wrong."""
    digest = hashlib.sha256()
    unusual: list[OSError] = []
    try:
        for directory, dirnames, filenames in os.walk(root, onerror=unusual.append):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in dirnames:
                if os.path.islink(os.path.join(directory, name)):
                    return None
            for name in sorted(filenames):
                if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                    continue
                path = os.path.join(directory, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                    return None  # a link, a FIFO, a device, an oversize file
                with open(path, "rb") as handle:
                    raw = handle.read(limit + 1)
                digest.update(os.fsencode(os.path.relpath(path, root)) + b"\0")
                digest.update(hashlib.blake2b(raw, digest_size=20).digest())
    except (OSError, ValueError):
        return None
    return None if unusual else digest.hexdigest()


def _code_fingerprint() -> str:
    """When and how big each module and template of casplan is: a result computed by other
    code (an upgrade, or an edit in a source checkout) is never replayed."""
    package = Path(__file__).resolve().parent
    parts = []
    for folder in (package, package / "templates", package.parents[1] / "templates"):
        for file in sorted(folder.glob("*.[pj][y2]")) if folder.is_dir() else ():
            info = file.stat()
            parts.append(f"{file.name}:{info.st_mtime_ns}:{info.st_size}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def result_key(*parts: str) -> str:
    text = "\0".join((FORMAT.decode(), _code_fingerprint(), *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _result_path(key: str) -> Path:
    return cache_dir() / "results" / key


def load_result(key: str) -> tuple[int, bytes] | None:
    try:
        with open(_result_path(key), "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            data = handle.read()
    except OSError:
        return None
    header = RESULT_MAGIC + FORMAT
    body = data[len(header) + 32 :]
    if (
        not data.startswith(header)
        or hashlib.sha256(body).digest() != data[len(header) : len(header) + 32]
    ):
        return None
    if not body:
        return None
    return body[0], body[1:]


def store_result(key: str, exit_code: int, output: bytes | list[bytes]) -> None:
    """Keep a command's output (atomically; the oldest results beyond MAX_RESULTS go)."""
    import tempfile  # here, not at the top: it imports `random`, slow for a cache hit

    pieces = [bytes([exit_code & 0xFF]), *([output] if isinstance(output, bytes) else output)]
    checksum = hashlib.sha256()
    for piece in pieces:
        checksum.update(piece)
    directory = _result_path(key).parent
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(prefix=".result-", dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(RESULT_MAGIC + FORMAT + checksum.digest())
                for piece in pieces:
                    handle.write(piece)
            os.replace(temporary, _result_path(key))
        except BaseException:
            os.unlink(temporary)
            raise
        results = sorted(directory.iterdir(), key=lambda p: p.stat().st_mtime)
        for old in results[:-MAX_RESULTS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
