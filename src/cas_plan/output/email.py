"""E-mail drafts (`casplan followup --eml`): RFC 5322 messages built with the standard library,
for the coordinator to open in an ordinary mail client and send; casplan sends nothing.

Headers are set through `email.headerregistry` (an `Address` for To, the unstructured Subject),
so what comes from the plan is encoded (RFC 2047) as the policy writes it, never raw; the plan
text in the subject and the body is made printable first (`diagnostics.printable`), so a line
break cannot add a header and a control character cannot reach the reader's screen.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from cas_plan.answers.followup import UnitFollowup
from cas_plan.core.diagnostics import printable
from cas_plan.core.periods import Period
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date, phrase
from cas_plan.output.text import missing_line, period_words

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def draft_body(
    item: UnitFollowup, period: Period, plan_title: str, attached: str, deadlines: DeadlineWords
) -> str:
    """The letter, in the language of `deadlines`."""
    lang = deadlines.lang
    last = format_date(item.last_report, lang) if item.last_report else None
    intro = phrase(
        "email.intro",
        lang,
        plan=printable(plan_title),
        period=period_words(period, lang),
        unit=printable(item.unit.name),
    )
    lines = [phrase("email.greeting", lang), "", intro, ""]
    lines += [f"- {m.id} {printable(missing_line(m, deadlines))}" for m in item.missing]
    lines += [
        "",
        phrase("email.fill_in", lang, file=printable(attached)),
        "",
        phrase("email.last_report", lang, date=last or phrase("email.no_report_yet", lang)),
        "",
    ]
    return "\n".join(lines)


def draft_message(
    item: UnitFollowup,
    period: Period,
    plan_title: str,
    workbook: tuple[str, bytes] | None,
    deadlines: DeadlineWords,
) -> bytes:
    """An unsent draft in the language of `deadlines`: no From (the coordinator's client fills
    it in) and no Date (set when it is sent); `X-Unsent: 1` makes Outlook open the .eml as a
    draft to edit and send."""
    lang = deadlines.lang
    message = EmailMessage(policy=SMTP)
    if item.unit.contact:
        # parsed by the policy's header registry (AddressHeader); `Address(addr_spec=...)`
        # would refuse some contacts the model accepts (`a..b@x.rs`): left to the contacts check
        message["To"] = item.unit.contact
    message["Subject"] = phrase(
        "email.subject", lang, period=period_words(period, lang), unit=printable(item.unit.name)
    )
    message["X-Unsent"] = "1"
    attached = workbook[0] if workbook else ""
    message.set_content(draft_body(item, period, plan_title, attached, deadlines))
    if workbook is not None:
        name, data = workbook
        message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message.as_bytes()
