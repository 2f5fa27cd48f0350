"""Printable attendance registers, one sheet per group, from a RegisterPlan.

Layout (records.md, Clarifications): rows 1-6 the title block (Dutch headings with English
beside them), row 7 the Dutch words over the table, row 8 the header (``learner`` in A8, one
column per session date as text ``YYYY-MM-DD HH:MM``), row 9 ``held`` (every cell ``yes``), the
members from row 10, then a legend in Dutch and English. Only the attendance cells and the
``held`` row are unlocked; the sheet is protected without a password, so a teacher can fill it
in Excel but not shift the table by accident. Dates outside a learner's membership are grey and
locked. Each printed page (A4 landscape) holds at most 20 dates and repeats column A.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.excel import HEADER_FILL, empty_workbook, print_setup, save_atomic, set_cell
from scheduler.records.hidden import write_plan
from scheduler.records.plan import CODES, HELD_VALUES, GroupInfo, RegisterPlan, SessionDate

HEADER_ROW = 8
HELD_ROW = 9
FIRST_LEARNER_ROW = 10
DATES_PER_PAGE = 20
DATE_WIDTH = 8.5
LABEL_WIDTH = 24
# The legend wraps in at least this many date columns' width; a page of a register wider than
# one page holds at least 11 dates, so the legend never runs onto the next page.
LEGEND_COLUMNS = 10

DUTCH_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
TITLE = "Aanwezigheidslijst · Attendance register"
LEGEND = (
    "Legende · Legend",
    "P   aanwezig · present (alleen P telt als aanwezig · only P counts as attended)",
    "A   afwezig zonder reden · absent without a reason",
    "E   gewettigd afwezig (rechtbank, advocaat, bezoek, medische afspraak) · "
    "excused (court, lawyer, visit, medical appointment)",
    "S   ziek · sick",
    "R   weigert · refused",
    "leeg · blank   niet genoteerd · not recorded",
    "held: yes = les gegeven · session held;  no, strike, lockdown, staff absent, room "
    "unavailable, other = niet gegeven (nee, staking, lockdown, leerkracht afwezig, lokaal niet "
    "beschikbaar, andere) · not held, with its cause",
    "Grijs vak: geen lid van de groep op die dag · Grey cell: not a member of the group that day",
)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="BFBFBF")
HELD_FILL = PatternFill("solid", fgColor="FFF2CC")
OPEN = Protection(locked=False)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def default_output(timetable: Path) -> Path:
    """``exports/<stem>-registers.xlsx`` (a ``-timetable`` suffix of the stem dropped)."""
    stem = timetable.stem.removesuffix("-timetable")
    return Path("exports") / f"{stem}-registers.xlsx"


def write_registers(plan: RegisterPlan, path: str | os.PathLike) -> Path:
    """Write the registers workbook of ``plan`` to ``path`` (atomically); return the path."""
    return save_atomic(build_registers(plan), path)


def build_registers(plan: RegisterPlan) -> Workbook:
    """The registers workbook in memory: one sheet per group with sessions in range, the
    Intakes sheet and the hidden ``_register`` sheet."""
    wb = empty_workbook()
    for group in plan.groups:
        if plan.sessions_of(group.group) and plan.learner_ids_of(group.group):
            group_sheet(wb.create_sheet(group.sheet), plan, group)
    intake_sheet(wb.create_sheet("Intakes"), plan)
    write_plan(wb, plan)
    return wb


def group_sheet(ws: Worksheet, plan: RegisterPlan, group: GroupInfo) -> None:
    """The register of one group (see the module docstring)."""
    sessions = plan.sessions_of(group.group)
    _title_block(ws, plan, group, len(sessions))
    _table_header(ws, sessions)
    learners = plan.learner_ids_of(group.group)
    for r, learner in enumerate(learners, start=FIRST_LEARNER_ROW):
        set_cell(ws, r, 1, learner).border = BOX
        for c, session in enumerate(sessions, start=2):
            cell = ws.cell(row=r, column=c)
            cell.border, cell.alignment = BOX, CENTER
            if plan.is_member(group.group, learner, session.date):
                cell.protection = OPEN
            else:
                cell.fill = GREY
    last_row = FIRST_LEARNER_ROW + len(learners) - 1
    _validations(ws, len(sessions), last_row)
    _legend(ws, last_row + 2, len(sessions))
    _print_setup(ws, len(sessions))
    ws.protection.sheet = True  # no password: protection guards against slips, not people
    ws.protection.formatCells = False  # a teacher may still widen a column or a row


def _pages_wide(n_dates: int) -> int:
    return max(1, math.ceil(n_dates / DATES_PER_PAGE))


def _span(n_dates: int) -> int:
    """The last column of the title block and the legend: as many date columns as the first
    printed page holds (a page of a register fitted to N pages wide holds ceil(dates / N)),
    and room for a legend line of about 90 characters even on a short register."""
    first_page = math.ceil(n_dates / _pages_wide(n_dates)) if n_dates else 0
    return max(LEGEND_COLUMNS, first_page) + 1


def _title_block(ws: Worksheet, plan: RegisterPlan, group: GroupInfo, n_dates: int) -> None:
    """Labels in column A (printed on every page), values beside them on the first page;
    A1 holds the group id, so every printed page says which group it is."""
    detail = "niveau · level" if group.kind == "NT2" else "taal · language"
    course = f"{group.course_name} · {group.course} · {detail} {group.language_or_level}"
    lines = (
        (group.group, TITLE),
        ("Gevangenis · Prison", plan.prison),
        ("Periode · Term", f"{plan.term_start} – {plan.term_end}; deze lijst · this register: "
         f"{plan.first} – {plan.last}"),
        ("Cursus · Course", course),
        ("Leerkracht · Staff", f"{group.staff}   ·   Lokaal · Room: {group.rooms}"),
        ("Lesmomenten · Times", group.times),
    )  # fmt: skip
    span = _span(n_dates)
    for r, (label, value) in enumerate(lines, start=1):
        size = 13 if r == 1 else 10
        set_cell(ws, r, 1, label).font = Font(bold=True, size=size)
        set_cell(ws, r, 2, value).font = Font(bold=r == 1, size=size)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=span)
        ws.cell(row=r, column=2).alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 22


def _table_header(ws: Worksheet, sessions: list[SessionDate]) -> None:
    """Row 7 in Dutch, row 8 the header the reader looks for, row 9 ``held``."""
    set_cell(ws, 7, 1, "leerling").font = Font(italic=True, size=9)
    set_cell(ws, HEADER_ROW, 1, "learner").font = Font(bold=True)
    set_cell(ws, HELD_ROW, 1, "held").font = Font(bold=True)
    ws.cell(row=HELD_ROW, column=1).fill = HELD_FILL
    for cell in (ws.cell(row=HEADER_ROW, column=1), ws.cell(row=HELD_ROW, column=1)):
        cell.border = BOX
    ws.cell(row=HEADER_ROW, column=1).fill = HEADER_FILL
    for c, session in enumerate(sessions, start=2):
        dutch = set_cell(ws, 7, c, DUTCH_DAYS[session.date.weekday()])
        dutch.font, dutch.alignment = Font(italic=True, size=8), CENTER
        head = set_cell(ws, HEADER_ROW, c, session.label)
        head.font, head.alignment, head.fill, head.border = (
            Font(bold=True, size=9),
            CENTER,
            HEADER_FILL,
            BOX,
        )
        held = set_cell(ws, HELD_ROW, c, "yes")
        held.alignment, held.fill, held.border, held.protection = CENTER, HELD_FILL, BOX, OPEN
        held.font = Font(size=8)
    ws.row_dimensions[HEADER_ROW].height = 26
    ws.freeze_panes = f"B{FIRST_LEARNER_ROW}"


def _validations(ws: Worksheet, n_dates: int, last_row: int) -> None:
    """A dropdown of the codes on the attendance cells and of the held values on row 9."""
    if n_dates == 0:
        return
    last_col = get_column_letter(n_dates + 1)
    codes = DataValidation(
        type="list",
        formula1='"' + ",".join(CODES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Code",
        error="P, A, E, S of R (leeg: niet genoteerd) · P, A, E, S or R (blank: not recorded)",
    )
    held = DataValidation(
        type="list",
        formula1='"' + ",".join(HELD_VALUES) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="held",
        error="yes, no, strike, lockdown, staff absent, room unavailable, other",
    )
    ws.add_data_validation(codes)
    ws.add_data_validation(held)
    if last_row >= FIRST_LEARNER_ROW:
        codes.add(f"B{FIRST_LEARNER_ROW}:{last_col}{last_row}")
    held.add(f"B{HELD_ROW}:{last_col}{HELD_ROW}")


def _legend(ws: Worksheet, row: int, n_dates: int) -> None:
    """The legend under the table, from column B (so the pages after the first, which repeat
    column A, do not print it cut off), each line wrapped over the first page's width."""
    span = _span(n_dates)
    per_line = int((span - 1) * DATE_WIDTH * 1.1)  # characters of 9-point text per printed line
    for r, line in enumerate(LEGEND, start=row):
        cell = set_cell(ws, r, 2, line)
        cell.font = Font(bold=r == row, size=9)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=span)
        ws.row_dimensions[r].height = 12.5 * (1 + len(line) // per_line)


def _print_setup(ws: Worksheet, n_dates: int) -> None:
    """A4 landscape, column A and the header rows on every page, at most 20 dates a page:
    fitted to ceil(dates / 20) pages wide, which never leaves more than 20 on a page whatever
    the fonts (Excel ignores manual column breaks on a sheet fitted to pages)."""
    ws.column_dimensions["A"].width = LABEL_WIDTH
    for c in range(2, n_dates + 2):
        ws.column_dimensions[get_column_letter(c)].width = DATE_WIDTH
    print_setup(ws, title_rows=f"7:{HELD_ROW}", title_cols="A:A")
    ws.page_setup.fitToWidth = _pages_wide(n_dates)
    ws.page_margins.top = ws.page_margins.bottom = 0.5


INTAKE_HEADER = ("learner", "date", "time", "counsellor", "language", "held")
INTAKE_DUTCH = ("leerling", "datum", "uur", "consulent", "taal", "gehouden (yes/no)")


def intake_sheet(ws: Worksheet, plan: RegisterPlan) -> None:
    """One row per intake planned in range; the counsellor fills ``held`` with yes or no."""
    set_cell(ws, 1, 1, "Intakegesprekken · Intake interviews").font = Font(bold=True, size=13)
    set_cell(ws, 2, 1, f"{plan.prison}: {plan.first} – {plan.last}")
    for c, (dutch, english) in enumerate(zip(INTAKE_DUTCH, INTAKE_HEADER, strict=True), start=1):
        set_cell(ws, 7, c, dutch).font = Font(italic=True, size=9)
        head = set_cell(ws, HEADER_ROW, c, english)
        head.font, head.fill, head.border = Font(bold=True), HEADER_FILL, BOX
    for r, intake in enumerate(plan.intakes, start=HEADER_ROW + 1):
        values = (intake.learner, intake.date.isoformat(), intake.start, intake.staff,
                  intake.language, None)  # fmt: skip
        for c, value in enumerate(values, start=1):
            set_cell(ws, r, c, value).border = BOX
        ws.cell(row=r, column=len(values)).protection = OPEN
    if plan.intakes:
        held = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        ws.add_data_validation(held)
        held.add(f"F{HEADER_ROW + 1}:F{HEADER_ROW + len(plan.intakes)}")
    for col, width in zip("ABCDEF", (14, 12, 8, 12, 10, 18), strict=True):
        ws.column_dimensions[col].width = width
    print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", landscape=False)
    ws.protection.sheet = True
    ws.protection.formatCells = False
