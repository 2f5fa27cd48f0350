"""What the update changes: who continues, who left and why, which sessions are still valid.

Everything here is decided from the data, before any model is built, and each decision
carries the cause that the Changes sheet shows in its ``why`` column.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.data import ProblemData, fmt_time
from scheduler.model.instance import Instance, overlaps
from scheduler.replan.current import Current, current_on
from scheduler.report.read import Timetable
from scheduler.rules import fits, may_teach
from scheduler.solution import Group, Session, Solution
from scheduler.term import open_dates

HAND_EDIT = "repair of a hand edit"


@dataclass(frozen=True)
class Left:
    learner: str
    group: str
    why: str


@dataclass
class Update:
    """The re-plan's starting point."""

    date: dt.date
    data: ProblemData  # the term as the model sees it from DATE
    continuing: dict[str, list[str]]  # kept group -> continuing members
    left: list[Left]
    closed: dict[str, str]  # group -> why (every member left, course or staff gone)
    staff_why: dict[str, str]  # kept group whose staff member must change -> why
    credit: dict[tuple[str, str], int]  # (learner, course) -> minutes delivered before DATE
    original_arrival: dict[str, dt.date | None] = field(default_factory=dict)  # for why
    future: dict[str, list[str]] = field(default_factory=dict)  # kept group -> later arrivals

    def kind_of(self, course: str) -> str:
        c = self.data.course_by_id.get(course)
        return c.kind if c is not None else ""

    def continuing_kinds(self) -> dict[str, set[str]]:
        """learner -> the course kinds they keep a place in."""
        out: dict[str, set[str]] = defaultdict(set)
        for gid, members in self.continuing.items():
            course = gid.rsplit("-", 1)[0]
            for m in members:
                out[m].add(self.kind_of(course))
        return out


def term_from(data: ProblemData, current: Current) -> ProblemData:
    """The term as a timetable valid from DATE sees it: nobody attends before DATE (arrival is
    at least DATE, so intake windows start at the later of arrival and DATE), and a learner
    whose intake is already held needs none."""
    date = current.date
    term = current.timetable.term
    held = set()
    for row in current.timetable.intakes:
        when = term.date_of(row.intake.week, row.intake.day)
        if when is not None and when < date:
            held.add(row.intake.learner)
    learners = []
    for lr in data.learners:
        arrival = max(lr.arrival or data.settings.term_start, date)
        learners.append(
            dataclasses.replace(lr, arrival=arrival, intake=lr.intake and lr.learner not in held)
        )
    return data.replace(learners=tuple(learners))


def seen_from_valid_from(data: ProblemData, timetable: Timetable) -> tuple[ProblemData, Solution]:
    """The term and the timetable as a re-plan verified them: from the timetable's
    ``valid_from`` on (``term_from``), intakes held before it left out (they are history, and
    their learners need no other). A timetable valid from the term's start is itself."""
    date = timetable.term.valid_from
    if date <= data.settings.term_start:
        return data, timetable.solution
    when = timetable.term.date_of
    later = tuple(i for i in timetable.solution.intakes if (when(i.week, i.day) or date) >= date)
    seen = term_from(data, current_on(timetable, date))
    return seen, dataclasses.replace(timetable.solution, intakes=later)


# (data, current, continuing) -> minutes delivered per (learner, course) before DATE
History = Callable[[ProblemData, Current, dict[str, list[str]]], dict[tuple[str, str], int]]


def classify(
    data: ProblemData, current: Current, inst: Instance, history: History | None = None
) -> Update:
    """Continuing and leaving members of every group in force, and the groups closed.
    ``history`` gives the hours delivered before DATE (default: the planned ones,
    ``delivered``; ``replan --db``: the attended ones, ``scheduler.replan.attended``)."""
    date = current.date
    continuing: dict[str, list[str]] = {}
    left: list[Left] = []
    closed: dict[str, str] = {}
    staff_why: dict[str, str] = {}
    future: dict[str, list[str]] = {}
    for gid, group in sorted(current.groups.items()):
        course = data.course_by_id.get(group.course)
        stay = []
        for m in group.members:
            why = _leaves(data, m, group, date) if course else f"course {group.course} removed"
            if why:
                left.append(Left(m, gid, why))
            elif _arrives_later(data, m, date):
                future.setdefault(gid, []).append(m)
            else:
                stay.append(m)
        stay, apart = _separate(data, inst, stay)
        left += [Left(m, gid, why) for m, why in apart]
        if not stay:
            closed[gid] = "every member left" if course else f"course {group.course} removed"
            continue
        continuing[gid] = stay
        why_staff = _staff_problem(data, inst, group)
        if why_staff:
            staff_why[gid] = why_staff
    credit = (history or delivered)(data, current, continuing)
    update = Update(date, data, continuing, left, closed, staff_why, credit)
    update.future = {gid: ms for gid, ms in future.items() if gid in continuing}
    for gid, ms in future.items():
        if gid not in continuing:
            update.left += [Left(m, gid, "their group closed before they arrive") for m in ms]
    return update


def _arrives_later(data: ProblemData, m: str, date: dt.date) -> bool:
    """Placed for a stay that starts after DATE: not a continuing learner (replan.md), but
    their seat is theirs unless it is worth more to someone else (at moved_learner)."""
    arrival = data.learner_by_id[m].arrival
    return arrival is not None and arrival > date


def _leaves(data: ProblemData, m: str, group: Group, date: dt.date) -> str:
    """Why member ``m`` no longer continues in ``group`` ("" when they do)."""
    learner = data.learner_by_id.get(m)
    if learner is None:
        return "removed from Learners"
    if learner.release is not None and learner.release <= date:
        return f"released {learner.release.isoformat()}"
    course = data.course_by_id[group.course]
    if course.kind not in learner.wants:
        return f"no longer asks for {course.kind}"
    if not fits(learner, course):
        if course.kind == "NT2":
            return f"nt2_level now {learner.nt2_level or 'empty'}"
        return f"languages now {', '.join(learner.languages) or 'empty'}"
    return ""


def _separate(data: ProblemData, inst: Instance, members: list[str]):
    """Members a Separations row now keeps apart from an earlier member leave (the later id of
    each pair, so the outcome does not depend on order)."""
    partners = inst.separated_learners
    stay: list[str] = []
    apart = []
    for m in sorted(members):
        clash = [o for o in stay if o in partners.get(m, ())]
        if clash:
            apart.append((m, f"kept apart from {clash[0]} (Separations)"))
        else:
            stay.append(m)
    return stay, apart


def _staff_problem(data: ProblemData, inst: Instance, group: Group) -> str:
    staff = data.staff_by_id.get(group.staff)
    if staff is None:
        return f"staff {group.staff} removed"
    if not may_teach(staff, data.course_by_id[group.course]):
        return f"staff {group.staff} no longer teaches {group.course}"
    if not inst.staff_free.get(group.staff):
        return f"staff {group.staff} no longer on site"
    return ""


def delivered(
    data: ProblemData, current: Current, continuing: dict[str, list[str]]
) -> dict[tuple[str, str], int]:
    """Minutes each continuing learner was planned to attend before DATE, per course: the
    group's session rows on their real open dates inside the membership (history included)."""
    term = current.timetable.term
    out: dict[tuple[str, str], int] = defaultdict(int)
    by_group = defaultdict(list)
    for s in current.timetable.sessions:
        by_group[s.session.group].append(s)
    last = current.date - dt.timedelta(days=1)
    for gid, members in continuing.items():
        for m in members:
            ms = current.memberships.get((gid, m))
            start = ms.start if ms and ms.start else term.term_start
            learner = data.learner_by_id[m]
            for s in by_group.get(gid, []):
                times = term.times(s.session.period, s.session.periods)
                if times is None:
                    continue
                lo = max(start, s.dated.valid_from or term.term_start)
                hi = min(last, s.dated.valid_to or last)
                dates = open_dates(data, s.session.day, (learner.section,), lo, hi)
                out[(m, s.session.course)] += (times[1] - times[0]) * len(dates)
    return dict(out)


# ---------------------------------------------------------------------------------------------
# Sessions still valid


def session_problem(
    data: ProblemData, inst: Instance, s: Session, members: list[str], edited: bool
) -> str:
    """Why session ``s`` of a kept group can no longer stay where it is ("" when it can),
    judged for its continuing ``members``."""
    why = _data_problem(data, inst, s, members)
    if why and edited and not why.startswith(("room ", "staff ")):
        return f"{HAND_EDIT} ({why})"
    return why


def _data_problem(data: ProblemData, inst: Instance, s: Session, members: list[str]) -> str:
    if s.day not in inst.days:
        return f"{s.day} is no longer a teaching day"
    t0 = inst.days.index(s.day) * inst.n_periods + data.period_index[s.period]
    where = f"{s.day} {s.period}"
    room = data.room_by_id.get(s.room)
    if room is None:
        return f"room {s.room} removed"
    if not inst.room_free_at(s.room, t0, s.periods):
        return f"room {s.room} unavailable {_room_rows(data, s)}".strip()
    if room.kind not in ("classroom", "computer_lab") or room.seats < len(members):
        return f"room {s.room} no longer fits the group"
    if s.internet and (room.internet_seats < len(members) or not inst.internet_at(t0, s.periods)):
        return f"no internet for the group in {s.room} {where}"
    if s.staff in inst.staff_free and not inst.staff_free_at(s.staff, t0, s.periods):
        return f"staff {s.staff} not available {where}"
    for m in members:
        section = data.learner_by_id[m].section
        if room.sections and section not in room.sections:
            return f"room {s.room} not open to section {section}"
        if not inst.section_free_at(section, t0, s.periods):
            regime = data.section_by_id[section].regime
            return f"regime {regime} of section {section} now blocks {where}"
        if not inst.learner_free_at(m, t0, s.periods):
            return f"{m} unavailable {where}"
    return ""


def _room_rows(data: ProblemData, s: Session) -> str:
    """``Tue 10:25-12:05`` of the RoomUnavailability rows that block the session."""
    first = data.period_index[s.period]
    start, end = data.periods[first].start, data.periods[first + s.periods - 1].end
    rows = [
        f"{u.day} {fmt_time(u.start)}-{fmt_time(u.end)}"
        for u in data.room_unavailability
        if u.room == s.room and u.day in (s.day, "all") and overlaps(u.start, u.end, start, end)
    ]
    return ", ".join(rows)


def clashes(data: ProblemData, inst: Instance, kept: list[tuple[str, int, Session, list[str]]]):
    """(group, index) of kept sessions that overlap another kept session in the same room,
    with the same staff member or with a shared continuing learner: both are freed (the
    model keeps one where it is)."""
    out: dict[tuple[str, int], str] = {}
    items = []
    for gid, i, s, members in kept:
        if s.day not in inst.days or s.period not in data.period_index:
            continue
        first = data.period_index[s.period]
        items.append((gid, i, s, set(members), s.day, first, first + s.periods))
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            ga, ia, sa, ma, da, fa, ea = items[a]
            gb, ib, sb, mb, db, fb, eb = items[b]
            if da != db or fa >= eb or fb >= ea:
                continue
            what = ""
            if sa.room == sb.room:
                what = f"room {sa.room}"
            elif sa.staff == sb.staff:
                what = f"staff {sa.staff}"
            elif ma & mb:
                what = f"learner {sorted(ma & mb)[0]}"
            if what:
                out.setdefault((ga, ia), f"{what} double-booked {da} {sa.period} with {gb}")
                out.setdefault((gb, ib), f"{what} double-booked {db} {sb.period} with {ga}")
    return out
