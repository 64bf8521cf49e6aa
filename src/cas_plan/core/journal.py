"""Several files written all or nothing, also when the process is killed.

A write takes the directory's lock (an flock, so a second writer waits for the first), writes
every new file to a temporary beside its target and a copy of every file it replaces, syncs them
to disk, and only then writes a small journal (`.casplan-journal`) that lists the renames. The
journal is the point of no return: the renames follow, then the journal goes. Whoever opens the
directory next and finds a journal finishes the renames (or, when a temporary is gone, puts the
copies back) and says so in one line; temporaries without a journal are a write that never
started and are removed. Names of temporaries and of the journal start with a dot and do not end
in `.yaml`, so the loader never takes them for plan files.

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
from collections.abc import Iterator, Sequence
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


@dataclasses.dataclass(frozen=True)
class _Entry:
    target: str
    new: str  # digest of the new content
    old: str | None  # digest of what it replaces; None: no file; "" (unchecked): not kept

    def temporary(self, token: str, kind: str) -> str:
        path = PurePosixPath(self.target)
        return str(path.with_name(f".{path.name}.{token}.{kind}.tmp"))


def commit(root: Path, writes: Sequence[Write], command: str, shown: str | None = None) -> None:
    """Write every file of `writes` under `root`, all or nothing; call it holding the lock.

    Raises PlanProblems when a file changed since it was read (nothing written), SystemProblem
    when the system refuses (nothing written), UnfinishedWrite when renames failed half-way and
    could not be undone (the next run completes them).
    """
    import secrets  # here: it loads hashlib, which reading a plan does not need

    token = secrets.token_hex(6)
    checkpoint("prepared")
    entries = [_entry(root, write, shown or str(root)) for write in writes]
    made: list[Path] = []
    folders = _make_folders(root, writes)
    try:
        for write, entry in zip(writes, entries, strict=True):
            made += _prepare(root, write, entry, token)
        _sync_directories(root, [e.target for e in entries])
        checkpoint("temporaries")
        _write_journal(root, token, command, entries)
    except BaseException:
        for path in made:
            with contextlib.suppress(OSError):
                path.unlink()
        for folder in reversed(folders):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
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
                f"{system_problem(exc).message}; the files were written, and the next casplan "
                "command that opens the directory removes the journal"
            ) from None


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
        "files": [dataclasses.asdict(entry) for entry in entries],
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


def _rename_all(root: Path, token: str, entries: Sequence[_Entry], step: str) -> None:
    for number, entry in enumerate(entries, 1):
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
    for entry in entries:
        for kind in ("new", "old"):
            with contextlib.suppress(FileNotFoundError):
                (root / entry.temporary(token, kind)).unlink()


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
        journal = _read_journal(root, shown)
        said = _settle(root, shown, journal)
    _remove_stale(root, plan_files)
    return said


def _read_journal(root: Path, shown: str) -> _Journal:
    where = os.path.join(shown, JOURNAL)
    path = root / JOURNAL
    try:
        if path.is_symlink() or path.stat().st_size > 1_000_000:
            raise ValueError("not a journal casplan wrote")
        return _parsed(json.loads(path.read_bytes().decode("utf-8")))
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
    entries = tuple(_Entry(item["target"], item["new"], item["old"]) for item in files)
    for entry in entries:
        _check_entry(entry)
    return _Journal(command, started, token, entries)


_DIGEST = re.compile(r"[0-9a-f]{64}")


def _check_entry(entry: _Entry) -> None:
    """A target inside the directory (no `..`, no absolute path), digests that are digests."""
    target = entry.target
    if not isinstance(target, str) or not target or "\\" in target or "\x00" in target:
        raise ValueError("bad target")
    parts = PurePosixPath(target).parts
    if PurePosixPath(target).is_absolute() or any(p in ("..", ".") for p in parts):
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
    token, entries = journal.token, journal.entries
    count = len(entries)
    files = f"{count} file{'s' if count != 1 else ''}"
    what = f"{journal.command}, started {journal.started}"
    if all(_can_complete(root, token, entry) for entry in entries):
        _rename_all(root, token, entries, step="recovery-rename")
        _finish(root, token, entries)
        return f"completed an interrupted write of {files} ({what})"
    blocked = [e.target for e in entries if not _can_undo(root, token, e)]
    if blocked:
        raise JournalConflict(
            f"{os.path.join(shown, JOURNAL)}: an interrupted write ({what}) can be neither "
            f"completed nor undone: {', '.join(os.path.join(shown, t) for t in blocked)} changed "
            "since; check those files, then remove the journal"
        )
    _roll_back(root, token, entries)
    (root / JOURNAL).unlink()
    _sync_directory(root)
    _remove_temporaries(root, token, entries)
    return f"undid an interrupted write of {files} ({what}): a new file was missing"


def _can_complete(root: Path, token: str, entry: _Entry) -> bool:
    now = _state(root / entry.target)
    if now == entry.new:
        return True
    if entry.old != "" and now != entry.old:
        return False
    return _state(root / entry.temporary(token, "new")) == entry.new


def _can_undo(root: Path, token: str, entry: _Entry) -> bool:
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
        if entry.old == "" or _state(target) != entry.new:
            continue
        if entry.old is None:
            target.unlink()
        else:
            os.replace(root / entry.temporary(token, "old"), target)
        _sync_directory(target.parent)


def _remove_temporaries(root: Path, token: str, entries: Sequence[_Entry]) -> None:
    for entry in entries:
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
