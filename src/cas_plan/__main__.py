"""`python -m cas_plan` and the `casplan` console script: the smallest possible start.

Until the command line is imported (typer, click: a tenth of a second), Ctrl-C would be a
traceback from inside an import. So the first thing is a SIGINT handler that says one line and
exits 130; there is nothing to clean up yet. `cli.main` restores Python's KeyboardInterrupt as
soon as its own handling of it is in place.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"casplan: interrupted\n")
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from cas_plan.cli import main as run

    run()


if __name__ == "__main__":
    main()
    sys.exit(0)
