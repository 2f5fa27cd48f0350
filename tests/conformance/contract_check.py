"""A second, test-only check of a timetable against workbook.md, in the plainest code.

Written from the contract's text alone: it imports no code of ``scheduler.verify``,
``scheduler.model``, ``scheduler.rules`` or ``scheduler.term``, only the plain records of
``scheduler.data`` and ``scheduler.solution``. Times are minutes since midnight.

The one idea it leans on: an appointment (a session, an intake, a booking) occupies the clock time
from the start of its first period to the end of its last, gaps included (workbook.md,
"A session or an intake spanning a gap"). A blocking row blocks it when the two overlap by a
minute or more; a window must contain each of its periods and each gap between them.

``check(data, solution)`` returns one line per violation (empty: the timetable keeps the rules).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from scheduler.data import ProblemData
from scheduler.solution import Solution

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def pieces(data: ProblemData, first: str, length: int) -> list[tuple[int, int]] | None:
    """The (start, end) of each period of the appointment and of each gap between two of them;
    None when the periods do not exist on one day."""
    names = [p.period for p in data.periods]
    if first not in names or length < 1 or names.index(first) + length > len(names):
        return None
    periods = data.periods[names.index(first) : names.index(first) + length]
    out = [(p.start, p.end) for p in periods]
    out += [(a.end, b.start) for a, b in zip(periods, periods[1:], strict=False) if b.start > a.end]
    return out


def blocked(rows, day: str, span: list[tuple[int, int]]) -> bool:
    """A row on that day (or ``all``) overlaps the appointment by a minute or more."""
    return any(
        r.day in (day, "all") and r.start < end and r.end > start
        for r in rows
        for start, end in span
    )


def inside(windows, day: str, span: list[tuple[int, int]]) -> bool:
    """Each period and each gap lies wholly inside one window of that day."""
    return all(
        any(w.day == day and w.start <= start and end <= w.end for w in windows)
        for start, end in span
    )


def date_of(data: ProblemData, week: int, day: str) -> dt.date | None:
    """The date of ``day`` in term week ``week`` (week 1 starts on term_start)."""
    start = data.settings.term_start + dt.timedelta(days=7 * (week - 1))
    for k in range(7):
        date = start + dt.timedelta(days=k)
        if WEEKDAYS[date.weekday()] == day and date <= data.settings.term_end:
            return date
    return None


def closed(data: ProblemData, date: dt.date, section: str) -> bool:
    return any(
        c.date == date and (not c.sections or section in c.sections) for c in data.closed_days
    )


def in_stay(learner, date: dt.date) -> bool:
    """In prison that day: on or after arrival, before release."""
    return (learner.arrival is None or date >= learner.arrival) and (
        learner.release is None or date < learner.release
    )


def needs_intake(learner) -> bool:
    return learner.intake or ("NT2" in learner.wants and not learner.nt2_level)


def check(data: ProblemData, solution: Solution) -> list[str]:
    """Every violation of the contract's timetable rules, one line each."""
    out: list[str] = []
    out += check_groups(data, solution)
    out += check_sessions(data, solution)
    out += check_intakes(data, solution)
    out += check_internet(data, solution)
    out += check_people_and_rooms_once(data, solution)
    out += check_separations(data, solution)
    out += check_locks(data, solution)
    return out


def check_groups(data: ProblemData, solution: Solution) -> list[str]:
    """Members fit the course; sizes; one group per kind; max_groups; ids C-1..C-n; staff."""
    out = []
    courses, learners = data.course_by_id, data.learner_by_id
    kinds: Counter = Counter()
    for g in solution.groups:
        c = courses.get(g.course)
        if c is None:
            out.append(f"{g.group}: unknown course")
            continue
        if not c.min_size <= len(set(g.members)) <= c.max_size:
            out.append(f"{g.group}: {len(g.members)} members, {c.min_size}..{c.max_size} allowed")
        for m in g.members:
            lr = learners.get(m)
            if lr is None or c.kind not in lr.wants:
                out.append(f"{g.group}: {m} did not ask for {c.kind}")
            elif c.kind == "NT2" and lr.nt2_level != c.level:
                out.append(f"{g.group}: {m} is not at level {c.level}")
            elif c.kind == "MO" and c.language not in lr.languages:
                out.append(f"{g.group}: {m} does not speak {c.language}")
            elif not present_in_term(data, lr):
                out.append(f"{g.group}: {m} is not in prison during the term")
            kinds[(m, c.kind)] += 1
        out += staff_fits(data, g, c)
    out += [f"{m} is in {n} {k} groups" for (m, k), n in kinds.items() if n > 1]
    per_course = defaultdict(list)
    for g in solution.groups:
        per_course[g.course].append(g.group)
    for course_id, ids in per_course.items():
        c = courses.get(course_id)
        if c is not None and c.max_groups is not None and len(ids) > c.max_groups:
            out.append(f"{course_id}: {len(ids)} groups, at most {c.max_groups}")
        if sorted(ids) != sorted(f"{course_id}-{n}" for n in range(1, len(ids) + 1)):
            out.append(f"{course_id}: group ids {sorted(ids)} are not {course_id}-1..-{len(ids)}")
    return out


def present_in_term(data: ProblemData, learner) -> bool:
    s = data.settings
    first = max(s.term_start, learner.arrival) if learner.arrival else s.term_start
    last = (
        s.term_end
        if learner.release is None
        else min(s.term_end, learner.release - dt.timedelta(days=1))
    )
    return first <= last


def staff_fits(data: ProblemData, g, c) -> list[str]:
    staff = data.staff_by_id.get(g.staff)
    role = {"NT2": "nt2_teacher", "MO": "mo_trainer"}[c.kind]
    if staff is None or staff.role != role:
        return [f"{g.group}: {g.staff} is not a {role}"]
    if staff.teaches and c.course not in staff.teaches:
        return [f"{g.group}: {g.staff} does not teach {c.course}"]
    if c.kind == "MO" and c.language not in staff.languages:
        return [f"{g.group}: {g.staff} does not speak {c.language}"]
    return []


def check_sessions(data: ProblemData, solution: Solution) -> list[str]:
    """Count, length, day, room, regimes, unavailability, staff days/windows/load, internet,
    escorts."""
    out = []
    groups = {g.group: g for g in solution.groups}
    count: Counter[str] = Counter()
    online: Counter[str] = Counter()
    starting: Counter[tuple[str, str]] = Counter()
    for s in solution.sessions:
        count[s.group] += 1
        online[s.group] += s.internet
        starting[(s.day, s.period)] += 1
        g, c = groups.get(s.group), data.course_by_id.get(s.course)
        span = pieces(data, s.period, s.periods)
        where = f"{s.group} {s.day} {s.period}"
        if (
            g is None
            or c is None
            or span is None
            or s.periods != c.session_periods
            or s.course != g.course
        ):
            out.append(f"{where}: not a session of a group, of its course's length, within the day")
            continue
        if s.day not in data.settings.teaching_days or s.staff != g.staff:
            out.append(f"{where}: not a teaching day, or not the group's staff member")
        out += appointment_problems(data, where, s.day, span, s.room, s.staff, g.members)
        room = data.room_by_id.get(s.room)
        if (
            room is None
            or room.kind not in ("classroom", "computer_lab")
            or room.seats < len(g.members)
        ):
            out.append(f"{where}: room {s.room} is no classroom or lab that seats the group")
        sections = {data.learner_by_id[m].section for m in g.members if m in data.learner_by_id}
        if room is not None and room.sections and not sections <= set(room.sections):
            out.append(f"{where}: room {s.room} is not open to every member's section")
        if s.internet and (
            room is None or room.kind != "computer_lab" or room.internet_seats < len(g.members)
        ):
            out.append(f"{where}: internet session without a lab seat for every member")
        if s.internet and not inside(data.internet_windows, s.day, span):
            out.append(f"{where}: internet session outside the internet windows")
    for gid, g in groups.items():
        c = data.course_by_id.get(g.course)
        if c is not None and (count[gid], online[gid]) != (
            c.sessions_per_week,
            c.internet_sessions,
        ):
            out.append(
                f"{gid}: {count[gid]} sessions ({online[gid]} online), course needs "
                f"{c.sessions_per_week} ({c.internet_sessions})"
            )
    cap = data.settings.max_groups_moving
    if cap is not None:
        out += [
            f"{d} {p}: {n} groups start, escorts for {cap}"
            for (d, p), n in starting.items()
            if n > cap
        ]
    out += staff_load(data, solution)
    return out


def appointment_problems(data, where, day, span, room_id, staff_id, people) -> list[str]:
    """Regimes, learner and room unavailability, staff days and windows for one appointment."""
    out = []
    for m in people:
        lr = data.learner_by_id.get(m)
        section = data.section_by_id.get(lr.section) if lr else None
        regime = [r for r in data.regimes if section and r.regime == section.regime]
        own = [u for u in data.learner_unavailability if u.learner == m]
        if blocked(regime, day, span) or blocked(own, day, span):
            out.append(f"{where}: {m} is blocked (regime or unavailability)")
    if blocked([u for u in data.room_unavailability if u.room == room_id], day, span):
        out.append(f"{where}: room {room_id} is unavailable")
    if staff_id is not None:
        staff = data.staff_by_id.get(staff_id)
        windows = [a for a in data.staff_availability if a.staff == staff_id]
        if staff is None or day not in (staff.days or data.settings.teaching_days):
            out.append(f"{where}: {staff_id} is not on site")
        elif windows and not inside(windows, day, span):
            out.append(f"{where}: {staff_id} is not available over the whole appointment")
    return out


def staff_load(data: ProblemData, solution: Solution) -> list[str]:
    """Weekly session periods plus each week's intake periods within max_periods_per_week."""
    weekly: Counter[str] = Counter()
    intakes: Counter[tuple[str, int]] = Counter()
    for s in solution.sessions:
        weekly[s.staff] += s.periods
    for i in solution.intakes:
        intakes[(i.staff, i.week)] += i.periods
    out = []
    for st in data.staff:
        cap = st.max_periods_per_week
        worst = max(
            [weekly[st.staff]]
            + [weekly[st.staff] + n for (s, _w), n in intakes.items() if s == st.staff]
        )
        if cap is not None and worst > cap:
            out.append(f"{st.staff}: {worst} periods in a week, at most {cap}")
    return out


def check_intakes(data: ProblemData, solution: Solution) -> list[str]:
    """Who, how many, how long, where, with whom, and when (weeks from arrival, open date)."""
    out = []
    per_learner = Counter(i.learner for i in solution.intakes)
    out += [f"{m} has {n} intakes" for m, n in per_learner.items() if n > 1]
    for i in solution.intakes:
        where = f"intake of {i.learner} week {i.week} {i.day} {i.period}"
        lr = data.learner_by_id.get(i.learner)
        span = pieces(data, i.period, i.periods)
        room, staff = data.room_by_id.get(i.room), data.staff_by_id.get(i.staff)
        if (
            lr is None
            or not needs_intake(lr)
            or span is None
            or i.periods != data.settings.intake_periods
        ):
            out.append(f"{where}: not a learner who needs one, or not intake_periods long")
            continue
        if (
            room is None
            or room.kind != "interview"
            or (room.sections and lr.section not in room.sections)
        ):
            out.append(f"{where}: not an interview room open to the learner's section")
        if (
            staff is None
            or staff.role != "counsellor"
            or i.language not in staff.languages
            or i.language not in lr.languages
        ):
            out.append(f"{where}: not a counsellor speaking a language of the learner")
        first_week = 1
        if lr.arrival is not None and lr.arrival > data.settings.term_start:
            first_week = (lr.arrival - data.settings.term_start).days // 7 + 1
        date = date_of(data, i.week, i.day)
        if not first_week <= i.week < first_week + data.settings.intake_weeks or date is None:
            out.append(f"{where}: outside the intake weeks from arrival")
        elif closed(data, date, lr.section) or not in_stay(lr, date):
            out.append(f"{where}: {date} is closed or outside the learner's stay")
        out += appointment_problems(data, where, i.day, span, i.room, i.staff, [i.learner])
    return out


def check_internet(data: ProblemData, solution: Solution) -> list[str]:
    """Bookings: learners who asked, their number, one a day, one period in a window, a lab."""
    out = []
    per_week: Counter[str] = Counter()
    per_day: Counter[tuple[str, str]] = Counter()
    per_seat: Counter[tuple[str, str, str]] = Counter()
    for b in solution.internet:
        where = f"internet of {b.learner} {b.day} {b.period}"
        lr, room = data.learner_by_id.get(b.learner), data.room_by_id.get(b.room)
        span = pieces(data, b.period, 1)
        per_week[b.learner] += 1
        per_day[(b.learner, b.day)] += 1
        per_seat[(b.room, b.day, b.period)] += 1
        if lr is None or lr.internet_periods < 1 or span is None:
            out.append(f"{where}: the learner did not ask for internet")
            continue
        if (
            room is None
            or room.kind != "computer_lab"
            or room.internet_seats < 1
            or (room.sections and lr.section not in room.sections)
        ):
            out.append(f"{where}: not a lab with internet seats open to the learner's section")
        if not inside(data.internet_windows, b.day, span):
            out.append(f"{where}: outside the internet windows")
        out += appointment_problems(data, where, b.day, span, b.room, None, [b.learner])
    for m, n in per_week.items():
        lr = data.learner_by_id.get(m)
        if lr is not None and n > lr.internet_periods:
            out.append(f"{m}: {n} internet periods, asked for {lr.internet_periods}")
    out += [f"{m}: {n} bookings on {d}" for (m, d), n in per_day.items() if n > 1]
    for (room_id, d, p), n in per_seat.items():
        room = data.room_by_id.get(room_id)
        if room is not None and n > room.internet_seats:
            out.append(f"{room_id} {d} {p}: {n} bookings, {room.internet_seats} internet seats")
    return out


def uses(data: ProblemData, solution: Solution):
    """(room, people, day, period index, week or 0 for every week, what) for every period of
    every session, booking and intake."""
    names = [p.period for p in data.periods]
    groups = {g.group: g for g in solution.groups}

    def indexes(first: str, length: int) -> range:
        k = names.index(first) if first in names else len(names)
        return range(k, min(k + length, len(names)))

    for s in solution.sessions:
        people = (s.staff, *(groups[s.group].members if s.group in groups else ()))
        for k in indexes(s.period, s.periods):
            yield s.room, people, s.day, k, 0, "session"
    for b in solution.internet:
        for k in indexes(b.period, 1):
            yield b.room, (b.learner,), b.day, k, 0, "internet"
    for i in solution.intakes:
        for k in indexes(i.period, i.periods):
            yield i.room, (i.staff, i.learner), i.day, k, i.week, "intake"


def check_people_and_rooms_once(data: ProblemData, solution: Solution) -> list[str]:
    """A staff member or learner does one thing at a time; a room holds one session (and no
    booking beside it) or one intake at a time."""
    weekly: defaultdict[tuple, list[str]] = defaultdict(list)
    dated: defaultdict[tuple, list[str]] = defaultdict(list)
    for room, people, day, k, week, what in uses(data, solution):
        table = dated if week else weekly
        for who in people:
            table[(who, day, k, week)].append(what)
        table[(room, day, k, week)].append("booking" if what == "internet" else what)
    out = []
    for (who, day, k, week), whats in list(weekly.items()) + list(dated.items()):
        everything = whats + (weekly.get((who, day, k, 0), []) if week else [])
        things = [w for w in everything if w != "booking"]  # bookings share a lab's seats
        if len(things) > 1 or (things and "booking" in everything):
            out.append(f"{who} {day} period {k + 1} week {week or 'every'}: {everything} at once")
    return out


def check_separations(data: ProblemData, solution: Solution) -> list[str]:
    """Separated sides never in one group, nor in one room at one time."""

    def side(x: str) -> set[str]:
        if x in data.learner_by_id:
            return {x}
        return {lr.learner for lr in data.learners if lr.section == x}

    together = [set(g.members) for g in solution.groups]
    weekly: defaultdict[tuple, set[str]] = defaultdict(set)
    dated: defaultdict[tuple, set[str]] = defaultdict(set)
    for room, people, day, k, week, _what in uses(data, solution):
        (dated if week else weekly)[(room, day, k, week)].update(people)
    together += list(weekly.values())
    together += [p | weekly.get((r, d, k, 0), set()) for (r, d, k, _w), p in dated.items()]
    out = []
    for sep in data.separations:
        a, b = side(sep.a), side(sep.b)
        for people in together:
            if people & a and people & b and len((people & a) | (people & b)) > 1:
                out.append(f"{sep.a} and {sep.b} together: {sorted(people & (a | b))}")
    return out


def check_locks(data: ProblemData, solution: Solution) -> list[str]:
    """Session locks are met by a session; member locks by the group's members."""
    out = []
    fields = ("course", "group", "day", "period", "room", "staff")
    for lock in data.locks:
        if lock.kind == "member":
            group = next((g for g in solution.groups if g.group == lock.group), None)
            if group is None or lock.learner not in group.members:
                out.append(f"lock: {lock.learner} is not in {lock.group}")
            continue
        wanted = {f: getattr(lock, f) for f in fields if getattr(lock, f)}
        if not any(all(getattr(s, f) == v for f, v in wanted.items()) for s in solution.sessions):
            out.append(f"lock {wanted}: no such session")
    return out
