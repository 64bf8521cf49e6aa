"""The organization registry as a tree: sub-units, collectives, and finding a unit by name.

A unit is responsible for what names it, what names one of its sub-units, and what names a
collective ("all divisions") that covers it or one of its sub-units.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cas_plan.core.model import Unit
from cas_plan.core.suggest import close_matches
from cas_plan.core.views import ActivityView


class UnitLookupError(LookupError):
    """An unknown or ambiguous unit; the message lists the closest matches."""


@dataclass(frozen=True)
class Organization:
    units: dict[str, Unit]

    @classmethod
    def of(cls, units: Iterable[Unit]) -> Organization:
        return cls({unit.id: unit for unit in units})

    def children(self, unit_id: str) -> list[Unit]:
        return [u for u in self.units.values() if u.parent == unit_id]

    def roots(self) -> list[Unit]:
        return [u for u in self.units.values() if u.parent is None or u.parent not in self.units]

    def subtree(self, unit_id: str) -> set[str]:
        """The unit and all units below it."""
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current in found:
                continue
            found.add(current)
            stack.extend(child.id for child in self.children(current))
        return found

    def scope(self, unit_id: str) -> set[str]:
        """Every unit id whose responsibility is also this unit's: its subtree, and the
        collectives that cover any unit of that subtree."""
        subtree = self.subtree(unit_id)
        collectives = {
            u.id for u in self.units.values() if u.kind == "collective" and subtree & set(u.covers)
        }
        return subtree | collectives

    def name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit else unit_id

    def find(self, query: str) -> Unit:
        """A unit by id, or by an unambiguous part of its name (case-insensitive)."""
        if query in self.units:
            return self.units[query]
        needle = query.casefold().strip()
        matches = [
            u
            for u in self.units.values()
            if needle in u.name.casefold()
            or any(needle in alias.casefold() for alias in u.also_written)
            or needle in u.id
        ]
        exact = [u for u in matches if u.name.casefold() == needle]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(f"{u.id} ({u.name})" for u in matches[:6])
            raise UnitLookupError(f"unit '{query}' is ambiguous: it matches {listed}")
        by_key = {u.id: u.id for u in self.units.values()}
        by_key.update({u.name.casefold(): u.id for u in self.units.values()})
        close = close_matches(needle, by_key, n=5, cutoff=0.5)
        ids = list(dict.fromkeys(by_key[key] for key in close))[:3]
        hint = f"; closest: {', '.join(ids)}" if ids else ""
        raise UnitLookupError(f"unknown unit '{query}'{hint} (see 'casplan units')")


def responsible_unit_ids(view: ActivityView) -> list[str]:
    responsibility = view.responsible.value
    return [entry.unit for entry in responsibility.units] if responsibility else []


def leads(view: ActivityView, scope: set[str]) -> bool:
    return any(unit in scope for unit in responsible_unit_ids(view))


def unit_names_by_id(units: Mapping[str, Unit]) -> dict[str, str]:
    """Each unit's name by its id: how a list of unit ids is shown."""
    return {unit_id: unit.name for unit_id, unit in units.items()}


def responsible_names(view: ActivityView, names: Mapping[str, str]) -> list[str]:
    """The names of an activity's responsible units (an id stands for a unit not registered)."""
    return [names.get(unit, unit) for unit in responsible_unit_ids(view)]
