"""Writing translations into translations/LANG.yaml (`casplan import` of a translations
workbook): each text under its section, id and field, `{text, digest}`, a new one in the plan's
order, the rest of the file (comments, order, quoting) kept as it was (ruamel.yaml's round trip).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cas_plan.core import layout
from cas_plan.core.loader import Plan
from cas_plan.core.schema import schema_line
from cas_plan.core.translations import SECTIONS, TextKey, plan_texts
from cas_plan.edit.lines import round_trip_yaml
from cas_plan.edit.transaction import PlanEdit

TOP = ("plan", *SECTIONS.values())
FIELDS = ("title", "institution", "name", "indicators")
Rank = Callable[[tuple[str | int, ...], str], float]
HEADER = (
    "# The plan's text in Serbian, in Latin script; Cyrillic is made from it. Each text keeps\n"
    "# the digest of the English it translates (casplan translations, casplan import).\n"
)


@dataclass(frozen=True)
class NewTranslation:
    """A translation to write: the text's key, the translation, the digest of its English."""

    key: TextKey
    text: str
    digest: str


def record_translations(edit: PlanEdit, lang: str, translations: Sequence[NewTranslation]) -> str:
    """Put `translations` into the language's file (made when missing) as one change of
    `edit`; the file's relative path."""
    from ruamel.yaml.comments import CommentedMap

    relative = layout.translations_file(lang)
    text = edit.text(relative)
    yaml = round_trip_yaml()
    data = yaml.load(text) if text.strip() else None
    if not isinstance(data, CommentedMap):
        data = CommentedMap()
    rank = _ranks(edit.plan)
    for translation in translations:
        node = data
        steps = translation.key.pointer()
        for depth, step in enumerate(steps[:-1]):
            node = _child(node, str(step), steps[:depth], rank)
        leaf = CommentedMap()
        leaf["text"] = translation.text
        leaf["digest"] = translation.digest
        _put(node, str(steps[-1]), leaf, steps[:-1], rank)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    new_text = buffer.getvalue()
    if not text.strip():
        new_text = f"{schema_line(relative)}\n{HEADER}{new_text}"
    edit.change(relative, new_text)
    return relative


def _ranks(plan: Plan) -> Rank:
    """Where a key goes among its siblings: the sections in the file's order, ids in the
    plan's order, fields in FIELDS' order, indicators by number; a key the plan does not
    know goes last."""
    order: dict[tuple[str, str], int] = {}
    for index, text in enumerate(plan_texts(plan)):
        order.setdefault((text.key.kind, text.key.id), index)
    kinds = {section: kind for kind, section in SECTIONS.items()}

    def rank(above: tuple[str | int, ...], name: str) -> float:
        if not above:
            return TOP.index(name) if name in TOP else math.inf
        if len(above) == 1 and above[0] in kinds:
            return order.get((kinds[str(above[0])], name), math.inf)
        if name.isdigit():
            return int(name)
        return FIELDS.index(name) if name in FIELDS else math.inf

    return rank


def _child(node: Any, name: str, above: tuple[str | int, ...], rank: Rank) -> Any:
    """The mapping under `name` in `node` (at `above` in the file), made in its place when
    missing."""
    from ruamel.yaml.comments import CommentedMap

    key = _key(node, name)
    if key is None or not isinstance(node[key], CommentedMap):
        _put(node, name, CommentedMap(), above, rank)
        key = _key(node, name)
    return node[key]


def _key(node: Any, name: str) -> Any:
    """The key of `node` that is `name`, as the file writes it (`1`, `"1"` and `'1'` are the
    same id: YAML reads the first as a number, casplan reads every key as text)."""
    return next((key for key in node if str(key) == name), None)


def _put(node: Any, name: str, value: Any, above: tuple[str | int, ...], rank: Rank) -> None:
    """`node[name] = value`; a new key goes before the first sibling that ranks after it,
    an id in double quotes and an indicator's number as a number, as people write them."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    key = _key(node, name)
    if key is not None:
        node[key] = value
        return
    keys = [str(k) for k in node]
    later = (i for i, k in enumerate(keys) if rank(above, k) > rank(above, name))
    written: Any = name
    if len(above) == 1 and above[0] in ("goals", "measures", "activities"):
        written = DoubleQuotedScalarString(name)
    elif above[-1:] == ("indicators",):
        written = int(name)
    node.insert(next(later, len(keys)), written, value)
