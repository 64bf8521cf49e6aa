"""E-mail drafts (`casplan followup --eml`): RFC 5322 messages built with the standard library,
for the coordinator to open in an ordinary mail client and send; casplan sends nothing.

Nothing from the plan reaches a header unencoded: To is an `email.headerregistry.Address` made
from a contact that `validate` parsed as exactly one plain address (`model.email_address_problem`),
and the Subject is written whole as RFC 2047 encoded words (`EncodedHeader`), so a unit's name
that holds a line break, text outside ASCII, something that looks like an encoded word or runs
long reads back exactly as it was written. The plan text in the subject and the body is made
printable first (`diagnostics.printable`), so a control character cannot reach the reader's
screen.
"""

from __future__ import annotations

from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, Policy

from cas_plan.answers.followup import UnitFollowup
from cas_plan.core.diagnostics import printable
from cas_plan.core.periods import Period
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date, phrase
from cas_plan.output.text import missing_line, period_words

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class EncodedHeader:
    """A header whose text is written whole as RFC 2047 encoded words, folded.

    The policy's own folding writes ASCII text as it is, so a unit named `=?utf-8?q?x?=` would
    be decoded by the reader into other text, and it loses leading and repeated spaces between
    encoded words; encoded whole, every reader decodes the exact text. The policy keeps a value
    with a `name` as it is (`EmailPolicy.header_store_parse`) and asks it to `fold` itself."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text

    def __str__(self) -> str:
        return self.text

    def fold(self, *, policy: Policy) -> str:
        linesep = policy.linesep
        encoded = Header(self.text, "utf-8", header_name=self.name).encode(linesep=linesep)
        return f"{self.name}: {encoded}{linesep}"


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
        message["To"] = Address(addr_spec=item.unit.contact)
    subject = phrase(
        "email.subject", lang, period=period_words(period, lang), unit=printable(item.unit.name)
    )
    message["Subject"] = EncodedHeader("Subject", subject)
    message["X-Unsent"] = "1"
    attached = workbook[0] if workbook else ""
    message.set_content(draft_body(item, period, plan_title, attached, deadlines))
    if workbook is not None:
        name, data = workbook
        message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message.as_bytes()
