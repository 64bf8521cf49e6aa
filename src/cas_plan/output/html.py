"""HTML: the report's and the site's pages are Jinja2 templates with autoescape on, so plan text
can never be markup; `finalize` is the one rule for what else it needs.

Every value a template prints passes Jinja's `finalize` before it is escaped: there the
characters a page must not hold raw (`diagnostics.HIDDEN`: control characters, which XHTML
readers refuse and browsers hide, and bidi controls, which would reorder the line around them)
are written as their escapes (`\\x1b`, `\\u202e`), as every other output shows them. The
report's Markdown templates take it too, so a user's template that forgets the `md` filter
still prints no control character.
"""

from __future__ import annotations

from markupsafe import Markup

from cas_plan.core.diagnostics import visible


def finalize(value: object) -> object:
    """Jinja's `finalize` for every casplan template. Markup (a macro's output, a list joined
    by the autoescaping `join`) holds plan text already escaped, so it is made visible too:
    an escape is plain characters, which cannot open a tag."""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    if isinstance(value, str):
        return visible(value)
    return value
