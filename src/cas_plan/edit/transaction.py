"""The one transaction every command that writes the plan goes through (progress, amend, import,
and what comes later): the plan-wide lock from the first read to the last rename, the whole plan
validated before and after the change, and every file written all or nothing (core/journal.py),
with one new directory beside the plan when the change makes one (`successor`'s new plan).

    with PlanEdit.begin(root, shown_root, today, "amend") as edit:
        text = edit.text("goal-2/measure-2.1.yaml")
        edit.change("goal-2/measure-2.1.yaml", new_text)
        written = edit.finish(refused="the amendment")

A second writer waits for the first (and reads what it wrote), so no write is lost; a file that
another program changed meanwhile is never overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cas_plan.core import journal
from cas_plan.core.diagnostics import Diagnostic
from cas_plan.core.errors import PlanProblems
from cas_plan.core.loader import Listing, Plan, check_directory, directory_listing
from cas_plan.l10n.formats import plural


class EditRefused(PlanProblems):
    """The change was refused before anything was written."""


@dataclass(frozen=True)
class Written:
    """One file of a change: how to show it, the lines added, and every changed line."""

    path: Path
    shown: str
    added_lines: list[str]
    diff_lines: list[str]  # '-' removed and '+' added, in file order


@dataclass
class PlanEdit:
    """A change to some files of a valid plan, made while holding the plan's lock."""

    root: Path
    shown_root: str
    today: dt.date
    command: str
    listing: Listing
    plan: Plan
    _lock: contextlib.ExitStack = field(repr=False)
    known_warnings: frozenset[tuple[str, str]] = frozenset()  # the plan's, before the change
    originals: dict[str, bytes | None] = field(default_factory=dict)  # None: a new file
    texts: dict[str, str] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)  # those the change brings
    directory: tuple[Path, dict[str, bytes]] | None = None  # a new one beside the plan

    @classmethod
    def begin(cls, root: Path, shown_root: str, today: dt.date, command: str) -> PlanEdit:
        """Take the plan's lock (waiting for another writer), complete an interrupted write,
        and read the plan, which must validate."""
        from cas_plan.core.loader import check_plan

        check_directory(root)
        lock = contextlib.ExitStack()
        lock.enter_context(journal.locked(root, f"the plan in '{shown_root}'"))
        try:
            journal.announce(journal.recover(root, shown_root, plan_files=True))
            listing = directory_listing(root, settle=False)
            current = check_plan(listing, shown_root, today)
        except BaseException:
            lock.close()
            raise
        if current.errors:
            lock.close()
            count = len(current.errors)
            raise EditRefused(
                f"the plan already has {plural(count, 'problem', 'en')}; "
                "fix them first (see 'casplan validate')",
                problems=current.errors,
            )
        known = frozenset((d.path, d.message) for d in current.warnings)
        return cls(root, shown_root, today, command, listing, current.plan, lock, known)

    def __enter__(self) -> PlanEdit:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._lock.close()

    def exists(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def text(self, relative: str) -> str:
        """The file's text with the changes made so far ('' for a file not there yet)."""
        if relative not in self.texts:
            file = self.root / relative
            raw = file.read_bytes() if file.exists() else None
            self.originals[relative] = raw
            self.texts[relative] = raw.decode("utf-8-sig") if raw is not None else ""
        return self.texts[relative]

    def change(self, relative: str, new_text: str) -> None:
        self.text(relative)
        self.texts[relative] = new_text

    def make_directory(self, path: Path, files: dict[str, bytes]) -> None:
        """A new directory beside the plan (the next plan), written with the change in the
        same journal: both or neither, also when the process is killed. Its place must be free
        (checked again under its folder's lock when it is written)."""
        self.directory = (path, files)

    def finish(self, *, dry_run: bool = False, refused: str = "the change") -> list[Written]:
        """Validate the plan with the changes, then write them all or none (with `dry_run`,
        none); the lock is let go either way. The warnings the change brings (a unit reporting
        on an activity it is not responsible for) are left in `warnings`."""
        from cas_plan.core.loader import check_plan

        try:
            self._check_sizes(refused)
            proposed = check_plan(self.listing, self.shown_root, self.today, overlay=self.texts)
            if proposed.errors:
                raise EditRefused(
                    f"{refused} would leave the plan invalid",
                    problems=proposed.errors,
                    texts={self.plan.show(rel): text for rel, text in self.texts.items()},
                )
            self.warnings = [
                d for d in proposed.warnings if (d.path, d.message) not in self.known_warnings
            ]
            if not dry_run:
                self._write()
            return [self._written(relative) for relative in self.texts]
        finally:
            self._lock.close()

    def _check_sizes(self, refused: str) -> None:
        """No change makes a plan file larger than a plan file may be (the limit `validate`
        would refuse it by, after it was written)."""
        from cas_plan.core.yaml_reader import MAX_FILE_BYTES, oversize

        sizes = {relative: len(text.encode("utf-8")) for relative, text in self.texts.items()}
        over = [
            oversize(self.plan.show(relative), size)
            for relative, size in sizes.items()
            if size > MAX_FILE_BYTES
        ]
        if over:
            raise EditRefused(f"{refused} would leave the plan invalid", problems=over)

    def _write(self) -> None:
        real_root = Path(os.path.realpath(self.root))
        writes = []
        for relative, new_text in self.texts.items():
            original = self.originals[relative]
            data = new_text.encode("utf-8")
            if original is not None and original.startswith(b"\xef\xbb\xbf"):
                data = b"\xef\xbb\xbf" + data
            # a plan file that is a link inside the plan is written through to its target
            real = Path(os.path.realpath(self.root / relative))
            target = real.relative_to(real_root).as_posix()
            writes.append(journal.Write(target, data, original))
        directory = None
        if self.directory is not None:
            path, files = self.directory
            directory = journal.NewDirectory(journal.directory_target(real_root, path), files)
        journal.commit(real_root, writes, self.command, self.shown_root, directory)

    def _written(self, relative: str) -> Written:
        original = self.originals[relative]
        old_text = original.decode("utf-8-sig") if original is not None else ""
        new_text = self.texts[relative]
        return Written(
            self.root / relative,
            self.plan.show(relative),
            added_lines(old_text, new_text),
            diff_lines(old_text, new_text),
        )


def added_lines(old: str, new: str) -> list[str]:
    """The lines `git diff` shows as added: every line the new text inserts, in order."""
    from cas_plan.edit.lines import Lines

    old_lines, new_lines = Lines(old).bodies(), Lines(new).bodies()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    return [
        line
        for tag, _, _, start, end in matcher.get_opcodes()
        if tag in ("insert", "replace")
        for line in new_lines[start:end]
    ]


def diff_lines(old: str, new: str) -> list[str]:
    """The changed lines as `git diff` shows them: '-' for removed, '+' for added, in order."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    out = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "equal":
            out += [f"-{line}" for line in old_lines[a0:a1]]
            out += [f"+{line}" for line in new_lines[b0:b1]]
    return out
