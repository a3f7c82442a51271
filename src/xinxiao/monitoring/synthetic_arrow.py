"""Vectorised building blocks of the synthetic feeds: seeded streams, hashing, and Arrow columns from numpy.

No per-row Python: hex keys, decimal yuan amounts and timestamps are built straight from numpy buffers.

>>> hex_keys(np.array([0, 1], dtype=np.uint64)).to_pylist()
['0000000000000000', '0000000000000001']
>>> yuan(np.array([1234, 5], dtype=np.int64)).to_pylist()
[Decimal('12.34'), Decimal('0.05')]
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

U64 = npt.NDArray[np.uint64]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

_HEX: Final = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_MICROS_PER_DAY: Final = 86_400 * 1_000_000
YUAN_TYPE: Final = pa.decimal128(14, 2)


def day_rng(seed: int, salt: int, day: int, part: int = 0) -> np.random.Generator:
    """The random stream of one (seed, feed, day, part): a day's rows never depend on the rest of the range."""
    return np.random.default_rng([seed & 0xFFFFFFFF, salt, day + 1_000_000, part])


def seed_salt(seed: int, salt: int) -> int:
    """A well-mixed 64-bit salt from a seed and a per-column constant (nearby seeds give unrelated salts)."""
    return int(mix64(np.array([(seed & 0xFFFFFFFF) | (salt << 32)], dtype=np.uint64), 0x9E3779B97F4A7C15)[0])


def mix64(keys: U64, salt: int) -> U64:
    """SplitMix64's finaliser of ``keys ^ salt``: a bijection, so distinct keys give distinct results.

    >>> keys = np.arange(1000, dtype=np.uint64)
    >>> np.unique(mix64(keys, 7)).size
    1000
    """
    x = keys ^ np.full(keys.shape, salt & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64)
    x = (x ^ (x >> np.uint64(30))) * np.full(x.shape, 0xBF58476D1CE4E5B9, dtype=np.uint64)
    x = (x ^ (x >> np.uint64(27))) * np.full(x.shape, 0x94D049BB133111EB, dtype=np.uint64)
    return np.asarray(x ^ (x >> np.uint64(31)), dtype=np.uint64)


def row_ids(day: int, n: int, seed: int, salt: int) -> pa.StringArray:
    """Unique hex ids for the rows of one day: the mixed key (day, row number), salted by the seed."""
    keys = (np.uint64(day) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
    return hex_keys(mix64(keys, seed_salt(seed, salt)))


def hex_keys(values: U64) -> pa.StringArray:
    """Sixteen lower-case hex digits per value, as an Arrow string array."""
    big_endian = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    nibbles = np.empty((len(values), 16), dtype=np.uint8)
    nibbles[:, 0::2] = _HEX[big_endian >> 4]
    nibbles[:, 1::2] = _HEX[big_endian & 15]
    offsets = np.arange(0, 16 * len(values) + 1, 16, dtype=np.int32)
    array = pa.Array.from_buffers(pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(nibbles)])
    return array  # type: ignore[no-any-return]


def with_nulls(array: pa.Array, null: npt.NDArray[np.bool_]) -> pa.Array:
    """``array`` with the positions flagged in ``null`` set to null."""
    if not null.any():
        return array
    return pa.compute.if_else(pa.array(null), pa.nulls(len(array), array.type), array)


def yuan(fen: Ints) -> pa.Array:
    """Integer 分 as ``decimal128(14, 2)`` yuan, built from the unscaled 128-bit values."""
    words = np.zeros((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = np.where(fen < 0, -1, 0)
    return pa.Array.from_buffers(YUAN_TYPE, len(fen), [None, pa.py_buffer(words)])


def timestamps(day_ordinals: Ints, micros: Ints) -> pa.Array:
    """Local naive ``timestamp[us]`` from days since 1970-01-01 and microseconds into the day."""
    return pa.array(day_ordinals * _MICROS_PER_DAY + micros, type=pa.timestamp("us"))


def lognormal_fen(rng: np.random.Generator, median: Floats, sigma: Floats) -> Ints:
    """Amounts in 分 drawn lognormally around per-row medians (yuan); at least 1 分."""
    yuan_values = median * np.exp(sigma * rng.standard_normal(len(median)))
    return np.maximum(np.rint(yuan_values * 100.0), 1).astype(np.int64)


def grouped_choice(cumulative: Floats, starts: Ints, sizes: Ints, groups: Ints, u: Floats) -> Ints:
    """Draw one item per row within its group, by weight.

    ``cumulative`` holds, group after group, each group's running weight share (ending at 1.0); rows in
    group g pick an index in ``starts[g] : starts[g] + sizes[g]``.

    >>> cum = np.array([0.5, 1.0, 1.0]); starts = np.array([0, 2]); sizes = np.array([2, 1])
    >>> grouped_choice(cum, starts, sizes, np.array([0, 0, 1]), np.array([0.2, 0.7, 0.5])).tolist()
    [0, 1, 2]
    """
    shifted = cumulative + np.repeat(np.arange(len(starts), dtype=np.float64), sizes)
    index = np.searchsorted(shifted, groups + u, side="right")
    return np.asarray(np.minimum(index, starts[groups] + sizes[groups] - 1), dtype=np.int64)


def categorical(probabilities: Floats, rows: Ints, rng: np.random.Generator) -> Ints:
    """One category per row from ``probabilities[rows[i]]`` (a 2-D table whose rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative[:, -1] = 1.0
    flat = (cumulative + np.arange(len(probabilities))[:, None]).ravel()
    index = np.searchsorted(flat, rows + rng.random(len(rows)), side="right") - rows * probabilities.shape[1]
    return np.asarray(np.minimum(index, probabilities.shape[1] - 1), dtype=np.int64)
