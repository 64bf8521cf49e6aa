"""E-mail drafts attacked (`followup --eml`): contacts that are not one plain address, unit
names made to break or forge a header, and drafts written all or nothing.

- A contact is parsed as a To header is (`email.headerregistry`): `validate` refuses, at its line
  and column, anything but one plain address (encoded words, lists, display names, a non-ASCII
  name, controls, line breaks, comments, quoted names, a domain without a dot).
- Every draft is read back with `email.message_from_bytes(..., policy=default)`: To is the
  contact, the Subject the exact text the phrasebook makes (the unit's name made printable),
  whatever the name holds (CR LF and a forged header, text outside ASCII, an encoded word, a
  name of thousands of characters); no other header appears and every line is ASCII and short.
"""

from __future__ import annotations

import email
import json
from email.policy import default
from pathlib import Path

import pytest

from cas_plan.core.diagnostics import printable
from cas_plan.l10n.formats import phrase
from plans import minimal_files, write_plan

BAD_CONTACTS = {
    "=?utf-8?q?evil=40attacker.example=2C=20boss?=@carina.rs": "it holds an encoded word "
    "(=?...?=), which a mail client would decode into other text",
    "=?utf-8?b?ZXZpbEBhdHRhY2tlci5leGFtcGxl?=@carina.rs": "it holds an encoded word (=?...?=), "
    "which a mail client would decode into other text",
    "audit@carina.rs,boss@carina.rs": "it holds 2 addresses",
    "audit@carina.rs, boss@carina.rs": "it holds 2 addresses",
    "Audit <audit@carina.rs>": "it has a display name",
    '"Audit" <audit@carina.rs>': "it has a display name",
    "revizija@carina.rs (Audit)": "it is not in the plain form name@domain.tld",
    "jöe@carina.rs": "it holds a character outside ASCII, which mail servers may refuse",
    "ревизија@carina.rs": "it holds a character outside ASCII, which mail servers may refuse",
    "audit@carina.\u0441\u0440\u0431": "it holds a character outside ASCII, which mail servers may refuse",
    "au\x00dit@carina.rs": "it holds a control character or a line break",
    "au\x07dit@carina.rs": "it holds a control character or a line break",
    "au\x7fdit@carina.rs": "it holds a control character or a line break",
    "au\x85dit@carina.rs": "it holds a control character or a line break",
    "au\x9bdit@carina.rs": "it holds a control character or a line break",
    "au\u202edit@carina.rs": "it holds a control character or a line break",
    "audit@carina.rs\r\nBcc: spy@attacker.example": "it holds a control character or a line break",
    "audit@carina.rs\n": "it holds a control character or a line break",
    "a..b@carina.rs": "it is not in the plain form name@domain.tld",
    '"a b"@carina.rs': "it is not in the plain form name@domain.tld",
    "audit@carina": "it is not in the plain form name@domain.tld",
    "audit@[10.0.0.1]": "it is not in the plain form name@domain.tld",
    "audit@carina.rs;boss@carina.rs": "it is not in the plain form name@domain.tld",
    "group: audit@carina.rs;": "it is not in the plain form name@domain.tld",
    "@carina.rs": "it is not in the plain form name@domain.tld",
    "audit@-carina.rs": "it is not in the plain form name@domain.tld",
}
GOOD_CONTACTS = [
    "audit@carina.rs",
    "ime.prezime@uprava.carina.rs",
    "audit+2018@carina.rs",
    "a=40b@carina.rs",  # '=' is an atom's character: no encoded word, no other address
    "o'brien@carina-srbije.rs",
]
NAMES = {
    "CR LF and a forged header": "Audit\r\nBcc: spy@attacker.example\r\n\r\nbody",
    "outside ASCII": "\u041e\u0434\u0435\u0459\u0435\u045a\u0435 \u2013 \u0402\u043e\u0440\u0452\u0435 \u0106iri\u0107",
    "an encoded word": "=?utf-8?q?Boss=40attacker.example?= Audit",
    "very long": "Audit " + "Department of Very Long Names " * 120,
    "a long word": "A" * 3000,
    "controls and bidi": "Audit \x1b[31m\x07\x85\u202eevil\x00",
    "repeated spaces": "Audit   of    spaces",
    "quotes and colons": 'Audit: "Department"; <x@y> (z)',
}


def organization(contact: str = "audit@carina.rs", name: str = "Audit Department") -> str:
    return (
        "units:\n  - id: hr-division\n    name: Human Resources Division\n    kind: division\n"
        f"  - id: audit-department\n    name: {json.dumps(name)}\n    kind: department\n"
        f"    contact: {json.dumps(contact)}\n"
    )


@pytest.fixture
def plan_of(tmp_path):
    def make(contact: str = "audit@carina.rs", name: str = "Audit Department") -> Path:
        files = dict(minimal_files())
        files["organization.yaml"] = organization(contact, name)
        files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
            "responsible: [hr-division]", "responsible: [hr-division, audit-department]"
        )
        return write_plan(tmp_path / "plan", files)

    return make


@pytest.mark.parametrize("contact", list(BAD_CONTACTS))
def test_a_contact_that_is_not_one_plain_address_is_refused_at_its_place(invoke, plan_of, contact):
    plan = plan_of(contact=contact)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if ": error: " in line]
    assert line == (
        f"{plan}/organization.yaml:8:14: error: '{printable(contact)}' is not one plain e-mail "
        f"address: {BAD_CONTACTS[contact]}; write the address alone, like name@carina.rs"
    )
    assert not any(char in result.output for char in "\x00\x07\x7f\x85\x9b\u202e\r")


@pytest.mark.parametrize("contact", GOOD_CONTACTS)
def test_a_plain_address_is_taken_and_is_the_drafts_only_recipient(
    invoke, plan_of, tmp_path, contact
):
    plan = plan_of(contact=contact)
    assert invoke("validate", "--plan", str(plan)).exit_code == 0
    message = draft(invoke, plan, tmp_path)
    assert [str(address) for address in message["To"].addresses] == [contact]


def draft(invoke, plan: Path, tmp_path: Path) -> email.message.EmailMessage:
    out = tmp_path / "eml"
    result = invoke(
        "followup", "--period", "2018", "--as-of", "2019-01-01", "--eml", str(out),
        "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["audit-department.eml", "hr-division.eml"]
    data = (out / "audit-department.eml").read_bytes()
    assert_lines(data)
    return email.message_from_bytes(data, policy=default)  # type: ignore[return-value]


@pytest.mark.parametrize("name", list(NAMES))
@pytest.mark.parametrize("lang", ["en", "sr-Cyrl"])
def test_a_unit_name_reads_back_exactly_and_adds_no_header(invoke, plan_of, tmp_path, name, lang):
    plan = plan_of(name=NAMES[name])
    out = tmp_path / "eml"
    result = invoke(
        "followup", "--period", "2018", "--as-of", "2019-01-01", "--eml", str(out),
        "--lang", lang, "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = (out / "audit-department.eml").read_bytes()
    assert_lines(data)
    message = email.message_from_bytes(data, policy=default)
    assert message.keys() == ["To", "Subject", "X-Unsent", "MIME-Version", "Content-Type"]
    assert [str(a) for a in message["To"].addresses] == ["audit@carina.rs"]
    words = {"en": "2018", "sr-Cyrl": "2018."}
    subject = message["Subject"]
    assert subject.endswith(": " + printable(NAMES[name])), subject  # plan text as written
    assert words[lang] in subject
    assert not message.defects and not message["Subject"].defects


def assert_lines(data: bytes) -> None:
    """ASCII, lines of at most 998 characters (RFC 5322), and the header's lines that carry
    plan text (the Subject's) folded to 78."""
    assert data.isascii()
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 998
    head = lines[: lines.index(b"")]
    first = next(n for n, line in enumerate(head) if line.startswith(b"Subject:"))
    last = first + 1
    while last < len(head) and head[last].startswith(b" "):
        last += 1
    assert all(len(line) <= 78 for line in head[first:last])


def test_the_subject_is_the_phrasebooks_exactly(invoke, plan_of, tmp_path):
    plan = plan_of(name=NAMES["CR LF and a forged header"])
    message = draft(invoke, plan, tmp_path)
    from cas_plan.core.periods import parse_period
    from cas_plan.output.text import period_words

    expected = phrase(
        "email.subject",
        "en",
        period=period_words(parse_period("2018"), "en"),
        unit=printable(NAMES["CR LF and a forged header"]),
    )
    assert message["Subject"] == expected
    assert "Bcc" not in message and message.get_all("Bcc") is None


def test_many_units_one_with_a_line_break_get_every_draft(invoke, tmp_path):
    """The issue's case: a unit whose name holds CR LF ended followup with exit 3 after 15 of
    its drafts were written. Now every draft is written, and none is written when one fails."""
    units = ["units:"]
    for number in range(20):
        name = "Unit\r\nBcc: spy@attacker.example" if number == 15 else f"Unit {number}"
        units += [
            f"  - id: unit-{number:02}",
            f"    name: {json.dumps(name)}",
            "    kind: department",
            f"    contact: unit{number}@carina.rs",
        ]
    files = dict(minimal_files())
    files["organization.yaml"] = "\n".join(units) + "\n"
    responsible = ", ".join(f"unit-{number:02}" for number in range(20))
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "responsible: [hr-division]", f"responsible: [{responsible}]"
    )
    plan = write_plan(tmp_path / "plan", files)
    out = tmp_path / "eml"
    args = ["followup", "--period", "2018", "--as-of", "2019-01-01", "--eml", str(out)]
    result = invoke(*args, "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert len(list(out.iterdir())) == 20
    message = email.message_from_bytes((out / "unit-15.eml").read_bytes(), policy=default)
    assert message["Subject"].endswith(": Unit\\r\\nBcc: spy@attacker.example")
    assert message.get_all("Bcc") is None


def test_a_draft_that_fails_leaves_no_draft(invoke, plan_of, tmp_path, monkeypatch):
    """Drafts are made first and written all at once (core/outputs.write_files): a failure in
    making the second leaves the folder empty."""
    import cas_plan.output.email as drafts

    made = []
    real = drafts.draft_message

    def failing(*args, **kwargs):
        if made:
            raise OSError(28, "No space left on device")
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(drafts, "draft_message", failing)
    plan = plan_of()
    out = tmp_path / "eml"
    out.mkdir()
    result = invoke(
        "followup", "--period", "2018", "--as-of", "2019-01-01", "--eml", str(out),
        "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 4, result.output
    assert list(out.iterdir()) == []
