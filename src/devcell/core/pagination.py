"""The list convention every slice shares: `?limit=&offset=` in, `{items, total, limit, offset}` out."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_PAGE = 200


class PageQuery(BaseModel):
    """Base for list query models: unknown parameters are refused, so a typo is a 422, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 50
    offset: Annotated[int, Field(ge=0)] = 0


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[T], total: int, query: PageQuery) -> Page[T]:
        return cls(items=items, total=total, limit=query.limit, offset=query.offset)
