"""The synthetic payment feed, one day at a time: who pays where, when, how much, from where.

Each merchant's expected payments split into a resident stream and a visitor (tourist) stream; the two
follow their own seasons and holidays (see ``synthetic_shape``), so the non-local share rises in the
tourist season by construction. A day's rows depend only on (seed, profile, scale, merchants, day):
overlapping ranges generate identical rows for the days they share, as a re-delivered feed would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import CHANNELS, PAYMENTS_FEED
from xinxiao.monitoring.synthetic_arrow import (
    Floats,
    Ints,
    categorical,
    day_rng,
    grouped_choice,
    hex_keys,
    lognormal_fen,
    mix64,
    row_ids,
    seed_salt,
    timestamps,
    with_nulls,
    yuan,
)
from xinxiao.monitoring.synthetic_origin import OriginModel, origin_model
from xinxiao.monitoring.synthetic_shape import (
    Days,
    growth_factor,
    load_shape,
    online_factor,
    profile_shape,
    resident_factors,
    tourist_factor,
    window_mask,
)

MERCHANT_COLUMNS: Final = ("uscc", "region_adcode", "industry_code", "place_code")
_SALT_MERCHANT, _SALT_DAY, _SALT_TXN, _SALT_PAYER = 0x4D45, 0x5041, 0x54584E, 0x504159
_MICROS_PER_HOUR: Final = 3_600_000_000


@dataclass(frozen=True)
class Groups:
    """Per-group parameters, in the order of ``names``."""

    names: tuple[str, ...]
    channels: Floats  # (G, 3)
    hours: Floats  # (G, 24)
    median: Floats
    sigma: Floats
    categories: pa.Array


@dataclass(frozen=True)
class PaymentModel:
    """Everything about the merchants that does not change from day to day."""

    profile: str
    seed: int
    base: float  # rows a day at the reference date, scale included
    uscc: pa.Array
    county: Ints  # merchant -> index into origin.counties
    group: Ints  # merchant -> group index
    slots: Ints  # (stream, group) slot -> sorted merchant positions
    starts: Ints
    sizes: Ints
    cumulative: Floats
    shares: Floats  # (2, G): stream x group share of the base volume
    groups: Groups
    origin: OriginModel
    county_resident: Floats  # county -> share of the base volume that is resident spending there
    growth: Mapping[str, float]


def _group_table() -> tuple[dict[str, int], Groups]:
    shape = load_shape()
    names = tuple(shape["groups"])
    by_code = {code: i for i, name in enumerate(names) for code in shape["groups"][name]["codes"]}
    spec = [shape["groups"][n] for n in names]

    def normalised(key: str) -> Floats:
        table = np.array([s[key] for s in spec], dtype=np.float64)
        return np.asarray(table / table.sum(axis=1, keepdims=True), dtype=np.float64)

    amounts = np.array([s["amount"] for s in spec], dtype=np.float64)
    categories = pa.array([s["category"] for s in spec], pa.string())
    return by_code, Groups(names, normalised("channels"), normalised("hours"), amounts[:, 0], amounts[:, 1], categories)


def _checked(merchants: pa.Table) -> pa.Table:
    missing = [c for c in MERCHANT_COLUMNS if c not in merchants.column_names]
    if missing:
        raise InvalidInput(f"merchants table lacks column(s) {', '.join(missing)}", field="merchants")
    if merchants.num_rows == 0:
        raise InvalidInput("merchants table is empty", field="merchants")
    return merchants.take(pc.sort_indices(merchants, [("uscc", "ascending")]))


def payment_model(*, merchants: pa.Table, seed: int, scale: float, profile: str) -> PaymentModel:
    """Compile the merchants and the profile's parameters into the day generator's tables."""
    if not scale > 0:
        raise InvalidInput(f"scale must be positive, got {scale}", field="scale")
    shape, table = profile_shape(profile), _checked(merchants)
    by_code, groups = _group_table()
    default = groups.names.index(load_shape()["default_group"])
    industries = table.column("industry_code").to_pylist()
    group = np.array([by_code.get(code, default) for code in industries], dtype=np.int64)
    origin = origin_model(table.column("region_adcode"), profile=profile)
    weights = _stream_weights(group, origin, seed, shape)
    slots, starts, sizes, cumulative = _slots(weights, group, len(groups.names))
    shares = np.array([np.bincount(group, w, len(groups.names)) for w in weights]) / weights.sum()
    base = float(shape["payments_per_day"]) * scale
    county_resident = np.bincount(origin.county, weights[0], len(origin.counties)) / weights.sum()
    return PaymentModel(profile, seed, base, table.column("uscc").combine_chunks(), origin.county, group,
                        slots, starts, sizes, cumulative, shares, groups, origin, county_resident,
                        shape["growth"])  # fmt: skip


def _stream_weights(group: Ints, origin: OriginModel, seed: int, shape: Mapping[str, Any]) -> Floats:
    """(2, M): each merchant's resident and visitor weight."""
    spec = load_shape()
    volume = np.array([g["volume"] for g in spec["groups"].values()])[group]
    affinity = np.array([g["tourist"] for g in spec["groups"].values()])[group]
    rng = np.random.default_rng([seed & 0xFFFFFFFF, _SALT_MERCHANT])
    weight = volume * np.exp(spec["merchant_sigma"] * rng.standard_normal(len(group)))
    tourist = np.clip(shape["tourism"]["scale"] * affinity * origin.intensity[origin.county], 0.0, 0.95)
    return np.stack([weight * (1.0 - tourist), weight * tourist])


def _slots(weights: Floats, group: Ints, n_groups: int) -> tuple[Ints, Ints, Ints, Floats]:
    """Merchants sorted by (stream, group) slot with each slot's within-slot cumulative weight share."""
    slot = np.concatenate([group, group + n_groups])
    flat = weights.ravel()
    order = np.argsort(slot, kind="stable")
    sizes = np.bincount(slot, minlength=2 * n_groups).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    totals = np.bincount(slot, flat, minlength=2 * n_groups)
    running = np.cumsum(flat[order]) - np.repeat(np.cumsum(totals) - totals, sizes)
    cumulative = running / np.maximum(np.repeat(totals, sizes), 1e-300)
    cumulative[np.cumsum(sizes)[sizes > 0] - 1] = 1.0
    return order % len(group), starts, sizes, cumulative


@dataclass(frozen=True)
class DayFactors:
    """The calendar multipliers of every day in a range, computed once."""

    days: Days
    resident: Floats  # (D, G)
    tourist: Floats  # (D,)
    channel: Floats  # (D, 3) growth x promotions by channel
    vouchers: list[tuple[Mapping[str, Any], np.ndarray]]  # round, mask over days


def day_factors(model: PaymentModel, days: Days) -> DayFactors:
    """Season, weekday, holiday, promotion, voucher and growth multipliers for ``days``."""
    offline = growth_factor(days, model.growth["offline"])
    online = growth_factor(days, model.growth["online"]) * online_factor(days)
    rounds = profile_shape(model.profile).get("vouchers", [])
    vouchers = [(r, window_mask(days, r)) for r in rounds]
    resident = resident_factors(days, model.profile, model.groups.names)
    for spec, mask in vouchers:
        eligible = np.isin(np.array(model.groups.names), spec["groups"])
        resident[np.ix_(mask, eligible)] *= float(spec["uplift"])
    return DayFactors(days, resident, tourist_factor(days, model.profile),
                      np.stack([offline, offline, online], axis=1), vouchers)  # fmt: skip


def day_batches(model: PaymentModel, factors: DayFactors, index: int, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """The payments of day ``factors.days[index]``, time-ordered, in record batches of at most ``batch_rows``."""
    day = int(factors.days[index].astype(np.int64))
    rng = day_rng(model.seed, _SALT_DAY, day)
    channel_weights = model.groups.channels * factors.channel[index]
    per_group = channel_weights.sum(axis=1)
    stream = np.stack([factors.resident[index], np.full(len(per_group), factors.tourist[index])])
    expected = model.base * model.shares * stream * per_group
    counts = rng.poisson(expected).ravel()
    if counts.sum() == 0:
        return
    table = _day_table(model, factors, index, rng, counts, channel_weights / per_group[:, None])
    for offset in range(0, table.num_rows, batch_rows):
        yield table.slice(offset, batch_rows).combine_chunks().to_batches()[0]


def _day_table(model: PaymentModel, factors: DayFactors, index: int, rng: np.random.Generator,
               counts: Ints, channel_p: Floats) -> pa.Table:  # fmt: skip
    n_groups = len(model.groups.names)
    slot = np.repeat(np.arange(2 * n_groups), counts)
    stream, group = slot // n_groups, slot % n_groups
    merchant = model.slots[grouped_choice(model.cumulative, model.starts, model.sizes, slot, rng.random(len(slot)))]
    hour = categorical(model.groups.hours, group, rng)
    micros = hour * _MICROS_PER_HOUR + rng.integers(0, _MICROS_PER_HOUR, len(slot))
    order = np.argsort(micros, kind="stable")
    stream, group, merchant, micros = stream[order], group[order], merchant[order], micros[order]
    day = int(factors.days[index].astype(np.int64))
    fen = lognormal_fen(rng, model.groups.median[group] * np.where(stream == 1, _tourist_amount(), 1.0),
                        model.groups.sigma[group])  # fmt: skip
    band = categorical(model.origin.bands, stream, rng)
    columns = {
        "txn_id": row_ids(day, len(slot), model.seed, _SALT_TXN),
        "txn_time": timestamps(np.full(len(slot), day), micros),
        "amount": yuan(fen),
        "merchant_id": model.uscc.take(pa.array(merchant)),
        "channel": pa.array(CHANNELS, pa.string()).take(pa.array(categorical(channel_p, group, rng))),
        "payer_origin": model.origin.codes(model.county[merchant], band, rng),
        "payer_hash": _payers(model, rng, day, model.county[merchant], band, counts[n_groups:].sum()),
        "category": model.groups.categories.take(pa.array(group)),
        "voucher_amount": _vouchers(model, factors, index, rng, group, fen),
    }
    return pa.Table.from_pydict(columns, schema=PAYMENTS_FEED)


def _tourist_amount() -> float:
    return float(load_shape()["tourist_amount_factor"])


def _payers(model: PaymentModel, rng: np.random.Generator, day: int, county: Ints, band: Ints,
            visitor_rows: int) -> pa.Array:  # fmt: skip
    """Pseudonymous payer keys: locals from a per-county pool (skewed: regulars pay often), visitors rotating."""
    spec = load_shape()["payers"]
    n = len(band)
    u = rng.random(n)
    local_pool = np.maximum(20.0, spec["resident_days"] * model.base * model.county_resident[county])
    local = (local_pool * u ** spec["resident_skew"]).astype(np.uint64)
    stay = day // int(spec["tourist_stay_days"])
    visitor_pool = max(10.0, spec["tourist_stay_days"] * visitor_rows / spec["tourist_payments"])
    visitor = (visitor_pool * u).astype(np.uint64)
    is_local = band <= 1
    key = np.where(is_local, (np.uint64(1) << np.uint64(60)) | (county.astype(np.uint64) << np.uint64(40)) | local,
                   (np.uint64(2) << np.uint64(60)) | (np.uint64(stay) << np.uint64(32)) | visitor)  # fmt: skip
    null = rng.random(n) < spec["hash_null_share"]
    return with_nulls(hex_keys(mix64(key.astype(np.uint64), seed_salt(model.seed, _SALT_PAYER))), null)


def _vouchers(model: PaymentModel, factors: DayFactors, index: int, rng: np.random.Generator,
              group: Ints, fen: Ints) -> pa.Array:  # fmt: skip
    """消费券 discounts: inside a round, a share of eligible payments above a tier's threshold use one."""
    discount = np.zeros(len(group), dtype=np.int64)
    for spec, mask in factors.vouchers:
        if not mask[index]:
            continue
        tiers = np.array(spec["tiers"], dtype=np.int64) * 100
        eligible = np.isin(group, [model.groups.names.index(g) for g in spec["groups"]])
        level = np.searchsorted(tiers[:, 0], fen, side="right") - 1
        used = eligible & (level >= 0) & (rng.random(len(group)) < spec["share"]) & (discount == 0)
        discount[used] = tiers[level[used], 1]
    return with_nulls(yuan(discount), discount == 0)
