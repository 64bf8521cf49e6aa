"""Several files written all or nothing, also when the process is killed.

A write takes the directory's lock (an flock, so a second writer waits for the first), writes
every new file to a temporary beside its target and a copy of every file it replaces, syncs them
to disk, and only then writes a small journal (`.casplan-journal`) that lists the renames. The
journal is the point of no return: the renames follow, then the journal goes. Whoever opens the
directory next and finds a journal finishes the renames (or, when a temporary is gone, puts the
copies back) and says so in one line; temporaries without a journal are a write that never
started and are removed. Names of temporaries and of the journal start with a dot and do not end
in `.yaml`, so the loader never takes them for plan files.

A plan's write may also make one new directory beside the plan (`successor`'s new plan): it is
staged whole as a hidden sibling of its place (`.NAME.TOKEN.new.tmp`), listed in the journal with
a digest of its files, and renamed into place last; the next command completes or undoes it with
the files (`_check_directory` says what a journal may name, and why).

`CASPLAN_TEST_KILL_AT=STEP` kills the process at that step (tests prove each step recoverable).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath

from cas_plan.core.errors import CasplanError, PlanProblems, SystemProblem, system_problem
from cas_plan.core.safewrite import current_umask

JOURNAL = ".casplan-journal"
KILL_AT = "CASPLAN_TEST_KILL_AT"
PAUSE_AT = "CASPLAN_TEST_PAUSE_AT"
LOCK_TIMEOUT = "CASPLAN_LOCK_TIMEOUT"  # seconds a writer waits for another; default 30
DEFAULT_LOCK_TIMEOUT = 30.0
_TOKEN = re.compile(r"[0-9a-z]{12}")
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<token>[0-9a-z]{12})\.(?:new|old)\.tmp")
# what an earlier casplan left (mkstemp's `.measure-1.1.yaml.k1ll3d.tmp`), in a plan directory
_OLD_TEMPORARY = re.compile(r"\.(?P<name>.+\.yaml)\.[A-Za-z0-9_]+\.tmp")
_COMMAND = re.compile(r"[a-z][a-z -]{0,40}")


def checkpoint(step: str) -> None:
    """Die here, at once and without cleaning up, when a test asks for it (CASPLAN_TEST_KILL_AT);
    or wait here a moment (CASPLAN_TEST_PAUSE_AT), so that a test can start a second writer while
    this one holds the lock."""
    if os.environ.get(KILL_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE_AT) == step:
        time.sleep(2.0)


def digest(data: bytes) -> str:
    import hashlib  # here: every command opens a plan, few write one (OpenSSL takes a while)

    return hashlib.sha256(data).hexdigest()


class Busy(PlanProblems):
    """Another casplan run holds the lock, and did not let go in time."""


class UnfinishedWrite(CasplanError):
    """Some files were renamed and the rest could not be: the journal stays for the next run.
    Its message never says that nothing was written."""

    exit_code = SystemProblem.exit_code


class JournalConflict(PlanProblems):
    """A journal that can be neither completed nor undone: a human must choose."""


@dataclasses.dataclass(frozen=True)
class Write:
    """One file of a write: where, what, and what was read there before (checked unchanged and
    kept until the write is done). `original` None: the file must not exist yet; `checked`
    False (outputs): whatever is there is replaced and not kept."""

    target: str  # POSIX path relative to the directory of the write
    data: bytes
    original: bytes | None = None
    checked: bool = True
    mode: int | None = None  # permissions of a new file; an existing file keeps its own


@dataclasses.dataclass(frozen=True)
class NewDirectory:
    """A directory a write makes whole beside the directory of the write (a new plan beside the
    old one): `target` is `../NAME` or `../FOLDER/NAME` (see `directory_target`), `files` its
    files by relative POSIX path. Its place must be free (no file, or an empty directory)."""

    target: str
    files: Mapping[str, bytes]


@contextlib.contextmanager
def locked(directory: Path, what: str) -> Iterator[None]:
    """Hold the directory's exclusive flock; wait for another holder up to CASPLAN_LOCK_TIMEOUT
    seconds, then refuse (Busy). Locking the directory itself leaves no lock file behind."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: the digest checks alone protect
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        waited = _wait_for_lock(descriptor, fcntl, _lock_timeout())
        if waited is not None:
            raise Busy(
                f"another casplan run is writing {what} (waited {waited:g} s for it to finish)"
            )
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT, DEFAULT_LOCK_TIMEOUT)))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _wait_for_lock(descriptor: int, fcntl: object, timeout: float) -> float | None:
    """None once the lock is held; the seconds waited when it was not had in time."""
    flock = fcntl.flock  # type: ignore[attr-defined]
    exclusive = fcntl.LOCK_EX | fcntl.LOCK_NB  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while True:
        try:
            flock(descriptor, exclusive)
            return None
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return timeout
            time.sleep(0.02)
        except OSError as exc:  # a file system without locks (some network mounts)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                return None
            raise


# --- writing ----------------------------------------------------------------------------------


FILE, DIRECTORY = "file", "directory"


@dataclasses.dataclass(frozen=True)
class _Entry:
    target: str
    new: str  # digest of the new content (a directory's: `_listing_digest`)
    old: str | None  # digest of what it replaces; None: no file; "" (unchecked): not kept
    kind: str = FILE

    def temporary(self, token: str, kind: str) -> str:
        path = PurePosixPath(self.target)
        return str(path.with_name(f".{path.name}.{token}.{kind}.tmp"))


def commit(
    root: Path,
    writes: Sequence[Write],
    command: str,
    shown: str | None = None,
    directory: NewDirectory | None = None,
) -> None:
    """Write every file of `writes` under `root`, and `directory` beside it, all or nothing;
    call it holding the lock of `root` (the directory's parent folder is locked here).

    Raises PlanProblems when a file changed since it was read (nothing written), SystemProblem
    when the system refuses (nothing written), UnfinishedWrite when renames failed half-way and
    could not be undone (the next run completes them).
    """
    import secrets  # here: it loads hashlib, which reading a plan does not need

    token = secrets.token_hex(6)
    shown = shown or str(root)
    with contextlib.ExitStack() as stack:
        if directory is not None:
            place = _place(root, directory.target)
            stack.enter_context(locked(place.parent, f"'{_shown(shown, directory.target)}'"))
            _remove_stale_directories(place)
        checkpoint("prepared")
        entries = [_entry(root, write, shown) for write in writes]
        if directory is not None:
            entries.append(_directory_entry(root, directory, shown))
        _prepare_all(root, token, command, writes, entries, directory)
        checkpoint("journal")
        with _signals_held():
            try:
                _rename_all(root, token, entries, step="rename")
            except OSError as exc:
                _undo_after_failure(root, token, entries, exc)
            try:
                _finish(root, token, entries)
            except OSError as exc:
                raise UnfinishedWrite(
                    f"{system_problem(exc).message}; the files were written, and the next "
                    "casplan command that opens the directory removes the journal"
                ) from None


def _prepare_all(
    root: Path,
    token: str,
    command: str,
    writes: Sequence[Write],
    entries: Sequence[_Entry],
    directory: NewDirectory | None,
) -> None:
    """Every temporary (and the staged directory) written and synced, then the journal; what
    was made is removed again if any of it fails."""
    made: list[Path] = []
    folders = _make_folders(root, writes)
    try:
        for write, entry in zip(writes, entries, strict=False):
            made += _prepare(root, write, entry, token)
        if directory is not None:
            _stage(_place(root, directory.target), token, directory.files, made)
        _sync_directories(root, [e.target for e in entries if e.kind == FILE])
        checkpoint("temporaries")
        _write_journal(root, token, command, entries)
    except BaseException:
        for path in made:
            _remove_made(path)
        for folder in reversed(folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _remove_made(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _make_folders(root: Path, writes: Sequence[Write]) -> list[Path]:
    """The folders a new file goes into that are not there yet (translations/ for the first
    translations/sr.yaml), made outermost first; those made, to remove if the write fails."""
    made: list[Path] = []
    for write in writes:
        missing = []
        folder = (root / write.target).parent
        while folder != root and not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for each in reversed(missing):
            try:
                each.mkdir()
            except OSError:
                for done in reversed(made):
                    with contextlib.suppress(OSError):
                        done.rmdir()
                raise
            made.append(each)
    return made


def _entry(root: Path, write: Write, shown: str) -> _Entry:
    """The write's journal entry, after checking that its file is still what was read."""
    target = root / write.target
    where = os.path.join(shown, write.target)
    new = digest(write.data)
    if not write.checked:
        return _Entry(write.target, new, "")
    present = target.exists() or target.is_symlink()
    if write.original is None:
        if present:
            raise PlanProblems(
                f"{where} appeared while the change was being prepared; run the command again"
            )
        return _Entry(write.target, new, None)
    if not present or digest(target.read_bytes()) != digest(write.original):
        raise PlanProblems(
            f"{where} changed on disk while the change was being prepared (another program "
            "wrote it); run the command again"
        )
    return _Entry(write.target, new, digest(write.original))


def _prepare(root: Path, write: Write, entry: _Entry, token: str) -> list[Path]:
    """The new content's temporary and the copy of what it replaces, synced; the paths made."""
    target = root / write.target
    mode = write.mode
    if target.exists():
        mode = target.stat().st_mode & 0o7777
    elif mode is None:
        mode = 0o666 & ~current_umask()
    made = []
    pairs = [("new", write.data)]
    if write.checked and write.original is not None:
        pairs.append(("old", write.original))
    for kind, data in pairs:
        path = root / entry.temporary(token, kind)
        made.append(path)
        _write_synced(path, data, mode)
    return made


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, mode)


def _sync_directories(root: Path, targets: Sequence[str]) -> None:
    for directory in sorted({(root / target).parent for target in targets} | {root}):
        _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - a directory that cannot be opened cannot be synced
        return
    try:
        os.fsync(descriptor)
    except OSError:  # some file systems do not sync directories; the rename is still atomic
        pass
    finally:
        os.close(descriptor)


def _write_journal(root: Path, token: str, command: str, entries: Sequence[_Entry]) -> None:
    record = {
        "casplan_journal": 1,
        "command": command,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "token": token,
        "files": [_record(entry) for entry in entries],
    }
    temporary = root / f"{JOURNAL}.{token}.tmp"
    try:
        _write_synced(temporary, json.dumps(record, indent=1).encode("utf-8"), 0o644)
        os.replace(temporary, root / JOURNAL)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    _sync_directory(root)


def _record(entry: _Entry) -> dict[str, str | None]:
    record = {"target": entry.target, "new": entry.new, "old": entry.old}
    return record | ({"kind": DIRECTORY} if entry.kind == DIRECTORY else {})


def _rename_all(root: Path, token: str, entries: Sequence[_Entry], step: str) -> None:
    """The renames in the journal's order (a directory last)."""
    for number, entry in enumerate(entries, 1):
        if entry.kind == DIRECTORY:
            place = _place(root, entry.target)
            staged = _staged(place, token)
            if staged.is_dir() and not staged.is_symlink():
                os.replace(staged, place)  # over an empty directory too, never a full one
                _sync_directory(place.parent)
        else:
            temporary = root / entry.temporary(token, "new")
            if temporary.exists():
                os.replace(temporary, root / entry.target)
                _sync_directory((root / entry.target).parent)
        checkpoint(f"{step}-{number}")
    checkpoint("renamed")


def _finish(root: Path, token: str, entries: Sequence[_Entry]) -> None:
    """The write is whole: the journal goes, then the copies of what it replaced."""
    (root / JOURNAL).unlink()
    _sync_directory(root)
    checkpoint("journal-removed")
    _remove_temporaries(root, token, entries)


def _undo_after_failure(root: Path, token: str, entries: Sequence[_Entry], exc: OSError) -> None:
    """A rename failed half-way: put back what was replaced, so the message can say that nothing
    was written; when that fails too, the journal stays and the next run completes the write."""
    try:
        _roll_back(root, token, entries)
        (root / JOURNAL).unlink()
        _remove_temporaries(root, token, entries)
    except OSError:
        raise UnfinishedWrite(
            f"{system_problem(exc).message}; the write was left half done, and the next casplan "
            "command that opens the directory completes it"
        ) from None
    raise system_problem(exc) from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the renames are done (they take a moment); SIGKILL cannot,
    and the journal covers it."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - no signal masks here
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# --- a new directory beside the directory of the write -----------------------------------------


def directory_target(root: Path, path: Path) -> str:
    """How a journal of `root` names the new directory `path`: `../NAME` from the real folder
    that holds `root`. ValueError when it is not below that folder, or its name is hidden, or it
    is inside `root` (callers check these first, with their own words)."""
    real_root = Path(os.path.realpath(root))
    place = Path(os.path.realpath(path.absolute().parent)) / path.name
    if path.name in ("", ".", ".."):
        place = Path(os.path.realpath(path))
    if not place.is_relative_to(real_root.parent):
        raise ValueError(f"'{path}' is not in the folder that holds the plan directory")
    target = PurePosixPath("..", *place.relative_to(real_root.parent).parts).as_posix()
    _check_directory(_Entry(target, "0" * 64, None, DIRECTORY))
    _check_place(real_root, target)
    return target


def _check_directory(entry: _Entry) -> None:
    """A directory entry's target: `..` once, then visible names; nothing it replaces.

    Why so bounded: a journal is data from wherever the plan came from (the plan is in git, and
    a pull request can bring a forged one). So its directory entry names a place below the
    folder that holds the plan (`../NAME`, `../FOLDER/NAME`), by visible names (never `.git`
    nor a hidden folder), not inside the plan, not through a link (`_check_place`); only a
    plan's journal holds one, and at most one. Recovery renames into that place only the staged
    copy beside it whose name carries the journal's token and whose files match the journal's
    digest, and only while the place is free (nothing, or an empty directory); undoing removes
    only such a copy, and a directory in place is never removed. So a forged journal can
    neither put a directory elsewhere nor delete anything casplan did not stage."""
    target = entry.target
    if not isinstance(target, str) or not target or "\\" in target or "\x00" in target:
        raise ValueError("bad target")
    parts = PurePosixPath(target).parts
    if len(parts) < 2 or parts[0] != ".." or any(p in ("..", ".", "/") for p in parts[1:]):
        raise ValueError(f"directory '{target}' is not in the folder that holds the plan directory")
    if any(part.startswith(".") for part in parts[1:]):
        raise ValueError(f"directory '{target}' has a hidden name")
    if entry.old is not None:
        raise ValueError(f"directory '{target}' replaces something")


def _check_place(real_root: Path, target: str) -> None:
    """The place is outside the plan and reached without a link (checked on the disk)."""
    place = _place(real_root, target)
    if place.is_relative_to(real_root):
        raise ValueError(f"directory '{target}' is inside the plan directory")
    if os.path.realpath(place.parent) != str(place.parent):
        raise ValueError(f"directory '{target}' is reached through a link")


def _place(root: Path, target: str) -> Path:
    """Where a directory entry's target is (below the real folder that holds `root`)."""
    return Path(os.path.realpath(root)).parent.joinpath(*PurePosixPath(target).parts[1:])


def _shown(shown: str, target: str) -> str:
    return os.path.normpath(os.path.join(shown, target))


def _staged(place: Path, token: str) -> Path:
    return place.with_name(f".{place.name}.{token}.new.tmp")


def _directory_entry(root: Path, directory: NewDirectory, shown: str) -> _Entry:
    """The directory's journal entry, after checking its place is still free."""
    listing = []
    for relative, data in directory.files.items():
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or {"..", "."} & set(parts):
            raise ValueError(f"not a file of a new directory: {relative!r}")
        listing.append(["f", relative, digest(data)])
        listing += [["d", p.as_posix()] for p in PurePosixPath(relative).parents if p.parts]
    if _tree_state(_place(root, directory.target)) not in (None, "empty"):
        raise PlanProblems(
            f"'{_shown(shown, directory.target)}' appeared while the change was being prepared; "
            "run the command again"
        )
    return _Entry(directory.target, _listing_digest(listing), None, DIRECTORY)


def _listing_digest(listing: list[list[str]]) -> str:
    """A directory's digest: its folders' and files' names and the files' digests, sorted."""
    unique = sorted({tuple(item) for item in listing})
    return digest(json.dumps([list(item) for item in unique]).encode("utf-8"))


def _tree_state(path: Path) -> str | None:
    """A directory's digest; None when nothing is there, "empty" for an empty directory, and
    something that is no digest for a link, a file, or a directory holding a link or a special
    file (casplan never stages those)."""
    if path.is_symlink():
        return "link"
    if not path.exists():
        return None
    if not path.is_dir():
        return "file"
    listing: list[list[str]] = []

    def refuse(error: OSError) -> None:
        raise error

    try:
        for walked, folders, names in os.walk(path, onerror=refuse):
            here = Path(walked)
            for name in folders + names:
                item = here / name
                relative = item.relative_to(path).as_posix()
                if item.is_symlink():
                    return "irregular"
                if item.is_dir():
                    listing.append(["d", relative])
                elif item.is_file():
                    listing.append(["f", relative, _file_digest(item)])
                else:
                    return "irregular"
    except OSError:
        return "unreadable"
    return _listing_digest(listing) if listing else "empty"


def _file_digest(path: Path) -> str:
    import hashlib

    summed = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            summed.update(block)
    return summed.hexdigest()


def _stage(place: Path, token: str, files: Mapping[str, bytes], made: list[Path]) -> None:
    """The directory written whole as its hidden sibling, every file and folder synced."""
    staged = _staged(place, token)
    os.mkdir(staged, 0o700)  # private while it is written
    made.append(staged)
    umask = current_umask()
    folders = sorted(
        {p for relative in files for p in PurePosixPath(relative).parents if p.parts},
        key=lambda p: len(p.parts),
    )
    for folder in folders:
        os.mkdir(staged / folder, 0o777 & ~umask)
    for relative, data in files.items():
        _write_synced(staged / relative, data, 0o666 & ~umask)
    for folder in reversed(folders):
        _sync_directory(staged / folder)
    os.chmod(staged, 0o777 & ~umask)
    _sync_directory(staged)
    _sync_directory(place.parent)


def _remove_stale_directories(place: Path) -> None:
    """What a killed write staged for this place and never listed in a journal (call it
    holding the parent's lock): folders named `.NAME.TOKEN.new.tmp` beside it."""
    import shutil

    pattern = re.compile(rf"\.{re.escape(place.name)}\.[0-9a-z]{{12}}\.new\.tmp")
    with contextlib.suppress(FileNotFoundError):
        for leftover in place.parent.iterdir():
            stale = pattern.fullmatch(leftover.name) and leftover.is_dir()
            if stale and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _remove_staged(root: Path, token: str, entry: _Entry) -> None:
    """The staged copy of a directory entry, removed only when it holds what the journal
    says (never a link, never the target)."""
    import shutil

    staged = _staged(_place(root, entry.target), token)
    if _tree_state(staged) == entry.new:
        shutil.rmtree(staged)
        _sync_directory(staged.parent)


# --- recovering -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Journal:
    command: str
    started: str
    token: str
    entries: tuple[_Entry, ...]


def settle_on_open(root: Path, shown: str) -> None:
    """What every command that reads a plan directory does first: an interrupted write found
    there is completed (or undone) before anything is read. Taking the lock waits for a writer
    that is still at work; its journal is then gone."""
    if pending(root):
        with locked(root, f"the plan in '{shown}'"):
            announce(recover(root, shown, plan_files=True))


def announce(line: str | None) -> None:
    """The one line that says an interrupted write was completed or undone."""
    if line:
        from cas_plan.core.diagnostics import printable

        sys.stderr.write(f"casplan: {printable(line)}\n")
        sys.stderr.flush()


def pending(root: Path) -> bool:
    """Whether an interrupted write waits to be completed (one stat, no lock)."""
    return (root / JOURNAL).is_file() or (root / JOURNAL).is_symlink()


def recover(root: Path, shown: str, *, plan_files: bool) -> str | None:
    """Complete or undo an interrupted write found in `root` and remove what a write that never
    started left; call it holding the lock. The line to print, or None when there was nothing
    to complete."""
    said = None
    if pending(root):
        journal = _read_journal(root, shown, plan_files)
        said = _settle(root, shown, journal)
    _remove_stale(root, plan_files)
    return said


def _read_journal(root: Path, shown: str, plan_files: bool) -> _Journal:
    where = os.path.join(shown, JOURNAL)
    path = root / JOURNAL
    try:
        if path.is_symlink() or path.stat().st_size > 1_000_000:
            raise ValueError("not a journal casplan wrote")
        journal = _parsed(json.loads(path.read_bytes().decode("utf-8")))
        directories = [e for e in journal.entries if e.kind == DIRECTORY]
        if directories and not plan_files:
            raise ValueError("a directory outside a plan's journal")
        for entry in directories:
            _check_place(Path(os.path.realpath(root)), entry.target)
        return journal
    except KeyError as exc:
        reason = f"it has no {exc.args[0]}"
    except (TypeError, AttributeError):
        reason = "not a journal casplan wrote"
    except ValueError as exc:
        reason = str(exc)
    raise JournalConflict(
        f"{where} is damaged ({reason}); it is not a journal casplan can complete: look at the "
        "files it names, then remove it"
    )


def _parsed(record: object) -> _Journal:
    if not isinstance(record, dict):
        raise ValueError("not a journal casplan wrote")
    if record.get("casplan_journal") != 1:
        raise ValueError("unknown version")
    command, started, token = record["command"], record["started"], record["token"]
    if not (isinstance(command, str) and _COMMAND.fullmatch(command)):
        raise ValueError("bad command")
    if not (isinstance(token, str) and _TOKEN.fullmatch(token)):
        raise ValueError("bad token")
    if not isinstance(started, str):
        raise ValueError("bad start time")
    dt.datetime.fromisoformat(started)
    files = record["files"]
    if not isinstance(files, list) or not files:
        raise ValueError("no files")
    entries = tuple(
        _Entry(item["target"], item["new"], item["old"], item.get("kind", FILE)) for item in files
    )
    for entry in entries:
        _check_entry(entry)
    if sum(entry.kind == DIRECTORY for entry in entries) > 1:
        raise ValueError("more than one directory")
    return _Journal(command, started, token, entries)


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _check_entry(entry: _Entry) -> None:
    """A target inside the directory (no `..`, no absolute path), digests that are digests; a
    directory's target as `_check_directory` bounds it."""
    if entry.kind not in (FILE, DIRECTORY):
        raise ValueError("bad kind")
    if entry.kind == DIRECTORY:
        _check_directory(entry)
    target = entry.target
    if not isinstance(target, str) or not target or "\\" in target or "\x00" in target:
        raise ValueError("bad target")
    parts = PurePosixPath(target).parts
    outside = PurePosixPath(target).is_absolute() or any(p in ("..", ".") for p in parts)
    if outside and entry.kind == FILE:
        raise ValueError(f"target '{target}' is outside the directory")
    if not (isinstance(entry.new, str) and _DIGEST.fullmatch(entry.new)):
        raise ValueError("bad digest")
    if entry.old not in (None, "") and not (
        isinstance(entry.old, str) and _DIGEST.fullmatch(entry.old)
    ):
        raise ValueError("bad digest")


def _state(path: Path) -> str | None:
    """The digest of a regular file, None when there is none (a link counts as something else)."""
    if path.is_symlink():
        return "link"
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return "directory"


def _settle(root: Path, shown: str, journal: _Journal) -> str:
    """Complete or undo the journal's write, holding the lock of the folder a new directory
    goes into too (as the writer held it)."""
    with contextlib.ExitStack() as stack:
        for entry in journal.entries:
            parent = _place(root, entry.target).parent if entry.kind == DIRECTORY else None
            if parent is not None and parent.is_dir():
                stack.enter_context(locked(parent, f"'{_shown(shown, entry.target)}'"))
        return _settle_locked(root, shown, journal)


def _settle_locked(root: Path, shown: str, journal: _Journal) -> str:
    token, entries = journal.token, journal.entries
    count = sum(entry.kind == FILE for entry in entries)
    files = f"{count} file{'s' if count != 1 else ''}"
    if count < len(entries):
        files += " and 1 directory"
    what = f"{journal.command}, started {journal.started}"
    if all(_can_complete(root, token, entry) for entry in entries):
        _rename_all(root, token, entries, step="recovery-rename")
        _finish(root, token, entries)
        return f"completed an interrupted write of {files} ({what})"
    blocked = [e for e in entries if not _can_undo(root, token, e)]
    if any(entry.kind == DIRECTORY for entry in blocked):
        # a directory in place is never removed: what keeps the write from completing is named
        blocked = [e for e in entries if not _can_complete(root, token, e)]
    if blocked:
        names = ", ".join(_shown(shown, entry.target) for entry in blocked)
        raise JournalConflict(
            f"{os.path.join(shown, JOURNAL)}: an interrupted write ({what}) can be neither "
            f"completed nor undone: {names} changed since; check those files, then remove the "
            "journal"
        )
    _roll_back(root, token, entries)
    (root / JOURNAL).unlink()
    _sync_directory(root)
    _remove_temporaries(root, token, entries)
    return f"undid an interrupted write of {files} ({what}): a new file was missing"


def _can_complete(root: Path, token: str, entry: _Entry) -> bool:
    if entry.kind == DIRECTORY:  # in place, or its copy whole beside a free place
        place = _place(root, entry.target)
        now = _tree_state(place)
        if now == entry.new:
            return True
        return now in (None, "empty") and _tree_state(_staged(place, token)) == entry.new
    now = _state(root / entry.target)
    if now == entry.new:
        return True
    if entry.old != "" and now != entry.old:
        return False
    return _state(root / entry.temporary(token, "new")) == entry.new


def _can_undo(root: Path, token: str, entry: _Entry) -> bool:
    if entry.kind == DIRECTORY:  # never renamed: its copy still whole, or its place still free
        place = _place(root, entry.target)
        staged = _tree_state(_staged(place, token))
        if staged is None:  # a place that holds something may be the copy, changed since
            return _tree_state(place) in (None, "empty")
        return staged == entry.new
    now = _state(root / entry.target)
    if entry.old == "" or now == entry.old:
        return True
    if now != entry.new:
        return False
    return entry.old is None or _state(root / entry.temporary(token, "old")) == entry.old


def _roll_back(root: Path, token: str, entries: Sequence[_Entry]) -> None:
    """Put back every replaced file from its copy and remove every file the write created."""
    for entry in entries:
        target = root / entry.target
        if entry.kind == DIRECTORY or entry.old == "" or _state(target) != entry.new:
            continue  # a directory is never in place when a write is undone (`_can_undo`)
        if entry.old is None:
            target.unlink()
        else:
            os.replace(root / entry.temporary(token, "old"), target)
        _sync_directory(target.parent)


def _remove_temporaries(root: Path, token: str, entries: Sequence[_Entry]) -> None:
    for entry in entries:
        if entry.kind == DIRECTORY:
            _remove_staged(root, token, entry)
            continue
        for kind in ("new", "old"):
            with contextlib.suppress(FileNotFoundError):
                (root / entry.temporary(token, kind)).unlink()


def _remove_stale(root: Path, plan_files: bool) -> None:
    """Temporaries of writes that never reached their journal. In a plan directory every folder
    is looked at (and mkstemp's names of earlier versions too); elsewhere only `root` itself."""
    folders = [root]
    if plan_files:
        folders = []
        for walked, names, _ in os.walk(root):
            names[:] = [name for name in names if name != ".git"]
            folders.append(Path(walked))
    for folder in folders:
        for path in folder.iterdir():
            name = path.name
            stale = _TEMPORARY.fullmatch(name) or (plan_files and _OLD_TEMPORARY.fullmatch(name))
            journal = name.startswith(f"{JOURNAL}.") and name.endswith(".tmp")
            if (stale or journal) and path.is_file() and not path.is_symlink():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
