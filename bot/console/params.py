"""Typed path and query parameters of the console's pages and forms.

Record ids are database integers (32-bit on PostgreSQL): a larger number in a URL is bad
input and gets a 422, not a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ROW_ID = 2**31 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
SelectedRowId = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)]
