"""`casplan validate`: every problem of the plan in one run."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cas_plan.commands.choices import ValidateFormat
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    load_checked,
    parse_date,
    plural,
)
from cas_plan.core.errors import ExitCode

if TYPE_CHECKING:
    pass


def validate(
    options: PlanOptions,
    output_format: ValidateFormat | None,
    strict: bool,
    check_codeowners: bool,
    as_of: str | None,
) -> Outcome:
    """Check every file of the plan and the references between them."""
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = ValidateFormat.GITHUB if in_actions else ValidateFormat.TEXT
    day = parse_date(as_of, "--as-of")
    result, root, shown = load_checked(options, day)
    if check_codeowners and not result.errors:
        from cas_plan.answers.codeowners import codeowners_problems

        result.diagnostics.extend(codeowners_problems(result.plan, root))
    problems = result.diagnostics
    errors, warnings = len(result.errors), len(result.warnings)
    failed_strict = strict and warnings > 0 and errors == 0
    code = ExitCode.PROBLEMS if errors or failed_strict else ExitCode.OK
    verdict = "INVALID" if errors else ("fails --strict" if failed_strict else "valid")
    summary = (
        f"{shown}: {verdict}: {result.size.measures} measures, "
        f"{result.size.activities} activities; {plural(errors, 'error')}, "
        f"{plural(warnings, 'warning')}"
    )
    if output_format == "json":
        from cas_plan.output.json import problems_json

        return Outcome(problems_json(problems), code=code)
    if output_format == "github":
        from cas_plan.output.github import github_annotations

        return Outcome(github_annotations(problems), errors=summary + "\n", code=code)
    from cas_plan.output.text import problems_text

    text = problems_text(problems, result.source_line) + "\n\n" if problems else ""
    return Outcome(text + summary + "\n", code=code)
