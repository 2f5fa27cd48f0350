"""Independent re-check of every hard rule on a finished timetable.

The verifier reads only the term (``scheduler.data``), the timetable (``scheduler.solution``) and
the calendar helpers (``scheduler.term``). It shares no code with the CP-SAT model (nor with
``scheduler.rules``), so a mistake in the model cannot hide itself here. In particular the two
rules added on 2026-12-01 are written here again from workbook.md's text, on purpose:
- *a session or an intake spanning a gap* (lunch, a break) is one appointment: a regime row, an
  unavailability row or a room's unavailability that overlaps the gap by a minute or more breaks
  it, and a staff or internet window must contain the gap, as if the gap were a period of it;
- *the intake window follows arrival*: weeks ``w .. w + intake_weeks - 1``, where ``w`` is the
  week of the learner's arrival (week 1 when they arrived before the term).

Rule ids, their order and their exact meaning are those of the shared rules note; the
Diagnostics sheet lists them in this order.

``verify`` never raises on a broken timetable: unknown ids, wrong lengths and periods past the
end of the day are counted as violations of the rule they break.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from scheduler.data import Course, Learner, Period, ProblemData, Room, Separation, Staff, fmt_time
from scheduler.solution import Group, Intake, InternetBooking, Session, Solution
from scheduler.term import closed_for, date_of, learner_window, n_weeks

MAX_DETAILS = 20  # details kept per rule; the count is always complete

Slot = tuple[str, int]  # (day, period index)
Cell = tuple[str, str, int]  # (room or staff, day, period index)


@dataclass(frozen=True)
class RuleCheck:
    """The outcome of one hard rule on one timetable."""

    rule: str  # stable id, e.g. "room_clash"
    description: str  # one plain sentence a coordinator understands
    violations: int
    details: tuple[str, ...]  # at most MAX_DETAILS descriptions of violations


RULES: tuple[tuple[str, str], ...] = (
    ("group_course", "Every group belongs to a known course and is numbered <course>-1, -2, ... "
                     "without repeats."),
    ("group_members", "Group members exist, asked for the course, have its level or speak its "
                      "language, and are in prison during the term."),
    ("group_size", "Every group has between the course's minimum and maximum number of members."),
    ("max_groups", "No course runs more parallel groups than its max_groups."),
    ("one_group_per_kind", "A learner is in at most one NT2 group and at most one MO group."),
    ("session_count", "Every group has its weekly number of sessions, each of the course's length, "
                      "within the day, on a teaching day."),
    ("internet_sessions", "The course's internet sessions are held in a computer lab, inside "
                          "internet windows, with an internet seat for every member."),
    ("session_room", "Sessions are in a classroom or computer lab that seats the group, is open to "
                     "its sections and is not in use for something else."),
    ("room_clash", "A room holds one session at a time, no internet bookings during a session, no "
                   "more bookings than internet seats and one intake at a time."),
    ("staff_role", "Each group is taught by one staff member of the right role, language and "
                   "courses, at every session."),
    ("staff_availability", "Staff work only on their days and inside their availability windows."),
    ("staff_load", "Nobody works more periods in a week than their max_periods_per_week."),
    ("staff_clash", "A staff member never has two sessions, or two intakes, at the same time."),
    ("learner_regime", "No learner is scheduled while their wing's regime or their own "
                       "unavailability blocks them."),
    ("learner_clash", "No learner has two things at the same time (sessions, internet bookings, "
                      "intake)."),
    ("separation", "People who must be kept apart never share a group or a room at the same time."),
    ("escorts", "No more group sessions start in one period than the escorts can move."),
    ("intake", "Intakes go to learners who need one, once, in an interview room with a counsellor "
               "who speaks their language, on an open date in their first weeks from arrival."),
    ("internet_booking", "Internet bookings go to learners who asked, at most their number a week "
                         "and one a day, one period inside an internet window, in a lab with "
                         "internet seats."),
    ("locks", "Every locked session is still where it was locked, and every pinned learner is in "
              "their group."),
)  # fmt: skip


class _Tally:
    """Counts violations of one rule and keeps the first MAX_DETAILS descriptions."""

    def __init__(self) -> None:
        self.count = 0
        self.details: list[str] = []

    def add(self, detail: str, count: int = 1) -> None:
        self.count += count
        if len(self.details) < MAX_DETAILS:
            self.details.append(detail)


# ---------------------------------------------------------------------------------------------
# Shared precomputation


def _span(data: ProblemData, period: str, length: int) -> tuple[int, ...]:
    """Indexes of the periods occupied from ``period`` for ``length`` periods, cut at the end of
    the day (empty when the period is unknown)."""
    start = data.period_index.get(period)
    if start is None:
        return ()
    return tuple(range(start, min(start + max(length, 0), len(data.periods))))


def _fits(data: ProblemData, period: str, length: int) -> bool:
    """True when ``length`` periods from ``period`` exist on one day."""
    start = data.period_index.get(period)
    return start is not None and length >= 1 and start + length <= len(data.periods)


def _overlapped(periods: tuple[Period, ...], rows: Iterable) -> set[Slot]:
    """(day, period) pairs that a blocking row overlaps by one minute or more."""
    return {
        (r.day, i)
        for r in rows
        for i, p in enumerate(periods)
        if r.start < p.end and r.end > p.start
    }


def _contained(periods: tuple[Period, ...], rows: Iterable) -> set[Slot]:
    """(day, period) pairs that lie wholly inside a window row."""
    return {
        (r.day, i)
        for r in rows
        for i, p in enumerate(periods)
        if r.start <= p.start and p.end <= r.end
    }


def _gaps(
    periods: tuple[Period, ...], day: str, span: tuple[int, ...]
) -> list[tuple[int, int, str]]:
    """(start, end, name) of every gap of a minute or more between two consecutive periods of
    ``span``: the appointment's people stay through it, so it counts as a period of it."""
    out = []
    for a, b in zip(span, span[1:], strict=False):
        end, start = periods[a].end, periods[b].start
        if start > end:
            between = f"between {periods[a].period} and {periods[b].period}"
            name = f"{day} {fmt_time(end)}-{fmt_time(start)} ({between})"
            out.append((end, start, name))
    return out


def _overlaps_gap(rows: Iterable, day: str, start: int, end: int) -> bool:
    """A blocking row on ``day`` (or ``all``) overlaps the gap by one minute or more."""
    return any(r.day in (day, "all") and r.start < end and r.end > start for r in rows)


def _holds_gap(rows: Iterable, day: str, start: int, end: int) -> bool:
    """One window row on ``day`` contains the whole gap."""
    return any(r.day == day and r.start <= start and end <= r.end for r in rows)


def _by_key(rows: Iterable, key: str) -> dict[str, list]:
    """Rows grouped by the value of attribute ``key``."""
    out: dict[str, list] = defaultdict(list)
    for r in rows:
        out[getattr(r, key)].append(r)
    return out


def _n(count: int, word: str) -> str:
    """``"1 period"``, ``"3 periods"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _listing(items: Iterable[str]) -> str:
    """``a, b and c``."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Facts:
    """What several rules need, computed once per ``verify`` call and indexed by (day, period)."""

    def __init__(
        self, data: ProblemData, solution: Solution, kept: frozenset[str] = frozenset()
    ) -> None:
        self.data = data
        self.solution = solution
        self.kept = kept

    def slot(self, day: str, index: int) -> str:
        """``"Mon P2"``."""
        return f"{day} {self.data.periods[index].period}"

    @cached_property
    def groups(self) -> dict[str, Group]:
        """Groups by id; with a repeated id, the first one counts."""
        out: dict[str, Group] = {}
        for g in self.solution.groups:
            out.setdefault(g.group, g)
        return out

    def course_of(self, group: Group) -> Course | None:
        return self.data.course_by_id.get(group.course)

    @cached_property
    def members(self) -> dict[str, frozenset[str]]:
        """Distinct members per group id."""
        return {gid: frozenset(g.members) for gid, g in self.groups.items()}

    def session_members(self, session: Session) -> frozenset[str]:
        return self.members.get(session.group, frozenset())

    @cached_property
    def session_spans(self) -> list[tuple[int, ...]]:
        return [_span(self.data, s.period, s.periods) for s in self.solution.sessions]

    @cached_property
    def intake_spans(self) -> list[tuple[int, ...]]:
        return [_span(self.data, i.period, i.periods) for i in self.solution.intakes]

    @cached_property
    def booking_index(self) -> list[int | None]:
        return [self.data.period_index.get(b.period) for b in self.solution.internet]

    def sessions_with_spans(self) -> Iterator[tuple[Session, tuple[int, ...]]]:
        return zip(self.solution.sessions, self.session_spans, strict=True)

    def intakes_with_spans(self) -> Iterator[tuple[Intake, tuple[int, ...]]]:
        return zip(self.solution.intakes, self.intake_spans, strict=True)

    def bookings_with_index(self) -> Iterator[tuple[InternetBooking, int]]:
        """Bookings whose period exists, with its index."""
        for b, i in zip(self.solution.internet, self.booking_index, strict=True):
            if i is not None:
                yield b, i

    def staff_work(self) -> Iterator[tuple[str, str, str, tuple[int, ...]]]:
        """(what, staff, day, periods) for every session and intake."""
        for s, span in self.sessions_with_spans():
            yield f"Session of {s.group} on {s.day} {s.period}", s.staff, s.day, span
        for x, span in self.intakes_with_spans():
            yield (
                f"Intake of {x.learner} in week {x.week} on {x.day} {x.period}",
                x.staff,
                x.day,
                span,
            )

    def learner_doings(self) -> Iterator[tuple[str, str, str, tuple[int, ...]]]:
        """(learner, what, day, periods) for every group member's session, intake and booking."""
        for s, span in self.sessions_with_spans():
            for m in sorted(self.session_members(s)):
                yield m, f"group {s.group}", s.day, span
        for x, span in self.intakes_with_spans():
            yield x.learner, f"intake in week {x.week}", x.day, span
        for b, i in self.bookings_with_index():
            yield b.learner, f"internet in {b.room}", b.day, (i,)

    # Blocked and open periods -----------------------------------------------------------------
    @cached_property
    def regime_blocked(self) -> dict[str, set[Slot]]:
        """Per regime id; the day of a slot may be ``"all"``."""
        rows = _by_key(self.data.regimes, "regime")
        return {k: _overlapped(self.data.periods, v) for k, v in rows.items()}

    @cached_property
    def learner_unavailable(self) -> dict[str, set[Slot]]:
        rows = _by_key(self.data.learner_unavailability, "learner")
        return {k: _overlapped(self.data.periods, v) for k, v in rows.items()}

    @cached_property
    def room_unavailable(self) -> dict[str, set[Slot]]:
        rows = _by_key(self.data.room_unavailability, "room")
        return {k: _overlapped(self.data.periods, v) for k, v in rows.items()}

    @cached_property
    def internet_open(self) -> set[Slot]:
        return _contained(self.data.periods, self.data.internet_windows)

    @cached_property
    def staff_windows(self) -> dict[str, set[Slot]]:
        """Only staff with StaffAvailability rows appear here."""
        rows = _by_key(self.data.staff_availability, "staff")
        return {k: _contained(self.data.periods, v) for k, v in rows.items()}

    def learner_blocked(self, learner: Learner, day: str, index: int) -> str | None:
        """Why ``learner`` cannot be there at (day, period), or None when free."""
        section = self.data.section_by_id.get(learner.section)
        regime = self.regime_blocked.get(section.regime, set()) if section else set()
        if (day, index) in regime or ("all", index) in regime:
            return f"regime of section {learner.section}"
        if (day, index) in self.learner_unavailable.get(learner.learner, set()):
            return "their unavailability"
        return None

    def learner_gap_blocked(self, learner: Learner, day: str, start: int, end: int) -> str | None:
        """Why ``learner`` cannot stay through the gap ``start``..``end`` of ``day``, or None."""
        section = self.data.section_by_id.get(learner.section)
        regime = [r for r in self.data.regimes if section and r.regime == section.regime]
        if _overlaps_gap(regime, day, start, end):
            return f"regime of section {learner.section}"
        own = [u for u in self.data.learner_unavailability if u.learner == learner.learner]
        if _overlaps_gap(own, day, start, end):
            return "their unavailability"
        return None

    def room_gaps_blocked(self, room: str, day: str, span: tuple[int, ...]) -> list[str]:
        """The gaps of ``span`` in which ``room`` is unavailable."""
        rows = [u for u in self.data.room_unavailability if u.room == room]
        return [
            n for a, b, n in _gaps(self.data.periods, day, span) if _overlaps_gap(rows, day, a, b)
        ]

    # Occupancy --------------------------------------------------------------------------------
    @cached_property
    def room_sessions(self) -> dict[Cell, list[Session]]:
        out: dict[Cell, list[Session]] = defaultdict(list)
        for s, span in self.sessions_with_spans():
            for i in span:
                out[s.room, s.day, i].append(s)
        return out

    @cached_property
    def room_bookings(self) -> dict[Cell, list[str]]:
        out: dict[Cell, list[str]] = defaultdict(list)
        for b, i in self.bookings_with_index():
            out[b.room, b.day, i].append(b.learner)
        return out

    @cached_property
    def room_intakes(self) -> dict[tuple[str, int, str, int], list[Intake]]:
        """Intakes per (room, week, day, period)."""
        out: dict[tuple[str, int, str, int], list[Intake]] = defaultdict(list)
        for intake, span in self.intakes_with_spans():
            for i in span:
                out[intake.room, intake.week, intake.day, i].append(intake)
        return out

    @cached_property
    def learner_weekly(self) -> dict[str, dict[Slot, list[str]]]:
        """What each learner does every week at each (day, period)."""
        out: dict[str, dict[Slot, list[str]]] = defaultdict(lambda: defaultdict(list))
        for s, span in self.sessions_with_spans():
            for m in self.session_members(s):
                for i in span:
                    out[m][s.day, i].append(f"group {s.group}")
        for b, i in self.bookings_with_index():
            out[b.learner][b.day, i].append(f"internet in {b.room}")
        return out

    def room_present(self, cell: Cell) -> set[str]:
        """Learners present every week in (room, day, period)."""
        present = {m for s in self.room_sessions.get(cell, ()) for m in self.session_members(s)}
        present.update(self.room_bookings.get(cell, ()))
        return present


# ---------------------------------------------------------------------------------------------
# One check per rule, in the order of RULES


def _group_id_fits(group: str, course: str) -> bool:
    """True when ``group`` is ``<course>-<n>`` with n = 1, 2, ... written without leading zeros."""
    prefix = f"{course}-"
    number = group[len(prefix) :]
    return (
        group.startswith(prefix)
        and number.isascii()
        and number.isdigit()
        and number == str(int(number))
        and int(number) >= 1
    )


def _check_group_course(f: _Facts, t: _Tally) -> None:
    """Every group's course exists; its id is "<course>-<n>", n >= 1, and unique."""
    for g in f.solution.groups:
        if f.course_of(g) is None:
            t.add(f"Group {g.group}: unknown course {g.course}")
        if not _group_id_fits(g.group, g.course):
            t.add(f"Group {g.group}: id is not {g.course}-<n> with n = 1, 2, ...")
    for gid, n in Counter(g.group for g in f.solution.groups).items():
        if n > 1:
            t.add(f"Group id {gid} is used by {n} groups", n - 1)


def _member_problems(data: ProblemData, learner: Learner, course: Course | None) -> Iterator[str]:
    """Why ``learner`` may not be in a group of ``course`` (course None: only presence)."""
    if course is not None:
        if course.kind not in learner.wants:
            yield f"did not ask for {course.kind}"
        if course.kind == "NT2" and not learner.nt2_level:
            yield "has no NT2 level yet (needs an intake first)"
        elif course.kind == "NT2" and learner.nt2_level != course.level:
            yield f"is at NT2 level {learner.nt2_level}, not {course.level}"
        if course.kind == "MO" and course.language not in learner.languages:
            yield f"does not speak {course.language}"
    first, last = learner_window(data, learner.learner)
    if first > last:
        yield "is not in prison at any time during the term"


def _check_group_members(f: _Facts, t: _Tally) -> None:
    """Members exist, asked for the kind, fit the level or language, and are present in the term."""
    for g in f.solution.groups:
        course = f.course_of(g)
        for m, n in Counter(g.members).items():
            if n > 1:
                t.add(f"Group {g.group}: {m} is listed {n} times", n - 1)
            learner = f.data.learner_by_id.get(m)
            if learner is None:
                t.add(f"Group {g.group}: unknown learner {m}")
                continue
            for problem in _member_problems(f.data, learner, course):
                t.add(f"Group {g.group}: {m} {problem}")


def _check_group_size(f: _Facts, t: _Tally) -> None:
    """course.min_size <= members <= course.max_size; a group running since before the
    timetable's valid_from (``kept``) only needs one member (replan.md, Clarifications)."""
    for g in f.solution.groups:
        course = f.course_of(g)
        low = 1 if g.group in f.kept else course.min_size if course is not None else 0
        if course is not None and not low <= g.size <= course.max_size:
            t.add(
                f"Group {g.group}: {g.size} members, course {course.course} allows "
                f"{course.min_size} to {course.max_size}"
            )


def _check_max_groups(f: _Facts, t: _Tally) -> None:
    """No more groups of a course than course.max_groups (when set)."""
    for cid, n in Counter(g.course for g in f.solution.groups).items():
        course = f.data.course_by_id.get(cid)
        if course is not None and course.max_groups is not None and n > course.max_groups:
            t.add(
                f"Course {cid}: {n} groups, at most {course.max_groups} allowed",
                n - course.max_groups,
            )


def _check_one_group_per_kind(f: _Facts, t: _Tally) -> None:
    """A learner is in at most one group per course kind."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for g in f.solution.groups:
        course = f.course_of(g)
        if course is not None:
            for m in dict.fromkeys(g.members):
                found[m, course.kind].append(g.group)
    for (m, kind), gids in found.items():
        if len(gids) > 1:
            t.add(f"Learner {m} is in {len(gids)} {kind} groups: {_listing(gids)}", len(gids) - 1)


def _check_session_count(f: _Facts, t: _Tally) -> None:
    """sessions_per_week sessions of session_periods periods, inside the day, on a teaching day."""
    counts = Counter(s.group for s in f.solution.sessions)
    for gid, g in f.groups.items():
        course = f.course_of(g)
        if course is not None and counts[gid] != course.sessions_per_week:
            t.add(
                f"Group {gid}: {_n(counts[gid], 'session')} a week, course {course.course} needs "
                f"{course.sessions_per_week}"
            )
    for s in f.solution.sessions:
        where = f"Session of {s.group} on {s.day} {s.period}"
        group = f.groups.get(s.group)
        if group is None:
            t.add(f"{where}: unknown group {s.group}")
        elif s.course != group.course:
            t.add(f"{where}: course {s.course}, but the group is of {group.course}")
        course = f.course_of(group) if group else None
        if course is not None and s.periods != course.session_periods:
            t.add(
                f"{where}: {_n(s.periods, 'period')} long, course {course.course} needs "
                f"{course.session_periods}"
            )
        if not _fits(f.data, s.period, s.periods):
            t.add(f"{where}: {_n(s.periods, 'period')} from {s.period} do not fit in the day")
        if s.day not in f.data.teaching_days:
            t.add(f"{where}: {s.day} is not a teaching day")


def _check_internet_sessions(f: _Facts, t: _Tally) -> None:
    """internet_sessions sessions per group in a computer lab, inside windows, within internet
    seats."""
    counts = Counter(s.group for s in f.solution.sessions if s.internet)
    for gid, g in f.groups.items():
        course = f.course_of(g)
        if course is not None and counts[gid] != course.internet_sessions:
            t.add(
                f"Group {gid}: {_n(counts[gid], 'internet session')}, course {course.course} needs "
                f"{course.internet_sessions}"
            )
    for s, span in f.sessions_with_spans():
        if not s.internet:
            continue
        where = f"Internet session of {s.group} on {s.day} {s.period}"
        room = f.data.room_by_id.get(s.room)
        if room is None or room.kind != "computer_lab":
            t.add(f"{where}: room {s.room} is not a computer lab")
        outside = [f.slot(s.day, i) for i in span if (s.day, i) not in f.internet_open]
        outside += [
            f"the gap {n}"
            for a, b, n in _gaps(f.data.periods, s.day, span)
            if not _holds_gap(f.data.internet_windows, s.day, a, b)
        ]
        if outside:
            t.add(f"{where}: {_listing(outside)} outside the internet windows")
        group = f.groups.get(s.group)
        if room is not None and group is not None and group.size > room.internet_seats:
            t.add(
                f"{where}: {group.size} members, room {s.room} has {room.internet_seats} internet "
                "seats"
            )


def _room_section_problem(f: _Facts, room: Room, learners: Iterable[str]) -> str | None:
    """Which of the learners' sections may not use ``room`` (None when all may)."""
    if not room.sections:
        return None
    sections = {f.data.learner_by_id[m].section for m in learners if m in f.data.learner_by_id}
    refused = sorted(sections - set(room.sections))
    return f"room {room.room} is not open to section {_listing(refused)}" if refused else None


def _check_session_room(f: _Facts, t: _Tally) -> None:
    """A known classroom or lab, enough seats, open to every member's section, not unavailable."""
    for s, span in f.sessions_with_spans():
        where = f"Session of {s.group} on {s.day} {s.period}"
        room = f.data.room_by_id.get(s.room)
        if room is None:
            t.add(f"{where}: unknown room {s.room}")
            continue
        if room.kind not in ("classroom", "computer_lab"):
            t.add(f"{where}: room {s.room} is of kind {room.kind}, not a classroom or lab")
        group = f.groups.get(s.group)
        if group is not None and group.size > room.seats:
            t.add(f"{where}: {group.size} members, room {s.room} seats {room.seats}")
        refused = _room_section_problem(f, room, f.session_members(s))
        if refused:
            t.add(f"{where}: {refused}")
        blocked = [
            f.slot(s.day, i) for i in span if (s.day, i) in f.room_unavailable.get(s.room, ())
        ]
        blocked += [f"the gap {n}" for n in f.room_gaps_blocked(s.room, s.day, span)]
        if blocked:
            t.add(f"{where}: room {s.room} is unavailable on {_listing(blocked)}")


def _check_room_clash(f: _Facts, t: _Tally) -> None:
    """One session per room and period; no bookings during it; bookings <= seats; one intake."""
    for (room, day, i), sessions in f.room_sessions.items():
        where = f"Room {room}, {f.slot(day, i)}"
        if len(sessions) > 1:
            t.add(
                f"{where}: groups {_listing([s.group for s in sessions])} at once",
                len(sessions) - 1,
            )
        booked = f.room_bookings.get((room, day, i), [])
        if booked:
            t.add(
                f"{where}: internet booking of {_listing(booked)} during group {sessions[0].group}",
                len(booked),
            )
    for (room, day, i), learners in f.room_bookings.items():
        known = f.data.room_by_id.get(room)
        if known is not None and len(learners) > known.internet_seats:
            t.add(
                f"Room {room}, {f.slot(day, i)}: {_n(len(learners), 'internet booking')}, "
                f"{_n(known.internet_seats, 'internet seat')}",
                len(learners) - known.internet_seats,
            )
    for (room, week, day, i), intakes in f.room_intakes.items():
        if len(intakes) > 1:
            who = _listing([x.learner for x in intakes])
            t.add(
                f"Room {room}, week {week} {f.slot(day, i)}: intakes of {who} at once",
                len(intakes) - 1,
            )


def _staff_role_problems(staff: Staff, course: Course) -> Iterator[str]:
    """Why ``staff`` may not lead a group of ``course``."""
    role = {"NT2": "nt2_teacher", "MO": "mo_trainer"}.get(course.kind)
    if staff.role != role:
        yield f"{staff.staff} has role {staff.role}, {course.kind} groups need role {role}"
    if course.kind == "MO" and course.language not in staff.languages:
        yield f"{staff.staff} does not speak {course.language}"
    if staff.teaches and course.course not in staff.teaches:
        yield f"{staff.staff} does not teach {course.course}"


def _check_staff_role(f: _Facts, t: _Tally) -> None:
    """The group's staff exists, has the course's role, language and courses, at every session."""
    for g in f.solution.groups:
        staff = f.data.staff_by_id.get(g.staff)
        course = f.course_of(g)
        if staff is None:
            t.add(f"Group {g.group}: unknown staff member {g.staff}")
        elif course is not None:
            for problem in _staff_role_problems(staff, course):
                t.add(f"Group {g.group}: {problem}")
    for s in f.solution.sessions:
        group = f.groups.get(s.group)
        if group is not None and s.staff != group.staff:
            t.add(
                f"Session of {s.group} on {s.day} {s.period}: staff {s.staff}, the group's is "
                f"{group.staff}"
            )


def _availability_problem(f: _Facts, staff_id: str, day: str, span: tuple[int, ...]) -> str | None:
    """Why ``staff_id`` cannot work at these periods of ``day`` (None when they can)."""
    staff = f.data.staff_by_id.get(staff_id)
    if staff is None:
        return None  # unknown staff is a staff_role or intake violation
    days = staff.days or f.data.teaching_days
    if day not in days:
        return f"{staff_id} does not come in on {day}"
    windows = f.staff_windows.get(staff_id)
    if windows is not None:
        outside = [f.slot(day, i) for i in span if (day, i) not in windows]
        rows = [a for a in f.data.staff_availability if a.staff == staff_id]
        outside += [
            f"the gap {n}"
            for a, b, n in _gaps(f.data.periods, day, span)
            if not _holds_gap(rows, day, a, b)
        ]
        if outside:
            return f"{staff_id} is not available on {_listing(outside)}"
    return None


def _check_staff_availability(f: _Facts, t: _Tally) -> None:
    """Sessions and intakes fall on the staff member's days and inside their windows."""
    for what, staff, day, span in f.staff_work():
        problem = _availability_problem(f, staff, day, span)
        if problem:
            t.add(f"{what}: {problem}")


def _check_staff_load(f: _Facts, t: _Tally) -> None:
    """Weekly session periods, plus intake periods of each single week, <= max_periods_per_week."""
    weekly: Counter[str] = Counter()
    for s, span in f.sessions_with_spans():
        weekly[s.staff] += len(span)
    intakes: dict[str, Counter[int]] = defaultdict(Counter)
    for x, span in f.intakes_with_spans():
        intakes[x.staff][x.week] += len(span)
    for staff in f.data.staff:
        cap = staff.max_periods_per_week
        if cap is None:
            continue
        base = weekly[staff.staff]
        if base > cap:
            t.add(f"Staff {staff.staff}: {base} session periods every week, at most {cap}")
            continue
        for week, extra in sorted(intakes[staff.staff].items()):
            if base + extra > cap:
                t.add(f"Staff {staff.staff}: {base + extra} periods in week {week}, at most {cap}")


def _check_staff_clash(f: _Facts, t: _Tally) -> None:
    """No staff member has two sessions, or two intakes in one week, at one (day, period)."""
    sessions: dict[Cell, list[str]] = defaultdict(list)
    for s, span in f.sessions_with_spans():
        for i in span:
            sessions[s.staff, s.day, i].append(s.group)
    for (staff, day, i), gids in sessions.items():
        if len(gids) > 1:
            t.add(
                f"Staff {staff}, {f.slot(day, i)}: groups {_listing(gids)} at once", len(gids) - 1
            )
    intakes: dict[tuple[str, int, str, int], list[str]] = defaultdict(list)
    for x, span in f.intakes_with_spans():
        for i in span:
            intakes[x.staff, x.week, x.day, i].append(x.learner)
    for (staff, week, day, i), learners in intakes.items():
        if len(learners) > 1:
            t.add(
                f"Staff {staff}, week {week} {f.slot(day, i)}: intakes of {_listing(learners)} at "
                "once",
                len(learners) - 1,
            )


def _blocked_report(f: _Facts, learner_id: str, day: str, span: Iterable[int]) -> str | None:
    """``"Mon P1 (regime of section A)"`` for each blocked period, or None when all are free."""
    learner = f.data.learner_by_id.get(learner_id)
    if learner is None:
        return None  # unknown learners are counted by the rule that names them
    hits = [(f.slot(day, i), f.learner_blocked(learner, day, i)) for i in span]
    for start, end, name in _gaps(f.data.periods, day, tuple(span)):
        hits.append((f"the gap {name}", f.learner_gap_blocked(learner, day, start, end)))
    blocked = [f"{where} ({why})" for where, why in hits if why]
    return _listing(blocked) if blocked else None


def _check_learner_regime(f: _Facts, t: _Tally) -> None:
    """No session, intake or booking of a learner in a period their regime or unavailability
    blocks."""
    for learner, what, day, span in f.learner_doings():
        blocked = _blocked_report(f, learner, day, span)
        if blocked:
            t.add(f"Learner {learner}, {what}: blocked on {blocked}")


def _check_learner_clash(f: _Facts, t: _Tally) -> None:
    """A learner's weekly things never overlap, and their intake overlaps none of them."""
    for m, slots in f.learner_weekly.items():
        for (day, i), what in slots.items():
            if len(what) > 1:
                t.add(f"Learner {m}, {f.slot(day, i)}: {_listing(what)} at once", len(what) - 1)
    for x, span in f.intakes_with_spans():
        weekly = f.learner_weekly.get(x.learner, {})
        for i in span:
            during = weekly.get((x.day, i), [])
            if during:
                t.add(
                    f"Learner {x.learner}, week {x.week} {f.slot(x.day, i)}: intake during "
                    f"{_listing(during)}"
                )


class _Sides:
    """The learners on each side of every Separation, for quick checks of who may meet."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data

    def side(self, side: str, present: set[str], by_section: dict[str, set[str]]) -> set[str]:
        """The learners of ``present`` that ``side`` names (a learner id first, else a section)."""
        if side in self.data.learner_by_id:
            return {side} & present
        return by_section.get(side, set())

    def broken(self, present: set[str]) -> list[Separation]:
        """Separations whose two sides both have (distinct) learners in ``present``."""
        by_section: dict[str, set[str]] = defaultdict(set)
        for m in present:
            learner = self.data.learner_by_id.get(m)
            if learner is not None:
                by_section[learner.section].add(m)
        out = []
        for sep in self.data.separations:
            a = self.side(sep.a, present, by_section)
            b = self.side(sep.b, present, by_section)
            # one learner alone is not two people to keep apart
            if a and b and not (len(a) == 1 and a == b):
                out.append(sep)
        return out


def _sep_name(sep: Separation) -> str:
    reason = f" ({sep.reason})" if sep.reason else ""
    return f"{sep.a} and {sep.b}{reason}"


def _check_separation(f: _Facts, t: _Tally) -> None:
    """Separated sides never share a group, nor a room at one (day, period) (intakes: same week)."""
    if not f.data.separations:
        return
    sides = _Sides(f.data)
    for g in f.solution.groups:
        for sep in sides.broken(set(g.members)):
            t.add(f"Group {g.group}: {_sep_name(sep)} together")
    weekly_broken: dict[Cell, set[Separation]] = {}
    for cell in set(f.room_sessions) | set(f.room_bookings):
        weekly_broken[cell] = set(sides.broken(f.room_present(cell)))
        for sep in weekly_broken[cell]:
            t.add(f"Room {cell[0]}, {f.slot(cell[1], cell[2])}: {_sep_name(sep)} present at once")
    for (room, week, day, i), intakes in f.room_intakes.items():
        present = f.room_present((room, day, i)) | {x.learner for x in intakes}
        for sep in set(sides.broken(present)) - weekly_broken.get((room, day, i), set()):
            t.add(f"Room {room}, week {week} {f.slot(day, i)}: {_sep_name(sep)} present at once")


def _check_escorts(f: _Facts, t: _Tally) -> None:
    """At most max_groups_moving group sessions start at one (day, period)."""
    cap = f.data.settings.max_groups_moving
    if cap is None:
        return
    starts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for s in f.solution.sessions:
        starts[s.day, s.period].append(s.group)
    for (day, period), gids in starts.items():
        if len(gids) > cap:
            t.add(
                f"{day} {period}: {len(gids)} groups start ({_listing(gids)}), escorts for {cap}",
                len(gids) - cap,
            )


def _intake_weeks(data: ProblemData, learner: Learner) -> tuple[int, int]:
    """First and last week of the learner's intake window: ``intake_weeks`` weeks from the week
    of arrival, or from week 1 for a learner who arrived before the term (workbook.md)."""
    start = data.settings.term_start
    first = 1
    if learner.arrival is not None and learner.arrival > start:
        first = (learner.arrival - start).days // 7 + 1
    return first, first + data.settings.intake_weeks - 1


def _intake_date_problems(f: _Facts, x: Intake, learner: Learner) -> Iterator[str]:
    """Week range, a real date of the term inside the learner's window, not closed for them."""
    first_week, last_week = _intake_weeks(f.data, learner)
    if not first_week <= x.week <= last_week:
        yield f"week {x.week} is outside the learner's intake weeks {first_week} to {last_week}"
        return  # no date to check
    # n_weeks first: a week far past the term would overflow the date arithmetic
    date = date_of(f.data, x.week, x.day) if x.week <= n_weeks(f.data) else None
    if date is None:
        yield f"{x.day} of week {x.week} is not a date of the term"
        return
    first, last = learner_window(f.data, learner.learner)
    if not first <= date <= last:
        yield f"{date:%Y-%m-%d} is outside the learner's time in prison"
    if closed_for(f.data, date):
        yield f"{date:%Y-%m-%d} is a closed day"
    elif closed_for(f.data, date, (learner.section,)):
        yield f"{date:%Y-%m-%d} is a closed day for section {learner.section}"


def _intake_room_problems(
    f: _Facts, x: Intake, learner: Learner, span: tuple[int, ...]
) -> Iterator[str]:
    """An interview room open to the learner's section and not unavailable."""
    room = f.data.room_by_id.get(x.room)
    if room is None:
        yield f"unknown room {x.room}"
        return
    if room.kind != "interview":
        yield f"room {x.room} is a {room.kind}, not an interview room"
    refused = _room_section_problem(f, room, (learner.learner,))
    if refused:
        yield refused
    blocked = [f.slot(x.day, i) for i in span if (x.day, i) in f.room_unavailable.get(x.room, ())]
    blocked += [f"the gap {n}" for n in f.room_gaps_blocked(x.room, x.day, span)]
    if blocked:
        yield f"room {x.room} is unavailable on {_listing(blocked)}"


def _intake_staff_problems(f: _Facts, x: Intake, learner: Learner) -> Iterator[str]:
    """A counsellor who speaks the intake's language, which the learner speaks."""
    staff = f.data.staff_by_id.get(x.staff)
    if staff is None:
        yield f"unknown staff member {x.staff}"
    else:
        if staff.role != "counsellor":
            yield f"{x.staff} is a {staff.role}, not a counsellor"
        if x.language not in staff.languages:
            yield f"{x.staff} does not speak {x.language}"
    if x.language not in learner.languages:
        yield f"the learner does not speak {x.language}"


def _intake_problems(f: _Facts, x: Intake, span: tuple[int, ...]) -> Iterator[str]:
    """Every reason this intake breaks the intake rule."""
    learner = f.data.learner_by_id.get(x.learner)
    if learner is None:
        yield "unknown learner"
        return
    if not (learner.intake or ("NT2" in learner.wants and not learner.nt2_level)):
        yield "the learner does not need an intake"
    if x.periods != f.data.settings.intake_periods or not _fits(f.data, x.period, x.periods):
        yield (
            f"{_n(x.periods, 'period')} from {x.period}, intakes take "
            f"{f.data.settings.intake_periods} within the day"
        )
    yield from _intake_date_problems(f, x, learner)
    yield from _intake_room_problems(f, x, learner, span)
    yield from _intake_staff_problems(f, x, learner)


def _check_intake(f: _Facts, t: _Tally) -> None:
    """Intakes only for those who need one, once, of the set length, in week range, on an open date,
    in an interview room, with a counsellor speaking the learner's language."""
    for m, n in Counter(x.learner for x in f.solution.intakes).items():
        if n > 1:
            t.add(f"Learner {m} has {n} intakes", n - 1)
    for x, span in f.intakes_with_spans():
        for problem in _intake_problems(f, x, span):
            t.add(f"Intake of {x.learner} in week {x.week} on {x.day} {x.period}: {problem}")


def _booking_problems(f: _Facts, b: InternetBooking, index: int | None) -> Iterator[str]:
    """Why one booking breaks the internet_booking rule (the weekly counts aside)."""
    learner = f.data.learner_by_id.get(b.learner)
    if learner is None:
        yield "unknown learner"
    elif learner.internet_periods <= 0:
        yield "the learner did not ask for internet"
    if index is None:
        yield f"unknown period {b.period}"
    elif (b.day, index) not in f.internet_open:
        yield "outside the internet windows"
    room = f.data.room_by_id.get(b.room)
    if room is None:
        yield f"unknown room {b.room}"
        return
    if room.kind != "computer_lab" or room.internet_seats <= 0:
        yield f"room {b.room} is not a computer lab with internet seats"
    if learner is not None:
        refused = _room_section_problem(f, room, (learner.learner,))
        if refused:
            yield refused
    if index is not None and (b.day, index) in f.room_unavailable.get(b.room, ()):
        yield f"room {b.room} is unavailable then"


def _check_internet_booking(f: _Facts, t: _Tally) -> None:
    """Bookings only for learners who asked, within their number, one a day, in windows and labs."""
    for b, index in zip(f.solution.internet, f.booking_index, strict=True):
        for problem in _booking_problems(f, b, index):
            t.add(f"Internet booking of {b.learner} on {b.day} {b.period} in {b.room}: {problem}")
    for m, n in Counter(b.learner for b in f.solution.internet).items():
        learner = f.data.learner_by_id.get(m)
        if learner is not None and 0 < learner.internet_periods < n:
            t.add(
                f"Learner {m}: {_n(n, 'internet booking')} a week, asked for "
                f"{learner.internet_periods}",
                n - learner.internet_periods,
            )
    for (m, day), n in Counter((b.learner, b.day) for b in f.solution.internet).items():
        if n > 1:
            t.add(f"Learner {m}: {n} internet bookings on {day}, at most one a day", n - 1)


_LOCK_FIELDS = ("course", "group", "day", "period", "room", "staff")


def _check_locks(f: _Facts, t: _Tally) -> None:
    """Every session lock is matched by a session equal on the lock's non-blank fields; every
    member lock's learner is a member of the group it names."""
    for lock in f.data.locks:
        if lock.kind == "member":
            group = f.groups.get(lock.group or "")
            if group is None or lock.learner not in group.members:
                row = f" (Locks row {lock.row})" if lock.row is not None else ""
                why = "no such group" if group is None else "not a member"
                t.add(f"Lock{row} pinning {lock.learner} into {lock.group}: {why}")
            continue
        if lock.kind != "session":
            continue
        wanted = {k: getattr(lock, k) for k in _LOCK_FIELDS if getattr(lock, k) not in (None, "")}
        if not any(all(getattr(s, k) == v for k, v in wanted.items()) for s in f.solution.sessions):
            shown = ", ".join(f"{k} {v}" for k, v in wanted.items()) or "any session"
            row = f" (Locks row {lock.row})" if lock.row is not None else ""
            t.add(f"Lock{row} on {shown}: no such session")


_CHECKS: dict[str, Callable[[_Facts, _Tally], None]] = {
    "group_course": _check_group_course,
    "group_members": _check_group_members,
    "group_size": _check_group_size,
    "max_groups": _check_max_groups,
    "one_group_per_kind": _check_one_group_per_kind,
    "session_count": _check_session_count,
    "internet_sessions": _check_internet_sessions,
    "session_room": _check_session_room,
    "room_clash": _check_room_clash,
    "staff_role": _check_staff_role,
    "staff_availability": _check_staff_availability,
    "staff_load": _check_staff_load,
    "staff_clash": _check_staff_clash,
    "learner_regime": _check_learner_regime,
    "learner_clash": _check_learner_clash,
    "separation": _check_separation,
    "escorts": _check_escorts,
    "intake": _check_intake,
    "internet_booking": _check_internet_booking,
    "locks": _check_locks,
}


def verify(data: ProblemData, solution: Solution, kept: Iterable[str] = ()) -> list[RuleCheck]:
    """Check ``solution`` against every hard rule of ``data``. ``kept`` names the groups whose
    first membership starts before the timetable's valid_from: min_size does not bind them.

    Returns one RuleCheck per rule of ``RULES``, in that order, always all of them; a rule with
    ``violations == 0`` holds. Never raises on a broken solution.
    """
    facts = _Facts(data, solution, frozenset(kept))
    checks = []
    for rule, description in RULES:
        tally = _Tally()
        _CHECKS[rule](facts, tally)
        checks.append(RuleCheck(rule, description, tally.count, tuple(tally.details)))
    return checks


def total_violations(checks: Iterable[RuleCheck]) -> int:
    """The sum of the violation counts of ``checks``."""
    return sum(c.violations for c in checks)


__all__ = ["MAX_DETAILS", "RULES", "RuleCheck", "total_violations", "verify"]
