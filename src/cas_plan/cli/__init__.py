"""The `casplan` command line: declarations only.

`app` holds the application and its error-to-exit edge; each module beside it declares a group
of commands on it. Importing them here registers them, in the order `--help` lists them.
"""

# isort: off
from cas_plan.cli import queries  # noqa: F401 (registers validate, list, due, units, who, show, budget)
from cas_plan.cli import edits  # noqa: F401 (registers progress, amend)
from cas_plan.cli import collection  # noqa: F401 (registers collect, import, followup)
from cas_plan.cli import publishing  # noqa: F401 (registers report, site, document)
from cas_plan.cli import review  # noqa: F401 (registers diff, codeowners, schema, init)

# isort: on
from cas_plan.cli.app import app, main

__all__ = ["app", "main"]
