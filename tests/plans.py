"""The test plans shared by the tests: the real plan's location and small fixture plans.

Fixture plans are test data, not the real plan: they carry example progress that the source
document does not have.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL_PLAN = REPO / "plan"
SOURCE_TEXT = REPO / "tests" / "data" / "cas-action-plan-2017-2020.txt"

PLAN_YAML = """\
title: Test plan (fixture, not the real plan)
period:
  start: 2017-01-01
  end: 2020-12-31
source: test fixture
"""
ORGANIZATION_YAML = """\
units:
  - id: hr-division
    name: Human Resources Division
    kind: division
    head: Assistant Director General
  - id: training-department
    name: Training Department
    kind: department
    parent: hr-division
    head: Head of Department
  - id: audit-department
    name: Audit Department
    kind: department
    head: Head of Department
"""
EVENTS_YAML = """\
events:
  - id: project-start
    name: Start of the project
"""
GOAL_YAML = """\
id: "1"
title: First goal
"""
MEASURE_YAML = """\
id: "1.1"
title: First measure
activities:
  - id: "1.1.1"
    title: Write the rules
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
  - id: "1.1.2"
    title: Train the staff
    indicators: [Training held]
    due: continuous
"""


def minimal_files() -> dict[str, str]:
    """A small valid plan: one goal, one measure with two activities."""
    return {
        "plan.yaml": PLAN_YAML,
        "organization.yaml": ORGANIZATION_YAML,
        "events.yaml": EVENTS_YAML,
        "goal-1/goal.yaml": GOAL_YAML,
        "goal-1/measure-1.1.yaml": MEASURE_YAML,
    }


def write_plan(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a dict of relative path -> content as a plan directory and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


# A fixture plan with every deadline form and some progress (test data, not the real plan).
FORMS_MEASURE_YAML = """\
id: "1.1"
title: Every deadline form
activities:
  - id: "1.1.1"
    title: A day
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
    progress:
      - date: 2018-11-01
        status: completed
        note: Adopted by the board
  - id: "1.1.2"
    title: A month
    responsible: [training-department]
    due: 2018-07
  - id: "1.1.3"
    title: A quarter
    responsible: [audit-department]
    due: 2018-Q2
    progress:
      - date: 2018-05-01
        status: in_progress
  - id: "1.1.4"
    title: A year
    due: 2019
  - id: "1.1.5"
    title: A range
    responsible: [hr-division, audit-department]
    due: 2017-03-28..2017-03-30
  - id: "1.1.6"
    title: Continuous work
    due: continuous
  - id: "1.1.7"
    title: Each November
    due: yearly 11
    progress:
      - date: 2017-11-20
        status: completed
  - id: "1.1.8"
    title: Each March 31
    due: yearly 03-31
  - id: "1.1.9"
    title: Two years after the start
    due: 2y after project-start
  - id: "1.1.10"
    title: Between two events
    due: chapter-opening..accession
  - id: "1.1.11"
    title: 2020 and later
    due: 2020..
  - id: "1.1.12"
    title: As the agency says
    due: by agency-dynamics
"""
FORMS_EVENTS_YAML = """\
events:
  - id: project-start
    name: Start of the project
    date: 2017-01-10
  - id: chapter-opening
    name: Opening of the chapter
  - id: accession
    name: Accession
  - id: agency-dynamics
    name: Dynamics set by the agency
"""


def forms_files() -> dict[str, str]:
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = FORMS_MEASURE_YAML
    files["events.yaml"] = FORMS_EVENTS_YAML
    return files


def load(plan: Path):
    """Load and check a plan directory as the commands do (today's date)."""
    import datetime as dt

    from cas_plan.core.loader import check_plan, directory_listing

    return check_plan(directory_listing(plan), str(plan), dt.date.today())


# A reporting year with everything the annual report shows (test data, not the real plan):
# amendments adopted in 2018, a corrected entry, spending (one in a currency the activity has no
# indicative funds in), a delay whose reason was given in 2017, continuous activities that did
# and did not report in 2018, a goal with nothing due in 2018 and the coordinator's narrative.
REPORT_AMENDMENTS_YAML = """\
amendments:
  - id: a-2018-1
    date: 2018-06-15
    decision: 05 br. 021-1234/2018
    reason: Revision of the budget
  - id: a-2019-1
    date: 2019-03-01
    decision: 05 br. 021-99/2019
"""
REPORT_GOAL_2_YAML = """\
id: "2"
title: Second goal
"""
REPORT_GOAL_3_YAML = """\
id: "3"
title: Third goal
"""
REPORT_MEASURE_11_YAML = """\
id: "1.1"
title: Rules and training
activities:
  - id: "1.1.1"
    title: Adopt the rules
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      amounts:
        - amount: 1000.50 EUR
          year: 2018
    due: 2018-12-31
    progress:
      - date: 2018-11-01
        status: completed
        note: Adopted by the board
        values:
          Rules adopted: "yes"
        evidence:
          - https://example.org/rules.pdf
          - "doc: br. 148-01-123/2018"
        spent:
          - amount: 800.25 EUR
            year: 2018
            source: IPA 2013
        reported_by: hr-division:Jelena P.
  - id: "1.1.2"
    title: Train the trainers
    indicators: [Trainers trained]
    responsible: [training-department]
    funds:
      no_extra_cost: true
    due: 2018-03
    progress:
      - date: 2018-05-10
        status: completed
        note: Trained in May
  - id: "1.1.3"
    title: Audit the training
    indicators: [Audit report]
    responsible: [audit-department]
    due: 2018-06
    progress:
      - date: 2018-04-01
        status: completed
        note: Entered by mistake
        values:
          Audit report: "1"
      - date: 2018-04-20
        status: in_progress
        note: Auditors appointed late
        corrects: 2018-04-01
  - id: "1.1.4"
    title: Keep the staff trained
    indicators: [Trainings held]
    responsible: [training-department]
    due: continuous
    progress:
      - date: 2018-06-30
        status: in_progress
        note: Two trainings held
        values:
          Trainings held: "2"
        evidence:
          - \\\\cas-fs\\training\\2018.pdf
        spent:
          - amount: 120000 RSD
            year: 2018
  - id: "1.1.5"
    title: Keep the manual current
    responsible: [training-department]
    due: continuous
  - id: "1.1.6"
    title: Buy the software
    responsible: [hr-division]
    due: 2017-12
    progress:
      - date: 2017-11-15
        status: delayed
        note: The vendor withdrew from the tender
"""
REPORT_MEASURE_21_YAML = """\
id: "2.1"
title: Audit capacity
activities:
  - id: "2.1.1"
    title: Hire auditors
    responsible: [audit-department]
    funds:
      amounts:
        - amount: 500000 RSD
          annual: true
    due: 2018-09
    history:
      - amendment: a-2018-1
        due: 2018-03
  - id: "2.1.2"
    title: Build the audit lab
    responsible: [audit-department]
    due: 2018-10
    cancelled_by: a-2018-1
"""
REPORT_MEASURE_31_YAML = """\
id: "3.1"
title: Later work
activities:
  - id: "3.1.1"
    title: Plan the next strategy
    responsible: [hr-division]
    due: 2020
"""
REPORT_NARRATIVE_YAML = """\
period: 2018
en:
  executive_summary: |
    The rules were adopted and the trainers trained.

    The audit lab was cancelled by the Government.
  goals:
    "1": Goal 1 went to plan, but the audit started late.
  measures:
    "1.1": Training is on track.
"""


def report_year_files(narrative: bool = True) -> dict[str, str]:
    """A plan with a full reporting year 2018 (see the comment above)."""
    files = minimal_files()
    files["amendments.yaml"] = REPORT_AMENDMENTS_YAML
    files["goal-1/measure-1.1.yaml"] = REPORT_MEASURE_11_YAML
    files["goal-2/goal.yaml"] = REPORT_GOAL_2_YAML
    files["goal-2/measure-2.1.yaml"] = REPORT_MEASURE_21_YAML
    files["goal-3/goal.yaml"] = REPORT_GOAL_3_YAML
    files["goal-3/measure-3.1.yaml"] = REPORT_MEASURE_31_YAML
    if narrative:
        files["reports/2018.yaml"] = REPORT_NARRATIVE_YAML
    return files


# The site's fixture plan (test data, not the real plan), and the day it is published on.
SITE_AS_OF = "2019-01-15"
SITE_HOSTILE = '<script>alert(1)</script> "onmouseover=alert(2) & more'

SITE_MEASURE_YAML = f"""\
id: "1.1"
title: Every deadline form
title_as_written: EVERY DEADLINE FORM (as printed)
activities:
  - id: "1.1.1"
    title: A day
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      as_written: 1.200 RSD from the budget
      amounts:
        - amount: 1200 RSD
          year: 2018
          as_written: 1.200 RSD
    due:
      when: 2018-12-31
      as_written: By 31 December 2018
    progress:
      - date: 2018-11-01
        status: completed
        note: Adopted by the board
        evidence: ["https://example.org/rules.pdf", "doc: br. 148-01-123/2018"]
        spent:
          - amount: 800 RSD
            year: 2018
            source: IPA 2013
        reported_by: "hr-division:Jelena Petrović"
    sub_activities:
      - id: "1.1.1.1"
        title: Draft the rules
  - id: "1.1.2"
    title: {json.dumps(SITE_HOSTILE)}
    responsible: [training-department]
    due: 2018-07
    history:
      - amendment: am-2018-1
        due: 2018-03
        title: The old title
  - id: "1.1.3"
    title: A quarter
    responsible: [audit-department]
    due: 2018-Q2
    progress:
      - date: 2018-05-01
        status: in_progress
      - date: 2018-06-30
        status: delayed
        note: Wrongly reported
      - date: 2018-07-02
        status: in_progress
        corrects: 2018-06-30
        note: {json.dumps("Correction " + SITE_HOSTILE)}
        spent:
          - amount: 100.50 EUR
            year: 2018
  - id: "1.1.4"
    title: A year
    due: 2019
  - id: "1.1.5"
    title: A range
    responsible: [hr-division, audit-department]
    due: 2017-03-28..2017-03-30
  - id: "1.1.6"
    title: Continuous work
    due: continuous
  - id: "1.1.7"
    title: Each November
    due: yearly 11
    progress:
      - date: 2017-11-20
        status: completed
  - id: "1.1.8"
    title: Each March 31
    due: yearly 03-31
  - id: "1.1.9"
    title: Two years after the start
    due: 2y after project-start
  - id: "1.1.10"
    title: Between two events
    due: chapter-opening..accession
  - id: "1.1.11"
    title: 2020 and later
    due: 2020..
  - id: "1.1.12"
    title: As the agency says
    due: by agency-dynamics
    cancelled_by: am-2018-1
  - id: "1.1.13"
    title: Added by the amendment
    indicators: [Report made]
    responsible: [audit-department]
    funds:
      no_extra_cost: true
    due: 2019-02-28
    added_by: am-2018-1
"""
SITE_AMENDMENTS_YAML = """\
amendments:
  - id: am-2018-1
    date: 2018-04-15
    decision: 05 br. 021-1234/2018
    reason: Deadlines <b>moved</b>
"""


def site_files() -> dict[str, str]:
    """Every deadline form with progress, a correction, spending, an amendment (registry and an
    activity's history), an added activity and hostile text: the site's fixture (test data)."""
    files = forms_files()
    files["goal-1/measure-1.1.yaml"] = SITE_MEASURE_YAML
    files["amendments.yaml"] = SITE_AMENDMENTS_YAML
    return files


# A plan lived through its whole period, 2017-2020 (test data, not the real plan; the files are in
# tests/data/lived-plan, which the documentation's examples copy too), for the reports of a
# half-year, a year and the whole period: a Government conclusion that moved a merged deadline
# cell on three activities at once (`amend --also`) and changed a responsible unit that was filled
# down from the row above; a later conclusion that moved a deadline and cancelled an activity and
# a sub-activity; deadlines on the last day of a year; an activity completed eleven months late; a
# reason for a delay given a year before the deadline; a parent whose sub-activities roll up; a
# yearly and a continuous activity; amounts for a year, annual and for the whole period, spent
# over several years; half-yearly reports asked for; and the coordinator's narratives in English
# and Serbian (the half-year's in English only, the final one's Serbian without a sustainability
# text).
LIVED_PLAN = REPO / "tests" / "data" / "lived-plan"


def lived_plan_files() -> dict[str, str]:
    """The plan lived through 2017-2020 (see the comment above), as relative path -> text."""
    return {
        path.relative_to(LIVED_PLAN).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(LIVED_PLAN.rglob("*.yaml"))
    }


# The plan's text partly in Serbian (test data, not the real plan): the reporting year of
# `report_year_files` and a translations file with most titles, an indicator, the units and the
# event translated, one translation stale (its English changed after it was made) and the rest
# left in English. The digests are worked out with hashlib, as a translator's tool would, not
# with casplan's own function, so a change to how casplan digests a text shows up as stale.
def english_digest(english: str) -> str:
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:12]


# key in the file -> (English it translates, Serbian in Latin script)
SR_TRANSLATED = {
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
SR_STALE = ("activities", "1.1.3", "title"), ("Audit the trainings", "Revidirati obuke")
SR_TEXTS = 24  # the plan's texts: its title, 3 goals, 3 measures, 9 activities, 4 indicators, 3 units, an event
SR_FRESH = len(SR_TRANSLATED)


def translations_yaml() -> str:
    """translations/sr.yaml, written as a translator would: by section, id and field."""
    lines = ["# The plan's text in Serbian (test fixture, not the real plan's)."]
    tree: dict[str, dict] = {}
    for key, (english, serbian) in [*SR_TRANSLATED.items(), SR_STALE]:
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
                lines.append(f"{' ' * (indent + 2)}digest: {english_digest(english)}")
            else:
                lines.append(f"{' ' * indent}{label}:")
                write(value, indent + 2)

    write(tree, 0)
    return "\n".join(lines) + "\n"


def translated_files() -> dict[str, str]:
    files = report_year_files()
    files["translations/sr.yaml"] = translations_yaml()
    return files


CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
"""The site's one Content-Security-Policy, as its pages must carry it."""


def as_in_site(standalone: str) -> str:
    """A standalone HTML report as the site holds it: the same page but for its head, where the
    site's one policy and its stylesheet linked replace the report's own style, allowed by its
    hash."""
    head = standalone[standalone.index("<meta http-equiv") : standalone.index("</style>\n") + 9]
    title = head[head.index("<title>") : head.index("</title>\n") + 9]
    in_site = (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n{title}'
        '<link rel="stylesheet" href="../static/report.css">\n'
    )
    return standalone.replace(head, in_site)


def git(repo: Path, *args: str) -> str:
    """git in `repo` as the tests run it: a test identity, no user or system configuration (a
    developer's hooks or signing never apply); its output, stripped."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
