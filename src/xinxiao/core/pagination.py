"""Page parameters and page results shared by lists in every domain."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class PageParams(BaseModel):
    """A page request: 1-based page number and size."""

    page: int = Field(1, ge=1)
    size: int = Field(50, ge=1, le=1000)

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.size


class Page(BaseModel, Generic[T]):
    """One page of results with the total count."""

    items: list[T]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.size))
