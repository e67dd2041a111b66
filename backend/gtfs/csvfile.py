"""Read one GTFS file as CSV rows that know their line number, with typed, validating getters.

Decodes UTF-8 (a byte-order mark is dropped), accepts CRLF and quoted fields (also with line
breaks inside), trims spaces around values, ignores unknown columns and blank lines. A row with
more or fewer cells than the header is read (missing cells are empty, extra ones dropped) with a
warning; a NUL byte in a cell and a first line that is data rather than column names are refused.
Every getter raises GtfsError naming the file, the line where the record starts and the column.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation

from backend.gtfs.errors import GtfsError, GtfsWarning
from backend.gtfs.limits import LIMITS, MAX_INT, MAX_PRICE

TIME_RE = re.compile(r"(\d{1,2}):([0-5]\d):([0-5]\d)")
DATE_RE = re.compile(r"\d{8}")
INT_RE = re.compile(r"-?\d+")
# a header cell that is a time, a number or a date: the file's first line is data, not column names
DATA_CELL_RE = re.compile(r"[-+]?[\d.:]+")
MAX_WARNINGS_PER_FILE = 20


class Row:
    """One record of a GTFS file."""

    __slots__ = ("file", "line", "_values")

    def __init__(self, file: str, line: int, values: dict[str, str]) -> None:
        self.file, self.line, self._values = file, line, values

    def error(self, column: str | None, message: str) -> GtfsError:
        return GtfsError(self.file, self.line, column, message)

    def text(self, column: str) -> str | None:
        value = self._values.get(column, "")
        limit = LIMITS.get((self.file, column))
        if limit is not None and len(value) > limit:
            raise self.error(column, f"太长：{len(value)} 个字符，最多 {limit} 个")
        return value or None

    def need(self, column: str) -> str:
        value = self.text(column)
        if value is None:
            raise self.error(column, "必填，不能为空")
        return value

    def integer(self, column: str, low: int, high: int | None = None) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        if not INT_RE.fullmatch(value):
            raise self.error(column, f"应为整数，收到 '{value}'")
        high = MAX_INT if high is None else high
        if len(value) > 12:  # past any range here (and int() refuses thousands of digits)
            raise self.error(column, f"应在 {low} 到 {high} 之间，收到 '{value[:20]}…'")
        number = int(value)
        if number < low or number > high:
            raise self.error(column, f"应在 {low} 到 {high} 之间，收到 '{value}'")
        return number

    def need_integer(self, column: str, low: int, high: int | None = None) -> int:
        number = self.integer(column, low, high)
        if number is None:
            raise self.error(column, "必填，不能为空")
        return number

    def flag(self, column: str) -> bool:
        return self.need_integer(column, 0, 1) == 1

    def number(self, column: str, low: float, high: float | None = None) -> float | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(column, f"应为数字，收到 '{value}'") from None
        if not math.isfinite(number):
            raise self.error(column, f"应为有限的数字，收到 '{value}'")
        if not low <= number <= (high if high is not None else float("inf")):
            span = f"{low:g} 到 {high:g} 之间" if high is not None else f"不小于 {low:g}"
            raise self.error(column, f"应在 {span}，收到 '{value}'")
        return number

    def money(self, column: str) -> Decimal:
        value = self.need(column)
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise self.error(column, f"应为金额数字，收到 '{value}'") from None
        if not amount.is_finite() or amount < 0:
            raise self.error(column, f"金额不能为负数，收到 '{value}'")
        if amount > MAX_PRICE:
            raise self.error(column, f"金额太大：最多 {MAX_PRICE}，收到 '{value}'")
        if amount != amount.quantize(Decimal("0.01")):
            raise self.error(column, f"金额最多两位小数，收到 '{value}'")
        return amount

    def time(self, column: str) -> int | None:
        """Seconds after midnight of the service day; 'H:MM:SS' and values past 24:00:00 are fine."""
        value = self.text(column)
        if value is None:
            return None
        match = TIME_RE.fullmatch(value)
        if not match:
            raise self.error(column, f"时间格式应为 HH:MM:SS，收到 '{value}'")
        hours, minutes, seconds = (int(g) for g in match.groups())
        return hours * 3600 + minutes * 60 + seconds

    def day(self, column: str) -> date | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            if not DATE_RE.fullmatch(value):
                raise ValueError(value)
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise self.error(column, f"日期格式应为 YYYYMMDD，收到 '{value}'") from None

    def need_day(self, column: str) -> date:
        value = self.day(column)
        if value is None:
            raise self.error(column, "必填，不能为空")
        return value

    def url(self, column: str, required: bool = False) -> str | None:
        value = self.need(column) if required else self.text(column)
        if value is not None and not re.match(r"https?://\S+$", value):
            raise self.error(column, f"应为以 http:// 或 https:// 开头的网址，收到 '{value}'")
        return value

    def color(self, column: str) -> str | None:
        value = self.text(column)
        if value is not None and not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            raise self.error(column, f"颜色应为 6 位十六进制（如 FFFFFF），收到 '{value}'")
        return value


class Table:
    """The header and rows of one file; iterate it once for its rows."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.warnings: list[GtfsWarning] = []
        self._unlisted = 0
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise GtfsError(name, line, None, "文件不是 UTF-8 编码（请另存为 UTF-8 后重试）") from None
        self._has_nul = "\x00" in text  # rare: only then is every cell searched for it
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = self._next()
        if header is None:
            raise GtfsError(name, 1, None, "文件是空的，缺少表头")
        self.columns = [c.strip() for c in header[1]]
        _no_nul(name, 1, None, self.columns)
        data_cells = [c for c in self.columns if DATA_CELL_RE.fullmatch(c)]
        if data_cells:
            raise GtfsError(
                name,
                1,
                None,
                f"缺少表头：第 1 行是数据（{data_cells[0]}），第一行应是列名（如 {_example(name)}）",
            )
        seen: set[str] = set()
        for column in self.columns:
            if column and column in seen:
                raise GtfsError(name, 1, column, f"表头里的列 {column} 重复")
            seen.add(column)

    def _next(self) -> tuple[int, list[str]] | None:
        """The next non-blank record and the line it starts on."""
        while True:
            start = self._reader.line_num + 1
            try:
                record = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                raise GtfsError(self.name, start, None, f"CSV 格式错误：{exc}") from None
            if any(cell.strip() for cell in record):
                return start, record

    def require(self, *columns: str) -> None:
        for column in columns:
            if column not in self.columns:
                raise GtfsError(self.name, 1, column, f"缺少必需的列 {column}")

    def warn(self, line: int, column: str | None, message: str) -> None:
        """Keep a warning (the first few of each file; the rest are counted in a last one)."""
        if len(self.warnings) < MAX_WARNINGS_PER_FILE:
            self.warnings.append(GtfsWarning(self.name, line, column, message))
        else:
            self._unlisted += 1

    def finish(self) -> list[GtfsWarning]:
        """The warnings of the file, with a count of those not listed one by one."""
        if self._unlisted:
            extra = f"另有 {self._unlisted} 个类似问题未逐一列出"
            return [*self.warnings, GtfsWarning(self.name, 0, None, extra)]
        return list(self.warnings)

    def __iter__(self) -> Iterator[Row]:
        width = len(self.columns)
        while (item := self._next()) is not None:
            line, record = item
            if len(record) != width:
                more = len(record) > width and any(cell.strip() for cell in record[width:])
                if more or len(record) < width:
                    word = "多" if more else "少"
                    self.warn(
                        line,
                        None,
                        f"这一行有 {len(record)} 个字段，比表头的 {width} 列{word}（按表头对齐读取）",
                    )
            if self._has_nul:
                _no_nul(self.name, line, self.columns, record)
            values = {col: cell.strip() for col, cell in zip(self.columns, record, strict=False) if col}
            yield Row(self.name, line, values)


EXAMPLE_HEADERS = {
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon",
    "trips.txt": "route_id,service_id,trip_id",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs",
    "calendar.txt": "service_id,monday,...,sunday,start_date,end_date",
}


def _example(name: str) -> str:
    return EXAMPLE_HEADERS.get(name, "GTFS 规范里的列名")


def _no_nul(name: str, line: int, columns: list[str] | None, cells: list[str]) -> None:
    for index, cell in enumerate(cells):
        if "\x00" in cell:
            column = (columns[index] or None) if columns is not None and index < len(columns) else None
            raise GtfsError(name, line, column, "含有 NUL 空字符（0x00），文件可能已损坏")
