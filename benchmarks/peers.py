"""Write a casplan plan as a Doorstop tree and as a StrictDoc document, to time those tools on
the same content (`benchmarks/run.py --peers`).

Usage:
    python benchmarks/peers.py --plan /tmp/plan-100x --doorstop /tmp/ds --strictdoc /tmp/sd

Why: casplan is compared with the two open-source requirement tools nearest to it, on the same
activities, so the README can say how its figures relate to theirs. What is written:

- Doorstop: a git working copy (Doorstop looks for one) holding a root document `AP` with one
  item (the plan), and one document per goal (`G<goal>`, child of `AP`) with an item per
  activity, sub-activities included, each linked to the plan's item, its level the measure's
  and activity's position. An item's `text` is the activity's title; `casplan_id`, `measure`
  (id and title), `indicators`, `responsible`, `due` and `funds` are item attributes holding
  the activity's effective cells (merged cells filled down, as the source table reads), as
  written. Items are left unreviewed: Doorstop's first run stamps them and fingerprints their
  links (writing every file), so run.py runs it once, untimed, in Doorstop's simulated working
  copy (`.mockvcs`; in git it runs `git add` once per item), then makes the tree a git working
  copy for the timed runs.
  Not one item per measure in a parent document: Doorstop looks for each parent item's child
  links among all the items of its child documents, so 4,500 measure items over 23,800
  activities took over 8 minutes at 100x, a cost of that layout rather than of the content.
- StrictDoc: one `plan.sdoc` (plain-text markup: the plan's texts are not RST) with a grammar
  element ACTIVITY (UID, TITLE, STATEMENT, INDICATORS, RESPONSIBLE, DUE, FUNDS), a section per
  goal and per measure, one ACTIVITY per activity.

Neither tool knows what casplan checks (deadline forms, funds arithmetic and references, units,
events, progress): they parse, link and render text. Standard library plus PyYAML.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
CELLS = ("indicators", "responsible", "due", "funds")


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return yaml.load(handle, Loader=_Loader)


def cell_text(cell: object) -> str:
    """A cell as the source table prints it: its `as_written` text when it has one."""
    if cell is None:
        return ""
    if isinstance(cell, dict) and cell.get("as_written"):
        return str(cell["as_written"])
    if isinstance(cell, str):
        return cell
    return json.dumps(cell, default=str, ensure_ascii=False)


def measures(plan: Path) -> Iterator[tuple[dict, list[tuple[dict, list[dict]]]]]:
    """(goal, [(measure, [activity row, ...]), ...]) in plan order; a row holds the activity's
    id, title, nesting depth and effective cells."""
    goal_files = sorted(plan.glob("goal-*/goal.yaml"), key=lambda p: int(_load(p)["id"]))
    for goal_file in goal_files:
        goal = _load(goal_file)
        found = []
        paths = goal_file.parent.glob("measure-*.yaml")
        for path in sorted(paths, key=lambda p: [int(x) for x in p.stem[8:].split(".")]):
            measure = _load(path)
            rows: list[dict] = []
            _walk(measure.get("activities") or [], 0, {}, rows)
            found.append((measure, rows))
        yield goal, found


def _walk(activities: list[dict], depth: int, last: dict, rows: list[dict]) -> None:
    for activity in activities:
        for cell in CELLS:  # merged cells: an empty cell takes the one above
            if cell in activity:
                last[cell] = activity[cell]
        row = {"id": str(activity["id"]), "title": str(activity["title"]), "depth": depth}
        row.update({cell: cell_text(last.get(cell)) for cell in CELLS})
        rows.append(row)
        _walk(activity.get("sub_activities") or [], depth + 1, last, rows)


# --- Doorstop ----------------------------------------------------------------------------------


def _item(text: str, level: str, links: list[str], **attributes: str) -> str:
    item = {
        "active": True,
        "derived": False,
        "header": "",
        "level": level,
        "links": [{link: None} for link in links],
        "normative": True,
        "ref": "",
        "reviewed": None,
        "text": text,
        **attributes,
    }
    return yaml.dump(item, Dumper=_Dumper, sort_keys=True, allow_unicode=True, width=1000)


def _document(directory: Path, prefix: str, parent: str | None, digits: int) -> None:
    directory.mkdir(parents=True)
    settings = {"digits": digits, "itemformat": "yaml", "prefix": prefix, "sep": "-"}
    if parent:
        settings["parent"] = parent
    (directory / ".doorstop.yml").write_text(
        yaml.dump({"settings": settings}, Dumper=_Dumper, sort_keys=True), encoding="utf-8"
    )


def write_doorstop(plan: Path, out: Path) -> dict:
    """The plan as a Doorstop tree in `out` (replaced); returns counts."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    (out / ".mockvcs").mkdir()  # Doorstop needs a working copy; its simulated one runs no git
    _document(out / "plan", "AP", None, 4)
    title = " ".join(str(_load(plan / "plan.yaml")["title"]).split())
    (out / "plan" / "AP-0001.yml").write_text(_item(title, "1", []), encoding="utf-8")
    counts = {"documents": 1, "items": 0}
    for goal, found in measures(plan):
        prefix = f"G{goal['id']}"
        _document(out / f"goal-{goal['id']}", prefix, "AP", 4)
        counts["documents"] += 1
        item = 0
        for m_index, (measure, rows) in enumerate(found, start=1):
            heading = f"{measure['id']} {' '.join(str(measure['title']).split())}"
            counters = [0]
            for row in rows:
                del counters[row["depth"] + 1 :]
                if len(counters) <= row["depth"]:
                    counters.append(0)
                counters[row["depth"]] += 1
                item += 1
                level = ".".join(str(n) for n in (m_index, *counters))
                attributes = {cell: row[cell] for cell in CELLS}
                text = _item(
                    row["title"],
                    level,
                    ["AP-0001"],
                    casplan_id=row["id"],
                    measure=heading,
                    **attributes,
                )
                path = out / f"goal-{goal['id']}" / f"{prefix}-{item:04d}.yml"
                path.write_text(text, encoding="utf-8")
                counts["items"] += 1
    return counts


# --- StrictDoc ---------------------------------------------------------------------------------

_GRAMMAR = """[GRAMMAR]
ELEMENTS:
- TAG: ACTIVITY
  FIELDS:
  - TITLE: UID
    TYPE: String
    REQUIRED: True
  - TITLE: TITLE
    TYPE: String
    REQUIRED: True
  - TITLE: STATEMENT
    TYPE: String
    REQUIRED: False
  - TITLE: INDICATORS
    TYPE: String
    REQUIRED: False
  - TITLE: RESPONSIBLE
    TYPE: String
    REQUIRED: False
  - TITLE: DUE
    TYPE: String
    REQUIRED: False
  - TITLE: FUNDS
    TYPE: String
    REQUIRED: False
"""


def _field(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "\n" in value or len(value) > 200:
        return f"{name}: >>>\n{value}\n<<<\n"
    return f"{name}: {value}\n"


def write_strictdoc(plan: Path, out: Path) -> dict:
    """The plan as one StrictDoc document, `out`/plan.sdoc (directory replaced); counts."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    title = " ".join(str(_load(plan / "plan.yaml")["title"]).split())
    parts = [f"[DOCUMENT]\nTITLE: {title}\nOPTIONS:\n  MARKUP: Text\n\n", _GRAMMAR, "\n"]
    counts = {"sections": 0, "requirements": 0}
    for goal, found in measures(plan):
        parts.append(f"[[SECTION]]\nTITLE: Goal {goal['id']}: {_one_line(goal['title'])}\n\n")
        for measure, rows in found:
            parts.append(f"[[SECTION]]\nTITLE: Measure {measure['id']}: ")
            parts.append(f"{_one_line(measure['title'])}\n\n")
            counts["sections"] += 1
            for row in rows:
                parts.append("[ACTIVITY]\n")
                parts.append(_field("UID", "ACT-" + row["id"].replace(".", "-")))
                parts.append(_field("TITLE", row["id"]))
                parts.append(_field("STATEMENT", row["title"]))
                for cell in CELLS:
                    parts.append(_field(cell.upper(), row[cell]))
                parts.append("\n")
                counts["requirements"] += 1
            parts.append("[[/SECTION]]\n\n")
        parts.append("[[/SECTION]]\n\n")
        counts["sections"] += 1
    (out / "plan.sdoc").write_text("".join(parts), encoding="utf-8")
    return counts


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, required=True, help="a casplan plan directory")
    parser.add_argument("--doorstop", type=Path, help="directory for the Doorstop tree")
    parser.add_argument("--strictdoc", type=Path, help="directory for the StrictDoc document")
    args = parser.parse_args(argv)
    if args.doorstop:
        print("doorstop:", write_doorstop(args.plan, args.doorstop))
    if args.strictdoc:
        print("strictdoc:", write_strictdoc(args.plan, args.strictdoc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
