"""The collection workbook's words, in English (the default) and in Serbian: sheet names,
column headers, each column's help, the instructions, the statuses and the validation messages.

The one place `collect` keeps its words until they move into the l10n phrasebook; a language's
table may lack a key, which then falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

DEFAULT_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "sheet.activities": "Activities",
        "sheet.instructions": "Instructions",
        "col.id": "ID",
        "col.activity": "Activity",
        "col.indicators": "Indicators",
        "col.deadline": "Deadline",
        "col.current_status": "Current status",
        "col.current_date": "Status date",
        "col.latest_note": "Latest note",
        "col.status": "New status",
        "col.date": "Date",
        "col.note": "Note",
        "col.value": "Value {n}",
        "col.evidence": "Evidence",
        "col.spent": "Spent amount",
        "col.currency": "Currency",
        "col.corrects": "Corrects",
        "help.id": "The activity's number in the plan. Do not change it.",
        "help.activity": "The activity as the plan states it.",
        "help.indicators": "The plan's indicators of the activity, numbered.",
        "help.deadline": "The deadline the plan sets.",
        "help.current_status": "The status last reported.",
        "help.current_date": "The date of the status last reported.",
        "help.latest_note": "The note of the last report.",
        "help.status": "The status now: choose one from the list (see the statuses below).",
        "help.date": "The date the status holds from, as a date, e.g. 2018-06-30.",
        "help.note": "What was done in the period, in a few sentences.",
        "help.value": (
            "Value 1, Value 2, ...: the value reached for indicator 1, 2, ... of the activity. "
            "Grey cells: the activity has no such indicator."
        ),
        "help.evidence": "Where the result can be checked: a document number, a link, a file.",
        "help.spent": "The amount spent in the period, a number of 0 or more, e.g. 1234.50.",
        "help.currency": "The currency of the amount: choose one from the list.",
        "help.corrects": (
            "Only to correct an earlier report: its date (2018-06-30), or its date and number "
            "(2018-06-30#2) when there were several that day. Leave empty otherwise."
        ),
        "instr.title": "Progress report of {unit_name}",
        "instr.about": "Action plan: {plan_title}. Period: {period_text} ({start} to {end}).",
        "instr.how": (
            "Fill in the yellow columns of the sheet '{sheet}', one row per activity. Leave a "
            "row empty when there is nothing to report. The other columns hold the plan's text "
            "and are locked. Do not add, remove or move rows, columns or sheets. Save the file "
            "as .xlsx and send it back."
        ),
        "instr.made": "Made on {made_on} from commit {commit}.",
        "instr.columns": "Columns",
        "instr.statuses": "Statuses",
        "instr.column": "Column",
        "instr.meaning": "Meaning",
        "status.not_started": "Work on the activity has not started.",
        "status.in_progress": "Work has started and goes on.",
        "status.completed": "The activity is done: its indicators are met.",
        "status.delayed": "The activity will not be done by its deadline.",
        "status.cancelled": "The activity will not be done.",
        "valid.status": "Choose a status from the list.",
        "valid.date": "Write a date, e.g. 2018-06-30.",
        "valid.amount": "Write an amount of 0 or more, e.g. 1234.50.",
        "valid.currency": "Choose a currency from the list.",
        "valid.title": "casplan",
    }
)

SERBIAN_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "sheet.activities": "Aktivnosti",
        "sheet.instructions": "Uputstvo",
        "col.id": "Broj",
        "col.activity": "Aktivnost",
        "col.indicators": "Pokazatelji",
        "col.deadline": "Rok",
        "col.current_status": "Trenutni status",
        "col.current_date": "Datum statusa",
        "col.latest_note": "Poslednja napomena",
        "col.status": "Novi status",
        "col.date": "Datum",
        "col.note": "Napomena",
        "col.value": "Vrednost {n}",
        "col.evidence": "Dokaz",
        "col.spent": "Utrošen iznos",
        "col.currency": "Valuta",
        "col.corrects": "Ispravlja",
        "help.id": "Broj aktivnosti u planu. Ne menjajte ga.",
        "help.activity": "Aktivnost kako je plan navodi.",
        "help.indicators": "Pokazatelji aktivnosti iz plana, numerisani.",
        "help.deadline": "Rok koji plan postavlja.",
        "help.current_status": "Poslednji prijavljeni status.",
        "help.current_date": "Datum poslednjeg prijavljenog statusa.",
        "help.latest_note": "Napomena poslednjeg izveštaja.",
        "help.status": "Status sada: izaberite jedan sa liste (statusi su navedeni ispod).",
        "help.date": "Datum od kada status važi, kao datum, npr. 2018-06-30.",
        "help.note": "Šta je urađeno u periodu, u nekoliko rečenica.",
        "help.value": (
            "Vrednost 1, Vrednost 2, ...: dostignuta vrednost pokazatelja 1, 2, ... aktivnosti. "
            "Sive ćelije: aktivnost nema taj pokazatelj."
        ),
        "help.evidence": "Gde se rezultat može proveriti: broj dokumenta, veza, datoteka.",
        "help.spent": "Iznos utrošen u periodu, broj 0 ili veći, npr. 1234,50.",
        "help.currency": "Valuta iznosa: izaberite jednu sa liste.",
        "help.corrects": (
            "Samo za ispravku ranijeg izveštaja: njegov datum (2018-06-30), ili datum i broj "
            "(2018-06-30#2) kada ih je tog dana bilo više. Inače ostavite prazno."
        ),
        "instr.title": "Izveštaj o napretku: {unit_name}",
        "instr.about": "Akcioni plan: {plan_title}. Period: {period_text} ({start} do {end}).",
        "instr.how": (
            "Popunite žute kolone lista '{sheet}', jedan red po aktivnosti. Ostavite red prazan "
            "kada nema šta da se prijavi. Ostale kolone sadrže tekst plana i zaključane su. Ne "
            "dodajte, ne brišite i ne pomerajte redove, kolone ni listove. Sačuvajte datoteku kao "
            ".xlsx i pošaljite je nazad."
        ),
        "instr.made": "Napravljeno {made_on} iz verzije {commit}.",
        "instr.columns": "Kolone",
        "instr.statuses": "Statusi",
        "instr.column": "Kolona",
        "instr.meaning": "Značenje",
        "status.not_started": "Rad na aktivnosti nije počeo.",
        "status.in_progress": "Rad je počeo i traje.",
        "status.completed": "Aktivnost je završena: pokazatelji su ispunjeni.",
        "status.delayed": "Aktivnost neće biti završena u roku.",
        "status.cancelled": "Aktivnost neće biti sprovedena.",
        "valid.status": "Izaberite status sa liste.",
        "valid.date": "Upišite datum, npr. 2018-06-30.",
        "valid.amount": "Upišite iznos 0 ili veći, npr. 1234,50.",
        "valid.currency": "Izaberite valutu sa liste.",
    }
)


def collect_words(lang: str) -> Mapping[str, str]:
    """The words a workbook is made in for `--lang` (English for any but `sr`)."""
    return SERBIAN_WORDS if lang == "sr" else {}


def said_in(words: Mapping[str, str] | None) -> dict[str, str]:
    """`words` over the English ones: every key is there."""
    return {**DEFAULT_WORDS, **(words or {})}
