"""Files for editors and new plans: `casplan schema` and `casplan init`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
)
from cas_plan.core import layout
from cas_plan.core.errors import UsageError

if TYPE_CHECKING:
    pass


def schema(options: PlanOptions, out: Path | None) -> Outcome:
    """Write JSON Schema files that editors validate plan files with (with the plan's units)."""
    from cas_plan.core.outputs import output_folder
    from cas_plan.core.schema import plan_unit_ids, write_schemas
    from cas_plan.output.messages import lines_text

    root, _ = options.directory()
    if not root.is_dir():
        raise UsageError(f"plan directory '{root}' does not exist")
    units = plan_unit_ids(root / "organization.yaml")
    out = output_folder(out or root / layout.SCHEMA_DIR, "--out", root, allowed=layout.SCHEMA_DIR)
    written = write_schemas(out, units)
    return Outcome(lines_text(f"wrote {path}" for path in written))


def init(directory: Path, title: str) -> Outcome:
    """Create a new, valid plan with the same layout (never inside another plan)."""
    from cas_plan.commands.common import nothing_written
    from cas_plan.core.outputs import new_plan_folder
    from cas_plan.edit.init import init_plan
    from cas_plan.output.messages import lines_text

    with nothing_written():
        new_plan_folder(directory, "DIR")
    written = init_plan(directory, title)
    lines = [f"created {path}" for path in written]
    lines.append(f"next: casplan validate --plan {directory}")
    return Outcome(lines_text(lines))
