"""The column contracts of the feeds, the lake and the cubes, declared once as Arrow schemas.

Money is integer 分 (fen) everywhere below the indicator layer: sums of integers are exact and
associative, so DuckDB and Spark give identical cubes whatever order they add in. Timestamps in feeds
are local (China time, naive); dates in the lake and cubes are the local calendar date.
"""

from __future__ import annotations

from typing import Final, Literal

import pyarrow as pa

FeedKind = Literal["payments", "orders", "footfall"]
FEED_KINDS: Final[tuple[FeedKind, ...]] = ("payments", "orders", "footfall")

CHANNELS: Final = ("offline_card", "offline_qr", "online")
ORIGIN_BANDS: Final = ("local_county", "rest_of_prefecture", "rest_of_province", "other_province", "abroad", "unknown")
DWELL_BUCKETS: Final = ("lt30m", "30m_2h", "2h_4h", "gt4h")
FOREIGN: Final = "foreign"  # the payer-origin value for payers from outside the mainland

# --- what a delivered file must contain (names as in the file; optional columns may be absent) -----------

PAYMENTS_FEED: Final = pa.schema(
    [
        pa.field("txn_id", pa.string(), nullable=False),
        pa.field("txn_time", pa.timestamp("us"), nullable=False),  # local time
        pa.field("amount", pa.decimal128(14, 2), nullable=False),  # yuan, > 0
        pa.field("merchant_id", pa.string(), nullable=False),  # the merchant's USCC in the registry
        pa.field("channel", pa.string(), nullable=False),  # one of CHANNELS
        pa.field("payer_origin", pa.string()),  # 6-digit adcode, or FOREIGN; null = unknown
        pa.field("payer_hash", pa.string()),  # pseudonymous payer key; never a name, phone or ID number
        pa.field("category", pa.string()),  # the acquirer's own category label, kept as given
        pa.field("voucher_amount", pa.decimal128(14, 2)),  # 消费券 discount applied to this payment, yuan
    ]
)
ORDERS_FEED: Final = pa.schema(
    [
        pa.field("order_id", pa.string(), nullable=False),
        pa.field("order_time", pa.timestamp("us"), nullable=False),  # local time
        pa.field("amount", pa.decimal128(14, 2), nullable=False),  # yuan
        pa.field("seller_region", pa.string(), nullable=False),  # 6-digit adcode of the seller
        pa.field("category", pa.string(), nullable=False),  # physical goods category or "services"
        pa.field("platform", pa.string(), nullable=False),
        pa.field("physical", pa.bool_()),  # 实物商品; null = unknown
    ]
)
FOOTFALL_FEED: Final = pa.schema(
    [
        pa.field("place_code", pa.string(), nullable=False),  # merchants_place.code
        pa.field("hour", pa.timestamp("us"), nullable=False),  # start of the local hour
        pa.field("origin_band", pa.string(), nullable=False),  # one of ORIGIN_BANDS
        pa.field("dwell_bucket", pa.string(), nullable=False),  # one of DWELL_BUCKETS
        pa.field("visitors", pa.int64(), nullable=False),
    ]
)
FEED_SCHEMAS: Final[dict[FeedKind, pa.Schema]] = {
    "payments": PAYMENTS_FEED,
    "orders": ORDERS_FEED,
    "footfall": FOOTFALL_FEED,
}

# --- the cubes: what the indicator layer reads ----------------------------------------------------------

PAYMENTS_CUBE: Final = pa.schema(
    [
        pa.field("date", pa.date32(), nullable=False),
        pa.field("region_adcode", pa.string(), nullable=False),  # the merchant's county
        pa.field("industry_code", pa.string(), nullable=False),  # the merchant's GB/T 4754 code
        pa.field("channel", pa.string(), nullable=False),
        pa.field("night", pa.bool_(), nullable=False),
        pa.field("origin_band", pa.string(), nullable=False),
        pa.field("place_code", pa.string()),  # null: the merchant is in no place
        pa.field("amount_fen", pa.int64(), nullable=False),
        pa.field("txn_count", pa.int64(), nullable=False),
        pa.field("payers", pa.int64(), nullable=False),  # distinct payer_hash in the cell (not additive)
        pa.field("voucher_fen", pa.int64(), nullable=False),  # discount granted by vouchers
        pa.field("voucher_txn_fen", pa.int64(), nullable=False),  # turnover of payments that used a voucher
    ]
)
ORDERS_CUBE: Final = pa.schema(
    [
        pa.field("date", pa.date32(), nullable=False),
        pa.field("region_adcode", pa.string(), nullable=False),  # seller region
        pa.field("category", pa.string(), nullable=False),
        pa.field("platform", pa.string(), nullable=False),
        pa.field("physical", pa.bool_()),
        pa.field("amount_fen", pa.int64(), nullable=False),
        pa.field("order_count", pa.int64(), nullable=False),
    ]
)
FOOTFALL_CUBE: Final = pa.schema(
    [
        pa.field("date", pa.date32(), nullable=False),
        pa.field("region_adcode", pa.string(), nullable=False),  # the place's county
        pa.field("place_code", pa.string(), nullable=False),
        pa.field("night", pa.bool_(), nullable=False),  # the hour starts inside the night window
        pa.field("origin_band", pa.string(), nullable=False),
        pa.field("dwell_bucket", pa.string(), nullable=False),
        pa.field("visitors", pa.int64(), nullable=False),
    ]
)
CUBE_SCHEMAS: Final[dict[FeedKind, pa.Schema]] = {
    "payments": PAYMENTS_CUBE,
    "orders": ORDERS_CUBE,
    "footfall": FOOTFALL_CUBE,
}
