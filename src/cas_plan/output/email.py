"""E-mail drafts (`casplan followup --eml`): RFC 5322 messages built with the standard library,
for the coordinator to open in an ordinary mail client and send; casplan sends nothing.

Headers are set through `email.headerregistry` (an `Address` for To, the unstructured Subject),
so what comes from the plan is encoded (RFC 2047) as the policy writes it, never raw; the plan
text in the subject and the body is made printable first (`diagnostics.printable`), so a line
break cannot add a header and a control character cannot reach the reader's screen.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

from cas_plan.answers.followup import UnitFollowup
from cas_plan.core.diagnostics import printable
from cas_plan.core.periods import Period

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def draft_body(item: UnitFollowup, period: Period, plan_title: str, attached: str) -> str:
    last = item.last_report.isoformat() if item.last_report else "none yet"
    lines = [
        "Dear colleagues,",
        "",
        f"for the progress report on '{printable(plan_title)}' for {period.text} "
        f"({period.start} to {period.end}), we have no report yet on these activities "
        f"of {printable(item.unit.name)}:",
        "",
    ]
    lines += [
        f"- {m.id} {printable(m.title)} (deadline: {printable(m.deadline)})" for m in item.missing
    ]
    lines += [
        "",
        f"Please fill in the attached workbook {printable(attached)} (the yellow columns, one "
        "row per activity) and send it back.",
        "",
        f"Your last report: {last}.",
        "",
    ]
    return "\n".join(lines)


def draft_message(
    item: UnitFollowup, period: Period, plan_title: str, workbook: tuple[str, bytes] | None
) -> bytes:
    """An unsent draft: no From (the coordinator's client fills it in) and no Date (set when
    it is sent); `X-Unsent: 1` makes Outlook open the .eml as a draft to edit and send."""
    message = EmailMessage(policy=SMTP)
    if item.unit.contact:
        message["To"] = Address(addr_spec=item.unit.contact)
    message["Subject"] = f"Progress report for {period.text}: {printable(item.unit.name)}"
    message["X-Unsent"] = "1"
    attached = workbook[0] if workbook else ""
    message.set_content(draft_body(item, period, plan_title, attached))
    if workbook is not None:
        name, data = workbook
        message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message.as_bytes()
