"""JSON Schema files derived from the pydantic models, so editors validate and complete plan
files while people type (`# yaml-language-server: $schema=...` at the top of each file).

Schemas are made per plan: the unit a responsibility names is one of the ids of the plan's own
organization.yaml (an `enum`), so an editor flags a misspelled unit as soon as it is typed;
regenerate them (`casplan schema`) when a unit is added. Dates carry `"format": "date"`, which
validators check only when asked (jsonschema: `format_checker=...FORMAT_CHECKER`).

The models accept a few short forms (`due: 2018-Q4`, `indicators: [Training held]`,
`responsible: [hr-division]`) through validators that JSON Schema cannot see; they are added here
as `anyOf` alternatives, and a test keeps the schemas and the models in agreement.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cas_plan.core import layout
from cas_plan.core.file_models import FILE_MODELS

FILE_KINDS: dict[str, type[BaseModel]] = {kind: FILE_MODELS[kind] for kind in layout.KINDS}
SCHEMA_DIR = layout.SCHEMA_DIR


def _short_forms(definitions: dict[str, Any]) -> None:
    short: dict[str, Callable[[dict[str, Any]], Any]] = {
        "Deadline": lambda d: d["properties"]["when"],
        "Indicator": lambda d: d["properties"]["text"],
        "Indicators": lambda d: {"type": "array", "items": {"$ref": "#/$defs/Indicator"}},
        "UnitRole": lambda d: d["properties"]["unit"],
        "Responsibility": lambda d: {"type": "array", "items": {"$ref": "#/$defs/UnitRole"}},
    }
    for name, make in short.items():
        if name in definitions:
            full = definitions[name]
            definitions[name] = {
                "title": full.get("title", name),
                "description": full.get("description", ""),
                "anyOf": [
                    copy.deepcopy(make(full)),
                    {k: v for k, v in full.items() if k not in ("title", "description")},
                ],
            }


def json_schema(kind: str, unit_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """The schema of one kind of file; with `unit_ids`, responsible units must be one of them."""
    model = FILE_KINDS[kind]
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    if unit_ids is not None and "UnitRole" in definitions:
        unit = definitions["UnitRole"]["properties"]["unit"]
        unit.pop("pattern", None)
        unit.pop("type", None)
        unit["enum"] = sorted(unit_ids)
        unit["description"] = "An id of the plan's organization.yaml."
    _short_forms(definitions)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://casplan.invalid/schemas/{kind}.schema.json"
    return schema


def schema_texts(unit_ids: Sequence[str] | None = None) -> dict[str, str]:
    """File name -> JSON text, for every kind of plan file."""
    return {
        layout.schema_name(kind): json.dumps(
            json_schema(kind, unit_ids), indent=2, ensure_ascii=False
        )
        + "\n"
        for kind in FILE_KINDS
    }


def plan_unit_ids(organization: Path) -> list[str]:
    """The unit ids of a plan's organization.yaml; a file that does not load is a problem to fix
    first (schemas made without its units would flag every responsibility)."""
    from pydantic import ValidationError

    from cas_plan.core.errors import PlanProblems
    from cas_plan.core.model import OrganizationFile
    from cas_plan.core.yaml_reader import read_yaml_bytes

    if not organization.is_file():
        raise PlanProblems(f"{organization} does not exist; the schemas list its units")
    result = read_yaml_bytes(organization.read_bytes(), str(organization))
    if result.ok:
        with contextlib.suppress(ValidationError):
            return [unit.id for unit in OrganizationFile.model_validate(result.data).units]
    raise PlanProblems(
        f"{organization} does not load; fix it first (see 'casplan validate'): "
        "the schemas list its units"
    )


def write_schemas(directory: Path, unit_ids: Sequence[str] | None = None) -> list[Path]:
    """Every schema into `directory` (checked and made by outputs.output_folder), all or none."""
    from cas_plan.core.outputs import write_files

    texts = schema_texts(unit_ids)
    write_files(
        directory, {name: text.encode("utf-8") for name, text in texts.items()}, "schema", "--out"
    )
    return [directory / name for name in texts]


def schema_line(relative: str) -> str:
    """The yaml-language-server line for a plan file at `relative` inside the plan directory."""
    kind = layout.kind_of(relative) or "measure"
    depth = relative.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{layout.schema_name(kind)}"
