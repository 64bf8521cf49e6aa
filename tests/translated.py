"""A plan with the plan's text partly in Serbian (test data, not the real plan): the reporting
year of `plans.report_year_files` and a translations file with most titles, an indicator, the
units and the event translated, one translation stale (its English changed after it was made)
and the rest left in English.

The digests are worked out here with hashlib, as a translator's tool would, not with casplan's
own function, so a change to how casplan digests a text shows up as stale translations.
"""

from __future__ import annotations

import hashlib

from plans import report_year_files


def digest(english: str) -> str:
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:12]


# key in the file -> (English it translates, Serbian in Latin script)
TRANSLATED = {
    ("plan", "title"): (
        "Test plan (fixture, not the real plan)",
        "Probni plan (primer, ne pravi plan)",
    ),
    ("goals", "1", "title"): ("First goal", "Prvi cilj"),
    ("goals", "2", "title"): ("Second goal", "Drugi cilj"),
    ("measures", "1.1", "title"): ("Rules and training", "Pravila i obuka"),
    ("activities", "1.1.1", "title"): ("Adopt the rules", "Usvojiti pravilnik"),
    ("activities", "1.1.1", "indicators", "1"): ("Rules adopted", "Pravilnik usvojen"),
    ("activities", "1.1.2", "title"): ("Train the trainers", "Obučiti predavače"),
    ("activities", "1.1.6", "title"): ("Buy the software", "Nabaviti softver"),
    ("activities", "2.1.1", "title"): ("Hire auditors", "Zaposliti revizore"),
    ("units", "hr-division", "name"): ("Human Resources Division", "Sektor za ljudske resurse"),
    ("units", "training-department", "name"): ("Training Department", "Odeljenje za obuku"),
    ("units", "audit-department", "name"): ("Audit Department", "Odeljenje za reviziju"),
    ("events", "project-start", "name"): ("Start of the project", "Početak projekta"),
}
# translated when 1.1.3 was "Audit the trainings"; its English is "Audit the training" now
STALE = ("activities", "1.1.3", "title"), ("Audit the trainings", "Revidirati obuke")
TEXTS = 24  # the plan's texts: its title, 3 goals, 3 measures, 9 activities, 4 indicators, 3 units, an event
FRESH = len(TRANSLATED)


def translations_yaml() -> str:
    """translations/sr.yaml, written as a translator would: by section, id and field."""
    lines = ["# The plan's text in Serbian (test fixture, not the real plan's)."]
    tree: dict[str, dict] = {}
    for key, (english, serbian) in [*TRANSLATED.items(), STALE]:
        node = tree
        for step in key[:-1]:
            node = node.setdefault(step, {})
        node[key[-1]] = (english, serbian)

    def write(node: dict, indent: int) -> None:
        for name, value in node.items():
            label = f'"{name}"' if name[0].isdigit() and "." in name else name
            if isinstance(value, tuple):
                english, serbian = value
                lines.append(f"{' ' * indent}{label}:")
                lines.append(f"{' ' * (indent + 2)}text: {serbian}")
                lines.append(f"{' ' * (indent + 2)}digest: {digest(english)}")
            else:
                lines.append(f"{' ' * indent}{label}:")
                write(value, indent + 2)

    write(tree, 0)
    return "\n".join(lines) + "\n"


def translated_files() -> dict[str, str]:
    files = report_year_files()
    files["translations/sr.yaml"] = translations_yaml()
    return files
