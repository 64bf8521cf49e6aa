"""A command's messages and `validate`'s problems as terminal text: made printable, nothing
else. Apart from `output/text.py` (which says the plan's answers in the reader's words), so that
`validate`, whose output is only these, imports neither the phrasebook nor Babel."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cas_plan.core.diagnostics import Diagnostic, printable


def problems_text(
    diagnostics: Iterable[Diagnostic], source_line: Callable[[str, int], str | None]
) -> str:
    """hledger-style: the headline, then the offending line with a caret, then what to do."""
    blocks = []
    for d in diagnostics:
        lines = [d.headline()]
        text = source_line(d.path, d.line)
        if text is not None:
            number = str(d.line)
            gutter = " " * len(number)
            # the line as the terminal may show it; the caret moves with the escapes before it
            shown = text.rstrip("\r\n").expandtabs(1)
            before = printable(text.expandtabs(1)[: max(d.col - 1, 0)])
            lines.append(f"  {number} | {printable(shown)}")
            lines.append(f"  {gutter} | {' ' * len(before)}^")
        if d.hint:
            lines.append(f"  hint: {printable(d.hint)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def lines_text(lines: Iterable[str]) -> str:
    """Lines for a terminal or a log, each made printable and ended by a line feed: the one way
    a command's messages (which name titles, units and files) are written."""
    return "".join(printable(line) + "\n" for line in lines)
