"""Tests for 统一社会信用代码 / 身份证号码 validation and the masking helpers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from xinxiao.reference.identifiers import (
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    InvalidIdentifier,
    is_valid_resident_id,
    is_valid_uscc,
    make_uscc,
    mask_name,
    mask_phone,
    mask_resident_id,
    org_code_check_digit,
    resident_id_birth_date,
    resident_id_check_digit,
    upgrade_resident_id_15,
    uscc_check_digit,
    validate_resident_id,
    validate_uscc,
)

TODAY = date(2025, 6, 1)

# Codes printed on business licences and in python-stdnum's documentation.
PUBLISHED_USCC = ["91110000600037341L", "91110108551385082Q", "91350100M000100Y43", "91440300708461136T"]
# Authorities A (军队), N (农业) and Y (其他) put a letter first, which python-stdnum refuses.
LETTER_AUTHORITY_USCC = [
    make_uscc("A", "1", "110000", "12345678"),
    make_uscc("A", "9", "440300", "MA5D0K2X"),
    make_uscc("N", "2", "330100", "MA2AB3CD"),
    make_uscc("N", "3", "510100", "00000042"),
    make_uscc("Y", "1", "440300", "00000001"),
]


def _with_final_check(first17: str) -> str:
    return first17 + uscc_check_digit(first17)


def _with_org_check(prefix8: str, body: str) -> str:
    return _with_final_check(prefix8 + body + org_code_check_digit(body))


@pytest.mark.parametrize("code", PUBLISHED_USCC + LETTER_AUTHORITY_USCC)
def test_valid_uscc(code: str) -> None:
    assert validate_uscc(code) == code
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", LETTER_AUTHORITY_USCC)
def test_stdnum_gap_letter_authorities(code: str) -> None:
    assert not stdnum_uscc.is_valid(code)
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 91110000600037341l ", "91110000600037341L"),
        ("9111-0000-6000-3734-1L", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),  # full-width, pasted from a form
    ],
)
def test_uscc_normalisation(raw: str, expected: str) -> None:
    assert validate_uscc(raw) == expected


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("9111000060003734", "18位"),
        ("91110000600037341LL", "18位"),
        ("", "18位"),
        ("91110000600037341I", "不允许的字符"),
        ("911100006000373O1L", "不允许的字符"),
        ("91110000Z00037341L", "不允许的字符"),
        ("9111000060003734S1", "不允许的字符"),
        ("9111000060003V341L", "不允许的字符"),
        (_with_org_check("B1110000", "60003734"), "登记管理部门"),
        (_with_org_check("95110000", "60003734"), "机构类别"),
        (_with_org_check("Y2440300", "00000001"), "机构类别"),
        (_with_org_check("A3110000", "12345678"), "机构类别"),
        (_with_org_check("9111A000", "60003734"), "行政区划"),
        (_with_final_check("91110000600037342"), "GB 11714"),
        ("91110000600037341M", "GB 32100"),
        ("91110108551385082R", "GB 32100"),
    ],
)
def test_invalid_uscc(code: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason):
        validate_uscc(code)
    assert not is_valid_uscc(code)


@st.composite
def uscc_parts(draw: st.DrawFn) -> tuple[str, str, str, str]:
    authority = draw(st.sampled_from(sorted(REGISTRATION_AUTHORITIES)))
    org_type = draw(st.sampled_from(sorted(REGISTRATION_AUTHORITIES[authority][1])))
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    body = draw(st.text(USCC_ALPHABET, min_size=8, max_size=8))
    return authority, org_type, region, body


@given(uscc_parts())
def test_make_uscc_always_validates(parts: tuple[str, str, str, str]) -> None:
    code = make_uscc(*parts)
    assert validate_uscc(code) == code


@given(uscc_parts(), st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_uscc_single_substitution_is_caught(parts: tuple[str, str, str, str], pos: int, new: str) -> None:
    # Weights 3**i mod 31 are never 0 and two alphabet values differ by less than 31, so GB 32100
    # detects every single substitution; no probability involved.
    code = make_uscc(*parts)
    if code[pos] != new:
        assert not is_valid_uscc(code[:pos] + new + code[pos + 1 :])


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_uscc_every_single_substitution_is_caught(code: str) -> None:
    for pos, old in enumerate(code):
        for new in USCC_ALPHABET.replace(old, ""):
            assert not is_valid_uscc(code[:pos] + new + code[pos + 1 :]), (pos, new)


def _resident_id(first17: str) -> str:
    return first17 + resident_id_check_digit(first17)


@pytest.mark.parametrize(
    ("raw", "expected", "born"),
    [
        ("11010519491231002X", "11010519491231002X", date(1949, 12, 31)),
        ("11010519491231002x", "11010519491231002X", date(1949, 12, 31)),
        (" 110105 19491231 002X ", "11010519491231002X", date(1949, 12, 31)),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", date(1949, 12, 31)),
        (_resident_id("53342220000229123"), _resident_id("53342220000229123"), date(2000, 2, 29)),
        (_resident_id("81000019900101123"), _resident_id("81000019900101123"), date(1990, 1, 1)),
        (_resident_id("11010120250601001"), _resident_id("11010120250601001"), TODAY),
        ("130503670401001", "130503670401001", date(1967, 4, 1)),
        ("110105000228002", "110105000228002", date(1900, 2, 28)),
    ],
)
def test_valid_resident_id(raw: str, expected: str, born: date) -> None:
    assert validate_resident_id(raw, today=TODAY) == expected
    assert resident_id_birth_date(raw, today=TODAY) == born
    assert is_valid_resident_id(raw, today=TODAY)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("110105194912310021", "校验码"),
        ("11010519491231002", "18位"),
        ("1101051949123100211", "18位"),
        ("11010519491231002Y", "第18位应为数字或X"),
        ("1101051949X231002X", "前17位应为数字"),
        ("A1010519491231002X", "前17位应为数字"),
        ("110105000229002", "不是有效日期"),  # 1900 was no leap year
        (_resident_id("11010519490230002"), "不是有效日期"),
        (_resident_id("11010519491301002"), "不是有效日期"),
        (_resident_id("11010520250602001"), "晚于今天"),
        (_resident_id("11010517991231002"), "不可信"),
        ("130503670231001", "不是有效日期"),
        ("13050367040100X", "应全为数字"),
        ("", "18位"),
    ],
)
def test_invalid_resident_id(code: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier, match=reason):
        validate_resident_id(code, today=TODAY)
    assert not is_valid_resident_id(code, today=TODAY)


def test_stdnum_gap_residence_permit_regions() -> None:
    code = _resident_id("81000019900101123")  # 香港居民居住证 follow GB 11643 with region 810000
    assert not stdnum_ric.is_valid(code)
    assert is_valid_resident_id(code, today=TODAY)


def test_stdnum_gap_future_birth_date() -> None:
    code = _resident_id("11010120990101123")
    assert stdnum_ric.is_valid(code)
    assert not is_valid_resident_id(code, today=TODAY)


def test_stdnum_gap_legacy_15_digits() -> None:
    assert not stdnum_ric.is_valid("130503670401001")
    assert is_valid_resident_id("130503670401001", today=TODAY)


@pytest.mark.parametrize(
    ("legacy", "upgraded"),
    [("130503670401001", "130503196704010016"), ("110105491231002", "11010519491231002X")],
)
def test_upgrade_resident_id_15(legacy: str, upgraded: str) -> None:
    assert upgrade_resident_id_15(legacy) == upgraded
    assert stdnum_ric.calc_check_digit(upgraded) == upgraded[-1]  # an independent MOD 11-2


@pytest.mark.parametrize("code", ["11010519491231002X", "130503670231001", "garbage"])
def test_upgrade_rejects_non_legacy(code: str) -> None:
    with pytest.raises(InvalidIdentifier):
        upgrade_resident_id_15(code)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    return _resident_id(f"{region}{born:%Y%m%d}{sequence}")


@given(resident_ids())
def test_generated_resident_ids_validate_and_mask(code: str) -> None:
    assert validate_resident_id(code, today=TODAY) == code
    masked = mask_resident_id(code)
    assert masked == code[:6] + "********" + code[14:]
    assert code[6:14] not in masked


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_resident_id_single_substitution_is_caught(code: str, pos: int, new: str) -> None:
    # ISO 7064 MOD 11-2 detects every single substitution.
    if code[pos] != new:
        assert not is_valid_resident_id(code[:pos] + new + code[pos + 1 :], today=TODAY)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("53342219900101123X", "533422********123X"),
        ("53342219900101123x", "533422********123X"),
        ("533422 19900101 123X", "533422********123X"),
        ("533422199001011239", "533422********1239"),  # wrong check digit: still masked
        ("130503670401001", "130503******001"),
        ("53342219900101123", "533************23"),  # 17 characters: birth date hidden all the same
        ("ABC-123-45678", "ABC******78"),
        ("short", "*****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_resident_id(raw: str, masked: str) -> None:
    assert mask_resident_id(raw) == masked


@given(st.text() | st.text("0123456789Xx -", min_size=14, max_size=20))
def test_mask_resident_id_never_raises_or_shows_much(text: str) -> None:
    masked = mask_resident_id(text)
    birth_date = {18: masked[6:14], 15: masked[6:12]}.get(len(masked))
    if birth_date is not None:
        assert set(birth_date) == {"*"}
    elif len(masked) < 10:
        assert set(masked) <= {"*"}
    else:
        assert len(masked) - masked.count("*") <= 5


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王小明", "王**"), (" 李四 ", "李*"), ("张", "*"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800131234", "138****1234"),
        ("138 0013 1234", "138****1234"),
        ("+86 138-0013-1234", "138****1234"),
        ("008613800131234", "138****1234"),
        ("８６１３８００１３１２３４", "138****1234"),
        ("010-65123456", "*******3456"),
        ("(0871)6512345", "*******2345"),
        ("6512345", "***2345"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@given(st.text())
def test_mask_phone_never_raises(text: str) -> None:
    assert isinstance(mask_phone(text), str)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_digit_agrees_with_stdnum(first17: str) -> None:
    assert uscc_check_digit(first17) == stdnum_uscc.calc_check_digit(first17)
