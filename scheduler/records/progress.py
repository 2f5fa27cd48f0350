"""Hours attended so far, from the records database, for the timetable's Overview.

``progress(engine, data)`` reads the ``P`` codes recorded for the term of ``data`` (same prison
and term start) and, per learner and course, the hours attended up to the last recorded session
date. At that pace (hours per week so far) it projects the hours a learner will have by the day
before their release (or the term end) and says whether that reaches ``completion_share`` x the
course's ``total_hours``. ``write_block(ws, progress, col)`` puts the result on a sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.engine import Engine

from scheduler.data import ProblemData
from scheduler.errors import SchedulerError
from scheduler.excel import HEADER_FILL, HEADER_FONT, set_cell
from scheduler.records import schema as t
from scheduler.records.plan import DEFAULT_COMPLETION_SHARE

EPSILON = 1e-6
HEADER = [
    "learner",
    "course",
    "hours attended",
    "hours needed",
    "by release at this pace",
    "completes",
]


@dataclass(frozen=True)
class LearnerProgress:
    learner: str
    course: str
    hours: float
    needed: float
    projected: float

    @property
    def on_pace(self) -> bool:
        return self.projected + EPSILON >= self.needed


@dataclass(frozen=True)
class Progress:
    """Hours attended per learner and course up to ``recorded_to`` (None: nothing recorded)."""

    recorded_to: dt.date | None
    rows: tuple[LearnerProgress, ...]

    def summary(self) -> list[tuple[str, object]]:
        on_pace = sum(r.on_pace for r in self.rows)
        return [
            ("recorded up to", self.recorded_to.isoformat() if self.recorded_to else "nothing yet"),
            ("learner-courses with hours attended", len(self.rows)),
            ("hours attended, all learners", round(sum(r.hours for r in self.rows), 2)),
            ("complete before release at their pace", f"{on_pace} of {len(self.rows)}"),
        ]


@dataclass(frozen=True)
class Mark:
    """One attendance code recorded for a learner at a session of a group."""

    learner: str
    group: str
    course: str
    date: dt.date
    hours: float
    code: str


@dataclass(frozen=True)
class Recorded:
    """What the database holds of one term: whether it knows the term at all, the sessions
    recorded per group (date, hours, held) and every attendance code, each before a date."""

    found: bool
    sessions: dict[str, list[tuple[dt.date, float, bool]]]
    marks: tuple[Mark, ...]
    other_terms: tuple[str, ...]  # "prison from YYYY-MM-DD" of the terms the database holds

    @property
    def recorded_to(self) -> dt.date | None:
        dates = [d for rows in self.sessions.values() for d, _, _ in rows]
        return max(dates) if dates else None


def read_recorded(engine: Engine, data: ProblemData, before: dt.date | None = None) -> Recorded:
    """The sessions and attendance codes recorded for ``data``'s term (same prison and term
    start), those dated before ``before`` when given; SchedulerError when the database holds
    pseudonyms (the timetable's ids cannot be matched to them). The one reader of attendance
    for a term: ``solve --db`` (``progress``) and ``replan --db`` use it."""
    s = data.settings
    with engine.connect() as conn:
        ids = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == "learner_ids")).scalar()
        if ids is not None and ids != "plain":
            raise SchedulerError(
                "the records database holds pseudonymised learner ids, which cannot be matched "
                "to the term's learners; give a database recorded without --pseudonymise"
            )
        terms = conn.execute(
            sa.select(t.terms.c.term_id, t.prisons.c.name, t.terms.c.term_start).join(
                t.prisons, t.prisons.c.prison_id == t.terms.c.prison_id
            )
        ).all()
        term = next(
            (
                r.term_id
                for r in terms
                if r.name == s.prison and _date(r.term_start) == s.term_start
            ),
            None,
        )
        others = tuple(sorted(f"{r.name} from {_date(r.term_start).isoformat()}" for r in terms))
        if term is None:
            return Recorded(False, {}, (), others)
        when = [t.groups.c.term_id == term]
        if before is not None:
            when.append(t.sessions.c.date < before)
        in_term = t.sessions.join(t.groups, t.groups.c.group_id == t.sessions.c.group_id)
        sessions: dict[str, list[tuple[dt.date, float, bool]]] = {}
        for row in conn.execute(
            sa.select(
                t.groups.c.group_code, t.sessions.c.date, t.sessions.c.hours, t.sessions.c.held
            )
            .select_from(in_term)
            .where(*when)
            .order_by(t.groups.c.group_code, t.sessions.c.date, t.sessions.c.start)
        ):
            sessions.setdefault(row[0], []).append((_date(row[1]), float(row[2]), bool(row[3])))
        marks = tuple(
            Mark(r[0], r[1], r[2], _date(r[3]), float(r[4]), r[5])
            for r in conn.execute(
                sa.select(
                    t.learners.c.learner,
                    t.groups.c.group_code,
                    t.groups.c.course,
                    t.sessions.c.date,
                    t.sessions.c.hours,
                    t.attendance.c.code,
                )  # fmt: skip
                .select_from(
                    t.attendance.join(
                        t.sessions, t.sessions.c.session_id == t.attendance.c.session_id
                    )
                    .join(t.groups, t.groups.c.group_id == t.sessions.c.group_id)
                    .join(t.learners, t.learners.c.learner_id == t.attendance.c.learner_id)
                )
                .where(*when)
            )
        )
    return Recorded(True, sessions, marks, others)


def _date(value) -> dt.date:
    """A DATE column's value (SQLite may hand back the stored text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def progress(engine: Engine, data: ProblemData) -> Progress:
    """The progress of the learners of ``data``'s term; SchedulerError when the database holds
    pseudonyms (the timetable's ids cannot be matched to them)."""
    recorded = read_recorded(engine, data)
    hours: dict[tuple[str, str], float] = {}
    for m in recorded.marks:
        if m.code == "P":
            hours[(m.learner, m.course)] = hours.get((m.learner, m.course), 0.0) + m.hours
    rows = [(learner, course, h) for (learner, course), h in hours.items()]
    return Progress(recorded.recorded_to, tuple(_projected(data, rows, recorded.recorded_to)))


def _projected(data: ProblemData, rows, recorded_to: dt.date | None) -> list[LearnerProgress]:
    s = data.settings
    share = getattr(s, "completion_share", DEFAULT_COMPLETION_SHARE)
    out = []
    for learner_id, course_id, hours in sorted(rows):
        course = data.course_by_id.get(course_id)
        learner = data.learner_by_id.get(learner_id)
        if course is None or learner is None or recorded_to is None:
            continue  # not in this term's workbook any more: nothing to project
        deadline = s.term_end
        if learner.release is not None:
            deadline = min(deadline, learner.release - dt.timedelta(days=1))
        weeks_done = ((recorded_to - s.term_start).days + 1) / 7
        weeks_left = max(0, (deadline - recorded_to).days) / 7
        pace = hours / weeks_done if weeks_done > 0 else 0.0
        out.append(
            LearnerProgress(
                learner_id, course_id, round(float(hours), 2), round(share * course.total_hours, 2),
                round(float(hours) + pace * weeks_left, 2),
            )
        )  # fmt: skip
    return out


def write_block(ws: Worksheet, prog: Progress, col: int) -> None:
    """The attendance block on ``ws`` from column ``col``: a title, the summary, then one row
    per learner and course."""
    title = set_cell(ws, 2, col, "Attendance so far (from the records database)")
    title.font = Font(bold=True, color="1F4E79")
    for r, (label, value) in enumerate(prog.summary(), start=3):
        set_cell(ws, r, col, label)
        set_cell(ws, r, col + 2, value)
    top = 3 + len(prog.summary()) + 1
    for c, name in enumerate(HEADER, start=col):
        cell = set_cell(ws, top, c, name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for r, row in enumerate(prog.rows, start=top + 1):
        values = (row.learner, row.course, row.hours, row.needed, row.projected,
                  "yes" if row.on_pace else "no")  # fmt: skip
        for c, value in enumerate(values, start=col):
            set_cell(ws, r, c, value)
    for offset, width in enumerate((12, 12, 14, 13, 22, 11)):
        ws.column_dimensions[get_column_letter(col + offset)].width = width
