"""Chinese identifiers: 统一社会信用代码 (GB 32100) and 身份证号码 (GB 11643), with masking.

python-stdnum's ``cn.uscc`` requires the first eight characters to be digits, which rejects valid
codes issued by registration authorities ``A`` (中央军委改革和编制办公室), ``N`` (农业) and ``Y`` (其他).
We reuse its check-digit routine and apply the full GB 32100 structure ourselves.
"""

from __future__ import annotations

from stdnum.cn import uscc as _stdnum_uscc

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

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


def org_code_check_digit(body: str) -> str:
    """The GB 11714 check character of an eight-character organisation code body.

    >>> org_code_check_digit("60003734")
    '1'
    """
    total = sum(_org_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise InvalidIdentifier(f"character {char!r} is not allowed in an organisation code")


def uscc_check_digit(first17: str) -> str:
    """The GB 32100 check character for the first seventeen characters.

    >>> uscc_check_digit("91110000600037341")
    'L'
    """
    return str(_stdnum_uscc.calc_check_digit(first17))


def validate_uscc(code: str) -> str:
    """Return the normalised USCC or raise ``InvalidIdentifier`` saying what is wrong.

    >>> validate_uscc(" 91110000600037341l ")
    '91110000600037341L'
    """
    number = code.strip().replace(" ", "").replace("-", "").upper()
    if len(number) != 18:
        raise InvalidIdentifier(f"统一社会信用代码应为18位, 实为{len(number)}位")
    bad = [c for c in number if c not in USCC_ALPHABET]
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
