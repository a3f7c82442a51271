"""Make result frames from different engines comparable: row order, index and numeric dtypes."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
from pandas.api import types as ptypes

__all__ = ["arrow_to_frame", "normalise_frame"]


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """The pandas frame every engine returns: integer columns with nulls as Int64, dates as datetime64.

    Integers stay integers (a place id or a year must not become 12.0) and strings use pandas' ``str``.

    >>> frame = arrow_to_frame(pa.table({"place": [12, None], "n": [3, 4], "k": ["a", None]}))
    >>> [str(t) for t in frame.dtypes]
    ['Int64', 'int64', 'str']
    >>> frame["place"].tolist()
    [12, <NA>]
    """
    frame: pd.DataFrame = table.to_pandas(date_as_object=False)
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_integer(column.type) and column.null_count:
            frame[name] = pd.Series(column.to_pandas(types_mapper=_nullable_integer), index=frame.index)
    return frame


def _nullable_integer(arrow_type: pa.DataType) -> pd.Int64Dtype | None:
    return pd.Int64Dtype() if pa.types.is_integer(arrow_type) else None


def normalise_frame(df: pd.DataFrame, sort_by: str | Sequence[str]) -> pd.DataFrame:
    """Rows sorted by ``sort_by`` (nulls last), a fresh index, integers as int64 and reals as float64.

    Integer columns holding nulls become float64, as numpy has no null integer; object columns
    holding only numbers and nulls (DuckDB's nullable integers) are converted the same way.

    >>> raw = pd.DataFrame({"k": ["b", "a"], "n": pd.array([2, None], dtype="Int32"), "x": [1, 2]})
    >>> out = normalise_frame(raw, "k")
    >>> out.to_dict("list")
    {'k': ['a', 'b'], 'n': [nan, 2.0], 'x': [2, 1]}
    >>> [str(t) for t in out.dtypes]
    ['str', 'float64', 'int64']
    """
    keys = [sort_by] if isinstance(sort_by, str) else list(sort_by)
    out = df.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    return pd.DataFrame({name: _normalise_column(out[name]) for name in out.columns}, index=out.index)


def _normalise_column(column: pd.Series) -> pd.Series:
    if ptypes.is_bool_dtype(column.dtype):
        return column.astype(bool) if not column.isna().any() else column.astype(object)
    if ptypes.is_object_dtype(column.dtype) and _all_numbers(column):
        column = pd.to_numeric(column)
    if ptypes.is_integer_dtype(column.dtype):
        return column.astype("float64" if column.isna().any() else "int64")
    if ptypes.is_float_dtype(column.dtype):
        return column.astype("float64")
    return column


def _all_numbers(column: pd.Series) -> bool:
    # An all-null object column counts: one engine gives [None], the other [nan] as float64.
    values = column.dropna().tolist()
    return len(column) > 0 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
