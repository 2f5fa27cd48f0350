"""Errors and input problems.

Only ``cli.py`` turns these into exit codes: 2 for bad input, 3 for no timetable.
"""

from __future__ import annotations

from dataclasses import dataclass


class SchedulerError(Exception):
    """Base class of every error the scheduler raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input workbook.

    ``row`` is the Excel row number (1 = header row), ``column`` the column name as in the
    contract; either is None when the problem concerns a whole sheet or a whole row.
    ``severity`` is ``"error"`` (the workbook cannot be solved) or ``"warning"`` (legal but
    suspicious).
    """

    sheet: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def where(self) -> str:
        from scheduler.i18n import _  # errors.py is imported by everything: keep it light

        parts = [self.sheet]
        if self.row is not None:
            parts.append(_("row {row}", row=self.row))
        if self.column:
            parts.append(_("column {column}", column=self.column))
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.severity.upper()} {self.where()}: {self.message}"


class WorkbookError(SchedulerError):
    """The input workbook has one or more errors; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the workbook")

    @classmethod
    def at(cls, sheet: str, row: int | None, column: str | None, message: str) -> WorkbookError:
        return cls([Problem(sheet, row, column, message)])


class UnreadableFileError(SchedulerError):
    """The file is not a workbook that can be opened (not xlsx, corrupt, encrypted, too large)."""
