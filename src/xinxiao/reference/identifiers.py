"""Chinese identifiers: 统一社会信用代码 (GB 32100) and 身份证号码 (GB 11643), with masking.

python-stdnum's ``cn.uscc`` requires the first eight characters to be digits, which rejects valid
codes issued by registration authorities ``A`` (中央军委改革和编制办公室), ``N`` (农业) and ``Y`` (其他).
We apply the full GB 32100 structure ourselves; a test checks our check digit against python-stdnum's
(ours uses a lookup table, which is several times faster on bulk imports).

python-stdnum's ``cn.ric`` only knows 18-digit numbers, accepts birth dates in the future and rejects
any region code missing from its bundled county list (for example the 810000/820000/830000 codes of
港澳台居民居住证, which follow GB 11643). We reuse its ISO 7064 MOD 11-2 check and check the rest here;
the region code is only required to be six digits, because county codes change every year.

Masking follows the format used in government disclosure (信用中国, 行政处罚公示): one ``*`` per hidden
character, so the length stays visible. 身份证号码 keep the first six (region) and the last four
characters of 18-digit numbers (``533422********123X``), the first six and last three of legacy
15-digit numbers; the birth date is always hidden.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from operator import mul

from stdnum.iso7064 import mod_11_2 as _mod_11_2

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_CHARS = frozenset(USCC_ALPHABET)
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}  # GB 11714: A=10 … Z=35
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # GB 32100: W_i = 3^(i-1) mod 31

# GB 32100-2015 table 1: registration authority → allowed organisation-type codes.
REGISTRATION_AUTHORITIES: dict[str, tuple[str, frozenset[str]]] = {
    "1": ("机构编制", frozenset("1239")),
    "2": ("外交", frozenset("19")),
    "3": ("司法行政", frozenset("12345")),
    "4": ("文化", frozenset("19")),
    "5": ("民政", frozenset("1239")),
    "6": ("旅游", frozenset("129")),
    "7": ("宗教", frozenset("129")),
    "8": ("工会", frozenset("19")),
    "9": ("市场监管(工商)", frozenset("123")),
    "A": ("中央军委改革和编制办公室", frozenset("19")),
    "N": ("农业", frozenset("1239")),
    "Y": ("其他", frozenset("1")),
}


class InvalidIdentifier(ValueError):
    """An identifier failed validation; the message says why in plain words."""


def _compact(code: str) -> str:
    """Fold full-width characters (pasted from Chinese forms), drop blanks and hyphens, upper-case."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(c for c in folded if not c.isspace() and c != "-").upper()


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def org_code_check_digit(body: str) -> str:
    """The GB 11714 check character of an eight-character organisation code body.

    >>> org_code_check_digit("60003734")
    '1'
    """
    if len(body) != len(ORG_CODE_WEIGHTS):
        raise ValueError(f"an organisation code body has 8 characters, not {len(body)}")
    total = sum(map(mul, map(_org_value, body), ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(char: str) -> int:
    value = _ORG_VALUES.get(char)
    if value is None:
        raise InvalidIdentifier(f"character {char!r} is not allowed in an organisation code")
    return value


def uscc_check_digit(first17: str) -> str:
    """The GB 32100 check character for the first seventeen characters.

    >>> uscc_check_digit("91110000600037341")
    'L'
    """
    if len(first17) != len(_USCC_WEIGHTS):
        raise ValueError(f"the check digit needs 17 characters, not {len(first17)}")
    total = sum(map(mul, map(_USCC_VALUES.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[-total % 31]


def validate_uscc(code: str) -> str:
    """Return the normalised USCC or raise ``InvalidIdentifier`` saying what is wrong.

    >>> validate_uscc(" 91110000600037341l ")
    '91110000600037341L'
    """
    number = _compact(code)
    if len(number) != 18:
        raise InvalidIdentifier(f"统一社会信用代码应为18位, 实为{len(number)}位")
    bad = set(number) - _USCC_CHARS
    if bad:
        raise InvalidIdentifier(f"含有不允许的字符 {''.join(sorted(set(bad)))} (I、O、Z、S、V 不使用)")
    authority = REGISTRATION_AUTHORITIES.get(number[0])
    if authority is None:
        raise InvalidIdentifier(f"登记管理部门代码 {number[0]} 不存在")
    if number[1] not in authority[1]:
        raise InvalidIdentifier(f"机构类别代码 {number[1]} 不属于登记管理部门 {number[0]}({authority[0]})")
    if not number[2:8].isdigit():
        raise InvalidIdentifier("第3-8位应为登记管理机关行政区划码(6位数字)")
    if org_code_check_digit(number[8:16]) != number[16]:
        raise InvalidIdentifier("组织机构代码(第9-17位)校验码错误 (GB 11714)")
    if uscc_check_digit(number[:17]) != number[17]:
        raise InvalidIdentifier("第18位校验码错误 (GB 32100)")
    return number


def is_valid_uscc(code: str) -> bool:
    """Whether ``code`` is a valid USCC."""
    try:
        validate_uscc(code)
    except InvalidIdentifier:
        return False
    return True


def make_uscc(authority: str, org_type: str, region: str, org_body: str) -> str:
    """Assemble a valid USCC from its parts, computing both check characters (for test data).

    >>> make_uscc("9", "1", "533400", "MA6K0Y8N")
    '91533400MA6K0Y8N8A'
    """
    first17 = f"{authority}{org_type}{region}{org_body}{org_code_check_digit(org_body)}"
    return validate_uscc(first17 + uscc_check_digit(first17))


# Nobody alive or on file was born before this; earlier dates mean a garbled number.
RESIDENT_ID_EARLIEST_BIRTH = date(1800, 1, 1)


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character for the first seventeen digits.

    >>> resident_id_check_digit("11010519491231002")
    'X'
    """
    return str(_mod_11_2.calc_check_digit(first17))


def validate_resident_id(code: str, *, today: date | None = None) -> str:
    """Return the normalised 身份证号码 (18 digits, or a legacy 15-digit one as is) or raise.

    >>> validate_resident_id("11010519491231002x")
    '11010519491231002X'
    >>> validate_resident_id("130503670401001")
    '130503670401001'
    """
    number = _compact(code)
    if len(number) == 18:
        if not _is_ascii_digits(number[:17]) or number[17] not in "0123456789X":
            raise InvalidIdentifier("18位身份证号码前17位应为数字, 第18位应为数字或X")
        if resident_id_check_digit(number[:17]) != number[17]:
            raise InvalidIdentifier("身份证号码第18位校验码错误 (GB 11643)")
    elif len(number) == 15:
        if not _is_ascii_digits(number):
            raise InvalidIdentifier("15位身份证号码应全为数字")
    else:
        raise InvalidIdentifier(f"身份证号码应为18位(或旧版15位), 实为{len(number)}位")
    _check_birth_date(_birth_date(number), today or date.today())
    return number


def _birth_date(number: str) -> date:
    digits = number[6:14] if len(number) == 18 else "19" + number[6:12]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdentifier(f"身份证号码中的出生日期 {digits} 不是有效日期") from None


def _check_birth_date(born: date, today: date) -> None:
    if born > today:
        raise InvalidIdentifier(f"身份证号码中的出生日期 {born.isoformat()} 晚于今天")
    if born < RESIDENT_ID_EARLIEST_BIRTH:
        raise InvalidIdentifier(f"身份证号码中的出生日期 {born.isoformat()} 不可信")


def is_valid_resident_id(code: str, *, today: date | None = None) -> bool:
    """Whether ``code`` is a valid 18-digit or legacy 15-digit 身份证号码."""
    try:
        validate_resident_id(code, today=today)
    except InvalidIdentifier:
        return False
    return True


def resident_id_birth_date(code: str, *, today: date | None = None) -> date:
    """The birth date in a valid 身份证号码 (15-digit numbers are all from the 1900s).

    >>> resident_id_birth_date("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    return _birth_date(validate_resident_id(code, today=today))


def upgrade_resident_id_15(code: str) -> str:
    """Turn a valid legacy 15-digit 身份证号码 into its 18-digit form (GB 11643 appendix).

    >>> upgrade_resident_id_15("130503670401001")
    '130503196704010016'
    """
    number = validate_resident_id(code)
    if len(number) != 15:
        raise InvalidIdentifier(f"只有15位身份证号码可以升位, 这是{len(number)}位")
    first17 = f"{number[:6]}19{number[6:]}"
    return first17 + resident_id_check_digit(first17)


def mask_resident_id(code: str) -> str:
    """Hide the birth date and more of a 身份证号码; never raises, even on garbage.

    >>> mask_resident_id("53342219900101123X")
    '533422********123X'
    >>> mask_resident_id("130503670401001")
    '130503******001'
    >>> mask_resident_id("ABC-123-45678"), mask_resident_id("garbage")
    ('ABC******78', '*******')
    """
    number = _compact(code)
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[14:]
    if len(number) == 15:
        return number[:6] + "*" * 6 + number[12:]
    return _mask_middle(number, keep_start=3, keep_end=2, min_length=10)


def _mask_middle(text: str, *, keep_start: int, keep_end: int, min_length: int) -> str:
    """Keep the ends of ``text`` and star the middle; star everything when ``text`` is too short."""
    if len(text) < min_length:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end :]


def mask_name(name: str) -> str:
    """Keep the first character of a personal name and star the rest.

    >>> mask_name("张三"), mask_name("欧阳娜娜"), mask_name("买买提·艾力")
    ('张*', '欧***', '买*****')
    """
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def mask_phone(phone: str) -> str:
    """Star the middle of a telephone number: mobiles keep the first three and last four digits.

    >>> mask_phone("+86 138-0013-1234"), mask_phone("010-6512 3456"), mask_phone("12345")
    ('138****1234', '*******3456', '*****')
    """
    folded = unicodedata.normalize("NFKC", phone)
    number = "".join(c for c in folded if not c.isspace() and c not in "-()")
    for prefix in ("+86", "0086", "86"):
        rest = number.removeprefix(prefix)
        if rest != number and len(rest) == 11 and rest.startswith("1"):
            number = rest
            break
    if len(number) == 11 and number.startswith("1"):
        return number[:3] + "****" + number[7:]
    return _mask_middle(number, keep_start=0, keep_end=4, min_length=7)
