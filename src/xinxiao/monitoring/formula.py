"""Indicator formulas: arithmetic over base-measure names, parsed safely and compiled to ibis.

A formula is a Python expression restricted to a whitelist: measure names, integer or decimal numbers,
``+ - * /``, unary minus and parentheses. Aggregation lives in the measure definitions of the registry
(``sum`` of a cube column, optionally over matching rows), so a formula holds no function calls at all:
an attribute, a call, a subscript, a comparison or any other node is refused with the offending token.
Division is "safe": dividing by zero gives null (NULL in SQL, NaN in Python), never an error, which
is what Spark's ANSI mode would otherwise raise.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import ibis
import ibis.expr.types as ir

_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}
MAX_LENGTH = 500


class FormulaError(ValueError):
    """A formula uses something outside the whitelist, or is not valid arithmetic."""

    def __init__(self, message: str, token: str) -> None:
        super().__init__(message)
        self.token = token


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Formula:
    """A checked formula: its text and the whitelisted syntax tree."""

    text: str
    tree: ast.expr

    @property
    def names(self) -> frozenset[str]:
        """The measure names the formula refers to.

        >>> sorted(parse_formula("a / (a + b)").names)
        ['a', 'b']
        """
        return frozenset(node.id for node in ast.walk(self.tree) if isinstance(node, ast.Name))

    def parts(self) -> tuple[Formula, Formula] | None:
        """Numerator and denominator when the formula is a quotient at the top, else None.

        >>> [p.text for p in parse_formula("(a + b) / c").parts() or ()]
        ['a + b', 'c']
        """
        node = self.tree
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return _sub(node.left), _sub(node.right)
        return None

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The value for plain numbers; dividing by zero gives NaN.

        >>> parse_formula("a / (a + b)").evaluate({"a": 1.0, "b": 3.0})
        0.25
        >>> math.isnan(parse_formula("a / b").evaluate({"a": 1.0, "b": 0.0}))
        True
        """
        return float(self.fold(lambda name: float(values[name]), float, _float_div))

    def fold(self, name: Callable[[str], T], number: Callable[[float], T], divide: Callable[[T, T], T]) -> T:
        """Fold the tree: ``name`` maps a measure, ``number`` a constant, ``divide`` does the safe division."""
        return _fold(self.tree, name, number, divide)

    def to_ibis(self, columns: Mapping[str, ir.NumericValue]) -> ir.FloatingValue:
        """The formula as an ibis expression over numeric columns (or scalars) named like the measures."""
        result = self.fold(lambda name: columns[name].cast("float64"), ibis.literal, _ibis_div)
        return result.cast("float64")  # type: ignore[no-any-return]

    def money_power(self, money: Callable[[str], int]) -> int | None:
        """The power of 分 in the result (1 for an amount, 0 for a ratio); None for a mere number.

        ``money(name)`` is 1 for a money measure and 0 otherwise. Adding unlike terms is an error.

        >>> parse_formula("a / b").money_power(lambda n: 1), parse_formula("a / c").money_power({"a": 1, "c": 0}.get)
        (0, 1)
        """
        return _power(self.tree, money)


def _sub(node: ast.expr) -> Formula:
    return Formula(ast.unparse(node), node)


def _float_div(a: float, b: float) -> float:
    return a / b if b != 0 else math.nan


def _ibis_div(a: Any, b: Any) -> Any:
    # NULL, not an error, when the divisor is zero: DuckDB would give NULL, Spark's ANSI mode raises.
    return a / b.nullif(0)


def parse_formula(text: str) -> Formula:
    """Parse and check a formula; ``FormulaError`` names the first token outside the whitelist.

    >>> parse_formula("amount_fen / txn_count").text
    'amount_fen / txn_count'
    >>> try:
    ...     parse_formula("amount_fen.real")
    ... except FormulaError as error:
    ...     print(error.token)
    amount_fen.real
    """
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"a formula may have at most {MAX_LENGTH} characters", text[:20])
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"formula {text!r} is not valid arithmetic: {exc.msg}", text) from None
    for node in ast.walk(tree):
        _check_node(node)
    return Formula(text.strip(), tree)


_ALLOWED = (ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load, ast.USub, ast.UAdd, ast.Div, *_OPERATORS)


def _check_node(node: ast.AST) -> None:
    if not isinstance(node, _ALLOWED):
        token = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
        kind = type(node).__name__.lower()
        raise FormulaError(
            f"{token!r} is not allowed in a formula ({kind}); use measure names, numbers, + - * / and parentheses",
            token,
        )
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
        raise FormulaError(f"constant {node.value!r} is not a number", repr(node.value))
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise FormulaError(f"name {node.id!r} may not start with an underscore", node.id)


def _fold(node: ast.expr, name: Callable[[str], T], number: Callable[[float], T], divide: Callable[[T, T], T]) -> T:
    if isinstance(node, ast.Name):
        return name(node.id)
    if isinstance(node, ast.Constant):
        return number(float(node.value))  # type: ignore[arg-type]  # checked: int or float
    if isinstance(node, ast.UnaryOp):
        inner = _fold(node.operand, name, number, divide)
        return -inner if isinstance(node.op, ast.USub) else inner  # type: ignore[operator]
    assert isinstance(node, ast.BinOp)
    left, right = (_fold(side, name, number, divide) for side in (node.left, node.right))
    if isinstance(node.op, ast.Div):
        return divide(left, right)
    return _OPERATORS[type(node.op)](left, right)  # type: ignore[no-any-return]


def _power(node: ast.expr, money: Callable[[str], int]) -> int | None:
    if isinstance(node, ast.Name):
        return money(node.id)
    if isinstance(node, ast.Constant):
        return None
    if isinstance(node, ast.UnaryOp):
        return _power(node.operand, money)
    assert isinstance(node, ast.BinOp)
    left, right = _power(node.left, money), _power(node.right, money)
    if isinstance(node.op, ast.Add | ast.Sub):
        if left is not None and right is not None and left != right:
            raise FormulaError(f"{ast.unparse(node)!r} adds an amount of money to a non-money quantity", "+")
        return left if left is not None else right
    sign = 1 if isinstance(node.op, ast.Mult) else -1
    if left is None and right is None:
        return None
    return (left or 0) + sign * (right or 0)
