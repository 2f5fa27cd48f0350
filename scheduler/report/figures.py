"""Key figures of a finished timetable, computed from the data and the solution alone.

No solver is involved: the Overview sheet, the scenario comparison and the integration agency's
figures all come from ``key_figures(data, solution)``. Hours follow the real calendar of
``scheduler.term``: a group meets on the term's teaching dates of its session days, except dates
closed for the whole prison or for a section one of its members lives in (such a closure cancels
the whole session). A learner gets the sessions between ``max(term_start, arrival)`` and the day
before release.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from scheduler.data import COURSE_KINDS, ProblemData
from scheduler.i18n import N_, _
from scheduler.rules import needs_intake
from scheduler.solution import Group, Session, Solution
from scheduler.term import closed_for, learner_window, session_hours, term_dates, weekday


class HasReasonCode(Protocol):
    """A Waiting row as the figures see it (``scheduler.report.reasons.WaitingRow``)."""

    @property
    def reason_code(self) -> str: ...


# Reason codes of the Waiting sheet, in the order the Overview lists them.
REASON_CODES: tuple[str, ...] = (
    "no_group_at_level",
    "no_common_time",
    "capacity",
    "released_before_completion",
    "separation",
    "needs_intake",
    "other",
)


def group_sections(data: ProblemData, group: Group) -> tuple[str, ...]:
    """The sections the group's members live in, sorted."""
    return tuple(
        sorted({data.learner_by_id[m].section for m in group.members if m in data.learner_by_id})
    )


def session_dates(
    data: ProblemData,
    session: Session,
    sections: Iterable[str],
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> list[dt.date]:
    """Real dates of a weekly session between ``first`` and ``last``: its weekday's term dates
    that are not closed for the prison or any of ``sections``."""
    secs = tuple(sections)
    return [
        d
        for d in term_dates(data)
        if weekday(d) == session.day
        and (first is None or d >= first)
        and (last is None or d <= last)
        and not closed_for(data, d, secs)
    ]


def _hours_of(data: ProblemData, session: Session) -> float:
    first = data.period_index.get(session.period)
    return 0.0 if first is None else session_hours(data, first, session.periods)


def group_hours(
    data: ProblemData, group: Group, sessions: Iterable[Session], learner: str | None = None
) -> float:
    """Clock hours ``group`` delivers over the term; with ``learner``, only inside that
    learner's stay (arrival to the day before release)."""
    secs = group_sections(data, group)
    first = last = None
    if learner is not None:
        first, last = learner_window(data, learner)
    return sum(
        _hours_of(data, s) * len(session_dates(data, s, secs, first, last))
        for s in sessions
        if s.group == group.group
    )


def sessions_by_group(solution: Solution) -> dict[str, list[Session]]:
    """group id -> its weekly sessions."""
    out: dict[str, list[Session]] = {}
    for s in solution.sessions:
        out.setdefault(s.group, []).append(s)
    return out


def course_kind(data: ProblemData, course_id: str) -> str | None:
    """NT2 or MO; None for an unknown course."""
    course = data.course_by_id.get(course_id)
    return course.kind if course else None


def meets(data: ProblemData, group: Group, sessions: Iterable[Session]) -> bool:
    """Whether ``group`` meets on at least one date of the term (every date of its sessions
    may be closed for the prison or for a member's section)."""
    secs = group_sections(data, group)
    return any(session_dates(data, s, secs) for s in sessions if s.group == group.group)


def placed_kinds(data: ProblemData, solution: Solution) -> dict[str, set[str]]:
    """learner -> course kinds they have a group place in. A group that meets on no date of
    the term places nobody (issue 12, item 10: "17 of 38 placed" with 0 hours)."""
    out: dict[str, set[str]] = {}
    by_group = sessions_by_group(solution)
    for g in solution.groups:
        kind = course_kind(data, g.course)
        if not meets(data, g, by_group.get(g.group, ())):
            continue
        for m in g.members:
            if kind:
                out.setdefault(m, set()).add(kind)
    return out


@dataclass(frozen=True)
class AgencyFigures:
    """What the integration agency asks per language: reached, placed, expected hours."""

    reached: int  # learners whose intake is held
    placed: int  # learners placed in at least one group
    hours: float  # hours the placed learners get before release, summed


@dataclass(frozen=True)
class KeyFigures:
    """Figures of one timetable. ``rows()`` gives stable (label, value) pairs."""

    asked: dict[str, int]  # course kind -> learner-courses asked
    placed: dict[str, int]  # course kind -> learner-courses placed
    intakes_asked: int
    intakes_held: int
    internet_asked: int  # internet periods per week asked
    internet_booked: int
    by_section: dict[str, tuple[int, int]]  # section -> (asked, placed) learner-courses
    by_language: dict[str, tuple[int, int]]  # first language -> (asked, placed)
    group_hours: dict[str, float]
    course_hours: dict[str, float]
    hours_per_placed_learner: float
    can_complete: int  # placed learner-courses that get total_hours before release
    cannot_complete: int
    room_use: dict[str, float]  # room -> % of its available periods used per week
    classroom_use: float
    lab_use: float
    interview_use: float
    staff_periods: dict[str, int]  # staff -> periods per week (counsellors: busiest week)
    agency: dict[str, AgencyFigures]
    waiting: dict[str, int] = field(default_factory=dict)  # reason_code -> rows

    def blocks(self) -> list[tuple[str, list[tuple[str, float | int]]]]:
        """The figures in titled blocks, as the Overview sheet shows them."""
        placement: list[tuple[str, float | int]] = []
        for kind in COURSE_KINDS:
            placement += [
                (f"{kind} asked", self.asked[kind]),
                (f"{kind} placed", self.placed[kind]),
            ]
        placement += [
            ("intakes asked", self.intakes_asked),
            ("intakes held", self.intakes_held),
            ("internet periods asked", self.internet_asked),
            ("internet periods booked", self.internet_booked),
        ]
        return [
            ("Placed out of asked (learner-courses)", placement),
            ("Per section", _pairs("section", self.by_section)),
            ("Per first language", _pairs("language", self.by_language)),
            ("Hours delivered over the term", self._hours_rows()),
            ("Rooms and staff", self._use_rows()),
            ("Integration agency, per first language", self._agency_rows()),
            (
                "Waiting, by reason",
                [(f"waiting {c}", self.waiting.get(c, 0)) for c in REASON_CODES],
            ),
        ]

    def rows(self) -> list[tuple[str, float | int]]:
        """Every figure as a (label, value) pair; labels are stable across scenarios."""
        return [pair for _title, pairs in self.blocks() for pair in pairs]

    def _hours_rows(self) -> list[tuple[str, float | int]]:
        rows: list[tuple[str, float | int]] = [
            (f"hours course {c}", h) for c, h in self.course_hours.items()
        ]
        rows += [(f"hours group {g}", h) for g, h in self.group_hours.items()]
        rows += [
            ("hours per placed learner (average)", self.hours_per_placed_learner),
            ("placed learner-courses completing before release", self.can_complete),
            ("placed learner-courses not completing before release", self.cannot_complete),
        ]
        return rows

    def _use_rows(self) -> list[tuple[str, float | int]]:
        rows: list[tuple[str, float | int]] = [
            ("classroom use %", self.classroom_use),
            ("computer lab use %", self.lab_use),
            ("interview room use % (intake weeks)", self.interview_use),
        ]
        rows += [(f"room use % {r}", u) for r, u in self.room_use.items()]
        rows += [(f"staff periods/week {s}", n) for s, n in self.staff_periods.items()]
        return rows

    def _agency_rows(self) -> list[tuple[str, float | int]]:
        rows: list[tuple[str, float | int]] = []
        for lang, a in self.agency.items():
            rows += [
                (f"agency {lang} reached (intake held)", a.reached),
                (f"agency {lang} placed", a.placed),
                (f"agency {lang} expected hours", a.hours),
            ]
        return rows


# Labels are keys (the comparison lines scenarios up by them); these are their words, shown
# where a person reads them (the Overview sheet). Fixed labels and block titles first, then
# labels around one id, ``{x}``, the most specific first.
_FIXED = frozenset(
    (
        N_("intakes asked"),
        N_("intakes held"),
        N_("internet periods asked"),
        N_("internet periods booked"),
        N_("hours per placed learner (average)"),
        N_("placed learner-courses completing before release"),
        N_("placed learner-courses not completing before release"),
        N_("classroom use %"),
        N_("computer lab use %"),
        N_("interview room use % (intake weeks)"),
        N_("Placed out of asked (learner-courses)"),
        N_("Per section"),
        N_("Per first language"),
        N_("Hours delivered over the term"),
        N_("Rooms and staff"),
        N_("Integration agency, per first language"),
        N_("Waiting, by reason"),
    )
)
_AROUND = (
    N_("section {x} asked"),
    N_("section {x} placed"),
    N_("language {x} asked"),
    N_("language {x} placed"),
    N_("hours course {x}"),
    N_("hours group {x}"),
    N_("room use % {x}"),
    N_("staff periods/week {x}"),
    N_("agency {x} reached (intake held)"),
    N_("agency {x} placed"),
    N_("agency {x} expected hours"),
    N_("waiting {x}"),
    N_("{x} asked"),
    N_("{x} placed"),
)


def figure_words(label: str) -> str:
    """A figure's label (or block title) in the coordinator's language; unknown labels as
    they are. Ids inside a label (sections, courses, reason codes) are not translated."""
    if label in _FIXED:
        return _(label)
    for msgid in _AROUND:
        before, after = msgid.split("{x}")
        if label.startswith(before) and label.endswith(after):
            x = label[len(before) : len(label) - len(after)]
            if x and (before or " " not in x):  # "{x} asked": x is a course kind
                return _(msgid, x=x)
    return label


def _pairs(what: str, counts: dict[str, tuple[int, int]]) -> list[tuple[str, float | int]]:
    rows: list[tuple[str, float | int]] = []
    for key, (asked, placed) in counts.items():
        rows += [(f"{what} {key} asked", asked), (f"{what} {key} placed", placed)]
    return rows


def key_figures(
    data: ProblemData, solution: Solution, waiting_rows: Iterable[HasReasonCode]
) -> KeyFigures:
    """Compute every key figure of ``solution``; ``waiting_rows`` are its Waiting rows
    (``scheduler.report.reasons.waiting``), counted by reason code."""
    asked, placed, by_section, by_language = _placement(data, solution)
    hours = _hours(data, solution)
    return KeyFigures(
        asked=asked,
        placed=placed,
        intakes_asked=sum(1 for lr in data.learners if needs_intake(lr)),
        intakes_held=len({i.learner for i in solution.intakes}),
        internet_asked=sum(lr.internet_periods for lr in data.learners),
        internet_booked=len(solution.internet),
        by_section=by_section,
        by_language=by_language,
        **hours,
        **_use(data, solution),
        agency=_agency(data, solution),
        waiting=dict(Counter(w.reason_code for w in waiting_rows)),
    )


def _placement(data: ProblemData, solution: Solution):
    """Learner-courses asked and placed, per kind, per section and per first language."""
    got = placed_kinds(data, solution)
    asked = dict.fromkeys(COURSE_KINDS, 0)
    placed = dict.fromkeys(COURSE_KINDS, 0)
    by_section = {s.section: [0, 0] for s in data.sections}
    by_language: dict[str, list[int]] = {}
    for lr in data.learners:
        lang = lr.languages[0] if lr.languages else "(none)"
        for kind in lr.wants:
            if kind not in asked:
                continue
            hit = int(kind in got.get(lr.learner, set()))
            asked[kind] += 1
            placed[kind] += hit
            for table, key in ((by_section, lr.section), (by_language, lang)):
                counts = table.setdefault(key, [0, 0])
                counts[0] += 1
                counts[1] += hit
    return (
        asked,
        placed,
        {k: (a, p) for k, (a, p) in by_section.items()},
        {k: (a, p) for k, (a, p) in sorted(by_language.items())},
    )


def _hours(data: ProblemData, solution: Solution) -> dict:
    """Hours per group, per course, per placed learner, and completion before release."""
    sessions = sessions_by_group(solution)
    per_group = {
        g.group: round(group_hours(data, g, sessions.get(g.group, [])), 2) for g in solution.groups
    }
    per_course = {c.course: 0.0 for c in data.courses}
    for g in solution.groups:
        per_course[g.course] = round(per_course.get(g.course, 0.0) + per_group[g.group], 2)
    per_learner: dict[str, float] = {}
    can = cannot = 0
    for g in solution.groups:
        course = data.course_by_id.get(g.course)
        for m in g.members:
            if m not in data.learner_by_id:
                continue
            h = group_hours(data, g, sessions.get(g.group, []), learner=m)
            per_learner[m] = per_learner.get(m, 0.0) + h
            if course is not None and h + 1e-9 >= course.total_hours:
                can += 1
            else:
                cannot += 1
    average = sum(per_learner.values()) / len(per_learner) if per_learner else 0.0
    return {
        "group_hours": per_group,
        "course_hours": per_course,
        "hours_per_placed_learner": round(average, 2),
        "can_complete": can,
        "cannot_complete": cannot,
    }


def learner_hours(data: ProblemData, solution: Solution, learner_id: str) -> float:
    """Hours ``learner_id`` gets from all their groups before release."""
    sessions = sessions_by_group(solution)
    return sum(
        group_hours(data, g, sessions.get(g.group, []), learner=learner_id)
        for g in solution.groups
        if learner_id in g.members
    )


def room_blocked_slots(data: ProblemData, room_id: str) -> set[tuple[str, int]]:
    """(day, period index) slots a RoomUnavailability row blocks (overlap by a minute or more)."""
    out = set()
    for u in data.room_unavailability:
        if u.room != room_id:
            continue
        for i, p in enumerate(data.periods):
            if u.start < p.end and u.end > p.start and u.day in data.teaching_days:
                out.add((u.day, i))
    return out


def occupied_slots(data: ProblemData, solution: Solution, room_id: str) -> set[tuple[str, int]]:
    """(day, period index) slots of the week in which sessions or internet bookings use a room."""
    out: set[tuple[str, int]] = set()
    for s in solution.sessions:
        first = data.period_index.get(s.period)
        if s.room == room_id and first is not None:
            out.update((s.day, i) for i in range(first, first + s.periods))
    for b in solution.internet:
        if b.room == room_id and b.period in data.period_index:
            out.add((b.day, data.period_index[b.period]))
    return out


def _pct(used: float, available: float) -> float:
    return round(100.0 * used / available, 1) if available else 0.0


def _use(data: ProblemData, solution: Solution) -> dict:
    """Room and lab use in % of available periods per week; staff periods per week."""
    week = len(data.teaching_days) * len(data.periods)
    room_use: dict[str, float] = {}
    totals = {k: [0, 0] for k in ("classroom", "computer_lab", "interview")}
    intake_periods: Counter[str] = Counter()
    for i in solution.intakes:
        intake_periods[i.room] += i.periods
    weeks = max(1, data.settings.intake_weeks)
    for room in data.rooms:
        available = week - len(room_blocked_slots(data, room.room))
        if room.kind == "interview":
            used, available = intake_periods[room.room], available * weeks
        else:
            used = len(occupied_slots(data, solution, room.room))
        room_use[room.room] = _pct(used, available)
        if room.kind in totals:
            totals[room.kind][0] += used
            totals[room.kind][1] += available
    return {
        "room_use": room_use,
        "classroom_use": _pct(*totals["classroom"]),
        "lab_use": _pct(*totals["computer_lab"]),
        "interview_use": _pct(*totals["interview"]),
        "staff_periods": staff_periods(data, solution),
    }


def staff_periods(data: ProblemData, solution: Solution) -> dict[str, int]:
    """Weekly periods per staff member: sessions for teachers and trainers, intake periods in
    the busiest week for counsellors."""
    out = {s.staff: 0 for s in data.staff}
    for s in solution.sessions:
        out[s.staff] = out.get(s.staff, 0) + s.periods
    per_week: Counter[tuple[str, int]] = Counter()
    for i in solution.intakes:
        per_week[(i.staff, i.week)] += i.periods
    for (staff, _week), n in per_week.items():
        out[staff] = max(out.get(staff, 0), n)
    return out


def _agency(data: ProblemData, solution: Solution) -> dict[str, AgencyFigures]:
    """Per first language: learners reached by an intake, placed, and their expected hours."""
    held = {i.learner for i in solution.intakes}
    got = placed_kinds(data, solution)
    counts: dict[str, list[float]] = {}
    for lr in data.learners:
        lang = lr.languages[0] if lr.languages else "(none)"
        row = counts.setdefault(lang, [0, 0, 0.0])
        row[0] += lr.learner in held
        if got.get(lr.learner):
            row[1] += 1
            row[2] += learner_hours(data, solution, lr.learner)
    return {
        lang: AgencyFigures(int(r), int(p), round(h, 2))
        for lang, (r, p, h) in sorted(counts.items())
    }
