"""The reach report workbook: Reach, Months, Delivery and Queries, with native Excel charts.

``write_report(engine, first, last, path, prison, suppress_below)`` computes the figures with
pandas (``figures``) and writes them, each sheet's contract columns first; the charts are
openpyxl charts over the sheet's own cells, so they stay live in Excel. The Queries sheet holds
one SQL query per figure that reproduces it from the tables.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine

from scheduler.excel import empty_workbook, print_setup, save_atomic, set_cell, write_table
from scheduler.outputs import mark
from scheduler.records import figures as fg
from scheduler.records.queries import delivery_queries, reach_queries


def period_of(
    year: int | None, first: dt.date | None, last: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The report's period: the calendar year, or ``first`` .. ``last``."""
    if year is not None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    assert first is not None and last is not None
    return first, last


def default_output(first: dt.date, last: dt.date) -> Path:
    """``exports/reach-<period>.xlsx``: the year when the period is one, else both dates."""
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        label = str(first.year)
    else:
        label = f"{first.isoformat()}_{last.isoformat()}"
    return Path("exports") / f"reach-{label}.xlsx"


def write_report(
    engine: Engine,
    first: dt.date,
    last: dt.date,
    path: str | os.PathLike,
    prison: str | None = None,
    suppress_below: int | None = None,
) -> tuple[Path, pd.DataFrame]:
    """Write the report; return its path and the Reach figures (unsuppressed)."""
    with engine.connect() as conn:
        rec = fg.load(conn, first, last, prison)
    reach = fg.reach(rec)
    wb = empty_workbook()
    shown = _suppressed(reach, suppress_below, fg.COUNTS)
    _reach_sheet(wb, shown, first, last, prison, suppress_below)
    _months_sheet(wb, rec, suppress_below)
    _delivery_sheet(wb, rec, suppress_below)
    _queries_sheet(wb, first, last, prison)
    for ws in wb.worksheets[:3]:
        print_setup(ws, title_rows="1:1")
    return save_atomic(mark(wb, "reach"), path), reach


def _suppressed(df: pd.DataFrame, below: int | None, columns: list[str]) -> pd.DataFrame:
    return fg.suppress(df, below, columns) if below else df


def _rows(df: pd.DataFrame) -> list[list[Any]]:
    """Cells of ``df``: numpy numbers as Python numbers, missing values blank."""
    out = []
    for values in df.itertuples(index=False):
        out.append(
            [None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in values]
        )
    return out


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _note(ws: Worksheet, row: int, text: str) -> None:
    cell = set_cell(ws, row, 1, text)
    cell.font = Font(italic=True, size=9)


def _reach_sheet(
    wb: Workbook, df: pd.DataFrame, first: dt.date, last: dt.date, prison: str | None,
    below: int | None,
) -> None:  # fmt: skip
    ws = wb.create_sheet("Reach")
    write_table(ws, fg.REACH_COLUMNS, _rows(df))
    end = len(df) + 1
    notes = [
        f"Period {first} – {last}" + (f", {prison}" if prison else ", all prisons")
        + (f"; counts under {below} are left blank" if below else "; exact figures"),
        "reached: attended a session, or a member with an intake held; rows of kind intake: "
        "intakes held, per interview language.",
        "completed: hours attended up to the period's end reach completion_share x total_hours; "
        "still_running / dropped: judged at the group's last session in the period.",
        "Every figure is reproduced by one SQL query on the Queries sheet.",
    ]  # fmt: skip
    for r, text in enumerate(notes, start=end + 2):
        _note(ws, r, text)
    if len(df):
        _reach_chart(ws, len(df))


def _reach_chart(ws: Worksheet, n: int) -> None:
    """Bars of reached and started per row."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Learners reached and started"
    chart.x_axis.title = "kind · language or level"
    chart.y_axis.title = "learners"
    # A label column made of the three key columns, beside the table, for the categories.
    label_col = len(fg.REACH_COLUMNS) + 2
    set_cell(ws, 1, label_col, "row")
    prisons = {ws.cell(row=r, column=1).value for r in range(2, n + 2)}
    # With one prison its name on every bar would only crowd the labels out.
    keys = (2, 3) if len(prisons) == 1 else (1, 2, 3)
    for r in range(2, n + 2):
        parts = [str(ws.cell(row=r, column=c).value or "") for c in keys]
        set_cell(ws, r, label_col, " · ".join(p for p in parts if p))
    ws.column_dimensions[get_column_letter(label_col)].hidden = True
    chart.add_data(
        Reference(ws, min_col=4, max_col=5, min_row=1, max_row=n + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=label_col, min_row=2, max_row=n + 1))
    chart.height, chart.width = max(7.5, 0.8 * n + 4), 18
    chart.x_axis.scaling.orientation = "maxMin"  # first row on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.visible_cells_only = False  # its categories are in the hidden label column
    ws.add_chart(chart, f"A{n + 8}")


def _months_sheet(wb: Workbook, rec: fg.Records, below: int | None) -> None:
    ws = wb.create_sheet("Months")
    df = _suppressed(fg.months(rec), below, fg.COUNTS)
    header = ["month", *fg.REACH_COLUMNS]
    write_table(ws, header, _rows(df))
    table = fg.attending(rec)
    if below:
        table = table.astype(object).where(table >= below, None)
    col = len(header) + 2
    set_cell(ws, 1, col, "month").font = Font(bold=True)
    for c, prison in enumerate(table.columns, start=col + 1):
        set_cell(ws, 1, c, f"learners attending: {prison}").font = Font(bold=True)
    for r, (month, values) in enumerate(table.iterrows(), start=2):
        set_cell(ws, r, col, month)
        for c, value in enumerate(values, start=col + 1):
            set_cell(ws, r, c, None if _missing(value) else int(value))
    if len(table) and len(table.columns):
        chart = LineChart()
        chart.title = "Learners attending per month"
        chart.y_axis.title = "learners with at least one P"
        chart.x_axis.title = "month"
        last_col = col + len(table.columns)
        chart.add_data(
            Reference(ws, min_col=col + 1, max_col=last_col, min_row=1, max_row=len(table) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=col, min_row=2, max_row=len(table) + 1))
        for series in chart.series:
            series.smooth = False  # a smoothed line would dip below zero between months
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, ws.cell(row=len(table) + 4, column=col).coordinate)


def _delivery_sheet(wb: Workbook, rec: fg.Records, below: int | None) -> None:
    ws = wb.create_sheet("Delivery")
    df = fg.delivery(rec)
    write_table(ws, fg.DELIVERY_COLUMNS, _rows(_suppressed(df, below, fg.DELIVERY_COLUMNS[2:])))
    months = df.groupby("month")[["planned", "held", "not_held"]].sum()
    col = len(fg.DELIVERY_COLUMNS) + 2
    for c, name in enumerate(["month", "planned", "held", "not held"], start=col):
        set_cell(ws, 1, c, name).font = Font(bold=True)
    for r, (month, values) in enumerate(months.iterrows(), start=2):
        set_cell(ws, r, col, month)
        for c, value in enumerate(values, start=col + 1):
            set_cell(ws, r, c, int(value))
    if len(months):
        chart = BarChart()
        chart.type = "col"
        chart.title = "Sessions planned and held per month (all prisons in the report)"
        chart.y_axis.title = "sessions"
        chart.add_data(
            Reference(ws, min_col=col + 1, max_col=col + 3, min_row=1, max_row=len(months) + 1),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=col, min_row=2, max_row=len(months) + 1))
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, ws.cell(row=len(months) + 4, column=col).coordinate)


def all_queries(
    first: dt.date, last: dt.date, prison: str | None
) -> list[tuple[str, str, str, str]]:
    """(sheet, figure, period, sql) for every figure of the report."""
    period = f"{first} – {last}"
    out = [("Reach", name, period, sql) for name, sql in reach_queries(first, last, prison).items()]
    for label, start, end in fg.month_spans(first, last):
        out += [
            ("Months", name, label, sql) for name, sql in reach_queries(start, end, prison).items()
        ]
    out += [
        ("Delivery", name, period, sql)
        for name, sql in delivery_queries(first, last, prison).items()
    ]
    return out


def _queries_sheet(wb: Workbook, first: dt.date, last: dt.date, prison: str | None) -> None:
    ws = wb.create_sheet("Queries")
    rows = [list(q) for q in all_queries(first, last, prison)]
    write_table(ws, ["sheet", "figure", "period", "sql"], rows, widths={"sql": 120})
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")
