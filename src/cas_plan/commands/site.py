"""`casplan site`: the static public progress site."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    counted,
    load_for_query,
    parse_date,
)
from cas_plan.core.errors import system_problem
from cas_plan.l10n.languages import Language

if TYPE_CHECKING:
    pass


def site(
    options: PlanOptions, out: Path, as_of: str | None, lang: Language, base_url: str | None
) -> Outcome:
    """Write the plan's static progress site into a directory (replaced whole)."""
    from cas_plan.core.loader import collecting_garbage
    from cas_plan.core.outputs import whole_folder
    from cas_plan.core.provenance import git_state
    from cas_plan.output.messages import lines_text
    from cas_plan.publish.site import MARKER, build_site, check_base_url, write_site

    day = parse_date(as_of, "--as-of")
    base = check_base_url(base_url)
    plan = load_for_query(options, day)
    root, _ = options.directory()
    whole_folder(out, "--out", root, MARKER, "site")  # before the work of building it
    files = build_site(plan, day, lang, base, git_state(root))
    # rendered pages are cycles: the collector runs while they are made, what the pages show
    # (the plan, their data) frozen
    with collecting_garbage():
        try:
            write_site(out, files, root)  # each page rendered as it is written
        except OSError as exc:
            raise system_problem(exc) from None
    return Outcome(lines_text([f"wrote {counted(len(files), 'file')} to {out}"]))
