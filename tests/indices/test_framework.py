"""Reading and checking iMeta and iData: the framework, the panel index, and errors that point at line and column."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xinxiao.core import InvalidInput
from xinxiao.indices.framework import read_idata, read_imeta

DATA = Path(__file__).parent.parent / "data" / "indices"
IMETA = DATA / "imeta_small.csv"
IDATA = DATA / "idata_small.csv"


def _imeta_text() -> str:
    return IMETA.read_text(encoding="utf-8")


def _replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, text: str, name: str = "imeta.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_framework_from_csv() -> None:
    fw = read_imeta(IMETA)
    assert fw.indicators == ("retail", "online", "complaints", "venues")
    assert fw.children == {
        "Pillar1": ("retail", "online"),
        "Pillar2": ("complaints", "venues"),
        "Index": ("Pillar1", "Pillar2"),
    }
    assert fw.parents["Pillar1"] == "Index" and fw.parents["Index"] is None
    assert fw.levels["venues"] == 1 and fw.levels["Index"] == 3 and fw.max_level == 3
    assert fw.directions[list(fw.indicators)].tolist() == [1, 1, -1, 1]
    assert fw.weights["complaints"] == 0.5
    assert fw.targets.tolist() == [5000.0, 3000.0, 10.0, 50.0]
    assert fw.denominators == {"retail": "Pop", "online": "Pop", "complaints": None, "venues": None}
    assert fw.names["Index"] == "新型消费活力指数" and fw.units["Pop"] == "万人"
    assert fw.codes_at(2) == ("Pillar1", "Pillar2")
    assert fw.codes_of_type("Group") == ("Region_group",)


def test_gbk_csv_reads_like_utf8(tmp_path: Path) -> None:
    fw = read_imeta(_write(tmp_path, _imeta_text(), encoding="gbk"))
    assert fw.names["retail"] == "社会消费品零售总额"


def test_frame_input_matches_csv() -> None:
    frame = pd.read_csv(IMETA)
    assert read_imeta(frame).children == read_imeta(IMETA).children


BAD_IMETA = [
    (2, "1,retail,零售,1,1,亿元,5000,Pop,Nowhere,Indicator", "column Parent", "unknown parent Nowhere"),
    (3, "1,retail,网络,1,1,亿元,3000,Pop,Pillar1,Indicator", "column iCode", "duplicate iCode retail"),
    (4, "1,complaints,投诉,0,0.5,件,10,,Pillar2,Indicator", "column Direction", "not 1 or -1"),
    (4, "1,complaints,投诉,-1,,件,10,,Pillar2,Indicator", "column Weight", "Weight of complaints is missing"),
    (5, "2,venues,场景,1,1,个,50,,Pillar2,Indicator", "column Level", "indicators are at Level 1"),
    (5, "1,venues,场景,1,1,个,50,,Index,Indicator", "column Level", "Level 3 of Index is not one more than Level 1"),
    (5, "1,venues,场景,1,1,个,50,,Pillar2,Thing", "column Type", "Type 'Thing' is not one of"),
    (5, "1,venues,场景,1,1,个,,,Pillar2,Indicator", "column Target", "Target of venues is missing"),
    (5, "1,venues,场景,1,1,个,50,GDP,Pillar2,Indicator", "column Denominator", "not a row of Type Denominator"),
    (8, "3,Index,指数,1,1,,,,Pillar1,Aggregate", "column Parent", "must have no Parent"),
    (6, "2,Pillar1,规模,1,1,,,,,Aggregate", "column Parent", "has no Parent"),
    (5, "1,venues,场景,1,1,个,50,,Pop,Indicator", "column Parent", "is not of Type Aggregate"),
]


@pytest.mark.parametrize(("line", "new", "column", "reason"), BAD_IMETA)
def test_imeta_errors_name_file_line_column_reason(
    tmp_path: Path, line: int, new: str, column: str, reason: str
) -> None:
    path = _write(tmp_path, _replace_line(_imeta_text(), line, new))
    with pytest.raises(InvalidInput) as caught:
        read_imeta(path)
    message = caught.value.detail
    assert str(path) in message and column in message and reason in message
    assert f"line {line}" in message or column == "column Level"


def test_level_error_points_at_the_parent_row(tmp_path: Path) -> None:
    path = _write(tmp_path, _replace_line(_imeta_text(), 5, "1,venues,场景,1,1,个,50,,Index,Indicator"))
    with pytest.raises(InvalidInput, match="line 8, column Level"):
        read_imeta(path)


def test_cycle_is_reported() -> None:
    frame = pd.DataFrame(
        {
            "Level": [1, 2, 2, 3],
            "iCode": ["a", "P", "Q", "Top"],
            "Parent": ["P", "Q", "P", None],
            "Direction": [1, 1, 1, 1],
            "Weight": [1, 1, 1, 1],
            "Type": ["Indicator", "Aggregate", "Aggregate", "Aggregate"],
        }
    )
    with pytest.raises(InvalidInput, match=r"<frame>, line 3, column Parent: cycle in Parent: P → Q → P"):
        read_imeta(frame)


def test_missing_required_column() -> None:
    frame = pd.read_csv(IMETA).drop(columns=["Weight"])
    with pytest.raises(InvalidInput, match="column Weight: required column is missing"):
        read_imeta(frame)


def test_level_gap_and_childless_aggregate() -> None:
    frame = pd.read_csv(IMETA)
    frame.loc[len(frame)] = [2, "Lonely", "空", 1, 1, None, None, None, "Index", "Aggregate"]
    with pytest.raises(InvalidInput, match="aggregate Lonely has no children"):
        read_imeta(frame)


def test_idata_cross_section() -> None:
    data = read_idata(IDATA, read_imeta(IMETA))
    assert list(data.indicators.index) == ["530100", "530300", "530400", "532900", "533100"]
    assert list(data.indicators.columns) == ["retail", "online", "complaints", "venues"]
    assert data.indicators.dtypes.eq(np.float64).all()
    assert np.isnan(data.indicators.loc["530300", "complaints"]) and np.isnan(data.indicators.loc["532900", "venues"])
    assert data.names["530100"] == "昆明市"
    assert data.groups["Region_group"].tolist() == ["滇中", "滇中", "滇中", "滇西", "滇西"]
    assert np.isnan(data.denominators.loc["530400", "Pop"]) and not data.is_panel


def test_idata_panel_index(tmp_path: Path) -> None:
    text = "uCode,Time,retail,online,complaints,venues\nA,2021,1,2,3,4\nA,2022,2,3,4,5\nB,2022,5,6,7,8\n"
    data = read_idata(_write(tmp_path, text, "idata.csv"), read_imeta(IMETA))
    assert data.is_panel and data.indicators.index.names == ["uCode", "Time"]
    assert data.indicators.loc[("A", 2022), "online"] == 3.0
    assert list(data.at_time(2022).indicators.index) == ["A", "B"]


BAD_IDATA = [
    ("uCode,retail,online,complaints,venues,GDP\nA,1,2,3,4,5\n", "column GDP: column GDP is not an iCode"),
    ("uCode,retail,online,complaints\nA,1,2,3\n", "column venues: indicator column venues is missing"),
    ("uCode,retail,online,complaints,venues\nA,1,2,3,4\nA,1,2,3,4\n", "line 3, column uCode: duplicate uCode A"),
    ("uCode,retail,online,complaints,venues\nA,1,2,3,4\nB,1,x,3,4\n", "line 3, column online: 'x' is not a number"),
    ("uCode,retail,online,complaints,venues,Pillar1\nA,1,2,3,4,5\n", "column Pillar1 is an aggregate"),
    ("uCode,Time,retail,online,complaints,venues\nA,2021.5,1,2,3,4\n", "line 2, column Time"),
]


@pytest.mark.parametrize(("text", "message"), BAD_IDATA)
def test_idata_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_idata(pd.read_csv(io.StringIO(text), dtype=str), read_imeta(IMETA))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot be read"):
        read_imeta(tmp_path / "absent.csv")
