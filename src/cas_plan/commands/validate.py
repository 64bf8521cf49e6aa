"""`casplan validate`: every problem of the plan in one run."""

from __future__ import annotations

import os

from cas_plan.commands.choices import ValidateFormat, ValidateProfile
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    counted,
    load_checked,
    parse_date,
)
from cas_plan.core.errors import ExitCode


def validate(
    options: PlanOptions,
    output_format: ValidateFormat | None,
    strict: bool,
    check_codeowners: bool,
    as_of: str | None,
    profile: ValidateProfile | None = None,
) -> Outcome:
    """Check every file of the plan and the references between them (and, with a profile,
    what it requires)."""
    if output_format is None:
        in_actions = os.environ.get("GITHUB_ACTIONS") == "true"
        output_format = ValidateFormat.GITHUB if in_actions else ValidateFormat.TEXT
    from cas_plan.output.messages import lines_text, problems_text

    day = parse_date(as_of, "--as-of")
    result, root, shown = load_checked(options, day, profile=profile and str(profile))
    if check_codeowners and not result.errors:
        from cas_plan.output.codeowners import codeowners_problems

        result.diagnostics.extend(codeowners_problems(result.plan, root))
    problems = result.diagnostics
    errors, warnings = len(result.errors), len(result.warnings)
    failed_strict = strict and warnings > 0 and errors == 0
    code = ExitCode.PROBLEMS if errors or failed_strict else ExitCode.OK
    verdict = "INVALID" if errors else ("fails --strict" if failed_strict else "valid")
    summary = (
        f"{shown}: {verdict}: {counted(result.size.measures, 'measure')}, "
        f"{counted(result.size.activities, 'activity')}; {counted(errors, 'error')}, "
        f"{counted(warnings, 'warning')}"
    )
    if output_format == "json":
        from cas_plan.output.json import problems_json

        return Outcome(problems_json(problems), code=code)
    if output_format == "github":
        from cas_plan.output.github import github_annotations

        return Outcome(github_annotations(problems), errors=lines_text([summary]), code=code)
    text = problems_text(problems, result.source_line) + "\n\n" if problems else ""
    return Outcome(text + lines_text([summary]), code=code)
