"""Writing synthetic feeds: Parquet and CSV (UTF-8 or GBK) files, the demo file set, and the Arrow helpers."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinxiao.core import InvalidInput
from xinxiao.monitoring.schema import ORDERS_FEED, PAYMENTS_FEED
from xinxiao.monitoring.synthetic import demo_files, orders_batches, payments_batches, payments_table, write_feed
from xinxiao.monitoring.synthetic_arrow import hex_keys, mix64, yuan

MERCHANTS = pa.table(
    {
        "uscc": ["91533401MA6K000001", "91533401MA6K000002", "92533422MA6K000003", "92533423MA6K000004"],
        "region_adcode": ["533401", "533401", "533422", "533423"],
        "industry_code": ["6210", "6130", "5212", "5246"],
        "place_code": ["SP-533401-001", "SP-533401-001", None, None],
    }
)
PLACES = pa.table(
    {
        "place_code": ["SP-533401-001", "SP-533401-002", "SP-533423-001"],
        "region_adcode": ["533401", "533401", "533423"],
        "kind": ["business_district", "night_cluster", "business_district"],
    }
)
DAYS = {"start": date(2024, 1, 30), "end": date(2024, 2, 2), "seed": 4, "profile": "diqing"}


def batches() -> list[pa.RecordBatch]:
    return list(payments_batches(merchants=MERCHANTS, batch_rows=200, **DAYS))  # type: ignore[arg-type]


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "payments.parquet"
    rows = write_feed(path, batches())
    table = pq.read_table(path)
    assert rows == table.num_rows > 0
    assert table.schema.equals(PAYMENTS_FEED)
    assert table.equals(pa.Table.from_batches(batches()))


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_csv_with_the_feed_column_names(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "payments.csv"
    rows = write_feed(path, batches(), encoding=encoding)
    with path.open(encoding=encoding, newline="") as handle:
        read = list(csv.reader(handle))
    assert read[0] == PAYMENTS_FEED.names
    assert len(read) == rows + 1
    back = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=encoding),
                          convert_options=pacsv.ConvertOptions(column_types=PAYMENTS_FEED))  # fmt: skip
    assert back.column("category").equals(pa.Table.from_batches(batches()).column("category"))
    assert back.column("amount").equals(pa.Table.from_batches(batches()).column("amount"))


def test_empty_csv_keeps_its_header(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    assert write_feed(path, [], schema=ORDERS_FEED) == 0
    assert path.read_text(encoding="utf-8").strip().replace('"', "") == ",".join(ORDERS_FEED.names)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        write_feed(tmp_path / "x.json", batches(), file_format="json")  # type: ignore[arg-type]


def test_demo_files_one_parquet_per_kind_and_month(tmp_path: Path) -> None:
    paths = demo_files(out_dir=tmp_path, merchants=MERCHANTS, places=PLACES, scale=0.5, **DAYS)  # type: ignore[arg-type]
    assert [p.name for p in paths["payments"]] == ["payments-diqing-2024-01.parquet", "payments-diqing-2024-02.parquet"]
    assert [p.name for p in paths["orders"]] == ["orders-diqing-2024-01.parquet", "orders-diqing-2024-02.parquet"]
    assert len(paths["footfall"]) == 2
    assert [p.name for p in paths["official"]] == ["official-diqing.csv"]
    together = pa.concat_tables([pq.read_table(p) for p in paths["payments"]])
    assert together.equals(payments_table(merchants=MERCHANTS, scale=0.5, **DAYS))  # type: ignore[arg-type]
    orders = pa.concat_tables([pq.read_table(p) for p in paths["orders"]])
    assert orders.equals(pa.Table.from_batches(orders_batches(merchants=MERCHANTS, scale=0.5, **DAYS)))  # type: ignore[arg-type]
    with paths["official"][0].open(encoding="utf-8") as handle:
        ends = {row["period_end"] for row in csv.DictReader(handle)}
    assert max(ends) == "2024-02"
    assert min(ends) == "2018-02"


@given(st.lists(st.integers(min_value=-(10**12), max_value=10**12), max_size=50))
def test_yuan_is_fen_over_a_hundred(fen: list[int]) -> None:
    assert yuan(np.array(fen, dtype=np.int64)).to_pylist() == [Decimal(v).scaleb(-2) for v in fen]


@given(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=50))
def test_hex_keys_spell_the_value(values: list[int]) -> None:
    assert hex_keys(np.array(values, dtype=np.uint64)).to_pylist() == [f"{v:016x}" for v in values]


@given(st.sets(st.integers(min_value=0, max_value=2**64 - 1), max_size=200), st.integers(0, 2**64 - 1))
def test_mix64_is_injective(keys: set[int], salt: int) -> None:
    mixed = mix64(np.array(sorted(keys), dtype=np.uint64), salt)
    assert len(set(mixed.tolist())) == len(keys)
