"""Every refusal a page can show has a Chinese text naming the same values, and is said in the page's
language: the code's text translated, its values translated where the catalogue knows them."""

from __future__ import annotations

import string

import pytest

from sealkeeper.access import AccessRefusal, Action, CertificateBlockedError, CertificateError, GrantError
from sealkeeper.auth.errors import NotAllowedError
from sealkeeper.documents import CodeError, DocumentRefusal
from sealkeeper.errors import BundleFormatError, SealkeeperError
from sealkeeper.formats.identity import check_id_number, id_check_character
from sealkeeper.procedures.base import Role
from sealkeeper.procedures.errors import OpeningRefusedError, Refusal
from sealkeeper.services.procedure_catalogue import InputError
from sealkeeper.services.refusals import ServiceRefusal
from sealkeeper.stats.errors import StatsRefusal
from sealkeeper.web.i18n import translations
from sealkeeper.web.refusals import TEXTS, UNCODED, fields_of, say

ZH = translations("zh_CN").gettext
EN = translations("en").gettext
#: The values refusals name that the pages translate: roles, who acts, actions.
WORDS = {str(r) for r in Role} | {str(a) for a in Action} | {"applicant", "complainant", "objector", "requester"}


def names(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_refusal_code_has_a_text() -> None:
    kinds = (Refusal, ServiceRefusal, StatsRefusal, AccessRefusal, DocumentRefusal)
    codes = {why.name.lower() for kind in kinds for why in kind}
    assert codes <= set(TEXTS)
    assert len(codes) == sum(len(kind) for kind in kinds)  # no code in two of them


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_every_refusal_has_a_chinese_text_with_the_same_values(code: str) -> None:
    english = TEXTS[code]
    chinese = ZH(english)
    assert chinese != english
    assert names(chinese) == names(english)
    assert EN(english) == english or names(EN(english)) == names(english)


def test_the_values_refusals_name_are_translated() -> None:
    assert sorted(word for word in WORDS if ZH(word) == word) == []
    assert ZH(UNCODED) != UNCODED


def test_a_refusal_is_said_in_the_pages_language_with_its_values_translated() -> None:
    refused = OpeningRefusedError("application", "AP-1", Refusal.ROLE_CANNOT_APPLY, role=Role.CLERK)
    assert say(ZH, refused.code, refused.params) == "角色“承办人”不能提出申请（限本人、法定代理人或辩护人）"
    assert say(EN, refused.code, refused.params) == "role clerk cannot apply (person, guardian, counsel)"
    denied = NotAllowedError("u-1", "read_own_records", ("representative.represented_only",))
    assert say(ZH, denied.code, denied.params) == (
        "账户 u-1 无权办理“查阅本人记录”（依据规则：representative.represented_only）"
    )


def test_an_error_without_a_code_is_said_with_a_translated_lead_and_its_english_text() -> None:
    plain = SealkeeperError("something: went wrong")
    assert say(ZH, plain.code, plain.params, str(plain)) == "无法办理：something: went wrong"
    assert say(EN, plain.code, plain.params, str(plain)) == "something: went wrong"


def test_the_fields_a_refusal_is_about() -> None:
    assert fields_of(InputError.of(ServiceRefusal.INVALID_FIELDS, fields="outcome, reasons", command="Decide")) == (
        "outcome",
        "reasons",
    )
    assert fields_of(OpeningRefusedError("correction", "CO-1", Refusal.CORRECTION_WITHOUT_FIELDS)) == ("fields",)
    assert fields_of(InputError.of(ServiceRefusal.NO_PERSON_NAMED)) == ("on_behalf_of",)
    assert fields_of(SealkeeperError("no field named here")) == ()


def test_a_blocked_certificate_names_its_records_and_why_in_chinese() -> None:
    blocked = CertificateBlockedError(("R-1", "R-2"), "decision or offence categories not known")
    assert str(blocked) == "certificate blocked by record(s) R-1, R-2: decision or offence categories not known"
    assert say(ZH, blocked.code, blocked.params, str(blocked)) == (
        "记录 R-1, R-2 阻止出具证明：决定或罪名类别不明，须由承办人核实"
    )
    assert say(EN, blocked.code, blocked.params, str(blocked)) == str(blocked)


@pytest.mark.parametrize(
    ("error", "english"),
    [
        (GrantError.of(AccessRefusal.JUDICIAL_PURPOSE, purposes=["a", "b"]), "purpose is not one of ['a', 'b']"),
        (
            CodeError.of(DocumentRefusal.CODE_LENGTH, symbols=13, count=4),
            "a verification code has 13 symbols; this one has 4",
        ),
        (
            SealkeeperError.of(DocumentRefusal.NOT_DECIDED, procedure="unsealing", case_id="UN-1", state="review"),
            "unsealing UN-1: no decision letter: not decided (state review)",
        ),
    ],
)
def test_a_coded_error_keeps_its_english_message_and_the_page_says_its_code(
    error: SealkeeperError, english: str
) -> None:
    assert str(error) == english
    assert say(EN, error.code, error.params, str(error)) == english
    assert "无法办理" not in say(ZH, error.code, error.params, str(error))


@pytest.mark.parametrize(
    "typed", ["123", "110105199001011235", "11010519901301123" + id_check_character("11010519901301123")]
)
def test_an_id_number_that_is_not_one_is_said_in_chinese(typed: str) -> None:
    with pytest.raises(BundleFormatError) as bad:
        check_id_number(None, typed, None)
    refused = CertificateError.of(ServiceRefusal.INVALID_ID_NUMBER, problem=bad.value.message)
    said = say(ZH, refused.code, refused.params, str(refused))
    assert said.startswith("身份证号码：")
    assert ZH(bad.value.message) != bad.value.message
    assert bad.value.message not in said
