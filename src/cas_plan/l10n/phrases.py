"""The report's own words: English, Serbian in Latin script (``sr``) and in Cyrillic
(``sr-Cyrl``, derived from the Latin table by `cas_plan.l10n.script.to_cyrillic`).

The plan's own texts (titles, indicators, unit names, ids, URLs) stay as written and are never
translated or transliterated. Serbian terms follow /work/shared/REPORTING.md (rok, odgovorna
organizaciona jedinica, procenjena (indikativna) sredstva, realizovano, bez izveštaja, ...).

Three kinds of entries:
- labels (WORDS[lang][key]): what a template shows as it is, e.g. ``{{ w.deadline }}``;
- phrases (keys in PHRASE_KEYS): labels with placeholders ({year}, {date}, {commit}, {page},
  {pages}); fill them with `cas_plan.l10n.formats.phrase` (or the helpers year_phrase, for_year,
  report_title, state_as_of) rather than showing them raw;
- counted nouns and phrases (PLURALS[key][lang][category], with {count}): one form per CLDR
  plural category, chosen by `cas_plan.l10n.formats.plural` ("1 aktivnost", "2 aktivnosti").
"""

from __future__ import annotations

import string

from cas_plan.l10n.script import to_cyrillic

# how an activity due in the year stands in the report, in the order of its columns
REPORT_STATUSES = (
    "completed",
    "completed_late",
    "in_progress",
    "delayed",
    "not_started",
    "not_reported",
    "cancelled",
)

_EN: dict[str, str] = {
    "report_title": "Implementation report",
    "plan": "Plan",
    "institution": "Institution",
    "period": "Plan period",
    "year": "Reporting year",
    "as_of": "State as of",
    "generated_from": "Generated from",
    "commit": "commit",
    "dirty": "with uncommitted changes in the plan",
    "not_in_git": "not in a git repository",
    "tool": "casplan",
    "summary": "Summary",
    "summary_intro": "Activities with a deadline in the year, by their status on the date "
    "the state is taken from.",
    "goal": "Goal",
    "measure": "Measure",
    "overall": "Overall",
    "activity": "Activity",
    "id": "Id",
    "responsible": "Responsible",
    "deadline": "Deadline",
    "status": "Status",
    "latest_note": "Latest note",
    "indicator_values": "Indicator values",
    "evidence": "Evidence",
    "activities_of_year": "Activities due or reported in the year",
    "overdue": "Overdue activities",
    "overdue_intro": "Deadlines passed before the date of the state, in any year of the plan, "
    "whose activity is not completed or cancelled.",
    "next_year": "Due next year",
    "unresolved": "Deadlines that depend on events",
    "unresolved_intro": "These deadlines resolve once the event's date is recorded in events.yaml.",
    "continuous": "Continuous activities",
    "reports_in_year": "Reports in the year",
    "funds": "Indicative funds for the year",
    "funds_intro": "Amounts stated for the year and annual amounts, per currency; amounts "
    "stated for the whole plan period are not broken down by year",
    "currency": "Currency",
    "basis": "Basis",
    "procurement": "Procurement",
    "total": "Total",
    "charts": "Charts",
    "completion_per_goal": "Completion per goal (% of activities due in the year)",
    "deadlines_of_year": "Deadlines of the year",
    "none": "none",
    "due": "Due",
    "completed": "Completed",
    "completed_late": "Completed late",
    "in_progress": "In progress",
    "delayed": "Delayed",
    "not_started": "Not started",
    "not_reported": "Not reported",
    "cancelled": "Cancelled",
    "annual": "annual",
    "plan period": "plan period",
    "budgeted": "budgeted",
    "unprocured": "unprocured",
    "unspecified": "unspecified",
    "not_by_year": "amounts stated for other years or for the whole period, not included",
    # --- the new report outline
    "action_plan": "Action Plan",
    "customs_administration": "Customs Administration of Serbia",
    "toc": "Contents",
    "executive_summary": "Executive summary",
    "introduction": "Introduction",
    "overview_by_goal": "Overview by goal",
    "achievements": "Achievements by goal and measure",
    "delays": "Delays and challenges",
    "coordination": "Coordination and monitoring",
    "annex": "Annex",
    "annex_activities": "Annex: activities of the reporting year",
    "legend": "Legend",
    "indicator": "Indicator",
    "count": "Number",
    "share": "Share",
    "partly_completed": "Partly completed",
    "not_completed": "Not completed",
    "overdue_short": "Overdue",
    "overdue_days": "Overdue (days)",
    "reason_for_delay": "Reason for the delay",
    "next_steps": "Next steps",
    "amendments": "Amendments of the plan",
    "decision": "Decision",
    "government_conclusion": "Government conclusion",
    "date": "Date",
    "reason": "Reason",
    "old_value": "Previous value",
    "new_value": "New value",
    "no_amendments": "No amendments of the plan were adopted in the year.",
    "funds_indicative": "Indicative funds",
    "funds_spent": "Funds spent",
    "funds_by_currency": "Funds by currency",
    "source_of_funding": "Source of funding",
    "budget_funds": "Budget funds",
    "donor_funds": "Donor funds",
    "narrative_missing": "The coordinator's text for this section is missing.",
    "generated_not_in_git": "Generated from a plan that is not in a git repository",
    "generated_dirty": "The plan has changes that are not committed to git.",
    "measure_line": "{activities} due in the year: {parts}.",
    "measure_nothing_due": "No activity of the measure is due in the year.",
    "coordinator_text": "The coordinator's text",
    "reported_continuous": "Continuous activities that reported in the year",
    "reason_given_on": "given on {date}",
    "no_delays": "No activity was overdue at the end of the year.",
    "delays_intro": "Activities whose deadline, in any year of the plan, passed before the date "
    "of the state without being completed, with the latest reason given.",
    "cell": "Cell",
    "cell_title": "Title",
    "cell_indicators": "Indicators",
    "cell_added": "Activity added",
    "cell_cancelled": "Activity cancelled",
    "continued_above": "as in the row above",
    "cell_blank": "(blank)",
    "no_extra_cost": "No extra cost",
    "legend_completed_share": "Completed (on time or late)",
    "nothing_due": "nothing due in the year",
    "by_goal": "By goal",
    "by_measure": "By measure",
    "funds_year_intro": "Indicative funds stated for the year and annual amounts, beside the "
    "amounts reported spent in the year, per currency; currencies are never added.",
    "page": "Page",
    "legend_done": "Completed",
    "legend_active": "In progress",
    "legend_overdue": "Overdue",
    "legend_other": "Other",
    "overdue_for": "Overdue",
    # phrases (placeholders; see PHRASE_KEYS)
    "title_for_year": "Report on the implementation of the Action Plan for {year}",
    "state_as_of": "State as of {date}",
    "generated_from_commit": "Generated from plan version {commit} (git commit)",
    "in_year": "in {year}",
    "for_year": "for {year}",
    "deadlines_in_year": "Deadlines in {year}",
    "activities_due_in_year": "Activities due in {year}",
    "amendments_in_year": "Amendments of the plan adopted in {year}",
    "page_of": "Page {page} of {pages}",
}

_SR: dict[str, str] = {
    "report_title": "Izveštaj o sprovođenju Akcionog plana",
    "plan": "Plan",
    "institution": "Institucija",
    "period": "Period sprovođenja plana",
    "year": "Izveštajna godina",
    "as_of": "Stanje na dan",
    "generated_from": "Izrađeno na osnovu",
    "commit": "verzije plana (git commit)",
    "dirty": "sa izmenama plana koje nisu upisane u git",
    "not_in_git": "plana koji nije u git repozitorijumu",
    "tool": "casplan",
    "summary": "Zbirni pregled",
    "summary_intro": "Aktivnosti čiji rok ističe u izveštajnoj godini, razvrstane prema "
    "statusu na dan na koji je utvrđeno stanje.",
    "goal": "Cilj",
    "measure": "Mera",
    "overall": "Ukupno",
    "activity": "Aktivnost",
    "id": "Oznaka",
    "responsible": "Odgovorna organizaciona jedinica",
    "deadline": "Rok",
    "status": "Status",
    "latest_note": "Poslednja napomena",
    "indicator_values": "Vrednosti pokazatelja",
    "evidence": "Izvori provere",
    "activities_of_year": "Aktivnosti čiji rok ističe u izveštajnoj godini ili o kojima je u "
    "njoj izveštavano",
    "overdue": "Aktivnosti kojima je rok istekao",
    "overdue_intro": "Aktivnosti iz bilo koje godine plana čiji je rok istekao pre dana na koji "
    "je utvrđeno stanje, a koje nisu realizovane niti otkazane.",
    "next_year": "Rokovi u narednoj godini",
    "unresolved": "Rokovi vezani za događaje",
    "unresolved_intro": "Ovi rokovi biće određeni kada se datum događaja unese u events.yaml.",
    "continuous": "Kontinuirane aktivnosti",
    "reports_in_year": "Izveštaji tokom godine",
    "funds": "Procenjena (indikativna) sredstva za godinu",
    "funds_intro": "Iznosi navedeni za izveštajnu godinu i godišnji iznosi, po valutama; "
    "iznosi navedeni za ceo period plana nisu raspoređeni po godinama",
    "currency": "Valuta",
    "basis": "Period",
    "procurement": "Obezbeđenost sredstava",
    "total": "Ukupno",
    "charts": "Grafikoni",
    "completion_per_goal": "Realizacija po ciljevima (% realizovanih aktivnosti sa rokom u godini)",
    "deadlines_of_year": "Kalendar rokova",
    "none": "nema",
    "due": "Sa rokom u godini",
    "completed": "Realizovano",
    "completed_late": "Realizovano sa zakašnjenjem",
    "in_progress": "U toku",
    "delayed": "Kasni",
    "not_started": "Nije započeto",
    "not_reported": "Bez izveštaja",
    "cancelled": "Otkazano",
    "annual": "godišnje",
    "plan period": "ceo period plana",
    "budgeted": "obezbeđeno u budžetu",
    "unprocured": "neobezbeđeno",
    "unspecified": "nije navedeno",
    # follows a count in report.md.j2/report.html.j2 ("16 iznosa ..."): right for the counts of
    # CLDR's "other" (0, 5-20, 25-30, ...); PLURALS["amounts_not_by_year"] is right for all
    "not_by_year": "iznosa za druge godine ili za ceo period nije uključeno",
    # --- the new report outline
    "action_plan": "Akcioni plan",
    "customs_administration": "Uprava carina",
    "toc": "Sadržaj",
    "executive_summary": "Rezime",
    "introduction": "Uvod",
    "overview_by_goal": "Pregled po ciljevima",
    "achievements": "Ostvareni rezultati po ciljevima i merama",
    "delays": "Kašnjenja i izazovi",
    "coordination": "Koordinacija i praćenje",
    "annex": "Prilog",
    "annex_activities": "Prilog: aktivnosti u izveštajnoj godini",
    "legend": "Legenda",
    "indicator": "Pokazatelj",
    "count": "Broj",
    "share": "Udeo",
    "partly_completed": "Delimično realizovano",
    "not_completed": "Nije realizovano",
    "overdue_short": "Rok je istekao",
    "overdue_days": "Kašnjenje (dana)",
    "reason_for_delay": "Razlog kašnjenja",
    "next_steps": "Naredni koraci",
    "amendments": "Izmene plana",
    "decision": "Odluka",
    "government_conclusion": "Zaključak Vlade",
    "date": "Datum",
    "reason": "Razlog",
    "old_value": "Prethodna vrednost",
    "new_value": "Nova vrednost",
    "no_amendments": "U izveštajnoj godini nije bilo izmena plana.",
    "funds_indicative": "Procenjena (indikativna) sredstva",
    "funds_spent": "Utrošena sredstva",
    "funds_by_currency": "Sredstva po valutama",
    "source_of_funding": "Izvor finansiranja",
    "budget_funds": "Budžetska sredstva",
    "donor_funds": "Donatorska sredstva",
    "narrative_missing": "Nedostaje tekst koordinatora za ovaj odeljak.",
    "generated_not_in_git": "Izrađeno na osnovu plana koji nije u git repozitorijumu",
    "generated_dirty": "Plan sadrži izmene koje nisu upisane u git.",
    "measure_line": "{activities} sa rokom u godini: {parts}.",
    "measure_nothing_due": "Nijedna aktivnost mere nema rok u izveštajnoj godini.",
    "coordinator_text": "Tekst koordinatora",
    "reported_continuous": "Kontinuirane aktivnosti o kojima je izveštavano u godini",
    "reason_given_on": "navedeno {date}",
    "no_delays": "Na kraju godine nijedna aktivnost nije imala istekao rok.",
    "delays_intro": "Aktivnosti iz bilo koje godine plana čiji je rok istekao pre dana na koji je "
    "utvrđeno stanje, a koje nisu realizovane, sa poslednjim navedenim razlogom.",
    "cell": "Polje",
    "cell_title": "Naziv",
    "cell_indicators": "Pokazatelji",
    "cell_added": "Aktivnost dodata",
    "cell_cancelled": "Aktivnost otkazana",
    "continued_above": "kao u redu iznad",
    "cell_blank": "(prazno)",
    "no_extra_cost": "Bez dodatnih troškova",
    "legend_completed_share": "Realizovano (u roku ili sa zakašnjenjem)",
    "nothing_due": "nema aktivnosti sa rokom u godini",
    "by_goal": "Po ciljevima",
    "by_measure": "Po merama",
    "funds_year_intro": "Procenjena sredstva navedena za izveštajnu godinu i godišnji iznosi, uz "
    "iznose utrošene u godini, po valutama; iznosi u različitim valutama se ne sabiraju.",
    "page": "Strana",
    "legend_done": "Realizovano",
    "legend_active": "U toku",
    "legend_overdue": "Rok je istekao",
    "legend_other": "Ostalo",
    "overdue_for": "Kašnjenje",
    # phrases (placeholders; see PHRASE_KEYS)
    "title_for_year": "Izveštaj o sprovođenju Akcionog plana za {year}. godinu",
    "state_as_of": "Stanje na dan {date}",
    "generated_from_commit": "Izrađeno na osnovu verzije plana {commit} (git commit)",
    "in_year": "u {year}. godini",
    "for_year": "za {year}. godinu",
    "deadlines_in_year": "Rokovi u {year}. godini",
    "activities_due_in_year": "Aktivnosti sa rokom u {year}. godini",
    "amendments_in_year": "Izmene plana usvojene u {year}. godini",
    "page_of": "Strana {page} od {pages}",
}

WORDS: dict[str, dict[str, str]] = {
    "en": _EN,
    "sr": _SR,
    "sr-Cyrl": {key: to_cyrillic(value) for key, value in _SR.items()},
}

# labels with placeholders, to fill with l10n.formats.phrase; the same names in every language
PHRASE_KEYS: frozenset[str] = frozenset(
    key
    for key, value in _EN.items()
    if any(name for _, name, _, _ in string.Formatter().parse(value))
)

# counted nouns and phrases: {count} and one form per CLDR plural category (English: one, other;
# Serbian: one for 1, 21, 101; few for 2-4, 22-24; other for 0, 5-20, 25-30, 111, ...)
_PLURALS_EN: dict[str, dict[str, str]] = {
    "activity": {"one": "{count} activity", "other": "{count} activities"},
    "measure": {"one": "{count} measure", "other": "{count} measures"},
    "goal": {"one": "{count} goal", "other": "{count} goals"},
    "indicator": {"one": "{count} indicator", "other": "{count} indicators"},
    "amount": {"one": "{count} amount", "other": "{count} amounts"},
    "day": {"one": "{count} day", "other": "{count} days"},
    "month": {"one": "{count} month", "other": "{count} months"},
    "year": {"one": "{count} year", "other": "{count} years"},
    "amendment": {"one": "{count} amendment", "other": "{count} amendments"},
    "report": {"one": "{count} report", "other": "{count} reports"},
    "deadline": {"one": "{count} deadline", "other": "{count} deadlines"},
    "unit": {"one": "{count} organizational unit", "other": "{count} organizational units"},
    "government_conclusion": {
        "one": "{count} Government conclusion",
        "other": "{count} Government conclusions",
    },
    "continuous_activity": {
        "one": "{count} continuous activity",
        "other": "{count} continuous activities",
    },
    "overdue_by_days": {"one": "overdue by {count} day", "other": "overdue by {count} days"},
    "not_listed_continuous": {
        "one": "Not listed: {count} continuous activity that did not report in the year.",
        "other": "Not listed: {count} continuous activities that did not report in the year.",
    },
    "amounts_not_by_year": {
        "one": "{count} amount stated for another year or for the whole period, not included",
        "other": "{count} amounts stated for other years or for the whole period, not included",
    },
}

_PLURALS_SR: dict[str, dict[str, str]] = {
    "activity": {
        "one": "{count} aktivnost",
        "few": "{count} aktivnosti",
        "other": "{count} aktivnosti",
    },
    "measure": {"one": "{count} mera", "few": "{count} mere", "other": "{count} mera"},
    "goal": {"one": "{count} cilj", "few": "{count} cilja", "other": "{count} ciljeva"},
    "indicator": {
        "one": "{count} pokazatelj",
        "few": "{count} pokazatelja",
        "other": "{count} pokazatelja",
    },
    "amount": {"one": "{count} iznos", "few": "{count} iznosa", "other": "{count} iznosa"},
    "day": {"one": "{count} dan", "few": "{count} dana", "other": "{count} dana"},
    "month": {"one": "{count} mesec", "few": "{count} meseca", "other": "{count} meseci"},
    "year": {"one": "{count} godina", "few": "{count} godine", "other": "{count} godina"},
    "amendment": {"one": "{count} izmena", "few": "{count} izmene", "other": "{count} izmena"},
    "report": {"one": "{count} izveštaj", "few": "{count} izveštaja", "other": "{count} izveštaja"},
    "deadline": {"one": "{count} rok", "few": "{count} roka", "other": "{count} rokova"},
    "unit": {
        "one": "{count} organizaciona jedinica",
        "few": "{count} organizacione jedinice",
        "other": "{count} organizacionih jedinica",
    },
    "government_conclusion": {
        "one": "{count} zaključak Vlade",
        "few": "{count} zaključka Vlade",
        "other": "{count} zaključaka Vlade",
    },
    "continuous_activity": {
        "one": "{count} kontinuirana aktivnost",
        "few": "{count} kontinuirane aktivnosti",
        "other": "{count} kontinuiranih aktivnosti",
    },
    # "za" + accusative: za 1 dan, za 3 dana, za 11 dana
    "overdue_by_days": {
        "one": "rok je prekoračen za {count} dan",
        "few": "rok je prekoračen za {count} dana",
        "other": "rok je prekoračen za {count} dana",
    },
    # the predicate agrees with the count: nije navedena 1 ..., nisu navedene 2 ...,
    # nije navedeno 5 ...
    "not_listed_continuous": {
        "one": "Nije navedena {count} kontinuirana aktivnost za koju u izveštajnoj godini nije "
        "dostavljen izveštaj.",
        "few": "Nisu navedene {count} kontinuirane aktivnosti za koje u izveštajnoj godini nije "
        "dostavljen izveštaj.",
        "other": "Nije navedeno {count} kontinuiranih aktivnosti za koje u izveštajnoj godini "
        "nije dostavljen izveštaj.",
    },
    "amounts_not_by_year": {
        "one": "{count} iznos za druge godine ili za ceo period nije uključen",
        "few": "{count} iznosa za druge godine ili za ceo period nisu uključena",
        "other": "{count} iznosa za druge godine ili za ceo period nije uključeno",
    },
}

PLURALS: dict[str, dict[str, dict[str, str]]] = {
    key: {
        "en": _PLURALS_EN[key],
        "sr": forms,
        "sr-Cyrl": {category: to_cyrillic(text) for category, text in forms.items()},
    }
    for key, forms in _PLURALS_SR.items()
}
assert set(_PLURALS_EN) == set(_PLURALS_SR)


def words(lang: str) -> dict[str, str]:
    """The labels and phrases of the language (KeyError for a language not in LANGUAGES)."""
    return WORDS[lang]


def plural_forms(lang: str) -> dict[str, dict[str, str]]:
    """Counted noun or phrase -> plural category -> text with {count}, in the language."""
    if lang not in WORDS:
        raise KeyError(lang)
    return {key: forms[lang] for key, forms in PLURALS.items()}
