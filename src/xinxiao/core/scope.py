"""Region scopes: a node of the GB/T 2260 tree and everything below it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, true

from xinxiao.core.errors import NotFound

NATIONAL = "000000"


def adcode_prefix(adcode: str) -> str:
    """The prefix shared by every division inside ``adcode``.

    >>> adcode_prefix("420000"), adcode_prefix("533400"), adcode_prefix("533422"), adcode_prefix("000000")
    ('42', '5334', '533422', '')
    """
    if adcode == NATIONAL:
        return ""
    code = adcode
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


@dataclass(frozen=True, slots=True)
class Scope:
    """What a principal may see: the region ``adcode`` and every division below it."""

    adcode: str

    @classmethod
    def national(cls) -> Scope:
        """The whole country (the public, and national administrators)."""
        return cls(NATIONAL)

    @property
    def prefix(self) -> str:
        """Adcode prefix of the divisions inside this scope."""
        return adcode_prefix(self.adcode)

    def covers(self, adcode: str | None) -> bool:
        """Whether a division lies inside this scope.

        >>> Scope("533400").covers("533422"), Scope("533422").covers("533401")
        (True, False)
        """
        return adcode is not None and adcode.startswith(self.prefix)

    def contains(self, other: Scope) -> bool:
        """Whether ``other`` lies wholly inside this scope."""
        return other.prefix.startswith(self.prefix)

    def clause(self, column: Any) -> ColumnElement[bool]:
        """A SQL condition restricting an adcode column to this scope."""
        if not self.prefix:
            return true()
        if len(self.prefix) == 6:
            return column == self.prefix  # type: ignore[no-any-return]
        # A range rather than LIKE 'prefix%': both SQLite (case-insensitive LIKE) and PostgreSQL
        # (non-C collations) can then use the index on the column.
        upper = self.prefix[:-1] + chr(ord(self.prefix[-1]) + 1)
        return (column >= self.prefix) & (column < upper)  # type: ignore[no-any-return]

    def narrow(self, adcode: str | None) -> Scope:
        """The scope of ``adcode`` when it lies inside this one; ``NotFound`` otherwise (never "forbidden")."""
        if not adcode:
            return self
        inner = Scope(adcode)
        if not self.contains(inner):
            raise NotFound(f"地区 {adcode} 不在您的管辖范围内")
        return inner
