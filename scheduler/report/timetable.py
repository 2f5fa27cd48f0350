"""The timetable workbook: every sheet of ``exports.md``, printable and safe.

``write_timetable(data, result, path, checks)`` writes Overview, Week, Rooms, Staff, Sections,
Groups, Learners, Sessions, Intakes, Internet, Waiting, Diagnostics and Term. Text that comes
from the input is always written as text (a name starting with ``=`` stays a name), sheet
titles are valid and unique, and the file is saved atomically, so an interrupted run leaves no
half-written workbook. The grids (Week, Rooms, Staff, Sections) have periods as rows and days
as columns, are coloured by kind and print landscape, one page wide.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Color, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.data import ProblemData, fmt_time
from scheduler.errors import SchedulerError
from scheduler.excel import (
    CELL_LIMIT,
    HEADER_FILL,
    HEADER_FONT,
    empty_workbook,
    print_setup,
    save_atomic,
    set_cell,
    sheet_title,
    write_table,
)
from scheduler.i18n import N_, _, _n, language
from scheduler.outputs import mark
from scheduler.report.figures import (
    KeyFigures,
    figure_words,
    group_sections,
    key_figures,
    placed_kinds,
    room_blocked_slots,
    sessions_by_group,
)
from scheduler.report.identity import DIGEST_SHEETS, GENERATOR, digest
from scheduler.report.reasons import WaitingRow, waiting
from scheduler.report.rule_words import rule_sentence
from scheduler.rules import needs_intake
from scheduler.solution import Intake, InternetBooking, Result, Session, Solution
from scheduler.term import closed_for, date_of, n_weeks, term_dates, week_of, weekday

# Contract columns (exports.md and its Clarifications), then our own extra columns.
SESSION_COLUMNS = [
    "group",
    "course",
    "day",
    "period",
    "periods",
    "start",
    "end",
    "room",
    "staff",
    "size",
    "internet",
]
SESSION_EXTRA = ["sections", "course_name", "kind", "hours_per_week"]
GROUP_COLUMNS = ["group", "course", "staff", "size", "members"]
GROUP_EXTRA = [
    "course_name", "level", "language", "rooms", "times", "hours_in_term", "kind", "total_hours",
]  # fmt: skip
INTAKE_COLUMNS = ["learner", "week", "day", "period", "room", "staff", "language"]
INTAKE_EXTRA = ["date", "start", "end", "periods"]
INTERNET_COLUMNS = ["learner", "day", "period", "room"]
INTERNET_EXTRA = ["start", "end", "seats_in_use", "internet_seats"]
# When a row holds (replan.md, Clarifications): right after the contract columns.
DATED = ["valid_from", "valid_to"]
MEMBERSHIP_COLUMNS = ["group", "learner", "from", "to"]
WAITING_COLUMNS = ["learner", "wants", "reason", "reason_code", "unblock", "unblock_check"]
WAITING_EXTRA = ["section"]
LEARNER_COLUMNS = [
    "learner",
    "section",
    "asked",
    "placed",
    "groups",
    "intake",
    "internet_periods",
    "waiting_reason",
]
LEARNER_EXTRA = ["languages", "nt2_level", "times", "internet_times"]
DIAGNOSTICS_COLUMNS = ["rule", "violations", "description", "details"]
TERM_COLUMNS = [
    "key",
    "value",
    "",
    "closed_date",
    "closed_reason",
    "closed_sections",
    "",
    "period",
    "start",
    "end",
    "",
    "date",
    "day",
    "week",
    "closed",
]

KIND_FILLS = {
    "NT2": "CFE2F3",
    "MO": "D9EAD3",
    "intake": "FCE5CD",
    "internet": "E4D7F5",
    "mixed": "FFFFFF",  # legend only: a cell of several kinds takes its most frequent kind's
    "free": "F2F2F2",
    "blocked": "BFBFBF",
}
LEGEND = [
    ("NT2", N_("NT2 course")),
    ("MO", N_("MO (civic orientation)")),
    ("intake", N_("intake interview")),
    ("internet", N_("internet booking")),
    ("mixed", N_("several kinds: the colour of the most frequent, ■ marks each line")),
    ("free", N_("free")),
    ("blocked", N_("not available")),
]
# Strong colours of the squares that mark each line's kind in a cell holding several kinds.
KIND_MARKS = {"NT2": "1F5FBF", "MO": "38761D", "intake": "CC6600", "internet": "674EA7"}
TITLE_FONT = Font(bold=True, size=13)
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
GRID_WIDTH = 30

# Notice-board words in Dutch, French, English and Arabic.
BOARD_TITLE = "Lesrooster · Emploi du temps · Timetable · الجدول الدراسي"
BOARD_SECTION = "Afdeling · Aile · Wing · الجناح"
BOARD_PERIOD = "Lesuur · Heure · Period · الحصة"
DAY_NAMES = {
    "Mon": ("maandag", "lundi", "Monday", "الاثنين"),
    "Tue": ("dinsdag", "mardi", "Tuesday", "الثلاثاء"),
    "Wed": ("woensdag", "mercredi", "Wednesday", "الأربعاء"),
    "Thu": ("donderdag", "jeudi", "Thursday", "الخميس"),
    "Fri": ("vrijdag", "vendredi", "Friday", "الجمعة"),
    "Sat": ("zaterdag", "samedi", "Saturday", "السبت"),
    "Sun": ("zondag", "dimanche", "Sunday", "الأحد"),
}


@dataclass(frozen=True)
class Item:
    """One thing on a weekly grid: a session, an intake, or the internet bookings of one lab in
    one period. ``first`` is the period index, ``length`` the periods it occupies."""

    kind: str  # NT2, MO, intake, internet
    day: str
    first: int
    length: int
    room: str
    staff: str = ""
    group: str = ""
    course_name: str = ""
    sections: tuple[str, ...] = ()
    learners: tuple[str, ...] = ()
    week: int | None = None
    internet: bool = False  # a group session held on the lab's internet seats


Dates = tuple[dt.date | None, dt.date | None]  # valid_from, valid_to (None: open)
CHANGE_COLUMNS = ["kind", "who", "group", "before", "after", "why"]
CHANGED_MARK = "●"  # marks a changed session on the wing notice boards


@dataclass(frozen=True)
class Revision:
    """What a re-plan adds to the timetable workbook (replan.md): every row with its dates,
    history included, the Changes rows, the Overview counts and the sessions that changed."""

    valid_from: dt.date
    sessions: tuple[tuple[Session, Dates], ...]
    memberships: tuple[tuple[str, str, Dates], ...]  # group, learner, (from, to)
    intakes: tuple[tuple[Intake, Dates], ...]
    internet: tuple[tuple[InternetBooking, Dates], ...]
    changes: tuple[tuple[str, str, str, str, str, str], ...]  # CHANGE_COLUMNS
    counts: tuple[tuple[str, int], ...]
    changed: frozenset[tuple[str, str, str]]  # (group, day, period) of changed sessions


@dataclass
class _Book:
    """Everything the sheets share: data, solution, figures, reasons and grid items."""

    data: ProblemData
    result: Result
    solution: Solution
    checks: Sequence[Any] | None
    waiting: Sequence[WaitingRow]
    valid_from: dt.date | None = None
    revision: Revision | None = None
    figures: KeyFigures = field(init=False)
    items: list[Item] = field(init=False)
    titles: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.revision is not None:
            self.valid_from = self.revision.valid_from
        if self.valid_from is None:
            self.valid_from = self.data.settings.term_start
        self.figures = key_figures(self.data, self.solution, self.waiting)
        self.items = grid_items(self.data, self.solution)

    def dates(self) -> tuple[dt.date | None, None]:
        """``valid_from`` and ``valid_to`` of a row of this timetable: from its start, open."""
        return self.valid_from, None

    def sheet(self, wb: Workbook, name: str) -> Worksheet:
        """A new sheet with a valid title, unique in this workbook."""
        return wb.create_sheet(sheet_title(name, self.titles))

    def period_text(self, first: int, length: int = 1) -> tuple[str, str]:
        """Start and end clock times of ``length`` periods from period index ``first``."""
        periods = self.data.periods
        return fmt_time(periods[first].start), fmt_time(periods[first + length - 1].end)


def write_timetable(
    data: ProblemData,
    result: Result,
    path: str | os.PathLike,
    checks: Sequence[Any] | None = None,
    waiting_rows: Sequence[WaitingRow] | None = None,
    revision: Revision | None = None,
    overview_extra: Callable[[Worksheet], None] | None = None,
) -> Path:
    """Write the timetable workbook of ``result`` to ``path`` (atomically) and return the path.

    ``checks`` are the verifier's RuleChecks (``rule``, ``description``, ``violations``,
    ``details``) for the Diagnostics sheet and ``waiting_rows`` the Waiting rows; each is
    computed when None (``scheduler.pipeline`` passes both, computed once per timetable).
    ``revision`` (a re-plan) adds history rows, the Changes sheet and the change marks.
    ``overview_extra`` adds a block to the Overview sheet (the attendance recorded so far, from
    ``scheduler.records.progress``). Raises SchedulerError when ``result`` has no timetable.
    """
    wb = build_workbook(data, result, checks, waiting_rows, revision)
    if overview_extra is not None:
        overview_extra(wb["Overview"])
    return save_atomic(wb, path)


def build_workbook(
    data: ProblemData,
    result: Result,
    checks: Sequence[Any] | None = None,
    waiting_rows: Sequence[WaitingRow] | None = None,
    revision: Revision | None = None,
) -> Workbook:
    """The timetable workbook in memory (see ``write_timetable``)."""
    if result.solution is None:
        raise SchedulerError(f"no timetable to write (solver status: {result.status})")
    if checks is None:
        checks = _verify(data, result.solution)
    if waiting_rows is None:
        waiting_rows = waiting(data, result.solution)
    book = _Book(data, result, result.solution, checks, waiting_rows, revision=revision)
    wb = empty_workbook()
    for writer in (
        _overview, _changes, _week, _rooms, _staff, _sections, _groups, _memberships, _learners,
        _sessions, _intakes, _internet, _waiting, _diagnostics, _term,
    ):  # fmt: skip
        writer(book, wb)
    return mark(wb, "timetable")  # a later solve may replace it without --force


def _verify(data: ProblemData, solution: Solution) -> list[Any]:
    """The verifier's checks; imported late so that the writer does not need it to load."""
    from scheduler.verify import verify

    return list(verify(data, solution))


def grid_items(data: ProblemData, solution: Solution) -> list[Item]:
    """Every session, intake and (per lab and period) internet booking as a grid Item."""
    index = data.period_index
    groups = solution.group_by_id()
    items = [_session_item(data, s, groups.get(s.group)) for s in solution.sessions]
    items += [
        Item(
            "intake", i.day, index[i.period], i.periods, i.room, i.staff,
            learners=(i.learner,), week=i.week,
        )
        for i in solution.intakes
    ]  # fmt: skip
    labs: dict[tuple[str, str, str], list[str]] = {}
    for b in solution.internet:
        labs.setdefault((b.room, b.day, b.period), []).append(b.learner)
    for (room, day, period), learners in labs.items():
        known = [m for m in learners if m in data.learner_by_id]
        sections = tuple(sorted({data.learner_by_id[m].section for m in known}))
        items.append(
            Item("internet", day, index[period], 1, room, sections=sections,
                 learners=tuple(learners))
        )  # fmt: skip
    return items


def _session_item(data: ProblemData, s, group) -> Item:
    course = data.course_by_id.get(s.course)
    return Item(
        kind=course.kind if course else "NT2",
        day=s.day,
        first=data.period_index[s.period],
        length=s.periods,
        room=s.room,
        staff=s.staff,
        group=s.group,
        course_name=course.name if course else s.course,
        sections=group_sections(data, group) if group else (),
        learners=group.members if group else (),
        internet=s.internet,
    )


# --- grids -----------------------------------------------------------------------------------


def _fill(kind: str) -> PatternFill:
    return PatternFill("solid", fgColor=KIND_FILLS[kind])


def day_word(day: str) -> str:
    """A grid's day heading in the coordinator's language: ``dinsdag``, ``mardi``; English
    keeps the contract's code (``Tue``)."""
    index = {"nl": 0, "fr": 1}.get(language())
    return DAY_NAMES[day][index] if index is not None and day in DAY_NAMES else day


@dataclass(frozen=True)
class GridStyle:
    """How one kind of grid looks: headings, the word for a free cell, text size."""

    period_header: str = N_("period")  # translated where shown
    day_header: Callable[[str], str] = day_word
    free_text: str = N_("free")
    font_size: float = 10
    header_height: float | None = None
    line_height: float = 14
    min_lines: int = 2


BOARD_STYLE = GridStyle(
    period_header=BOARD_PERIOD,
    day_header=lambda day: "\n".join(DAY_NAMES[day]),
    free_text="",
    font_size=12,
    header_height=70,
    line_height=19,
    min_lines=3,
)


def _grid(
    book: _Book,
    ws: Worksheet,
    top: int,
    title: str,
    items: list[Item],
    text: Callable[[Item], str],
    blocked: dict[tuple[str, int], str] | None = None,
    style: GridStyle = GridStyle(),
) -> int:
    """Write one titled grid (periods x teaching days) at row ``top``; return the next free row.

    ``text(item)`` gives an item's line in a cell; ``blocked`` maps (day, period index) to why
    the slot is not available. A session spanning periods is one merged cell."""
    data = book.data
    set_cell(ws, top, 1, title).font = Font(bold=True, size=style.font_size + 3)
    # A tall title row leaves room under a repeated print title at the top of a page.
    ws.row_dimensions[top].height = 2.5 * (style.font_size + 3)
    header = [_(style.period_header)] + [style.day_header(d) for d in data.teaching_days]
    for c, name in enumerate(header, start=1):
        _style(set_cell(ws, top + 1, c, name), HEADER_FILL, Font(bold=True, size=style.font_size))
        ws.cell(row=top + 1, column=c).alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center"
        )
    if style.header_height:
        ws.row_dimensions[top + 1].height = style.header_height
    by_slot: dict[tuple[str, int], list[Item]] = {}
    for it in items:
        for p in range(it.first, it.first + it.length):
            by_slot.setdefault((it.day, p), []).append(it)
    shown: dict[tuple[int, int], str] = {}
    for p, period in enumerate(data.periods):
        row = top + 2 + p
        label = f"{period.period}\n{fmt_time(period.start)}–{fmt_time(period.end)}"
        _style(set_cell(ws, row, 1, label), None, Font(bold=True, size=style.font_size))
        lines = style.min_lines
        for c, day in enumerate(data.teaching_days, start=2):
            entries = fit_cell([(it.kind, text(it)) for it in by_slot.get((day, p), [])])
            why = (blocked or {}).get((day, p))
            shown[(row, c)], n = _grid_cell(ws, row, c, entries, why, style)
            lines = max(lines, n)
        ws.row_dimensions[row].height = style.line_height * lines + 4
    _merge_runs(ws, shown, top + 2, len(data.periods), len(data.teaching_days))
    return top + 3 + len(data.periods)


def fit_cell(entries: list[tuple[str, str]], limit: int = CELL_LIMIT) -> list[tuple[str, str]]:
    """The (kind, line) entries of one grid cell, cut so that the cell's text (a line per
    entry, plus the mark of a mixed cell) stays within Excel's limit: a busy slot with long
    course names otherwise made a cell Excel refuses to open (issue 12, item 13). What is
    left out is said in a last line, ``…and N more``; a single line too long is cut too."""

    def more(n: int) -> str:
        return f"…and {n} more"

    used, kept = 0, []
    for i, (kind, line) in enumerate(entries):
        left = len(entries) - i
        cost = len(line) + 3  # a newline and the coloured "■ " of a mixed cell
        reserve = len(more(left - 1)) + 3 if left > 1 else 0
        if used + cost + reserve <= limit:
            kept.append((kind, line))
            used += cost
            continue
        room = limit - used - len(more(left)) - 9
        if room > 20:  # room for the start of this line, then say how many are left out
            kept.append((kind, line[:room] + "…"))
            left -= 1
        return kept + ([(kind, more(left))] if left else [])
    return kept


def _style(cell, fill: PatternFill | None, font: Font) -> None:
    if fill is not None:
        cell.fill = fill
    cell.font, cell.border, cell.alignment = font, BORDER, WRAP_TOP


def _grid_cell(ws, row: int, col: int, entries: list[tuple[str, str]], blocked, style):
    """Fill one grid cell from (kind, line) entries; return its plain text (empty when free or
    blocked, so that only sessions merge) and how many printed lines it needs."""
    kinds = {k for k, _ in entries}
    if len(kinds) > 1:
        # Several kinds share the cell: a coloured square before each line says which is which.
        value: Any = CellRichText()
        for i, (kind, line) in enumerate(entries):
            value.append(
                TextBlock(
                    InlineFont(color=Color(KIND_MARKS[kind]), b=True, sz=style.font_size), "■ "
                )
            )
            value.append(
                TextBlock(
                    InlineFont(sz=style.font_size), line + ("\n" if i < len(entries) - 1 else "")
                )
            )
        # The cell takes the colour of its most frequent kind (the first on a tie), so that a
        # grid of many mixed cells still shows what dominates; the squares tell each line.
        counts = Counter(k for k, _ in entries)
        kind = max(counts, key=lambda k: (counts[k], -[k for k, _ in entries].index(k)))
    elif entries:
        kind, value = entries[0][0], "\n".join(line for _, line in entries)
    elif blocked:
        kind, value = "blocked", blocked
    else:
        # _("") would be the catalogue's header: a board's free cell stays empty
        kind, value = "free", _(style.free_text) if style.free_text else ""
    cell = set_cell(ws, row, col, value or None)
    grey = "999999" if kind == "free" else None
    _style(cell, _fill(kind), Font(size=style.font_size, color=grey, italic=kind == "free"))
    plain = "\n".join(line for _, line in entries)
    # About 1.1 characters of 10-point text fit per unit of column width; words wrap whole,
    # so count on a little less (tests/render/fit.py checks the same geometry).
    per_line = int((GRID_WIDTH - 1) * 11 / style.font_size) - 2
    lines = sum(max(1, -(-len(line) // per_line)) for line in str(value or "").split("\n"))
    return plain, lines


def _merge_runs(ws: Worksheet, shown: dict, first_row: int, n_rows: int, n_days: int) -> None:
    """Merge vertically adjacent cells that show the same sessions (a multi-period session)."""
    for c in range(2, n_days + 2):
        r = first_row
        while r < first_row + n_rows:
            end = r
            while (
                end + 1 < first_row + n_rows
                and shown[(r, c)]
                and shown[(end + 1, c)] == shown[(r, c)]
            ):
                end += 1
            if end > r:
                ws.merge_cells(start_row=r, start_column=c, end_row=end, end_column=c)
            r = end + 1


def _grid_sheet_setup(ws: Worksheet, n_days: int, freeze: str = "B1") -> None:
    """Column widths, frozen period column, landscape print one page wide."""
    ws.column_dimensions["A"].width = 14
    for c in range(2, n_days + 2):
        ws.column_dimensions[get_column_letter(c)].width = GRID_WIDTH
    ws.freeze_panes = freeze
    print_setup(ws)


def _legend(ws: Worksheet, n_days: int) -> int:
    """Coloured cells naming the kinds, in rows as wide as the grid; return the next row."""
    set_cell(ws, 1, 1, _("legend")).font = HEADER_FONT
    lines: dict[int, int] = {}
    for i, (kind, words) in enumerate(LEGEND):
        row, col = 1 + i // n_days, 2 + i % n_days
        text = _(words)
        cell = set_cell(ws, row, col, text)
        cell.fill, cell.border, cell.alignment = _fill(kind), BORDER, WRAP_TOP
        lines[row] = max(lines.get(row, 1), -(-len(text) // (GRID_WIDTH - 2)))
    for row, n in lines.items():  # a wrapped legend entry shows whole
        if n > 1:
            ws.row_dimensions[row].height = 15 * n
    return 2 + (len(LEGEND) - 1) // n_days + 1


def _legend_rows(book: _Book) -> int:
    """How many rows the legend takes at the top of a grid sheet."""
    return (len(LEGEND) - 1) // len(book.data.teaching_days) + 1


def _page_break(ws: Worksheet, row: int) -> None:
    ws.row_breaks.append(Break(id=row))


def item_text(it: Item, room: bool = True, staff: bool = True) -> str:
    """An item's line in a grid cell; ``room``/``staff`` say whether to name them (a room's
    own grid does not repeat the room)."""
    where = (f" · {it.room}" if room else "") + (f" · {it.staff}" if staff and it.staff else "")
    if it.kind == "intake":
        return _("intake wk {week}: {learner}", week=it.week, learner=it.learners[0]) + where
    if it.kind == "internet":
        in_use = _n("{n} seat in use", "{n} seats in use", len(it.learners))
        return f"internet{where} · {in_use}"
    online = " · internet" if it.internet else ""
    return f"{it.course_name} ({it.group}){online}{where}"


def _week(book: _Book, wb: Workbook) -> None:
    ws = book.sheet(wb, "Week")
    top = _legend(ws, len(book.data.teaching_days))
    title = _(
        "{prison}: the week (every session, intake and internet period)",
        prison=book.data.settings.prison,
    )
    _grid(book, ws, top, title, book.items, item_text)
    _grid_sheet_setup(ws, len(book.data.teaching_days), freeze=f"B{top + 2}")
    ws.print_title_rows = f"1:{top + 1}"


def _rooms(book: _Book, wb: Workbook) -> None:
    ws = book.sheet(wb, "Rooms")
    row = _legend(ws, len(book.data.teaching_days))
    for room in book.data.rooms:
        items = [it for it in book.items if it.room == room.room]
        blocked = _room_blocked_words(book, room.room)
        seats = _n("{n} seat", "{n} seats", room.seats) + (
            ", " + _("{n} internet", n=room.internet_seats) if room.internet_seats else ""
        )
        title = _(
            "Room {room} — {name} ({kind}, {seats})",
            room=room.room,
            name=room.name,
            kind=code_word(room.kind),
            seats=seats,
        )
        row = _grid(book, ws, row, title, items, partial(item_text, room=False), blocked)
        _page_break(ws, row - 1)
    _grid_sheet_setup(ws, len(book.data.teaching_days))
    ws.print_title_rows = f"1:{_legend_rows(book)}"  # the legend on every printed page


def _room_blocked_words(book: _Book, room_id: str) -> dict[tuple[str, int], str]:
    out = {}
    for day, p in room_blocked_slots(book.data, room_id):
        period = book.data.periods[p]
        reasons = [
            u.reason or _("unavailable")
            for u in book.data.room_unavailability
            if u.room == room_id and u.day == day and u.start < period.end and u.end > period.start
        ]
        out[(day, p)] = _("not available: {reasons}", reasons=", ".join(reasons))
    return out


def _staff(book: _Book, wb: Workbook) -> None:
    ws = book.sheet(wb, "Staff")
    row = _legend(ws, len(book.data.teaching_days))
    for person in book.data.staff:
        items = [it for it in book.items if it.staff == person.staff and it.kind != "internet"]
        title = f"{person.staff} — {person.name} ({code_word(person.role)}"
        title += f", {person.organisation})" if person.organisation else ")"
        blocked = _staff_absent(book, person.staff)
        row = _grid(book, ws, row, title, items, partial(item_text, staff=False), blocked)
        _page_break(ws, row - 1)
    _grid_sheet_setup(ws, len(book.data.teaching_days))
    ws.print_title_rows = f"1:{_legend_rows(book)}"  # the legend on every printed page


def _staff_absent(book: _Book, staff_id: str) -> dict[tuple[str, int], str]:
    """(day, period) slots outside the staff member's days and availability windows."""
    data = book.data
    person = data.staff_by_id[staff_id]
    windows = [a for a in data.staff_availability if a.staff == staff_id]
    out = {}
    for day in data.teaching_days:
        for p, period in enumerate(data.periods):
            on_day = not person.days or day in person.days
            inside = not windows or any(
                a.day == day and a.start <= period.start and period.end <= a.end for a in windows
            )
            if not (on_day and inside):
                out[(day, p)] = _("not on site")
    return out


def _sections(book: _Book, wb: Workbook) -> None:
    """One notice-board page per section: course names, rooms and times, never learner ids."""
    ws = book.sheet(wb, "Sections")
    set_cell(ws, 1, 1, BOARD_TITLE).font = Font(bold=True, size=16)
    row = 3
    settings = book.data.settings
    term = f"{settings.prison}, {settings.term_start} – {settings.term_end}"
    for section in book.data.sections:
        items = [it for it in book.items if section.section in it.sections and it.kind != "intake"]
        # The Arabic word last: right-to-left text followed by ids would be reordered.
        title = f"{section.section} — {section.name}   ({term})   ·   {BOARD_SECTION}"
        row = _grid(
            book, ws, row, title, items, lambda it: _board_text(book, it), None, BOARD_STYLE
        )
        _page_break(ws, row - 1)
    _grid_sheet_setup(ws, len(book.data.teaching_days), freeze="B1")
    ws.print_title_rows = "1:1"


def _board_text(book: _Book, it: Item) -> str:
    start, end = book.period_text(it.first, it.length)
    if it.kind == "internet":
        return f"internet · {it.room} · {start}–{end}"
    text = f"{it.course_name} · {it.room} · {start}–{end}"
    rev = book.revision
    if rev is not None and (it.group, it.day, book.data.periods[it.first].period) in rev.changed:
        return f"{CHANGED_MARK} {text} · changed from {rev.valid_from.isoformat()}"
    return text


def _changes(book: _Book, wb: Workbook) -> None:
    """A re-plan's Changes sheet: one row per change, sorted by kind then id."""
    if book.revision is None:
        return
    ws = _table(book, wb, "Changes", CHANGE_COLUMNS, [list(r) for r in book.revision.changes])
    for col, width in (("A", 16), ("B", 12), ("C", 14), ("D", 30), ("E", 30), ("F", 44)):
        ws.column_dimensions[col].width = width


# --- tables ----------------------------------------------------------------------------------


def _table(
    book: _Book, wb: Workbook, name: str, header: list[str], rows: list[list[Any]]
) -> Worksheet:
    ws = book.sheet(wb, name)
    write_table(ws, header, rows)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    print_setup(ws)
    ws.print_title_rows = "1:1"
    readable(ws)
    return ws


MAX_COLUMN = 42  # a long text column wraps at this width instead of widening the page
PAGE_WIDTH = 150  # width units of an A4 landscape page at 100 %
SQUEEZE = 1.15  # a table up to this much wider than a page is narrowed to fit it
WIDE_COLUMN = 20  # only columns wider than this give up width when a table is narrowed
LINE_POINTS = 15


def _shown_length(value: Any) -> int:
    """Characters a cell shows: a date as yyyy-mm-dd, anything else as its text."""
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def readable(ws: Worksheet) -> None:
    """A table that prints legibly: long text columns wrap at ``MAX_COLUMN`` with row heights
    that show every line, and a table wider than a page prints on several pages across (the
    first column repeated) instead of shrinking to an unreadable scale."""
    widths = {}
    for col in range(1, ws.max_column + 1):
        letter = get_column_letter(col)
        width = min(ws.column_dimensions[letter].width or 10, MAX_COLUMN)
        widths[col] = width
    _narrow_to_page(widths)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, row in enumerate(ws.iter_rows(min_row=2), start=2):
        lines = 1
        for cell in row:
            if cell.value is None:
                continue
            usable = widths[cell.column] - 1
            text = str(cell.value)
            if isinstance(cell.value, dt.date) or _shown_length(cell.value) <= usable:
                continue
            cell.alignment = WRAP_TOP
            need = sum(max(1, -(-len(t) // int(usable))) for t in text.split("\n"))
            lines = max(lines, need)
        if lines > 1:
            ws.row_dimensions[number].height = LINE_POINTS * lines
            for cell in row:  # every cell of a tall row at its top, next to its wrapped text
                if not cell.alignment.wrap_text:
                    cell.alignment = TOP
    total = sum(widths.values())
    if total > PAGE_WIDTH:
        ws.page_setup.fitToWidth = -(-int(total) // PAGE_WIDTH)
        ws.print_title_cols = "A:A"


def _narrow_to_page(widths: dict[int, float]) -> None:
    """A table only a little wider than a page (up to ``SQUEEZE``) fits it: its wide text
    columns give up the excess in proportion and wrap a little more, instead of the last
    column or two printing alone on a second page across."""
    total = sum(widths.values())
    wide = {c: w for c, w in widths.items() if w > WIDE_COLUMN}
    excess = total - PAGE_WIDTH
    spare = sum(w - WIDE_COLUMN for w in wide.values())
    if excess <= 0 or total > PAGE_WIDTH * SQUEEZE or spare < excess:
        return
    for c, w in wide.items():
        widths[c] = w - excess * (w - WIDE_COLUMN) / spare


def _session_times(book: _Book, group_id: str) -> str:
    parts = []
    for s in sessions_by_group(book.solution).get(group_id, []):
        start, end = book.period_text(book.data.period_index[s.period], s.periods)
        parts.append(f"{s.day} {start}–{end} {s.room}")
    return "; ".join(parts)


def _dated_rows(book: _Book, rows: Sequence[Any], attr: str) -> list[tuple[Any, Dates]]:
    """``rows`` of the solution with this timetable's dates, or the revision's rows (history
    included) when the workbook is a re-plan."""
    if book.revision is not None:
        return list(getattr(book.revision, attr))
    return [(r, book.dates()) for r in rows]


def _sessions(book: _Book, wb: Workbook) -> None:
    data, groups = book.data, book.solution.group_by_id()
    rows = []
    for s, dates in _dated_rows(book, book.solution.sessions, "sessions"):
        first = data.period_index[s.period]
        start, end = book.period_text(first, s.periods)
        group = groups.get(s.group)
        course = data.course_by_id.get(s.course)
        minutes = sum(p.minutes for p in data.periods[first : first + s.periods])
        rows.append(
            [s.group, s.course, s.day, s.period, s.periods, start, end, s.room, s.staff,
             group.size if group else 0, "yes" if s.internet else "no", *dates,
             ", ".join(group_sections(data, group)) if group else "",
             course.name if course else s.course, course.kind if course else "",
             round(minutes / 60, 2)]
        )  # fmt: skip
    _table(book, wb, "Sessions", SESSION_COLUMNS + DATED + SESSION_EXTRA, rows)


def _groups(book: _Book, wb: Workbook) -> None:
    rows = []
    for g in book.solution.groups:
        course = book.data.course_by_id.get(g.course)
        rooms = sorted({s.room for s in book.solution.sessions if s.group == g.group})
        rows.append(
            [g.group, g.course, g.staff, g.size, ", ".join(g.members),
             course.name if course else g.course,
             course.level if course else "", course.language if course else "",
             ", ".join(rooms), _session_times(book, g.group),
             book.figures.group_hours.get(g.group, 0.0),
             course.kind if course else "", course.total_hours if course else None]
        )  # fmt: skip
    _table(book, wb, "Groups", GROUP_COLUMNS + GROUP_EXTRA, rows)


def _memberships(book: _Book, wb: Workbook) -> None:
    """Every membership with its dates; a plain solve's run from valid_from, open-ended."""
    if book.revision is not None:
        rows = [[g, m, *dates] for g, m, dates in book.revision.memberships]
    else:
        rows = [[g.group, m, *book.dates()] for g in book.solution.groups for m in g.members]
    _table(book, wb, "Memberships", MEMBERSHIP_COLUMNS, rows)


def _learners(book: _Book, wb: Workbook) -> None:
    data, sol = book.data, book.solution
    got = placed_kinds(data, sol)
    intakes = {i.learner: i for i in sol.intakes}
    reasons: dict[str, list[str]] = {}
    for w in book.waiting:
        reasons.setdefault(w.learner, []).append(f"{w.wants}: {w.reason}")
    rows = []
    for lr in data.learners:
        groups = [g.group for g in sol.groups if lr.learner in g.members]
        bookings = [b for b in sol.internet if b.learner == lr.learner]
        asked = list(lr.wants) + (["intake"] if needs_intake(lr) else [])
        asked += [f"internet {lr.internet_periods}"] if lr.internet_periods else []
        rows.append(
            [lr.learner, lr.section, ", ".join(asked),
             ", ".join(k for k in lr.wants if k in got.get(lr.learner, set())),
             ", ".join(groups), _intake_words(book, intakes.get(lr.learner)), len(bookings),
             "; ".join(reasons.get(lr.learner, [])), ", ".join(lr.languages), lr.nt2_level or "",
             "; ".join(f"{g}: {_session_times(book, g)}" for g in groups),
             "; ".join(f"{b.day} {book.period_text(data.period_index[b.period])[0]} "
                       f"{b.room}" for b in bookings)]
        )  # fmt: skip
    _table(book, wb, "Learners", LEARNER_COLUMNS + LEARNER_EXTRA, rows)


def _intake_words(book: _Book, intake) -> str:
    if intake is None:
        return ""
    date = date_of(book.data, intake.week, intake.day)
    start, _ = book.period_text(book.data.period_index[intake.period], intake.periods)
    return f"{date} {intake.day} {start} {intake.room} {intake.staff} ({intake.language})"


def _intakes(book: _Book, wb: Workbook) -> None:
    rows = []
    for i, dates in _dated_rows(book, book.solution.intakes, "intakes"):
        start, end = book.period_text(book.data.period_index[i.period], i.periods)
        rows.append(
            [i.learner, i.week, i.day, i.period, i.room, i.staff, i.language, *dates,
             date_of(book.data, i.week, i.day), start, end, i.periods]
        )  # fmt: skip
    ws = _table(book, wb, "Intakes", INTAKE_COLUMNS + DATED + INTAKE_EXTRA, rows)
    for r in range(2, len(rows) + 2):
        for c in range(len(INTAKE_COLUMNS) + 1, len(INTAKE_COLUMNS) + len(DATED) + 2):
            ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"


def _internet(book: _Book, wb: Workbook) -> None:
    data, sol = book.data, book.solution
    in_use: dict[tuple[str, str, str], int] = {}
    for b in sol.internet:
        in_use[(b.room, b.day, b.period)] = in_use.get((b.room, b.day, b.period), 0) + 1
    rows = []
    for b, dates in _dated_rows(book, sol.internet, "internet"):
        start, end = book.period_text(data.period_index[b.period])
        room = data.room_by_id.get(b.room)
        rows.append(
            [b.learner, b.day, b.period, b.room, *dates, start, end,
             in_use.get((b.room, b.day, b.period), 0), room.internet_seats if room else 0]
        )  # fmt: skip
    _table(book, wb, "Internet", INTERNET_COLUMNS + DATED + INTERNET_EXTRA, rows)


def _waiting(book: _Book, wb: Workbook) -> None:
    rows = [
        [w.learner, w.wants, w.reason, w.reason_code, w.unblock, w.unblock_check, w.section]
        for w in book.waiting
    ]
    _table(book, wb, "Waiting", WAITING_COLUMNS + WAITING_EXTRA, rows)


def _diagnostics(book: _Book, wb: Workbook) -> None:
    rows = [
        [
            c.rule,
            int(c.violations),
            rule_sentence(c.description),
            "; ".join(str(d) for d in list(c.details)[:20]),
        ]  # fmt: skip
        for c in book.checks or []
    ]
    ws = _table(book, wb, "Diagnostics", DIAGNOSTICS_COLUMNS, rows)
    bad = PatternFill("solid", fgColor="F4CCCC")
    good = PatternFill("solid", fgColor="D9EAD3")
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=2).fill = bad if rows[r - 2][1] else good


def _term(book: _Book, wb: Workbook) -> None:
    """Term facts side by side, so that later commands need only this workbook."""
    data = book.data
    s = data.settings
    ws = book.sheet(wb, "Term")
    for c, name in enumerate(TERM_COLUMNS, start=1):
        if name:
            cell = set_cell(ws, 1, c, name)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    facts = [
        ("prison", s.prison), ("term_start", s.term_start), ("term_end", s.term_end),
        ("teaching_days", ",".join(data.teaching_days)), ("weeks", n_weeks(data)),
        ("intake_weeks", s.intake_weeks), ("intake_periods", s.intake_periods),
        ("time_zone", "Europe/Brussels"), ("valid_from", book.valid_from),
        ("generator", GENERATOR), ("language", getattr(s, "language", "nl")),
        ("completion_share", s.completion_share),
        ("digest", _digest(wb)),
    ]  # fmt: skip
    _column_block(ws, 1, facts)
    closed = [
        (c.date, c.reason, ",".join(c.sections))
        for c in sorted(data.closed_days, key=lambda c: c.date)
    ]
    _column_block(ws, 4, closed)
    _column_block(ws, 8, [(p.period, fmt_time(p.start), fmt_time(p.end)) for p in data.periods])
    _column_block(
        ws,
        12,
        [(d, weekday(d), week_of(data, d), _closed_words(data, d)) for d in term_dates(data)],
    )
    widths = {"A": 19, "B": 22, "D": 12, "E": 14, "F": 16, "L": 12, "M": 6, "N": 6, "O": 14}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    print_setup(ws)


def _digest(wb: Workbook) -> str:
    """SHA-256 of the machine-readable sheets as written (see report/identity.py)."""
    sheets = [(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets]
    return digest((name, rows) for name, rows in sheets if name in DIGEST_SHEETS)


def _column_block(ws: Worksheet, col: int, rows: list[tuple]) -> None:
    """Rows of values from column ``col`` down from row 2; dates shown as dates."""
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=col):
            cell = set_cell(ws, r, c, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"


def _closed_words(data: ProblemData, date) -> str:
    """``all`` when the prison is closed, else the closed sections, else empty."""
    if closed_for(data, date):
        return "all"
    return ",".join(sorted({s for c in data.closed_days if c.date == date for s in c.sections}))


# --- overview --------------------------------------------------------------------------------


def _overview(book: _Book, wb: Workbook) -> None:
    ws = book.sheet(wb, "Overview")
    data, res = book.data, book.result
    s = data.settings
    title = _(
        "{prison}: timetable {start} – {end}", prison=s.prison, start=s.term_start, end=s.term_end
    )
    set_cell(ws, 1, 1, title).font = TITLE_FONT
    for c, name in enumerate((_("figure"), _("value"), _("of asked")), start=1):
        cell = set_cell(ws, 2, c, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    first_found = res.first_solution_time
    solve = [
        (N_("status"), _(str(res.status))), (N_("objective"), res.objective),
        (N_("bound"), res.bound),
        (N_("gap"), res.gap), (N_("solve time (s)"), round(res.wall_time, 2)),
        (N_("first timetable found after (s)"),
         round(first_found, 2) if first_found is not None else None),
    ]  # fmt: skip
    row = 3
    if book.revision is not None:
        title = _("Re-plan from {date}", date=book.revision.valid_from.isoformat())
        counts = [(_(label), n) for label, n in book.revision.counts]  # marked in replan/changes
        row = _overview_block(ws, row, title, counts)
    first = row
    row = _overview_block(ws, row, _("Solve"), [(_(label), v) for label, v in solve])
    ws.cell(
        row=first + 1 + [label for label, _v in solve].index("gap"), column=2
    ).number_format = "0.00%"
    for title, pairs in book.figures.blocks():
        row = _overview_block(ws, row, figure_words(title), pairs, figure_words)
    _overview_warnings(book, ws, row)
    ws.column_dimensions["A"].width = 56
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 14
    ws.freeze_panes = "A3"
    _section_chart(book, ws)
    print_setup(ws, landscape=False)


# The solve statuses a written timetable can have (SolveStatus), and the room kinds and staff
# roles the grid titles name, for the catalogues: the codes are English's words for them.
_STATUS_WORDS = (N_("optimal"), N_("feasible"))
_CODE_WORDS = (
    N_("classroom"),
    N_("computer_lab"),
    N_("interview"),
    N_("nt2_teacher"),
    N_("mo_trainer"),
    N_("counsellor"),
)


def code_word(code: str) -> str:
    """A room kind or staff role as the coordinator reads it (``_("")`` would be the header)."""
    return _(code) if code else code


def _overview_warnings(book: _Book, ws: Worksheet, row: int) -> None:
    """The warnings that matter (scheduler.report.warnings), each across columns A:C."""
    from scheduler.report.warnings import coordinator_warnings

    found = coordinator_warnings(book.data, book.solution, book.waiting)
    cell = set_cell(ws, row, 1, _("Warnings (legal, but check)"))
    cell.font = Font(bold=True, color="C00000" if found else "1F4E79")
    texts = [w.message for w in found] or [_("none")]
    for r, text in enumerate(texts, start=row + 1):
        set_cell(ws, r, 1, text).alignment = WRAP_TOP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(text) // 66))


def _overview_block(ws: Worksheet, row: int, title: str, pairs, words=None) -> int:
    """A titled block of (label, value) rows, each label shown through ``words`` when given
    (the figures' labels are English keys); a count placed, held or booked right after its
    count asked gets its share of it in column C."""
    cell = set_cell(ws, row, 1, title)
    cell.font = Font(bold=True, color="1F4E79")
    previous: tuple[str, Any] = ("", None)
    for r, (label, value) in enumerate(pairs, start=row + 1):
        set_cell(ws, r, 1, words(label) if words else label)
        set_cell(ws, r, 2, value)
        asked_label, asked = previous
        if label.endswith((" placed", " held", " booked")) and asked_label.endswith(" asked"):
            if asked:
                set_cell(ws, r, 3, value / asked).number_format = "0%"
        previous = (label, value)
    return row + len(pairs) + 2


def _section_chart(book: _Book, ws: Worksheet) -> None:
    """A small table of asked/placed per section at D:F and a native bar chart beside it."""
    head = [_("section"), _("asked"), _("placed")]
    for c, name in enumerate(head, start=4):
        cell = set_cell(ws, 2, c, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    sections = list(book.figures.by_section.items())
    for r, (section, (asked, placed)) in enumerate(sections, start=3):
        set_cell(ws, r, 4, section)
        set_cell(ws, r, 5, asked)
        set_cell(ws, r, 6, placed)
    for col in "DEF":
        ws.column_dimensions[col].width = 10
    if not sections:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = _("Learner-courses placed vs asked, per section")
    chart.y_axis.title = _("learner-courses")
    chart.x_axis.title = _("section")
    last = 2 + len(sections)
    chart.add_data(
        Reference(ws, min_col=5, max_col=6, min_row=2, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=4, min_row=3, max_row=last))
    chart.height, chart.width = 7.5, 11
    ws.add_chart(chart, f"D{last + 2}")  # under the table, inside the printed width
