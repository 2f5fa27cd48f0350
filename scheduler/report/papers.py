"""Papers for the prison floor, from a timetable workbook: guards' movement lists and learners'
call-up slips (``scheduler papers TIMETABLE.xlsx`` -> ``exports/<stem>-papers.xlsx``).

- **Movements**, per wing (section) and period of the week: which learners leave the wing for
  which room, for which session, group or intake, and how they are escorted (together with the
  rest of their group from that wing, or alone for an intake or an internet period). Learner
  ids only: the list is for staff. Intakes happen in one week of the term, so their week is
  shown; sessions and internet periods are weekly.
- **Slips**, one per learner with anything in the timetable: their times, rooms and what each
  is, in their own language (the first of their languages among nl, fr, en and ar; others get
  Dutch and English side by side), so that the slip can be handed to them.

The timetable is read through ``scheduler.report.read`` (the solution in force on its
``valid_from``); each learner's section and languages come from its Learners sheet. Both
sheets print on A4 portrait (``scheduler.excel.print_setup``) with a page break between wings
and no slip split over two pages. Headings are in the language of ``scheduler.i18n``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.data import DAYS, fmt_time
from scheduler.errors import SchedulerError
from scheduler.excel import (
    HEADER_FILL,
    HEADER_FONT,
    empty_workbook,
    print_setup,
    save_atomic,
    set_cell,
)
from scheduler.i18n import N_, _, in_language
from scheduler.report.read import Timetable, read_timetable
from scheduler.workbook.cells import as_text, is_blank, norm, parse_languages
from scheduler.workbook.read import load_sheets

SLIP_LANGUAGES = ("nl", "fr", "en", "ar")
FALLBACK = ("nl", "en")  # a learner speaking none of SLIP_LANGUAGES gets both
ROWS_PER_PAGE = 46  # portrait A4 rows of the default height: no slip crosses a page
WRAP = Alignment(wrap_text=True, vertical="top")
RTL = Alignment(wrap_text=True, vertical="top", horizontal="right", readingOrder=2)
TITLE = Font(bold=True, size=13)
CUT = Border(top=Side(style="dashDot", color="808080"))


@dataclass(frozen=True)
class Move:
    """One learner's trip in a week: from their wing to a room in a period."""

    learner: str
    section: str
    day: str
    first: int  # period index
    periods: int
    room: str
    what: str  # "NT2 1.1 (NT2-1.1-1)", "intake", "internet"
    escort: str  # the group id, or "" when the learner goes alone
    week: int | None = None  # an intake's week of the term; None: every week


@dataclass(frozen=True)
class LearnerFacts:
    section: str
    languages: tuple[str, ...]


def learner_facts(timetable: Timetable) -> dict[str, LearnerFacts]:
    """Section and languages of each learner, from the timetable's Learners sheet."""
    sheet = next(
        (s for s in load_sheets(timetable.path) if norm(s.title) == "learners"),
        None,
    )
    if sheet is None:
        raise SchedulerError(
            f"{timetable.path.name} has no Learners sheet; give a timetable written by "
            "scheduler solve"
        )
    columns = {norm(as_text(c)): i for i, c in enumerate(sheet.header) if not is_blank(c)}
    if "learner" not in columns or "section" not in columns:
        raise SchedulerError(
            f"{timetable.path.name}: the Learners sheet needs the columns learner and section"
        )
    out = {}
    for _row, values in sheet.rows:

        def cell(name: str, values: tuple = values) -> str:
            i = columns.get(name)
            value = values[i] if i is not None and i < len(values) else None
            return "" if is_blank(value) else as_text(value)

        languages = cell("languages")
        try:
            spoken = parse_languages(languages) if languages else ()
        except ValueError:
            spoken = ()
        out[cell("learner")] = LearnerFacts(cell("section"), spoken)
    return out


def moves(timetable: Timetable, facts: dict[str, LearnerFacts]) -> list[Move]:
    """Every trip of the week (and each intake), sorted by wing, day, period and room."""
    sol = timetable.solution
    index = {p.period: i for i, p in enumerate(timetable.term.periods)}
    names = {row.session.group: row.course_name for row in timetable.sessions}
    members = {g.group: g.members for g in sol.groups}
    out: list[Move] = []
    for s in sol.sessions:
        what = f"{names.get(s.group) or s.course} ({s.group})"
        for learner in members.get(s.group, ()):
            section = facts.get(learner, LearnerFacts("", ())).section
            out.append(
                Move(learner, section, s.day, index[s.period], s.periods, s.room, what, s.group)
            )
    for i in sol.intakes:
        section = facts.get(i.learner, LearnerFacts("", ())).section
        out.append(
            Move(
                i.learner, section, i.day, index[i.period], i.periods, i.room, "intake", "", i.week
            )
        )
    for b in sol.internet:
        section = facts.get(b.learner, LearnerFacts("", ())).section
        out.append(Move(b.learner, section, b.day, index[b.period], 1, b.room, "internet", ""))
    return sorted(out, key=lambda m: (m.section, DAYS.index(m.day), m.first, m.room, m.learner))


def _times(timetable: Timetable, first: int, periods: int) -> tuple[str, str]:
    ps = timetable.term.periods
    return fmt_time(ps[first].start), fmt_time(ps[first + periods - 1].end)


def _what(move: Move, lang: str | None = None) -> str:
    """What a trip is for, in ``lang`` (the current language when None)."""
    word = {"intake": N_("intake interview"), "internet": N_("internet")}.get(move.what)
    if word is None:
        return move.what
    return _(word) if lang is None else in_language(lang, word)


# --- movement lists ---------------------------------------------------------------------------

MOVE_HEADINGS = (
    N_("day"),
    N_("period"),
    N_("leaves at"),
    N_("to room"),
    N_("learners"),
    N_("count"),
    N_("for"),
    N_("escorted"),
    N_("week"),
)
MOVE_WIDTHS = (10, 8, 9, 9, 44, 7, 30, 22, 8)


def _movement_rows(timetable: Timetable, trips: list[Move]) -> dict[str, list[tuple]]:
    """wing -> rows: one per (day, period, room, what) with the learners moving together."""
    together: dict[tuple, list[str]] = defaultdict(list)
    for m in trips:
        together[(m.section, DAYS.index(m.day), m.first, m.room, m.what, m.escort, m.week)].append(
            m.learner
        )
    out: dict[str, list[tuple]] = defaultdict(list)
    for (section, day, first, room, what, escort, week), learners in together.items():
        move = Move("", section, DAYS[day], first, 1, room, what, escort, week)
        start, _end = _times(timetable, first, 1)
        period = timetable.term.periods[first].period
        escorted = _("with group {group}", group=escort) if escort else _("alone, escorted")
        out[section].append(
            (
                DAYS[day],
                period,
                start,
                room,
                ", ".join(sorted(learners)),
                len(learners),
                _what(move),
                escorted,
                week if week is not None else _("every"),
            )
        )
    return out


def _header(ws: Worksheet, row: int, headings: Sequence[str]) -> None:
    for c, name in enumerate(headings, start=1):
        cell = set_cell(ws, row, c, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL


def write_movements(ws: Worksheet, timetable: Timetable, trips: list[Move]) -> None:
    """Per wing a titled table of who leaves when for where; a page per wing."""
    for c, (width, heading) in enumerate(zip(MOVE_WIDTHS, MOVE_HEADINGS, strict=True), start=1):
        ws.column_dimensions[chr(64 + c)].width = max(width, len(_(heading)) + 2)
    rows = _movement_rows(timetable, trips)
    r = 1
    for n, section in enumerate(sorted(rows)):
        if n:
            ws.row_breaks.append(Break(id=r - 1))
        title = _(
            "{prison}: movements from wing {section} (valid from {date})",
            prison=timetable.term.prison,
            section=section or "?",
            date=timetable.term.valid_from,
        )
        set_cell(ws, r, 1, title).font = TITLE
        _header(ws, r + 1, [_(h) for h in MOVE_HEADINGS])
        r += 2
        for values in rows[section]:
            for c, value in enumerate(values, start=1):
                set_cell(ws, r, c, value).alignment = WRAP
            lines = max(
                -(-len(str(v)) // int(ws.column_dimensions[chr(64 + c)].width - 2))
                for c, v in enumerate(values, start=1)
            )
            ws.row_dimensions[r].height = 15 * max(1, lines)
            r += 1
        r += 1
    print_setup(ws, landscape=False)


# --- call-up slips ----------------------------------------------------------------------------

# i18n: slip
SLIP_TITLE = N_("Call-up for lessons")
# i18n: slip
SLIP_LEARNER = N_("Learner {learner} · wing {section}")
# i18n: slip
SLIP_NOTE = N_("Be ready 10 minutes before the time; a guard takes you to the room.")
SLIP_HEAD = (
    # i18n: slip
    N_("day"),
    # i18n: slip
    N_("time"),
    # i18n: slip
    N_("room"),
    # i18n: slip
    N_("lesson"),
)
# i18n: slip
SLIP_WEEK = N_("week {week} only")
# i18n: slip
SLIP_INTAKE = N_("intake interview")
# i18n: slip
SLIP_INTERNET = N_("internet")
SLIP_DAYS = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}


def slip_languages(spoken: Sequence[str]) -> tuple[str, ...]:
    """The learner's first language among SLIP_LANGUAGES, else Dutch and English."""
    first = next((code for code in spoken if code in SLIP_LANGUAGES), None)
    return (first,) if first else FALLBACK


def _in(langs: Sequence[str], msgid: str, **params: object) -> str:
    """``msgid`` in each of ``langs``, joined with `` / ``."""
    return " / ".join(dict.fromkeys(in_language(lang, msgid, **params) for lang in langs))


def _slip_what(move: Move, langs: Sequence[str]) -> str:
    word = {"intake": SLIP_INTAKE, "internet": SLIP_INTERNET}.get(move.what)
    text = move.what if word is None else _in(langs, word)
    if move.week is not None:
        text += " (" + _in(langs, SLIP_WEEK, week=move.week) + ")"
    return text


def slip_rows(
    timetable: Timetable, learner: str, facts: LearnerFacts, trips: list[Move]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(languages, rows) of one slip: title, learner, note, heading, one row per trip."""
    langs = slip_languages(facts.languages)
    rows: list[tuple[str, ...]] = [
        (_in(langs, SLIP_TITLE),),
        (_in(langs, SLIP_LEARNER, learner=learner, section=facts.section),),
        tuple(_in(langs, h) for h in SLIP_HEAD),
    ]
    for m in trips:
        start, end = _times(timetable, m.first, m.periods)
        day = " / ".join(SLIP_DAYS[lang][DAYS.index(m.day)] for lang in langs)
        rows.append((day, f"{start}–{end}", m.room, _slip_what(m, langs)))
    rows.append((_in(langs, SLIP_NOTE),))
    return langs, rows


SLIP_WIDTHS = (26, 14, 15, 40)


def _slip_lines(values: tuple[str, ...], title: bool) -> int:
    """Lines a slip row needs: a single text across the four columns, else per column."""
    widths = (sum(SLIP_WIDTHS),) if len(values) == 1 else SLIP_WIDTHS
    scale = 13 / 11 if title else 1.0
    return max(
        sum(max(1, -(-int(len(t) * scale) // int(w - 2))) for t in str(v).split("\n"))
        for v, w in zip(values, widths, strict=False)
    )


def write_slips(
    ws: Worksheet, timetable: Timetable, facts: dict[str, LearnerFacts], trips: list[Move]
) -> None:
    """One slip per learner with a trip, separated by a cutting line, none split over pages."""
    for c, width in enumerate(SLIP_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + c)].width = width
    by_learner: dict[str, list[Move]] = defaultdict(list)
    for m in sorted(trips, key=lambda m: (DAYS.index(m.day), m.first, m.week or 0)):
        by_learner[m.learner].append(m)
    r, page_used = 1, 0
    for learner in sorted(by_learner):
        langs, rows = slip_rows(
            timetable, learner, facts.get(learner, LearnerFacts("", ())), by_learner[learner]
        )
        if page_used and page_used + len(rows) + 1 > ROWS_PER_PAGE:
            ws.row_breaks.append(Break(id=r - 1))
            page_used = 0
        align = RTL if langs == ("ar",) else WRAP
        for i, values in enumerate(rows):
            for c, value in enumerate(values, start=1):
                cell = set_cell(ws, r, c, value)
                cell.alignment = align
                if i == 0:
                    cell.font = TITLE
                if i == 2:
                    cell.font = HEADER_FONT
                    cell.fill = HEADER_FILL
            if len(values) == 1:
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
            lines = _slip_lines(values, i == 0)
            if lines > 1:
                ws.row_dimensions[r].height = 15 * lines
            if i == 0:
                for c in range(1, 5):
                    ws.cell(row=r, column=c).border = CUT
            r += 1
        page_used += len(rows) + 1
        r += 1
    print_setup(ws, landscape=False)


def build_papers(timetable: Timetable) -> Workbook:
    """The papers workbook of ``timetable`` in memory."""
    facts = learner_facts(timetable)
    trips = moves(timetable, facts)
    wb = empty_workbook()
    write_movements(wb.create_sheet(_("Movements")), timetable, trips)
    write_slips(wb.create_sheet(_("Call-up slips")), timetable, facts, trips)
    return wb


def write_papers(timetable_path: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Read the timetable at ``timetable_path`` and write its papers to ``out`` atomically."""
    return save_atomic(build_papers(read_timetable(timetable_path)), out)
