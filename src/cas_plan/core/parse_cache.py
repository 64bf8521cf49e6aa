"""The plan cache: what reading and checking a plan gave, kept so that unchanged input is not
parsed, validated or checked again.

Two kinds of entry, each found by a key made of everything that shapes it, and each recording
that key inside itself (an entry filed under another key is no entry):
- a file's entry, keyed by the file's bytes: its validated model (or None), the problems
  found reading and validating it, and the positions of its values (to place later problems);
  a changed file, exactly that one, is read and validated again;
- the checked plan's entry, keyed by every file's key, the refusals of the directory walk, the
  day the plan is checked as of and how its root is shown: every problem of the plan, placed,
  and its size. `validate` on an unchanged plan needs nothing else: it imports neither the
  YAML reader nor pydantic. A command that needs the plan assembles it from the files' entries,
  as the loader assembles validated files: the same `Plan` either way.
Every key starts with `versions()`: casplan's version and a digest of the source of core/ (the
only layer that reads and checks a plan: a test of the layers keeps it from importing anything
above it), the files that name the PyYAML, libyaml, pydantic and pydantic-core versions, and
Python's version. A code change, an upgrade, another day or a changed file simply has no entry.

Why unpickling is safe here: the cache lives outside the plan, per user ($CASPLAN_CACHE_DIR,
else $XDG_CACHE_HOME/casplan, else ~/.cache/casplan), in a directory of mode 0700 whose owner is
checked before any file in it is opened; a cache file is opened without following links and
without blocking (a FIFO is never read), must be a regular file of the user's that others
cannot write, and carries a checksum. Only someone who can already run code as the user can
write there. Even so, entries are read with unpicklers that build nothing but plain data
(`_PlainUnpickler`) or, for a file's model, plain data and the models and value classes of
cas_plan.core (`_ModelUnpickler`): no function is ever called by name. One file per plan
directory holds the entries of that plan's current files, and at most MAX_PLANS such files are
kept. Plans read from git revisions (`casplan diff`) are never cached. `--no-cache` or
CASPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cas_plan import __version__

try:  # hashlib would load OpenSSL first, a tenth of a warm run's time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
    from hashlib import blake2b

MAGIC = b"casplan plan cache 3\n"
MAX_PLANS = 32
MAX_CACHE_BYTES = 512 * 1024 * 1024
KEY_BYTES = 24
_DIGEST_BYTES = 32
_LENGTH_BYTES = 8

# A problem as kept: (line, col, message, severity, hint, pointer, at_key)
Problem = tuple[int, int, str, str, str | None, tuple[str | int, ...] | None, bool]


def enabled() -> bool:
    return os.environ.get("CASPLAN_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    if os.environ.get("CASPLAN_CACHE_DIR"):
        return Path(os.environ["CASPLAN_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "casplan"


@functools.cache
def versions() -> bytes:
    """Everything besides the plan's own bytes that decides what reading and checking it gives,
    found without importing the libraries (a warm `validate` never needs them)."""
    digest = blake2b(MAGIC + f"casplan {__version__}\0".encode(), digest_size=32)
    core = Path(__file__).resolve().parent
    for source in sorted([*core.glob("*.py"), core.parent / "__init__.py"]):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    for package, files in _LIBRARY_FILES.items():
        digest.update(_library_identity(package, files))
    digest.update(f"python {sys.version}".encode())
    return digest.digest()


# the files that say a library's version (pydantic's names the pydantic-core it needs)
_LIBRARY_FILES = {
    "yaml": {"__init__.py"},
    "pydantic": {"version.py"},
    "pydantic_core": {"__init__.py"},
}


def _library_identity(package: str, files: set[str]) -> bytes:
    """Where a library is, the files that name its version, and the size and time of its
    compiled code (libyaml, pydantic-core): an upgrade changes them."""
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return f"{package} missing\0".encode()
    directory = Path(next(iter(spec.submodule_search_locations)))
    parts = [f"{package} {directory}".encode()]
    for name in sorted(os.listdir(directory)):
        if name in files:
            parts.append(name.encode() + b"\0" + (directory / name).read_bytes())
        elif name.endswith((".so", ".pyd")):
            info = os.stat(directory / name)
            parts.append(f"{name} {info.st_size} {info.st_mtime_ns}".encode())
    return b"\0".join(parts) + b"\0"


def file_key(raw: bytes) -> bytes:
    """The key of a file's entry: its bytes, and the versions."""
    return blake2b(versions() + b"\0file\0" + raw, digest_size=KEY_BYTES).digest()


def plan_key(
    shown_root: str, as_of: str, profile: str, refused: Iterable[str], files: Iterable[str]
) -> bytes:
    """The key of a checked plan's entry: how its root is shown, the day it is checked as of,
    the profile checked against ('' for none), what the walk refused and why, and each file's
    relative path and key."""
    digest = blake2b(versions() + b"\0plan\0", digest_size=KEY_BYTES)
    for part in (shown_root, as_of, profile, *refused, "\0files", *files):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.digest()


class _PlainUnpickler(pickle.Unpickler):
    """Builds lists, dicts, tuples, strings, numbers, bytes and sets; refuses every class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


class _ModelUnpickler(pickle.Unpickler):
    """Builds plain data, dates, decimals and the classes of cas_plan.core's values: pydantic
    models (restored without validating again) and dataclasses; refuses every other name."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("datetime", "date"):
            import datetime

            return datetime.date
        if (module, name) == ("decimal", "Decimal"):
            import decimal

            return decimal.Decimal
        if module.startswith("cas_plan.core.") and module.count(".") == 2:
            found = getattr(sys.modules.get(module) or _import(module), name, None)
            if isinstance(found, type) and _value_class(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def _import(module: str) -> Any:
    import importlib

    return importlib.import_module(module)


def _value_class(cls: type) -> bool:
    from dataclasses import is_dataclass

    from pydantic import BaseModel

    return issubclass(cls, BaseModel) or is_dataclass(cls)


def plain_load(blob: bytes | memoryview) -> Any:
    return _PlainUnpickler(io.BytesIO(blob)).load()


def model_load(blob: bytes) -> Any:
    return _ModelUnpickler(io.BytesIO(blob)).load()


def dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


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


def _records(payload: memoryview) -> dict[bytes, memoryview]:
    """key -> value of each record (key, length, value), without copying the values."""
    out: dict[bytes, memoryview] = {}
    at, end = 0, len(payload)
    while at + KEY_BYTES + _LENGTH_BYTES <= end:
        key = bytes(payload[at : at + KEY_BYTES])
        at += KEY_BYTES
        length = int.from_bytes(payload[at : at + _LENGTH_BYTES], "little")
        at += _LENGTH_BYTES
        if at + length > end:
            return {}
        out[key] = payload[at : at + length]
        at += length
    return out if at == end else {}


class ParseCache:
    """The cached files and checked plan of one plan directory.

    A file: MAGIC, then records (key, length, value), then a checksum of the records. New
    values go to an anonymous spool file in the cache directory as they are made, so a cold
    run of a large plan does not hold them all in memory until the cache is written."""

    def __init__(self, plan_root: Path) -> None:
        self.directory = cache_dir()
        name = blake2b(os.fsencode(plan_root.resolve()), digest_size=12).hexdigest()
        self.path = self.directory / f"plan-{name}.cache"
        self.entries: dict[bytes, memoryview] = self._read()  # key -> pickled (key, value)
        self.used: dict[bytes, memoryview | tuple[int, int]] = {}  # (offset, length): spooled
        self.spool: BinaryIO | None = None
        self.changed = False

    def _read(self) -> dict[bytes, memoryview]:
        if not _private_directory(self.directory, create=False):
            return {}
        data = _read_private(self.path)
        if data is None or not data.startswith(MAGIC) or len(data) < len(MAGIC) + _DIGEST_BYTES:
            return {}
        payload = memoryview(data)[len(MAGIC) : -_DIGEST_BYTES]
        if blake2b(payload, digest_size=_DIGEST_BYTES).digest() != data[-_DIGEST_BYTES:]:
            return {}
        return _records(payload)

    def get(self, key: bytes) -> Any | None:
        """The value stored under `key` (plain data), or None."""
        blob = self.entries.get(key)
        if blob is None:
            return None
        try:
            stored_key, value = plain_load(blob)
        except Exception:  # a damaged or foreign entry is a miss, never an error
            return None
        if stored_key != key:  # an entry filed under the wrong key is no entry
            return None
        self.used[key] = blob
        return value

    def put(self, key: bytes, value: Any) -> None:
        """Store plain data (pickled at once, and spooled to disk)."""
        if self.spool is None:
            if not _private_directory(self.directory, create=True):
                return  # nowhere safe to keep it: the run goes on without the cache
            import tempfile

            self.spool = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 (closed by save)
        blob = dump((key, value))
        self.used[key] = (self.spool.tell(), len(blob))
        self.spool.write(blob)
        self.changed = True

    def save(self) -> None:
        """Keep the entries this run used or made; best effort, never an error."""
        if not self.changed and len(self.used) == len(self.entries):
            return
        size = sum(
            KEY_BYTES + _LENGTH_BYTES + (blob[1] if isinstance(blob, tuple) else len(blob))
            for blob in self.used.values()
        )
        if size > MAX_CACHE_BYTES or not _private_directory(self.directory, create=True):
            return
        from cas_plan.core.safewrite import write_atomically

        try:
            if self.spool is not None:
                self.spool.flush()
            write_atomically(self.path, self._pieces())
            self._prune()
        except OSError:
            pass  # a read-only or full disk costs speed, not correctness
        finally:
            if self.spool is not None:
                self.spool.close()
                self.spool = None

    def _pieces(self) -> Iterator[bytes | memoryview]:
        """The cache file, record by record (spooled values read back one at a time)."""
        digest = blake2b(digest_size=_DIGEST_BYTES)
        yield MAGIC
        for key, where in self.used.items():
            if isinstance(where, tuple):
                assert self.spool is not None
                offset, length = where
                where = memoryview(os.pread(self.spool.fileno(), length, offset))
            for part in (key, len(where).to_bytes(_LENGTH_BYTES, "little"), where):
                digest.update(part)
                yield part
        yield digest.digest()

    def _prune(self) -> None:
        caches = sorted(
            self.directory.glob("plan-*.cache"), key=lambda p: p.lstat().st_mtime, reverse=True
        )
        for old in caches[MAX_PLANS:]:
            old.unlink(missing_ok=True)
