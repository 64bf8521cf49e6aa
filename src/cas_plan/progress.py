"""Recording progress: append an entry to a measure file so that `git diff` shows only new lines.

The edit goes through ruamel.yaml's round-trip mode, and then only the lines it inserts are
spliced into the original text, so comments, key order, quoting and layout elsewhere stay
byte-for-byte as they were. The whole plan is validated with the new text before anything is
written; the write is atomic (a temporary file in the same directory, then a rename) and refused
if the file changed on disk in the meantime.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cas_plan.errors import PlanProblems, UsageError
from cas_plan.loader import Listing, Plan, directory_listing
from cas_plan.money import Money
from cas_plan.safewrite import ChangedOnDisk, digest, write_atomically
from cas_plan.suggest import did_you_mean
from cas_plan.views import ActivityView
from cas_plan.yaml_reader import read_yaml_text


class ProgressError(PlanProblems):
    """The entry was refused; nothing was written."""


@dataclass(frozen=True)
class ProgressRequest:
    activity_id: str
    date: dt.date
    status: str
    note: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # (indicator: its number, text or prefix; value)
    evidence: tuple[str, ...] = ()
    reported_by: str | None = None
    spent: tuple[tuple[Money, str | None], ...] = ()  # (amount, financing source)
    corrects: str | None = None  # DATE or DATE#N of the entry this one supersedes


@dataclass(frozen=True)
class ProgressWritten:
    path: Path
    shown: str
    added_lines: list[str]
    diff_lines: list[str]  # every changed line, '-' removed and '+' added, in file order


def resolve_indicator(reference: str, indicators: list[str]) -> str:
    """An indicator by its number (1-based), its exact text, or an unambiguous prefix."""
    if reference.isdigit():
        index = int(reference)
        if 1 <= index <= len(indicators):
            return indicators[index - 1]
        raise UsageError(
            f"indicator {reference} does not exist: the activity has "
            f"{len(indicators)} indicator{'s' if len(indicators) != 1 else ''}"
        )
    if reference in indicators:
        return reference
    needle = reference.casefold()
    matches = [text for text in indicators if text.casefold().startswith(needle)]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(f"{i}. {text}" for i, text in enumerate(indicators, 1)) or "none"
    if matches:
        raise UsageError(f"indicator '{reference}' is ambiguous; the indicators are: {listed}")
    raise UsageError(
        f"'{reference}' is not an indicator of this activity; the indicators are: {listed}"
    )


def entry_data(request: ProgressRequest, view: ActivityView) -> dict[str, Any]:
    """The entry as it will stand in YAML, keys in the documented order."""
    data: dict[str, Any] = {"date": request.date, "status": request.status}
    if request.note:
        data["note"] = request.note
    if request.values:
        data["values"] = {
            resolve_indicator(ref, view.indicator_texts): value for ref, value in request.values
        }
    if request.evidence:
        data["evidence"] = list(request.evidence)
    if request.spent:
        data["spent"] = [
            {"amount": money.spell(), "year": request.date.year}
            | ({"source": source} if source else {})
            for money, source in request.spent
        ]
    if request.reported_by:
        data["reported_by"] = request.reported_by
    if request.corrects:
        data["corrects"] = request.corrects
    return data


def _round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    # an explicit `null` (a cell blank on purpose) stays `null`, not an empty value
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _dump_with_entry(text: str, pointer: tuple[str | int, ...], entry: dict[str, Any]) -> str:
    """ruamel's round trip of the file with the entry appended (possibly restyling elsewhere)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _round_trip_yaml()
    document = yaml.load(text)
    activity = document
    for step in pointer:
        activity = activity[step]
    new_entry = CommentedMap()
    for key, value in entry.items():
        if isinstance(value, dict):
            value = CommentedMap(value)
        elif isinstance(value, list):
            value = CommentedSeq(value)
        new_entry[key] = value
    progress = activity.get("progress")
    if isinstance(progress, list):
        progress.append(new_entry)
    else:
        keys = list(activity.keys())
        if "progress" in keys:  # `progress:` with nothing after it
            position = keys.index("progress")
            del activity["progress"]
        else:
            position = keys.index("sub_activities") if "sub_activities" in keys else len(keys)
        activity.insert(position, "progress", CommentedSeq([new_entry]))
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def insert_entry(text: str, pointer: tuple[str | int, ...], entry: dict[str, Any]) -> str:
    """The file text with `entry` appended to the progress of the activity at `pointer`; only
    the lines of the entry are new, every other line is kept byte for byte."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = _open_empty_progress(text.replace("\r\n", "\n"), pointer)
    if not plain.endswith("\n"):
        plain += "\n"
    full = _dump_with_entry(plain, pointer, entry)
    spliced = _keep_only_insertions(plain, full)
    if not _same_data(spliced, full):
        raise ProgressError(
            "the entry cannot be added without rewriting other lines of the file; add it by hand"
        )
    return spliced.replace("\n", newline)


def _open_empty_progress(text: str, pointer: tuple[str | int, ...]) -> str:
    """`progress: []` becomes `progress:`: the one line an entry may change besides its own."""
    yaml = _round_trip_yaml()
    activity = yaml.load(text)
    for step in pointer:
        activity = activity[step]
    progress = activity.get("progress", None)
    if not (isinstance(progress, list) and not progress):
        return text
    line, column = activity.lc.key("progress")
    lines = text.split("\n")
    after = lines[line][column:].split("[]", 1)[1]  # keep a trailing comment
    lines[line] = lines[line][:column] + "progress:" + after
    return "\n".join(lines)


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    remaining = iter(long)
    return all(any(line == candidate for candidate in remaining) for line in short)


def _keep_only_insertions(old: str, new: str) -> str:
    """The old text plus the lines the new text inserts. Any other change ruamel made (a
    restyled scalar, say) is dropped, so the diff is exactly the new entry."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "insert" or (
            tag == "replace" and _is_subsequence(old_lines[a0:a1], new_lines[b0:b1])
        ):
            out.extend(new_lines[b0:b1])
        else:
            out.extend(old_lines[a0:a1])
    return "".join(out)


def _same_data(left: str, right: str) -> bool:
    a, b = read_yaml_text(left, "a"), read_yaml_text(right, "b")
    return a.ok and b.ok and a.data == b.data


def record_progress(
    root: Path,
    shown_root: str,
    request: ProgressRequest,
    today: dt.date,
    before_rename: Callable[[Path], None] | None = None,
) -> ProgressWritten:
    """Append one progress entry to the activity's measure file, or raise ProgressError."""
    return record_entries(root, shown_root, [request], today, before_rename=before_rename)[0]


def record_entries(
    root: Path,
    shown_root: str,
    requests: Sequence[ProgressRequest],
    today: dt.date,
    *,
    dry_run: bool = False,
    before_rename: Callable[[Path], None] | None = None,
) -> list[ProgressWritten]:
    """Append progress entries (to one or several measure files) as one change: the whole plan
    is validated with all of them first, and nothing is written if any is refused. With
    `dry_run`, the files are left as they are and the lines that would be added are returned.
    """
    edit = PlanEdit.begin(root, shown_root, today)
    views = {view.id: view for view in edit.plan.views}
    for request in requests:
        if request.activity_id not in views:
            hint = did_you_mean(request.activity_id, views, quote="")
            raise UsageError(
                f"no activity has the id '{request.activity_id}'" + (f"; {hint}" if hint else "")
            )
        view = views[request.activity_id]
        relative = edit.plan.relative(view.path)
        edit.change(
            relative, insert_entry(edit.text(relative), view.pointer, entry_data(request, view))
        )
    return edit.finish(dry_run=dry_run, before_rename=before_rename, refused="the entry")


@dataclass
class PlanEdit:
    """A change to some files of a valid plan: read once, validated whole, written atomically.

    Every command that edits the plan (progress, import, amend) goes through it, so they share
    the guarantees: the plan must validate before and after, nothing is written if the change
    is refused, and a file that changed on disk meanwhile is never overwritten.
    """

    root: Path
    shown_root: str
    today: dt.date
    listing: Listing
    plan: Plan
    originals: dict[str, bytes | None]  # None: a file the change creates
    texts: dict[str, str]

    @classmethod
    def begin(cls, root: Path, shown_root: str, today: dt.date) -> PlanEdit:
        from cas_plan.checks import check_plan

        listing = directory_listing(root)
        current = check_plan(listing, shown_root, today)
        if current.errors:
            count = len(current.errors)
            raise ProgressError(
                f"the plan already has {count} problem{'s' if count != 1 else ''}; "
                "fix them first (see 'casplan validate')",
                problems=current.errors,
            )
        return cls(root, shown_root, today, listing, current.plan, {}, {})

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

    def finish(
        self,
        *,
        dry_run: bool = False,
        before_rename: Callable[[Path], None] | None = None,
        refused: str = "the change",
    ) -> list[ProgressWritten]:
        from cas_plan.checks import check_plan

        proposed = check_plan(self.listing, self.shown_root, self.today, overlay=self.texts)
        if proposed.errors:
            raise ProgressError(
                f"{refused} would leave the plan invalid",
                problems=proposed.errors,
                texts={self.plan.show(rel): text for rel, text in self.texts.items()},
            )
        written = []
        for relative, new_text in self.texts.items():
            original = self.originals[relative]
            old_text = original.decode("utf-8-sig") if original is not None else ""
            file = self.root / relative
            if not dry_run:
                data = new_text.encode("utf-8")
                if original is not None and original.startswith(b"\xef\xbb\xbf"):
                    data = b"\xef\xbb\xbf" + data
                try:
                    if original is None and file.exists():
                        raise ChangedOnDisk(f"{file} appeared meanwhile; run the command again")
                    expected = digest(original) if original is not None else None
                    write_atomically(file, data, expected, before_rename)
                except ChangedOnDisk as exc:
                    raise ProgressError(str(exc)) from None
            written.append(
                ProgressWritten(
                    file,
                    self.plan.show(relative),
                    added_lines(old_text, new_text),
                    diff_lines(old_text, new_text),
                )
            )
        return written


def added_lines(old: str, new: str) -> list[str]:
    """The lines `git diff` shows as added: every line the new text inserts, in order."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
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
