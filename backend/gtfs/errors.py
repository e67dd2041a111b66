"""The one error the GTFS reader raises: which file, which line, which column, and what is wrong.

Line numbers are 1-based physical lines of the file as a text editor shows them (the header is
line 1); ``row`` is 0 when the problem concerns a whole file or the archive itself.
"""

from __future__ import annotations


class GtfsError(Exception):
    """An invalid GTFS feed, pointing at the first problem found.

    ``str(error)`` reads like ``stop_times.txt 第 17 行 (departure_time): 时间格式应为 HH:MM:SS，收到 '25:6'``.
    """

    def __init__(self, file: str, row: int, column: str | None, message: str) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.row <= 0 else f"{self.file} 第 {self.row} 行"
        if self.column:
            where += f" ({self.column})"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type[GtfsError], tuple[str, int, str | None, str]]:
        return (GtfsError, (self.file, self.row, self.column, self.message))


class GtfsWarning:
    """Something the reader accepted but the operator should know (a skipped trip, a short row).

    Reads like an error: ``stop_times.txt 第 9 行: 班次 'T1' 只有一个停靠站，已跳过``.
    """

    __slots__ = ("file", "row", "column", "message")

    def __init__(self, file: str, row: int, column: str | None, message: str) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message

    def __str__(self) -> str:
        return str(GtfsError(self.file, self.row, self.column, self.message))

    def __repr__(self) -> str:
        return f"GtfsWarning({str(self)!r})"
