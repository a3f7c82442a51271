"""The formula parser: whitelist, folding, units, and the ibis compilation agreeing with Python."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinxiao.analytics import DuckDBEngine
from xinxiao.monitoring.formula import FormulaError, parse_formula


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("amount_fen.real", "amount_fen.real"),
        ("__import__('os')", "__import__('os')"),
        ("sum(amount_fen)", "sum(amount_fen)"),
        ("a[0]", "a[0]"),
        ("a if b else c", "a if b else c"),
        ("a < b", "a < b"),
        ("a ** 2", "Pow"),
        ("a // b", "FloorDiv"),
        ("a % b", "Mod"),
        ("lambda: 1", "lambda: 1"),
        ("'text'", "'text'"),
        ("True", "True"),
        ("_private", "_private"),
        ("[a, b]", "[a, b]"),
    ],
)
def test_rejects_what_is_not_whitelisted(text: str, token: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    assert caught.value.token == token


@pytest.mark.parametrize("text", ["a +", "", "a b", "(a"])
def test_rejects_broken_arithmetic(text: str) -> None:
    with pytest.raises(FormulaError, match="not valid arithmetic"):
        parse_formula(text)


def test_rejects_overlong_formulas() -> None:
    with pytest.raises(FormulaError, match="at most"):
        parse_formula("+".join(["a"] * 300))


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a / (a + b)", {"a": 1, "b": 3}, 0.25),
        ("-a + 2 * b", {"a": 1, "b": 3}, 5.0),
        ("(a - b) / b", {"a": 6, "b": 4}, 0.5),
        ("a / b", {"a": 6, "b": 0}, math.nan),
        ("+a * 1.5", {"a": 2}, 3.0),
    ],
)
def test_evaluates(text: str, values: dict[str, float], expected: float) -> None:
    result = parse_formula(text).evaluate(values)
    assert (math.isnan(result) and math.isnan(expected)) or result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "money", "power"),
    [
        ("m", {"m": 1}, 1),
        ("m / c", {"m": 1, "c": 0}, 1),
        ("m / n", {"m": 1, "n": 1}, 0),
        ("m / (m + n)", {"m": 1, "n": 1}, 0),
        ("c / 2", {"c": 0}, 0),
        ("2 * m", {"m": 1}, 1),
        ("c / m", {"c": 0, "m": 1}, -1),
    ],
)
def test_money_power(text: str, money: dict[str, int], power: int) -> None:
    assert parse_formula(text).money_power(money.__getitem__) == power


def test_adding_money_to_a_count_is_refused() -> None:
    with pytest.raises(FormulaError, match="adds an amount of money"):
        parse_formula("m + c").money_power({"m": 1, "c": 0}.__getitem__)


def test_parts_split_a_top_level_quotient_only() -> None:
    assert parse_formula("a / b + 1").parts() is None
    numerator, denominator = parse_formula("(a + b) / (c * 2)").parts() or ()
    assert (numerator.text, denominator.text) == ("a + b", "c * 2")


_atoms = st.sampled_from(["a", "b", "c", "2", "0.5"])


@st.composite
def _formulas(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        return draw(_atoms)
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(_formulas(depth - 1))} {op} {draw(_formulas(depth - 1))})"


_ENGINE = DuckDBEngine()  # one in-memory connection for every example (closed at exit)


@settings(deadline=None, max_examples=60)
@given(text=_formulas(), a=st.integers(-50, 50), b=st.integers(-50, 50), c=st.integers(-50, 50))
def test_ibis_agrees_with_python(text: str, a: int, b: int, c: int) -> None:
    formula = parse_formula(text)
    expected = formula.evaluate({"a": a, "b": b, "c": c})
    frame = _ENGINE.execute(
        lambda t: t["v"].select(value=formula.to_ibis({n: t["v"][n] for n in "abc"})),
        {"v": pa.table({"a": [a], "b": [b], "c": [c]})},
    )
    got = frame["value"].iloc[0]
    if math.isnan(expected) or math.isinf(expected):
        assert got is None or math.isnan(got) or math.isinf(got)
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
