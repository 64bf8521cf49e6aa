"""Where a command may write what it makes (a report, a workbook, drafts, a site), checked in one
place for every command that writes an output file or folder.

Never through a symbolic link (a link at the path is refused, and the rename replaces a link
rather than its target), never over a file of the plan directory (the plan is written only by
its own commands, through their transaction; `schemas/` is the exception: the schemas are part
of the layout), and a folder that several files go into is made when missing (its parent must
exist) and receives them all or none (core/journal.py, with its journal in that folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from cas_plan.core import journal
from cas_plan.core.diagnostics import printable
from cas_plan.core.errors import UsageError


def _real(path: Path) -> Path:
    """The path with its folders' links resolved, its last part kept as it is."""
    return Path(os.path.realpath(path.parent)) / path.name


def _refuse_link(path: Path, option: str) -> None:
    if path.is_symlink():
        raise UsageError(
            f"{option}: '{printable(str(path))}' is a symbolic link; casplan does not write "
            "through links (remove it or choose another path)"
        )


def _refuse_plan(path: Path, option: str, plan_root: Path | None, allowed: str | None) -> None:
    """Refuse a path inside the plan directory (but inside its `allowed` folder)."""
    if plan_root is None:
        return
    root = Path(os.path.realpath(plan_root))
    real = _real(path)
    if allowed is not None and real.is_relative_to(root / allowed):
        return
    if real.is_relative_to(root):
        raise UsageError(
            f"{option}: '{printable(str(path))}' is inside the plan directory "
            f"'{printable(str(plan_root))}', which only the plan's own commands write; "
            "choose a path outside it"
        )
    if root.is_relative_to(real):
        raise UsageError(
            f"{option}: '{printable(str(path))}' holds the plan directory "
            f"'{printable(str(plan_root))}'; choose a folder outside it"
        )


def output_file(path: Path, option: str, plan_root: Path | None = None) -> Path:
    """An output file's path, checked: its folder exists, it is no link, not in the plan."""
    if not path.parent.is_dir():
        raise UsageError(f"{option}: directory '{printable(str(path.parent))}' does not exist")
    _refuse_link(path, option)
    if path.is_dir():
        raise UsageError(f"{option}: '{printable(str(path))}' is a directory; give a file name")
    _refuse_plan(path, option, plan_root, None)
    return path


def output_folder(
    path: Path, option: str, plan_root: Path | None = None, *, allowed: str | None = None
) -> Path:
    """An output folder, checked (no link, not in the plan nor holding it) and made when it is
    missing and its parent exists."""
    _refuse_link(path, option)
    _refuse_plan(path, option, plan_root, allowed)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option}: '{printable(str(path))}' is not a directory")
    if not path.exists():
        if not path.absolute().parent.is_dir():
            raise UsageError(f"{option}: directory '{printable(str(path.parent))}' does not exist")
        path.mkdir(exist_ok=True)
    return path


def new_folder(path: Path, option: str, plan_root: Path) -> Path:
    """A folder a command makes whole beside the plan (the next plan), written with the plan's
    own change in one journal, checked: no link, not in the plan nor holding it, its parent
    exists, and it is below the folder that holds the plan, by visible names (where a plan's
    journal may name a directory, `journal.directory_target`). Whether it is empty is the
    writer's to check, under its lock."""
    _refuse_link(path, option)
    _refuse_plan(path, option, plan_root, None)
    if not path.absolute().parent.is_dir():
        raise UsageError(f"{option}: directory '{printable(str(path.parent))}' does not exist")
    try:
        journal.directory_target(plan_root, path)
    except ValueError:
        holder = Path(os.path.realpath(plan_root)).parent
        raise UsageError(
            f"{option}: '{printable(str(path))}' is not a folder beside the plan: the new plan "
            f"goes in '{printable(str(holder))}', the folder that holds the plan directory, or "
            "a folder below it, by names that do not start with a dot (one journal of the plan "
            "then covers both)"
        ) from None
    return path


def new_plan_folder(path: Path, option: str) -> Path:
    """The folder a new plan is made in (`init`), checked: not inside a plan directory (the
    nearest folder above it that holds a plan.yaml), whose files it would become."""
    parent = Path(os.path.realpath(path.absolute().parent))
    for folder in (parent, *parent.parents):
        if (folder / "plan.yaml").is_file():
            _refuse_plan(path, option, folder, None)
    return path


def write_file(path: Path, data: bytes) -> None:
    """One output file, atomically (its path checked by `output_file` first)."""
    from cas_plan.core.safewrite import write_atomically

    write_atomically(path, data)


def write_files(folder: Path, files: Mapping[str, bytes], command: str, option: str) -> None:
    """Several output files into one folder, all or none, also when the process is killed: the
    next write into the folder completes or clears what a killed one left."""
    for name in files:
        if "/" in name or name in ("", ".", "..") or name.startswith("."):
            raise ValueError(f"not a file name for an output: {name!r}")
        _refuse_link(folder / name, option)
        if (folder / name).is_dir():
            raise UsageError(f"{option}: '{printable(str(folder / name))}' is a directory")
    shown = str(folder)
    with journal.locked(folder, f"'{printable(shown)}'"):
        journal.announce(journal.recover(folder, shown, plan_files=False))
        writes = [journal.Write(name, data, checked=False) for name, data in files.items()]
        if writes:
            journal.commit(folder, writes, command, shown)


def whole_folder(
    path: Path, option: str, plan_root: Path | None, marker: str, what: str = "folder"
) -> Path:
    """A folder that a command replaces whole (the site), checked: its parent exists; it is no
    link, not in the plan nor holding it, not the working directory nor above it (replacing it
    would pull the folder from under the shell), and, when it has files, one this command wrote
    (it has the `marker` file)."""
    _refuse_link(path, option)
    _refuse_plan(path, option, plan_root, None)
    shown = printable(str(path))
    real = Path(os.path.realpath(path))
    if Path.cwd().resolve().is_relative_to(real):
        raise UsageError(
            f"{option}: '{shown}' is the working directory or holds it, and would be replaced "
            "whole; name a folder for it (e.g. --out site)"
        )
    if not path.absolute().parent.is_dir():
        raise UsageError(f"{option}: directory '{printable(str(path.parent))}' does not exist")
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"{option}: '{shown}' is not a directory")
        if any(path.iterdir()) and not (path / marker).is_file():
            raise UsageError(
                f"{option}: '{shown}' is not empty and is not a {what} casplan wrote "
                f"(it has no {marker} file); choose another directory or empty it"
            )
    return path


def replace_folder(path: Path, files: Mapping[str, bytes], marker: str) -> None:
    """Put `files` in place of the folder's content, whole: they are written into a hidden
    sibling (the `marker` file last, so that its presence says the copy is complete), which
    then trades places with the folder in one step (Linux's renameat2 RENAME_EXCHANGE), and
    the old content is removed. A run killed at any point leaves the old or the new folder at
    `path`. Where the exchange does not exist, the old folder is moved aside and the new one
    renamed in; a kill between the two leaves no folder until the next run, which puts the
    complete one in place first."""
    import shutil

    path = Path(os.path.realpath(path.parent)) / path.name
    fresh, aside = _siblings(path)
    with journal.locked(path.parent, f"'{printable(str(path))}'"):
        settle_folder(path, marker)
        try:
            fresh.mkdir(mode=0o755)
            for relative, data in files.items():
                if relative != marker:
                    target = fresh / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            (fresh / marker).write_bytes(files.get(marker, b""))
            journal.checkpoint("folder-written")
            if path.exists() and _exchange(fresh, path):
                journal.checkpoint("folder-exchanged")
                aside = fresh  # now holding the old content
            else:
                if path.exists():
                    os.rename(path, aside)
                    journal.checkpoint("folder-moved-aside")
                os.rename(fresh, path)
                journal.checkpoint("folder-renamed")
        except BaseException:
            settle_folder(path, marker)
            raise
        shutil.rmtree(aside, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories in one atomic step; False where the system cannot."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without it
        return False
    here, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if renameat2(here, os.fsencode(first), here, os.fsencode(second), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV):
        return False  # a kernel or file system without the exchange
    raise OSError(code, os.strerror(code), str(second))


def _siblings(path: Path) -> tuple[Path, Path]:
    return (
        path.parent / f".{path.name}.casplan-new",
        path.parent / f".{path.name}.casplan-old",
    )


def settle_folder(path: Path, marker: str) -> None:
    """What a killed `replace_folder` left, put right (call it holding the parent's lock): a
    complete new copy takes the place of a folder moved aside, else the old one returns; then
    the copies go. Earlier versions' random names (`.site.k1ll3d.new`, `.site.k1ll3d.old/site`)
    are cleaned the same way."""
    import shutil

    fresh, aside = _siblings(path)
    legacy = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.(new|old)")
    older = [p for p in path.parent.iterdir() if legacy.fullmatch(p.name) and p.is_dir()]
    if not path.exists() and not path.is_symlink():
        if fresh.is_dir() and (fresh / marker).is_file():
            os.rename(fresh, path)
        elif aside.is_dir():
            os.rename(aside, path)
        else:
            kept = [p / "site" for p in older if p.name.endswith(".old")]
            for candidate in kept:
                if candidate.is_dir():
                    os.rename(candidate, path)
                    break
    for leftover in [fresh, aside, *older]:
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
