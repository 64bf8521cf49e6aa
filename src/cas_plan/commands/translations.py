"""`casplan translations`: the plan's texts still to translate into a language, listed or as
a workbook for a translator; `casplan import` reads the workbook back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cas_plan.commands.choices import TranslationsFormat
from cas_plan.commands.common import Outcome, PlanOptions, load_for_query
from cas_plan.core import layout
from cas_plan.core.errors import UsageError, system_problem
from cas_plan.l10n.languages import Language


def translations(
    options: PlanOptions, lang: Language, output_format: TranslationsFormat, out: Path | None
) -> Outcome:
    """The texts of the plan not yet translated into `lang`, or whose English changed since
    they were (stale): listed, or written as a workbook to fill (`--format xlsx --out F`)."""
    from cas_plan.collect.translating import build_translations_workbook, to_translate
    from cas_plan.core.translations import plan_texts
    from cas_plan.output.messages import lines_text

    if str(lang) not in layout.TRANSLATED:
        raise UsageError(
            f"--lang {lang}: the plan is translated into sr (Latin script); sr-Cyrl is made "
            "from it, and the plan itself is in English"
        )
    if output_format == "xlsx" and out is None:
        raise UsageError("--format xlsx: give the file to write with --out FILE")
    if output_format != "xlsx" and out is not None:
        raise UsageError("--out: only with --format xlsx (the list is printed)")
    root, _ = options.directory()
    if out is not None:
        from cas_plan.core.outputs import output_file

        output_file(out, "--out", root)
    today = dt.date.today()
    plan = load_for_query(options, today)
    rows = to_translate(plan, str(lang))
    stale = sum(1 for row in rows if row.current is not None)
    total = len(plan_texts(plan))
    summary = (
        f"{layout.translations_file(str(lang))}: {total - len(rows)} of the plan's {total} "
        f"texts translated; {len(rows)} to translate ({stale} stale)"
    )
    if output_format == "xlsx":
        from cas_plan.core.outputs import write_file
        from cas_plan.core.provenance import git_state

        assert out is not None
        commit = git_state(root).commit or "none"
        try:
            write_file(out, build_translations_workbook(plan, str(lang), rows, commit, today))
        except OSError as exc:
            raise system_problem(exc) from None
        return Outcome(lines_text([f"wrote {out}", summary]))
    listed = [
        f"{'stale' if row.current is not None else 'new'}: {row.key}: {row.english}" for row in rows
    ]
    return Outcome(lines_text([summary, *listed]))
