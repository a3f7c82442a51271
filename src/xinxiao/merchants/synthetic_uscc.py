"""Unique, valid 统一社会信用代码 (GB 32100) in bulk, for synthetic merchants.

``xinxiao.reference.make_uscc`` builds one code and re-validates it (about 13 µs); a
million-row run needs the same arithmetic on whole arrays. This module computes both check
characters (GB 11714 for the organisation code, GB 32100 for the whole) with numpy; the tests
compare it with ``make_uscc`` code for code.

The 主体标识码 (characters 9-16) is ``M`` + a block letter + a region character + five characters
that are an affine permutation of a row counter, so codes never collide within a run and still look
like recent registrations (``91530100MA6K…``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from xinxiao.core import InvalidInput

# GB 32100 character set and GB 11714 weights; the same values as xinxiao.reference.identifiers,
# which does not export them (the tests check they agree).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
BLOCK_LETTERS = "".join(c for c in USCC_ALPHABET if c.isalpha())
PERMUTED = 31**5

_ALPHABET_CODES = np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
_USCC_VALUE = np.zeros(128, dtype=np.int64)
_USCC_VALUE[_ALPHABET_CODES] = np.arange(31)
_ORG_VALUE = np.zeros(128, dtype=np.int64)
_ORG_VALUE[48:58] = np.arange(10)
_ORG_VALUE[65:91] = np.arange(10, 36)
_ORG_WEIGHTS = np.array(ORG_CODE_WEIGHTS, dtype=np.int64)

Bytes2D = npt.NDArray[np.uint8]


def ascii_matrix(texts: list[str], width: int) -> Bytes2D:
    """Rows of ASCII codes, one row per text of exactly ``width`` characters."""
    return np.frombuffer("".join(texts).encode("ascii"), dtype=np.uint8).reshape(len(texts), width)


def counter_bodies(counter: npt.NDArray[np.int64], *, prefix: str, a: int, b: int) -> Bytes2D:
    """Eight-character organisation-code bodies, distinct for distinct counters below ``capacity(prefix)``."""
    block, rest = np.divmod(counter, PERMUTED)
    first_block = BLOCK_LETTERS.index(prefix[1])
    if counter.size and int(block.max()) + first_block >= len(BLOCK_LETTERS):
        raise InvalidInput(f"more than {capacity(prefix)} synthetic USCC bodies requested for prefix {prefix}")
    out = np.empty((counter.size, 8), dtype=np.uint8)
    out[:, 0] = ord(prefix[0])
    out[:, 1] = np.frombuffer(BLOCK_LETTERS.encode("ascii"), dtype=np.uint8)[block + first_block]
    out[:, 2] = ord(prefix[2])
    value = (rest * a + b) % PERMUTED
    for column in range(7, 2, -1):
        value, digit = np.divmod(value, 31)
        out[:, column] = _ALPHABET_CODES[digit]
    return out


def capacity(prefix: str) -> int:
    """How many distinct bodies ``counter_bodies`` can make for a prefix like ``MA4``."""
    return (len(BLOCK_LETTERS) - BLOCK_LETTERS.index(prefix[1])) * PERMUTED


def permutation_keys(seed: int) -> tuple[int, int]:
    """The seeded affine permutation (a, b) over 31**5; ``a`` is coprime with 31."""
    rng = np.random.default_rng([seed, 3])
    a, b = (int(x) for x in rng.integers(1, PERMUTED, size=2))
    return (a + 1 if a % 31 == 0 else a), b


def uscc_codes(heads: Bytes2D, bodies: Bytes2D) -> list[str]:
    """Complete codes from 8-character heads (authority, org type, region) and 8-character bodies."""
    org_total = (_ORG_VALUE[bodies] * _ORG_WEIGHTS).sum(axis=1)
    org_check = 11 - org_total % 11
    org_char = np.where(org_check == 10, ord("X"), np.where(org_check == 11, ord("0"), ord("0") + org_check))
    first17 = np.concatenate([heads, bodies, org_char.astype(np.uint8)[:, None]], axis=1)
    total = (_USCC_VALUE[first17] * USCC_WEIGHTS).sum(axis=1)
    check = _ALPHABET_CODES[(31 - total % 31) % 31]
    full = np.ascontiguousarray(np.concatenate([first17, check[:, None]], axis=1))
    codes: list[str] = full.view("S18").ravel().astype("U18").tolist()
    return codes
