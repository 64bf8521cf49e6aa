"""Reviewing changes: `casplan diff` and `casplan codeowners`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.choices import DiffFormat
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    load_for_query,
)
from cas_plan.core.errors import ExitCode, UsageError

if TYPE_CHECKING:
    pass


def diff(
    options: PlanOptions, base: str | None, head: str | None, output_format: DiffFormat
) -> Outcome:
    """What changed in meaning between two revisions of the plan."""
    from cas_plan.answers.diff import diff_plans
    from cas_plan.core.git import default_base, plan_files_at, repository_root, resolve_revision
    from cas_plan.core.loader import check_plan, directory_listing, memory_listing

    plan_dir, shown = options.directory()
    if not plan_dir.is_dir():
        raise UsageError(f"plan directory '{shown}' does not exist")
    today = dt.date.today()
    root = repository_root(plan_dir)
    plan_path = plan_dir.resolve().relative_to(root.resolve()).as_posix()
    base_rev = resolve_revision(root, base) if base else default_base(root)
    head_rev = resolve_revision(root, head) if head else None
    base_label = base or f"merge-base {base_rev[:12]}"
    head_label = head or "working tree"
    base_result = check_plan(
        memory_listing(*plan_files_at(root, base_rev, plan_path)),
        f"{base_label}:{plan_path}",
        today,
        use_cache=False,
    )
    if head_rev is None:
        head_result = check_plan(directory_listing(plan_dir), shown, today)
    else:
        head_result = check_plan(
            memory_listing(*plan_files_at(root, head_rev, plan_path)),
            f"{head_label}:{plan_path}",
            today,
            use_cache=False,
        )
    result = diff_plans(base_result, head_result, base_label, head_label)
    code = ExitCode.OK if result.loaded else ExitCode.PROBLEMS
    if output_format == "json":
        from cas_plan.output.json import diff_record, json_text

        return Outcome(json_text(diff_record(result)), code=code)
    if output_format == "md":
        from cas_plan.output.markdown import diff_markdown

        return Outcome(diff_markdown(result), code=code)
    from cas_plan.output.text import diff_text

    return Outcome(diff_text(result) + "\n", code=code)


def codeowners(options: PlanOptions, out: Path | None) -> Outcome:
    """Write CODEOWNERS from the units' review handles."""
    from cas_plan.answers.codeowners import codeowners_location
    from cas_plan.core.outputs import output_file, write_file
    from cas_plan.output.codeowners import codeowners_text
    from cas_plan.output.messages import lines_text

    plan = load_for_query(options)
    root, _ = options.directory()
    default_out, plan_path = codeowners_location(root)
    text = codeowners_text(plan, plan_path)
    if out is not None and str(out) == "-":
        return Outcome(text)
    if out is None:
        default_out.parent.mkdir(exist_ok=True)  # .github/ of the repository
    target = output_file(out, "--out", root) if out is not None else default_out
    write_file(target, text.encode("utf-8"))
    return Outcome(lines_text([f"wrote {target} ({text.count(chr(10)) - 2} rules)"]))
