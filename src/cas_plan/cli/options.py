"""The options many commands share, declared once."""

from pathlib import Path
from typing import Annotated

import typer

from cas_plan.l10n.languages import Language

PlanDir = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        envvar="CASPLAN_PLAN",
        help="Plan directory (default: plan/ here or in the nearest directory above; "
        "or $CASPLAN_PLAN).",
        show_default=False,
        file_okay=True,
        dir_okay=True,
        readable=False,  # the loader says in one line what is wrong with the directory
    ),
]


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Take the state of the plan on this date (YYYY-MM-DD; default today).",
        show_default=False,
    ),
]


XlsxOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="The .xlsx file to write, with --format xlsx.",
        show_default=False,
        dir_okay=False,
    ),
]


NoValidate = Annotated[
    bool, typer.Option("--no-validate", help="Answer even if the plan does not validate.")
]


NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every file again instead of using the parse cache (also: CASPLAN_NO_CACHE=1).",
    ),
]

Lang = Annotated[
    Language,
    typer.Option(
        "--lang",
        help="The language of the words casplan writes: English, Serbian in Latin script (sr) "
        "or in Cyrillic script (sr-Cyrl).",
    ),
]
