"""Why a learner waits: one true reason per request not met, and what would unblock it.

``waiting(data, solution)`` returns one ``WaitingRow`` per learner-course (NT2, MO) not placed,
per intake needed but not held and per internet request not fully booked. Each reason is
computed from the data and the finished timetable, checked in order from the most basic
(not present, needs an intake, no course at the level) through what the data rules out for
any timetable (no staff, too few learners who may meet, no common free time for a week of
sessions) to what this timetable leaves. The existing groups come first: one holding someone
the learner is kept apart from can never take them; the others may be full (by max_size, room
seats or internet seats), meet when the learner is not free, or end too late before release.
When no group can take them, the reason is why no (other) group was formed: max_groups
reached, too few learners left to fill one, every staff member at max_periods_per_week, or no
week of times when a staff member, the learner, enough others and a room are free together.
A reason is only given when it holds; when none of them does, the row says so honestly (code
``other``), and the unblock lists everything that would have to change.

Weekly slots are numbered as in ``scheduler.model.instance``: ``t = day_index * P + period``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.data import COURSE_KINDS, Course, Learner, ProblemData, fmt_time
from scheduler.model.instance import Instance, build_instance, section_cliques
from scheduler.report.figures import group_hours, placed_kinds, sessions_by_group
from scheduler.rules import (
    ROLE_WORD,
    intake_dates,
    intake_window,
    listing,
    needs_intake,
    plural,
    role_for,
)
from scheduler.solution import Group, Session, Solution
from scheduler.term import closed_for, learner_window, session_hours, term_dates, weekday


@dataclass(frozen=True)
class Claim:
    """One statement a reason makes about the data or the timetable, as data, so that a test
    can re-derive it (exports.md, Clarifications). Kinds and their ``args``:

    - ``staff_busy``: (staff, day, period, group, course): the staff member teaches ``group``
      then, while qualified for ``course`` (the one the learner waits for), on site and
      available then, and under their weekly maximum with one more group of it;
    - ``room_taken``: (room, day, period, group): ``group``'s session holds the room then;
    - ``escorts_full``: (day, period, limit): ``limit`` group sessions already start then;
    - ``too_few_compatible``: (course, n, needed): only ``n`` learners may share a group of the
      course with the learner, and it needs ``needed`` (its min_size);
    - ``lab_full``: (lab, day, period, used, seats): every internet seat is booked then;
    - ``max_groups_reached``: (course, formed, max_groups);
    - ``staff_at_max``: (staff, course, load): a staff member who may teach the course teaches
      ``load`` periods a week, so one more group of it would pass their max_periods_per_week.
    """

    kind: str
    args: tuple[str | int, ...]


@dataclass(frozen=True)
class WaitingRow:
    """One request not met: ``wants`` is NT2, MO, intake or internet."""

    learner: str
    wants: str
    reason: str
    reason_code: str
    unblock: str
    section: str = ""
    # checked / refuted / not checked: what scheduler explain confirmed (explain/unblock.py)
    unblock_check: str = "not checked"
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Verdict:
    reason: str
    code: str
    unblock: str
    claims: tuple[Claim, ...] = ()


@dataclass
class _Context:
    """The data, the timetable and what each learner already holds, by weekly slot."""

    data: ProblemData
    solution: Solution
    inst: Instance
    sessions: dict[str, list[Session]] = field(default_factory=dict)
    busy: dict[str, dict[int, str]] = field(default_factory=dict)  # learner -> slot -> what
    partners: dict[str, set[str]] = field(default_factory=dict)
    got: dict[str, set[str]] = field(default_factory=dict)  # learner -> kinds placed

    def slot(self, day: str, period: str) -> int | None:
        """The weekly slot of ``day`` and period id (None outside the grid)."""
        if day not in self.inst.days or period not in self.data.period_index:
            return None
        return self.inst.days.index(day) * self.inst.n_periods + self.data.period_index[period]

    def covered(self, day: str, period: str, length: int) -> list[int]:
        """The slots ``length`` periods from ``period`` on ``day`` occupy."""
        t = self.slot(day, period)
        return [] if t is None else list(range(t, t + length))

    def name(self, t: int) -> str:
        """``Mon P1 (08:30)`` for slot ``t``."""
        day, period = self.inst.slot_name(t)
        return f"{day} {period} ({fmt_time(self.data.periods[t % self.inst.n_periods].start)})"

    def free(self, learner: str, with_own: bool = True) -> set[int]:
        """Weekly slots the learner is free in: not blocked, and (``with_own``) not taken by
        their own sessions, internet bookings or intake."""
        out = set(range(self.inst.n_slots)) - self.inst.learner_blocked.get(learner, frozenset())
        return out - set(self.busy.get(learner, {})) if with_own else out


def _context(data: ProblemData, solution: Solution) -> _Context:
    inst = build_instance(data)
    ctx = _Context(data, solution, inst, sessions_by_group(solution))
    ctx.partners = inst.separated_learners
    ctx.got = placed_kinds(data, solution)
    for g in solution.groups:
        for s in ctx.sessions.get(g.group, []):
            for t in ctx.covered(s.day, s.period, s.periods):
                for m in g.members:
                    ctx.busy.setdefault(m, {})[t] = f"in {g.group}"
    for b in solution.internet:
        for t in ctx.covered(b.day, b.period, 1):
            ctx.busy.setdefault(b.learner, {})[t] = "an internet booking"
    for i in solution.intakes:
        for t in ctx.covered(i.day, i.period, i.periods):
            ctx.busy.setdefault(i.learner, {})[t] = "their intake"
    return ctx


def waiting(data: ProblemData, solution: Solution) -> list[WaitingRow]:
    """Every request not met by ``solution``, each with one true reason (see module doc)."""
    ctx = _context(data, solution)
    got = ctx.got
    held = {i.learner for i in solution.intakes}
    booked: dict[str, int] = {}
    for b in solution.internet:
        booked[b.learner] = booked.get(b.learner, 0) + 1
    rows = []
    for lr in data.learners:
        wants = [k for k in COURSE_KINDS if k in lr.wants and k not in got.get(lr.learner, set())]
        verdicts = [(k, _course_verdict(ctx, lr, k)) for k in wants]
        if needs_intake(lr) and lr.learner not in held:
            verdicts.append(("intake", _intake_verdict(ctx, lr)))
        if lr.internet_periods > booked.get(lr.learner, 0):
            verdicts.append(("internet", _internet_verdict(ctx, lr, booked.get(lr.learner, 0))))
        rows += [
            WaitingRow(lr.learner, k, v.reason, v.code, v.unblock, lr.section, claims=v.claims)
            for k, v in verdicts
        ]
    return rows


# --- course places -------------------------------------------------------------------------


def _course_verdict(ctx: _Context, lr: Learner, kind: str) -> Verdict:
    checks: list[Callable[[_Context, Learner, str], Verdict | None]] = [
        _absent,
        _group_never_meets,
        _level_unknown,
        _no_course,
        _fully_blocked,
        _structural,
        _existing_groups,
    ]
    for check in checks:
        verdict = check(ctx, lr, kind)
        if verdict:
            return verdict
    return _no_group_formed(ctx, lr, kind)


def _group_never_meets(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    """The learner is a member of a group whose every session date is closed: a place on
    paper only (issue 12, item 10), so they count as waiting and this is why."""
    for g in ctx.solution.groups:
        course = ctx.data.course_by_id.get(g.course)
        if course is None or course.kind != kind or lr.learner not in g.members:
            continue
        return Verdict(
            f"{g.group} never meets: every date of its sessions is closed (ClosedDays) for the "
            "prison or for a section of its members",
            "other",
            "fewer closed days in the term, or a term with open dates",
        )
    return None


def _absent(ctx: _Context, lr: Learner, _kind: str = "") -> Verdict | None:
    first, last = learner_window(ctx.data, lr.learner)
    if first <= last:
        return None
    if lr.release is not None and lr.release <= ctx.data.settings.term_start:
        return Verdict(
            f"released {lr.release}, before the term starts",
            "released_before_completion",
            "nothing this term; correct the release date if it has changed",
        )
    return Verdict(
        f"not present during the term (arrival {lr.arrival}, release {lr.release})",
        "other",
        "plan them in a later term, or correct arrival/release",
    )


def _level_unknown(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    if kind != "NT2" or lr.nt2_level:
        return None
    intake = next((i for i in ctx.solution.intakes if i.learner == lr.learner), None)
    when = (
        f"intake booked in week {intake.week}, {intake.day} {intake.period} with {intake.staff}"
        if intake
        else "no intake booked yet"
    )
    return Verdict(
        f"needs an intake before a level can be set ({when})",
        "needs_intake",
        "hold the intake, enter nt2_level on Learners and solve again",
    )


def matching_courses(data: ProblemData, lr: Learner, kind: str) -> list[Course]:
    """Courses of ``kind`` the learner fits: NT2 at their level, MO in one of their languages."""
    return [
        c
        for c in data.courses
        if c.kind == kind
        and (
            (kind == "NT2" and c.level == lr.nt2_level)
            or (kind == "MO" and c.language in lr.languages)
        )
    ]


def _no_course(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    if matching_courses(ctx.data, lr, kind):
        return None
    if kind == "NT2":
        return Verdict(
            f"no NT2 {lr.nt2_level} course is offered",
            "no_group_at_level",
            f"add an NT2 {lr.nt2_level} course on Courses",
        )
    langs = ", ".join(lr.languages) or "(no language recorded)"
    return Verdict(
        f"no MO course is offered in {langs}",
        "no_group_at_level",
        f"add an MO course in {lr.languages[0] if lr.languages else 'a language they speak'}"
        " with a trainer who speaks it",
    )


def _blockers(ctx: _Context, lr: Learner) -> str:
    """Words for what blocks the learner's week: their section's regime and own rows."""
    section = ctx.data.section_by_id.get(lr.section)
    text = f"regime {section.regime} (section {lr.section})" if section else "their regime"
    if any(u.learner == lr.learner for u in ctx.data.learner_unavailability):
        text += " and their own unavailability"
    return text


def _fully_blocked(ctx: _Context, lr: Learner, _kind: str = "") -> Verdict | None:
    if ctx.free(lr.learner, with_own=False):
        return None
    return Verdict(
        f"{_blockers(ctx, lr)} leaves no free period in the week",
        "no_common_time",
        "free some periods in the regime or in LearnerUnavailability",
    )


# --- what the data rules out for any timetable ---------------------------------------------


def _structural(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    """None when some matching course could form a group with the learner in it; otherwise
    the reason of the course that came furthest."""
    best: tuple[int, Verdict] | None = None
    for course in matching_courses(ctx.data, lr, kind):
        found = _course_obstacle(ctx, lr, course)
        if found is None:
            return None
        if best is None or found[0] > best[0]:
            best = found
    return best[1] if best else None


def _course_obstacle(ctx: _Context, lr: Learner, course: Course) -> tuple[int, Verdict] | None:
    """(stage, verdict) of the first thing that stops any group of ``course`` with ``lr``."""
    if course.max_groups == 0:
        return 0, Verdict(
            f"{course.name} allows no group (max_groups 0)",
            "no_group_at_level",
            f"raise max_groups of {course.course}",
        )
    staff = ctx.inst.course_staff.get(course.course, [])
    if not staff:
        return 1, _no_staff(ctx, course)
    pools = _pools(ctx, lr, course)
    size = max((len(p) for p in pools), default=0)
    if size < course.min_size:
        return 2, _too_few(ctx, lr, course, size)
    gaps = [_week_gap(ctx, _Who(course, s, frozenset({lr.learner}), 1, False)) for s in staff]
    if all(gaps):
        return 3, _no_time_with_staff(ctx, lr, course, staff, gaps)
    if all(
        _week_gap(ctx, _Who(course, s, frozenset(pool), course.min_size, False, lr.learner), True)
        for s in staff
        for pool in pools
    ):
        return 4, Verdict(
            f"at the times {lr.learner} and {_a(course.name)} {_role_word(course)} are both free,"
            f" fewer than {course.min_size} learners who may join {course.name} are free"
            f"{_in_a_room(ctx)} often enough for its"
            f" {plural(course.sessions_per_week, 'session')} a week",
            "no_common_time",
            f"a time when {course.min_size} of them and a {_role_word(course)} are free"
            " (regimes, staff days)",
        )
    return None


def _in_a_room(ctx: _Context) -> str:
    """Words for the room condition of a count of free learners, when rooms restrict sections."""
    return " with a room open to them" if any(r.sections for r in ctx.data.rooms) else ""


def _role_word(course: Course) -> str:
    return ROLE_WORD[role_for(course.kind) or "nt2_teacher"]


def _no_staff(ctx: _Context, course: Course) -> Verdict:
    """Which filter leaves no staff member for ``course``."""
    role = role_for(course.kind) or "nt2_teacher"
    weekly = course.sessions_per_week * course.session_periods
    people = [s for s in ctx.data.staff if s.role == role]
    why = f"no {role} on Staff"
    if people:
        people = [s for s in people if not s.teaches or course.course in s.teaches]
        why = f"no {role} teaches {course.course}"
    if people and course.kind == "MO":
        people = [s for s in people if course.language in s.languages]
        why = f"no {role} who may teach it speaks {course.language}"
    if people:
        people = [
            s for s in people if s.max_periods_per_week is None or s.max_periods_per_week >= weekly
        ]
        why = (
            f"every {role} who could teach it has max_periods_per_week below the {weekly}"
            " a group needs"
        )
    if people:
        why = f"every {role} who could teach it has no available period"
    return Verdict(
        f"no staff member can teach {course.name}: {why}",
        "no_group_at_level",
        f"{_a(role)} for {course.course} (Staff: role, teaches, languages, days)",
    )


def _pools(ctx: _Context, lr: Learner, course: Course) -> list[list[str]]:
    """Eligible learners who may share a group with ``lr``, one list per clique of mutually
    compatible sections that contains ``lr``'s section; ``lr`` included."""
    data = ctx.data
    eligible = [m for m in ctx.inst.eligible.get(course.course, ()) if m in data.learner_by_id]
    if lr.learner not in eligible:
        return []
    apart = ctx.partners.get(lr.learner, set())
    secs = {data.learner_by_id[m].section for m in eligible}
    pools = []
    for clique in section_cliques(data, secs):
        if lr.section in clique:
            pools.append(
                [m for m in eligible if data.learner_by_id[m].section in clique and m not in apart]
            )
    return pools


def _a(name: str) -> str:
    """``a`` or ``an`` before a name: ``an NT2 1.1``, ``an MO``, ``a mo_trainer``."""
    spelled = name[:2].isupper() and name[:1] in "AEFHILMNORSX"
    return f"{'an' if spelled or name[:1].lower() in 'aeiou' else 'a'} {name}"


def _weeks(n: int) -> str:
    return "week 1" if n == 1 else f"weeks 1–{n}"


def _too_few(ctx: _Context, lr: Learner, course: Course, size: int) -> Verdict:
    data = ctx.data
    eligible = ctx.inst.eligible.get(course.course, ())
    what = f"at level {course.level}" if course.kind == "NT2" else f"for {course.name}"
    if len(eligible) >= course.min_size:
        pooled = {m for pool in _pools(ctx, lr, course) for m in pool}
        apart = sorted({data.learner_by_id[m].section for m in eligible if m not in pooled})
        return Verdict(
            f"a group of {course.name} needs {course.min_size}; counting {lr.learner}, only"
            f" {plural(size, 'learner')} {what} may share a group with them (Separations keep"
            f" them apart from the others, in sections {', '.join(apart)})",
            "separation",
            f"{plural(course.min_size - size, 'more learner')} {what} who may meet {lr.learner},"
            f" or min_size {size} for {course.course}",
            (Claim("too_few_compatible", (course.course, size, course.min_size)),),
        )
    return Verdict(
        f"a group of {course.name} needs {course.min_size}; only"
        f" {plural(len(eligible), 'learner')} {what} {'is' if len(eligible) == 1 else 'are'}"
        " present this term",
        "no_group_at_level",
        f"{plural(course.min_size - len(eligible), 'more learner')} {what}, or min_size"
        f" {max(len(eligible), 1)} for {course.course}",
    )


@dataclass(frozen=True)
class _Who:
    """Who must be free for a session of ``course``: ``staff``, and ``need`` learners of
    ``pool`` with ``must`` among them (free of their own timetable too with ``with_own``)."""

    course: Course
    staff: str
    pool: frozenset[str]
    need: int
    with_own: bool
    must: str | None = None


def _starts_for(
    ctx: _Context,
    who: _Who,
    internet: bool = False,
    rooms: bool = False,
    used: set[tuple[str, int]] | None = None,
) -> list[int]:
    """Session starts where everyone in ``who`` is free. With ``internet``, only inside
    internet windows, in a computer lab with internet seats for a group and open to ``must``.
    With ``rooms``, the ``need`` learners must also fit one room that is open (not blocked, not
    in ``used``) and lets all their sections in."""
    course = who.course
    frees = {m: ctx.free(m, who.with_own) for m in who.pool}
    candidates = _session_rooms(ctx, course, internet)
    out = []
    length = course.session_periods
    inst = ctx.inst
    for t0 in inst.valid_starts(length):
        cover = set(range(t0, t0 + length))
        # the gap rule: a session across a gap needs staff, internet and learners over it too
        staff_ok = who.staff in inst.staff_free and inst.staff_free_at(who.staff, t0, length)
        if not staff_ok or (internet and not inst.internet_at(t0, length)):
            continue
        if who.must is not None and not (
            cover <= frees[who.must] and inst.learner_free_at(who.must, t0, length)
        ):
            continue
        present = [m for m in who.pool if cover <= frees[m] and inst.learner_free_at(m, t0, length)]
        if not (internet or rooms):
            fits = len(present) >= who.need
        else:
            need = who.need if rooms else 1
            fits = any(
                _room_admits(ctx, r, cover, present, who.must, need, used) for r in candidates
            )
        if fits:
            out.append(t0)
    return out


def _room_admits(ctx: _Context, room, cover: set[int], present: list[str], must, need, used):
    """``room`` is open at ``cover`` and lets ``must`` and at least ``need`` of ``present`` in."""
    if not ctx.inst.room_free_at(room.room, min(cover), len(cover)):  # gaps included
        return False
    if used and any((room.room, t) in used for t in cover):
        return False
    sections = room.sections
    admitted = [m for m in present if not sections or ctx.data.learner_by_id[m].section in sections]
    return (must is None or must in admitted) and len(admitted) >= need


def _session_rooms(ctx: _Context, course: Course, internet: bool) -> list:
    """Rooms a session of ``course`` may use: classrooms and labs that seat min_size, or for an
    internet session, labs with that many internet seats."""
    if internet:
        return [
            r
            for r in ctx.data.rooms
            if r.kind == "computer_lab" and min(r.seats, r.internet_seats) >= course.min_size
        ]
    return [
        r
        for r in ctx.data.rooms
        if r.kind in ("classroom", "computer_lab") and r.seats >= course.min_size
    ]


def _disjoint(starts: list[int], length: int) -> int:
    """Most sessions of ``length`` periods that fit at these starts without overlapping."""
    count, end = 0, -1
    for t in sorted(starts):
        if t >= end:
            count, end = count + 1, t + length
    return count


def _session_kinds(course: Course) -> list[tuple[bool, int]]:
    """(internet, how many a week) for the course's ordinary and internet sessions."""
    normal = course.sessions_per_week - course.internet_sessions
    out = [(False, normal)] if normal > 0 else []
    return out + ([(True, course.internet_sessions)] if course.internet_sessions else [])


def _sessions_word(course: Course, internet: bool) -> str:
    """``weekly sessions``, or which of them when the course mixes internet and regular ones."""
    if not course.internet_sessions:
        return "weekly sessions"
    return "internet sessions a week" if internet else "regular sessions a week"


def _week_gap(ctx: _Context, who: _Who, rooms: bool = False) -> tuple[bool, int, int] | None:
    """None when a week of the course fits (see ``_starts_for``): enough non-overlapping starts
    for its ordinary sessions and for its internet ones. Otherwise (internet, sessions that
    fit, sessions needed) of the first kind that falls short."""
    for internet, wanted in _session_kinds(who.course):
        starts = _starts_for(ctx, who, internet, rooms)
        fit = _disjoint(starts, who.course.session_periods)
        if fit < wanted:
            return internet, fit, wanted
    return None


def _staff_days(ctx: _Context, staff_id: str) -> str:
    s = ctx.data.staff_by_id[staff_id]
    days = ",".join(s.days) if s.days else "all days"
    limited = any(a.staff == staff_id for a in ctx.data.staff_availability)
    return f"{staff_id} {days}{' (limited hours)' if limited else ''}"


def _no_time_with_staff(
    ctx: _Context, lr: Learner, course: Course, staff: list[str], gaps: list
) -> Verdict:
    """No staff member of ``course`` and the learner share enough free time for its week."""
    role = _role_word(course)
    days = "; ".join(_staff_days(ctx, s) for s in staff)
    if all(internet for internet, _, _ in gaps):
        labs = [
            r
            for r in _session_rooms(ctx, course, internet=True)
            if not r.sections or lr.section in r.sections
        ]
        if not labs:
            return Verdict(
                f"{course.name} has {plural(course.internet_sessions, 'internet session')} a"
                f" week, and no computer lab with {course.min_size} internet seats is open to"
                f" section {lr.section}",
                "other",
                f"a computer lab with internet seats that section {lr.section} may use, or no"
                f" internet_sessions for {course.course}",
            )
        return Verdict(
            f"no common free time between {_blockers(ctx, lr)}, the internet windows and the"
            f" days of any {course.name} {role} ({days}) for its"
            f" {plural(course.internet_sessions, 'internet session')} a week",
            "no_common_time",
            f"an internet window when {_a(course.name)} {role} and {lr.learner} are free, or"
            f" fewer internet_sessions for {course.course}",
        )
    fit = max(f for internet, f, _ in gaps if not internet)
    free = sorted(ctx.free(lr.learner, with_own=False))
    example = f" (e.g. {ctx.name(free[0])})" if free else ""
    unblock = (
        f"{_a(course.name)} {role} at a time {lr.learner} is free{example}, or a change of regime"
    )
    if fit == 0:
        return Verdict(
            f"no common free time between {_blockers(ctx, lr)} and the days of any {course.name}"
            f" {role} ({days})",
            "no_common_time",
            unblock,
        )
    wanted = max(w for internet, _, w in gaps if not internet)
    return Verdict(
        f"the common free time of {_blockers(ctx, lr)} and any {course.name} {role} ({days})"
        f" holds only {fit} of the {wanted} weekly sessions",
        "no_common_time",
        unblock,
    )


# --- what this timetable leaves ------------------------------------------------------------


def group_capacity(ctx: _Context, group: Group) -> tuple[int, str]:
    """Most members the group can hold, and what limits it (course, room seats, lab seats)."""
    course = ctx.data.course_by_id[group.course]
    cap, why = course.max_size, f"max_size {course.max_size}"
    for s in ctx.sessions.get(group.group, []):
        room = ctx.data.room_by_id.get(s.room)
        if room is None:
            continue
        seats = min(room.seats, room.internet_seats) if s.internet else room.seats
        if seats < cap:
            cap, why = seats, f"{seats} {'internet ' if s.internet else ''}seats in {room.room}"
    return cap, why


def _cause(ctx: _Context, lr: Learner, t: int) -> str:
    """What takes slot ``t`` from the learner: a regime row, their own row, or a booking."""
    day, _ = ctx.inst.slot_name(t)
    period = ctx.data.periods[t % ctx.inst.n_periods]
    section = ctx.data.section_by_id.get(lr.section)
    for r in ctx.data.regimes:
        if section and r.regime == section.regime and r.day in (day, "all"):
            if r.start < period.end and r.end > period.start:
                return f"regime {r.regime}: {r.activity}"
    for u in ctx.data.learner_unavailability:
        if u.learner == lr.learner and u.day == day:
            if u.start < period.end and u.end > period.start:
                return f"their own unavailability: {u.reason or 'unavailable'}"
    return ctx.busy.get(lr.learner, {}).get(t, "not free")


def _group_blocker(ctx: _Context, lr: Learner, group: Group) -> tuple[str, str]:
    """(kind, words) of what keeps ``lr`` out of ``group``; kind ``open`` when nothing does.

    Someone the learner is kept apart from comes first: no other change to the timetable
    would let them join that group."""
    apart = sorted(ctx.partners.get(lr.learner, set()) & set(group.members))
    if apart:
        return "separation", _apart_words(ctx, lr, apart)  # the caller names the groups
    cap, why = group_capacity(ctx, group)
    if group.size >= cap:
        return "full", f"{group.group} full ({group.size} of {cap}: {why})"
    for s in ctx.sessions.get(group.group, []):
        room = ctx.data.room_by_id.get(s.room)
        if room and room.sections and lr.section not in room.sections:
            return (
                "room",
                f"{group.group} meets in {room.room}, reserved for {', '.join(room.sections)}",
            )
    free = ctx.free(lr.learner)
    for s in ctx.sessions.get(group.group, []):
        taken = [t for t in ctx.covered(s.day, s.period, s.periods) if t not in free]
        if taken:
            return "time", f"{group.group} meets {ctx.name(taken[0])} ({_cause(ctx, lr, taken[0])})"
    course = ctx.data.course_by_id[group.course]
    hours = group_hours(ctx.data, group, ctx.sessions.get(group.group, []), learner=lr.learner)
    if hours + 1e-9 < course.total_hours:
        return "release", f"{group.group} gives {hours:g} h before then"
    return "open", f"{group.group} has a free seat at times {lr.learner} is free"


def _apart_words(ctx: _Context, lr: Learner, apart: list[str]) -> str:
    """Who the learner is kept apart from among ``apart``, and the Separations row that says
    so: ``learners of section B (Separations A – B: remand ...)`` or up to three ids."""
    sections = ctx.data.section_by_id
    for sep in ctx.data.separations:
        sides = {sep.a, sep.b}
        if lr.learner in sides or lr.section in sides:
            other = (sides - {lr.learner, lr.section}) or sides
            hit = [m for m in apart if m in other or ctx.data.learner_by_id[m].section in other]
            if hit:
                why = f": {sep.reason}" if sep.reason else ""
                if other <= set(sections):
                    who = f"learners of section {', '.join(sorted(other))}"
                else:
                    more = f" and {len(hit) - 3} more" if len(hit) > 3 else ""
                    who = f"{', '.join(hit[:3])}{more}"
                return f"{who} (Separations {sep.a} – {sep.b}{why})"
    return ", ".join(apart[:3])


def _existing_groups(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    """What keeps the learner out of every existing group of a fitting course (None when
    there is no such group). Groups holding someone they are kept apart from can never take
    them; when only such groups exist, the question is why no group of their own was formed."""
    courses = {c.course: c for c in matching_courses(ctx.data, lr, kind)}
    found = [(g, *_group_blocker(ctx, lr, g)) for g in ctx.solution.groups if g.course in courses]
    if not found:
        return None
    by_who: dict[str, list[str]] = {}
    for g, k, who in found:
        if k == "separation":
            by_who.setdefault(who, []).append(g.group)
    apart = "; ".join(
        f"{listing(gs)} {'has' if len(gs) == 1 else 'have'} {who}" for who, gs in by_who.items()
    )
    joinable = [(g, k, words) for g, k, words in found if k != "separation"]
    if not joinable:
        return _new_group_verdict(ctx, lr, _formable(ctx, lr, kind), apart)
    return _joinable_verdict(ctx, lr, courses, joinable, apart)


def _joinable_verdict(
    ctx: _Context, lr: Learner, courses: dict[str, Course], joinable: list, apart: str
) -> Verdict:
    """The verdict from the groups the learner could in principle join (full, at the wrong
    times, ending too late, or with a free seat); ``apart`` names the others."""
    groups = [g for g, _, _ in joinable]
    kinds = {k for _, k, _ in joinable}
    detail = "; ".join(words for _, _, words in joinable)
    tail = f"; {apart}" if apart else ""
    if "open" in kinds:
        return Verdict(
            f"{detail}{tail}; the solver did not place {lr.learner} there within its time limit",
            "other",
            "solve again with a longer time limit",
        )
    if "release" in kinds:
        return _release_verdict(ctx, lr, courses[groups[0].course], detail)
    if kinds <= {"full", "time"}:
        return _blocked_verdict(ctx, lr, list(courses.values()), groups, kinds, detail, tail)
    return Verdict(
        f"{detail}{tail}", "other", "a room the learner's section may use, or another group"
    )


def _blocked_verdict(
    ctx: _Context,
    lr: Learner,
    courses: list[Course],
    groups: list[Group],
    kinds: set,
    detail: str,
    tail: str,
) -> Verdict:
    """Every group the learner could join is full or meets when they are not free: say what
    limits the seats or the times, and whether one more group could be formed at all.
    ``tail`` names the groups they are kept apart from."""
    names = " / ".join(
        dict.fromkeys(c.name for c in courses if any(g.course == c.course for g in groups))
    )
    caps = {group_capacity(ctx, g) for g in groups}
    if kinds == {"full"} and len(caps) == 1:
        cap, why = next(iter(caps))
        limit = "" if why.startswith("max_size") else f", {why}"
        # With groups they are kept apart from, "all" would count those too.
        which = f"all {names} groups"
        if tail:
            which = f"the {names} group{'s' if len(groups) > 1 else ''} they may join"
            which += " are" if len(groups) > 1 else " is"
        reason = f"{which} full ({len(groups)} × {cap}{limit})"
    elif kinds == {"full"}:
        reason = f"all {names} groups full: {detail}"
    elif "full" in kinds:
        reason = f"every {names} group is full or meets when {lr.learner} is not free: {detail}"
    else:
        reason = f"the {names} groups meet when {lr.learner} is not free: {detail}"
    reason += tail
    fixes = list(dict.fromkeys(_seat_fix(ctx, g) for g in groups if _is_full(ctx, g)))
    if "time" in kinds:
        fixes.append(f"{_a(names)} session moved to a time {lr.learner} is free")
    # One more group may be of any fitting course that some timetable could give them.
    formable = [c for c in courses if _course_obstacle(ctx, lr, c) is None]
    found = [_new_group_obstacle(ctx, lr, c) for c in formable]
    obstacles = [o for o in found if o is not None]
    if formable and len(obstacles) == len(found):
        reason += "; no other group can be formed: " + "; ".join(o.reason for o in obstacles)
        fixes.append(" or ".join(dict.fromkeys(o.unblock for o in obstacles)))
    else:
        fixes.append(f"another {names} group (a {_role_word(courses[0])} with free periods)")
    code = "capacity" if "full" in kinds else "no_common_time"
    return Verdict(reason, code, ", or ".join(fixes))


def _is_full(ctx: _Context, group: Group) -> bool:
    return group.size >= group_capacity(ctx, group)[0]


def _seat_fix(ctx: _Context, group: Group) -> str:
    """What would give a full group more seats: max_size, a bigger room, more internet seats."""
    _, why = group_capacity(ctx, group)
    room = why.rsplit(" ", 1)[-1]
    if why.startswith("max_size"):
        return f"a larger max_size for {group.course}"
    if "internet" in why:
        return f"more internet seats in {room}"
    return f"a room with more seats than {room} for {group.group}"


def _release_verdict(ctx: _Context, lr: Learner, course: Course, detail: str) -> Verdict:
    data = ctx.data
    served = data.weight("served") * lr.priority
    cost = data.weight("release_risk")
    why = (
        f"placing them costs more (release_risk {cost:g}) than it earns (served {served:g})"
        if cost >= served
        else "placing them is allowed but was not chosen"
    )
    return Verdict(
        f"released {lr.release}, before {course.total_hours:g} h of {course.name} can be"
        f" delivered ({detail}); {why}",
        "released_before_completion",
        "a later release date, a shorter course, or a lock that places them anyway",
    )


def _best_hours(ctx: _Context, lr: Learner, course: Course) -> float:
    """Upper bound on the hours ``course`` could give the learner before release, on the best
    weekday and the longest possible session."""
    data = ctx.data
    first, last = learner_window(data, lr.learner)
    per_day: dict[str, int] = {}
    for d in term_dates(data):
        if first <= d <= last and not closed_for(data, d, (lr.section,)):
            per_day[weekday(d)] = per_day.get(weekday(d), 0) + 1
    longest = max(
        (
            session_hours(data, p, course.session_periods)
            for p in range(len(data.periods) - course.session_periods + 1)
        ),
        default=0.0,
    )
    return course.sessions_per_week * max(per_day.values(), default=0) * longest


# --- one more group ----------------------------------------------------------------------------


def _formable(ctx: _Context, lr: Learner, kind: str) -> list[Course]:
    """Fitting courses that some timetable could give the learner a group of."""
    return [c for c in matching_courses(ctx.data, lr, kind) if _course_obstacle(ctx, lr, c) is None]


def _no_group_formed(ctx: _Context, lr: Learner, kind: str) -> Verdict:
    """No group of a fitting course exists though the data allows one."""
    return _new_group_verdict(ctx, lr, _formable(ctx, lr, kind))


def _waiting_pools(ctx: _Context, lr: Learner, course: Course) -> list[list[str]]:
    """``_pools`` without the learners who already have a group of the course's kind: only
    the others can fill one more group."""
    return [
        [m for m in pool if m == lr.learner or course.kind not in ctx.got.get(m, set())]
        for pool in _pools(ctx, lr, course)
    ]


def _spare_staff(ctx: _Context, course: Course) -> tuple[list[str], list[str]]:
    """Staff who may teach ``course`` and have the weekly periods of one more group left, and
    words (``T02 16 of 16``) for those who have not."""
    weekly = course.sessions_per_week * course.session_periods
    spare, busy = [], []
    for s in ctx.inst.course_staff.get(course.course, []):
        _, load = _staff_taken(ctx, s)
        limit = ctx.data.staff_by_id[s].max_periods_per_week
        if limit is not None and limit - load < weekly:
            busy.append(f"{s} {load} of {limit}")
        else:
            spare.append(s)
    return spare, busy


def _new_group_obstacle(ctx: _Context, lr: Learner, course: Course) -> Verdict | None:
    """What rules out one more group of ``course`` with ``lr`` in this timetable at any time
    (max_groups reached, too few learners left to fill it, no staff member with periods
    left), every one of them, so that the unblock lists all that must change; None if none."""
    found: list[Verdict] = []
    formed = sum(1 for g in ctx.solution.groups if g.course == course.course)
    if course.max_groups is not None and formed >= course.max_groups:
        found.append(
            Verdict(
                f"{course.name} allows at most {plural(course.max_groups, 'group')} (max_groups)",
                "capacity",
                f"a higher max_groups for {course.course}",
                (Claim("max_groups_reached", (course.course, formed, course.max_groups)),),
            )
        )
    size = max((len(p) for p in _waiting_pools(ctx, lr, course)), default=0)
    if size < course.min_size:
        found.append(
            Verdict(
                f"a new {course.name} group needs {course.min_size}; counting {lr.learner}, only"
                f" {plural(size, 'learner')} who may share it {'is' if size == 1 else 'are'}"
                f" not in {_a(course.kind)} group yet",
                "capacity",
                f"min_size {max(size, 1)} for {course.course}",
                (Claim("too_few_compatible", (course.course, size, course.min_size)),),
            )
        )
    spare, busy = _spare_staff(ctx, course)
    if not spare:
        role = _role_word(course)
        weekly = course.sessions_per_week * course.session_periods
        found.append(
            Verdict(
                f"every {course.name} {role} is at max_periods_per_week ({', '.join(busy)};"
                f" a group needs {weekly} a week)",
                "capacity",
                f"more max_periods_per_week for {listing([b.split()[0] for b in busy], 'or')}"
                f" (or another {course.name} {role})",
                tuple(
                    Claim("staff_at_max", (b.split()[0], course.course, int(b.split()[1])))
                    for b in busy
                ),
            )
        )
    if not found:
        return None
    return Verdict(
        "; ".join(v.reason for v in found),
        "capacity",
        " and ".join(v.unblock for v in found),
        tuple(c for v in found for c in v.claims),
    )


def _new_group_verdict(
    ctx: _Context, lr: Learner, courses: list[Course], apart: str = ""
) -> Verdict:
    """Why no (other) group of ``courses`` holds ``lr``; ``apart`` says why the existing groups
    cannot take them (empty when no group of these courses exists)."""
    lead, other = (f"{apart}; ", "other ") if apart else ("", "")
    names = " / ".join(c.name for c in courses)
    found = [_new_group_obstacle(ctx, lr, c) for c in courses]
    obstacles = [o for o in found if o is not None]
    if len(obstacles) == len(found):
        return Verdict(
            f"{lead}no {other}{names} group can be formed: "
            + "; ".join(o.reason for o in obstacles),
            "capacity",
            " or ".join(dict.fromkeys(o.unblock for o in obstacles)),
            tuple(c for o in obstacles for c in o.claims),
        )
    courses = [c for c, o in zip(courses, found, strict=True) if o is None]
    if lr.release and all(_best_hours(ctx, lr, c) < c.total_hours for c in courses):
        c = courses[0]
        # The release decides whatever group they could be in: the groups' words would
        # only hide it.
        return _release_verdict(
            ctx, lr, c, f"at most {_best_hours(ctx, lr, c):g} h fit before then"
        )
    return _open_verdict(ctx, lr, courses, f"{lead}no {other}")


def _open_verdict(ctx: _Context, lr: Learner, courses: list[Course], lead: str) -> Verdict:
    """One more group is possible on paper: is there a week of times when a staff member with
    periods left, the learner, enough others and a room are all free?"""
    names = " / ".join(c.name for c in courses)
    role = _role_word(courses[0])
    found = [(c, _opening(ctx, lr, c)) for c in courses]
    for c, o in found:
        if o.start is not None:
            return Verdict(
                f"{lead}{c.name} group was formed, although {o.staff}, {lr.learner} and enough"
                f" others are free at {ctx.name(o.start)} with a room (and at enough other times"
                " for its week); the solver chose other groups or ran out of time",
                "other",
                f"solve again with a longer time limit, or lock {_a(c.course)} session there",
            )
    course, o = next(((c, o) for c, o in found if o.room or o.busy or o.escorts), found[0])
    spare = sorted({s for c in courses for s in _spare_staff(ctx, c)[0]})
    if not (o.room or o.busy or o.escorts):
        return _never_together(ctx, lr, courses, lead, o, spare)
    parts, fixes = _obstacle_words(ctx, course, o)
    rest = f"{o.fit} of its {o.wanted}" if o.fit else f"none of its {o.wanted}"
    rest += f" {o.what}"
    return Verdict(
        f"{lead}{names} group was formed: at the times {lr.learner}, enough others and a {role}"
        f" with periods left are free, {'; '.join(parts)}; the rest holds {rest}",
        "capacity",
        ", or ".join(fixes),
        tuple(o.claims) + _escort_claims(ctx, o.escorts),
    )


def _obstacle_words(ctx: _Context, course: Course, o: _Opening) -> tuple[list[str], list[str]]:
    """What takes the times a new group could meet (rooms, busy staff, escorts), and fixes.
    Only staff who teach another group at those very times are named."""
    parts, fixes = [], []
    if o.room:
        parts.append(f"every suitable room is taken at {_slots(ctx, o.room)}")
        fixes.append("a free room at those times")
    if o.busy:
        busy = sorted({str(c.args[0]) for c in o.claims if c.kind == "staff_busy"})
        verb = "teaches" if len(busy) == 1 else "teach"
        parts.append(f"{listing(busy)} {verb} other groups at {_slots(ctx, o.busy)}")
        fixes.append(
            f"another {course.name} {_role_word(course)}, or a session of"
            f" {listing(busy, 'or')} moved"
        )
    if o.escorts:
        limit = ctx.data.settings.max_groups_moving
        parts.append(
            f"escorts are full at {_slots(ctx, o.escorts)} ({limit} group sessions start then;"
            " max_groups_moving)"
        )
        fixes.append("a higher max_groups_moving, or a session moved to another start")
    return parts, fixes


def _escort_claims(ctx: _Context, starts: list[int]) -> tuple[Claim, ...]:
    limit = ctx.data.settings.max_groups_moving or 0
    return tuple(Claim("escorts_full", (*ctx.inst.slot_name(t), limit)) for t in starts)


def _slots(ctx: _Context, starts: list[int]) -> str:
    """Up to three slot names: ``Tue P1 (08:30), Thu P2 (09:30)``."""
    more = f" and {len(starts) - 3} more" if len(starts) > 3 else ""
    return ", ".join(ctx.name(t) for t in starts[:3]) + more


def _never_together(ctx, lr: Learner, courses: list[Course], lead: str, o, spare) -> Verdict:
    """Nothing of the timetable is in the way: the learner, enough others and a staff member
    with periods left are free together too rarely for a week of the course."""
    names = " / ".join(c.name for c in courses)
    role = _role_word(courses[0])
    others = courses[0].min_size - 1
    who = (
        f"{lr.learner} and {plural(others, 'other')} who may join (not in"
        f" {_a(courses[0].kind)} group yet) are"
        if others > 0
        else f"{lr.learner} is"
    )
    often = (
        f"free together often enough for only {o.fit} of its {o.wanted} {o.what}"
        if o.fit
        else "never free together"
    )
    return Verdict(
        f"{lead}{names} group was formed: when a {role} with periods left is on site"
        f" ({'; '.join(_staff_days(ctx, s) for s in spare)}), {who} {often} outside their"
        " other classes",
        "no_common_time",
        f"a {role} on other days or times",
    )


def _staff_taken(ctx: _Context, staff_id: str) -> tuple[set[int], int]:
    """Slots and weekly periods the timetable already gives ``staff_id``."""
    taken: set[int] = set()
    load = 0
    for s in ctx.solution.sessions:
        if s.staff == staff_id:
            taken.update(ctx.covered(s.day, s.period, s.periods))
            load += s.periods
    return taken, load


@dataclass
class _Opening:
    """Where one more group of a course could meet in this timetable: ``staff`` and a first
    ``start`` when a whole week fits; otherwise starts lost to a taken room or a busy staff
    member, and the most sessions of one kind that fit (``fit`` of ``wanted``)."""

    staff: str = ""
    start: int | None = None
    room: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)
    fit: int = 0
    wanted: int = 0
    what: str = "weekly sessions"  # which sessions fall short: all, regular or internet
    escorts: list[int] = field(default_factory=list)  # starts where the escorts are full
    claims: list[Claim] = field(default_factory=list)  # who is busy, which room is taken


def _opening(ctx: _Context, lr: Learner, course: Course) -> _Opening:
    """Look for a week of one more group of ``course`` with ``lr``: a staff member with periods
    left and free, ``lr`` and enough others without a group of the kind free, a room free."""
    out = _Opening(wanted=course.sessions_per_week)
    used = _rooms_used(ctx)
    for s in _spare_staff(ctx, course)[0]:
        taken, _ = _staff_taken(ctx, s)
        for pool in _waiting_pools(ctx, lr, course):
            short, first = None, None
            for internet, wanted in _session_kinds(course):
                who = _Who(course, s, frozenset(pool), course.min_size, True, lr.learner)
                free = set(_starts_for(ctx, who, internet, rooms=True, used=used))
                fine = []
                for t0 in _starts_for(ctx, who, internet, rooms=True):
                    cover = set(range(t0, t0 + course.session_periods))
                    if cover & taken:
                        out.busy.append(t0)
                        out.claims += _staff_busy(ctx, s, cover, course.course)
                    elif t0 not in free:
                        out.room.append(t0)
                        out.claims += _rooms_taken(ctx, course, internet, cover)
                    elif _escorts_full(ctx, t0):
                        out.escorts.append(t0)
                    else:
                        fine.append(t0)
                fit = _disjoint(fine, course.session_periods)
                if fit < wanted and short is None:
                    short = (fit, wanted, _sessions_word(course, internet))
                first = first if first is not None or not fine else fine[0]
            if short is None:
                out.staff, out.start = s, first
                return out
            if short[0] >= out.fit:
                out.fit, out.wanted, out.what = short
    out.room, out.busy = sorted(set(out.room)), sorted(set(out.busy))
    out.escorts = sorted(set(out.escorts))
    out.claims = list(dict.fromkeys(out.claims))
    return out


def _staff_busy(ctx: _Context, staff_id: str, cover: set[int], course: str) -> list[Claim]:
    """``staff_busy`` claims: the groups ``staff_id`` teaches in the slots of ``cover``. The
    caller only asks about staff qualified for the course, on site and available then
    (``_starts_for``) and under their weekly maximum (``_spare_staff``)."""
    out = []
    for s in ctx.solution.sessions:
        if s.staff == staff_id:
            for t in sorted(cover & set(ctx.covered(s.day, s.period, s.periods))):
                day, period = ctx.inst.slot_name(t)
                out.append(Claim("staff_busy", (staff_id, day, period, s.group, course)))
    return out


def _rooms_taken(ctx: _Context, course: Course, internet: bool, cover: set[int]) -> list[Claim]:
    """``room_taken`` claims: which session holds each room the course could use in ``cover``."""
    rooms = {r.room for r in _session_rooms(ctx, course, internet)}
    out = []
    for s in ctx.solution.sessions:
        if s.room in rooms:
            for t in sorted(cover & set(ctx.covered(s.day, s.period, s.periods))):
                day, period = ctx.inst.slot_name(t)
                out.append(Claim("room_taken", (s.room, day, period, s.group)))
    return out


def _escorts_full(ctx: _Context, t0: int) -> bool:
    """True when ``max_groups_moving`` group sessions already start at slot ``t0``."""
    limit = ctx.data.settings.max_groups_moving
    if limit is None:
        return False
    starting = sum(1 for s in ctx.solution.sessions if ctx.slot(s.day, s.period) == t0)
    return starting >= limit


def _rooms_used(ctx: _Context) -> set[tuple[str, int]]:
    """(room, slot) pairs the timetable's sessions and internet bookings take."""
    used: set[tuple[str, int]] = set()
    for s in ctx.solution.sessions:
        used.update((s.room, t) for t in ctx.covered(s.day, s.period, s.periods))
    for b in ctx.solution.internet:
        used.update((b.room, t) for t in ctx.covered(b.day, b.period, 1))
    return used


# --- intakes ---------------------------------------------------------------------------------


def _langs(lr: Learner) -> str:
    return " or ".join(lr.languages) or "(no language recorded)"


def _intake_verdict(ctx: _Context, lr: Learner) -> Verdict:
    """Why no intake was booked for a learner who needs one."""
    data = ctx.data
    dates = intake_dates(data, lr.learner)
    if not dates:
        return _no_intake_date(ctx, lr)
    counsellors = [
        s.staff
        for s in data.staff
        if s.role == "counsellor" and set(s.languages) & set(lr.languages)
    ]
    if not counsellors:
        return Verdict(
            f"no counsellor speaks {_langs(lr)}",
            "other",
            f"a counsellor or an interpreter for {lr.languages[0] if lr.languages else 'them'}",
        )
    rooms = [
        r.room
        for r in data.rooms
        if r.kind == "interview" and (not r.sections or lr.section in r.sections)
    ]
    if not rooms:
        return Verdict(
            f"no interview room is open to section {lr.section}",
            "other",
            f"an interview room that section {lr.section} may use",
        )
    return _intake_time_verdict(ctx, lr, dates, counsellors, rooms)


def _no_intake_date(ctx: _Context, lr: Learner) -> Verdict:
    """The learner is in prison on no open teaching day of the intake weeks: say when those
    weeks end against their arrival or release."""
    data = ctx.data
    weeks = data.settings.intake_weeks
    end = min(intake_window(data, lr.learner)[1], data.settings.term_end)
    first, last = learner_window(data, lr.learner)
    if first > end:
        why = f"arrives {lr.arrival}, after the intake {_weeks(weeks)} (until {end})"
    elif lr.release is not None and last <= end:
        why = f"released {lr.release}, before an open day of the intake {_weeks(weeks)}"
    else:
        why = f"the days they are present in the intake {_weeks(weeks)} are all closed"
    return Verdict(why, "other", "raise intake_weeks, or hold the intake outside the plan")


def _intake_time_verdict(ctx, lr, dates, counsellors, rooms) -> Verdict:
    """The intake is possible on paper: is there a common time, and is it still free?"""
    weeks = ctx.data.settings.intake_weeks
    options = _intake_options(ctx, lr, dates, counsellors, rooms, booked=False)
    if not options:
        own = (
            " and their classes"
            if _intake_options(ctx, lr, dates, counsellors, rooms, False, False)
            else ""
        )
        days = "; ".join(_staff_days(ctx, s) for s in counsellors)
        return Verdict(
            f"no common free time between {_blockers(ctx, lr)}{own} and the days of a counsellor"
            f" who speaks {_langs(lr)} ({days}) in {_weeks(weeks)}",
            "no_common_time",
            "a counsellor day when the section is free, or more intake_weeks",
        )
    free = _intake_options(ctx, lr, dates, counsellors, rooms, booked=True)
    if not free:
        return Verdict(
            f"every counsellor who speaks {_langs(lr)} or every interview room is booked at the"
            f" times {lr.learner} is free in {_weeks(weeks)}",
            "capacity",
            "another counsellor day, more max_periods_per_week, or more intake_weeks",
        )
    week, t, staff, room = free[0]
    return Verdict(
        f"{staff} and {room} are free in week {week}, {ctx.name(t)}, when {lr.learner} is free;"
        " the solver did not book it within its time limit",
        "other",
        "solve again with a longer time limit",
    )


def _intake_options(ctx, lr, dates, counsellors, rooms, booked: bool, with_own: bool = True):
    """(week, start, counsellor, room) where an intake fits; with ``booked``, only those the
    timetable leaves free (counsellor and room unbooked, counsellor under their weekly load)."""
    data = ctx.data
    length = data.settings.intake_periods
    free = ctx.free(lr.learner, with_own)
    taken: set[tuple] = set()
    load: dict[tuple[str, int], int] = {}
    for i in ctx.solution.intakes if booked else ():
        for t in ctx.covered(i.day, i.period, i.periods):
            taken.update({(i.staff, i.week, t), (i.room, i.week, t)})
        load[(i.staff, i.week)] = load.get((i.staff, i.week), 0) + i.periods
    out = []
    for week, day, _ in dates:
        d = ctx.inst.days.index(day)
        for p in range(ctx.inst.n_periods - length + 1):
            t0 = d * ctx.inst.n_periods + p
            cover = set(range(t0, t0 + length))
            if not cover <= free or not ctx.inst.learner_free_at(lr.learner, t0, length):
                continue
            for s in counsellors:
                limit = data.staff_by_id[s].max_periods_per_week
                if not ctx.inst.staff_free_at(s, t0, length):  # gaps included
                    continue
                if any((s, week, t) in taken for t in cover):
                    continue
                if limit is not None and load.get((s, week), 0) + length > limit:
                    continue
                for r in rooms:
                    if not ctx.inst.room_free_at(r, t0, length):
                        continue
                    if not any((r, week, t) in taken for t in cover):
                        out.append((week, min(cover), s, r))
    return out


# --- internet ----------------------------------------------------------------------------------


def _internet_verdict(ctx: _Context, lr: Learner, booked: int) -> Verdict:
    """Why fewer internet periods were booked than the learner asked for."""
    absent = _absent(ctx, lr)
    if absent:
        return absent
    labs = [
        r
        for r in ctx.data.rooms
        if r.kind == "computer_lab"
        and r.internet_seats > 0
        and (not r.sections or lr.section in r.sections)
    ]
    if not labs:
        return Verdict(
            f"no computer lab with internet seats is open to section {lr.section}",
            "other",
            f"internet seats in a lab that section {lr.section} may use",
        )
    asked = lr.internet_periods
    usable = {
        t
        for t in ctx.inst.internet_slots
        if any(t not in ctx.inst.room_blocked.get(r.room, frozenset()) for r in labs)
    }
    free_days = sorted(
        {ctx.inst.days[t // ctx.inst.n_periods] for t in usable & ctx.free(lr.learner, False)},
        key=ctx.inst.days.index,
    )
    if len(free_days) < asked:
        return Verdict(
            f"{booked} of {asked} booked; the internet windows leave {len(free_days)} day(s) on"
            f" which {lr.learner} is free"
            f" ({', '.join(free_days) or 'none'}, against {_blockers(ctx, lr)}); {asked} asked,"
            " at most one a day",
            "no_common_time",
            f"internet periods {lr.internet_periods} → {len(free_days)}, or more InternetWindows",
        )
    return _internet_seat_verdict(ctx, lr, labs, usable, booked)


def _internet_seat_verdict(ctx: _Context, lr: Learner, labs, usable: set[int], booked: int):
    """The windows allow it: are the learner, a seat and the room (separations) free?"""
    own_days = {b.day for b in ctx.solution.internet if b.learner == lr.learner}
    slots = [
        t
        for t in sorted(usable & ctx.free(lr.learner))
        if ctx.inst.days[t // ctx.inst.n_periods] not in own_days
    ]
    if not slots:
        # The regime leaves some window time (checked above): their own classes take it.
        taken = [
            t
            for t in sorted((usable & ctx.free(lr.learner, False)) - ctx.free(lr.learner))
            if ctx.inst.days[t // ctx.inst.n_periods] not in own_days
        ]
        causes = ", ".join(f"{ctx.name(t)}: {_cause(ctx, lr, t)}" for t in taken[:3])
        return Verdict(
            f"{booked} of {lr.internet_periods} booked; the internet periods {lr.learner} is free"
            f" from the regime, on days without a booking, are taken by their own timetable"
            f" ({causes})",
            "no_common_time",
            "move a class out of the internet window, or more InternetWindows",
        )
    seats = [(t, lab) for t in slots for lab in labs if _lab_state(ctx, lab, t) is None]
    if not seats:
        return _labs_taken_verdict(ctx, lr, labs, slots, booked)
    apart = ctx.partners.get(lr.learner, set())
    clear = [(t, lab) for t, lab in seats if not _present(ctx, lab.room, t) & apart]
    if not clear:
        t, lab = seats[0]
        who = _apart_words(ctx, lr, sorted(_present(ctx, lab.room, t) & apart))
        return Verdict(
            f"{booked} of {lr.internet_periods} booked; every free internet seat is beside"
            f" someone {lr.learner} is kept apart from (e.g. {ctx.name(t)} in {lab.room}: {who})",
            "separation",
            "another internet window or lab",
        )
    t, lab = clear[0]
    return Verdict(
        f"{booked} of {lr.internet_periods} booked; a seat in {lab.room} is free at {ctx.name(t)}"
        " when they are free; the solver did not book it within its time limit",
        "other",
        "solve again with a longer time limit",
    )


def _present(ctx: _Context, room: str, t: int) -> set[str]:
    """Learners with an internet booking in ``room`` at weekly slot ``t``."""
    return {
        b.learner
        for b in ctx.solution.internet
        if b.room == room and ctx.slot(b.day, b.period) == t
    }


def _lab_state(ctx: _Context, lab, t: int) -> str | None:
    """Why ``lab`` has no internet seat for one more learner at slot ``t`` (None: it has one)."""
    if t in ctx.inst.room_blocked.get(lab.room, frozenset()):
        return f"{lab.room} not available"
    for s in ctx.solution.sessions:
        if s.room == lab.room and t in ctx.covered(s.day, s.period, s.periods):
            return f"{lab.room} holds {s.group}"
    used = len(_present(ctx, lab.room, t))
    return (
        f"{lab.room} full ({used} of {lab.internet_seats})" if used >= lab.internet_seats else None
    )


def _labs_taken_verdict(ctx: _Context, lr: Learner, labs, slots: list[int], booked: int):
    """At every internet period the learner is free, each lab is full, holds a class or is
    closed: say which, and what would free a seat."""
    states = {t: [_lab_state(ctx, lab, t) or "" for lab in labs] for t in slots}
    shown = "; ".join(f"{ctx.name(t)}: {', '.join(states[t])}" for t in slots[:4])
    words = " ".join(w for ws in states.values() for w in ws)
    fixes = (["more internet seats"] if " full " in words else []) + (
        ["a class moved out of the lab during an internet window"] if " holds " in words else []
    )
    return Verdict(
        f"{booked} of {lr.internet_periods} booked; at every internet period {lr.learner} is free"
        f" the labs are full or hold a class ({shown})",
        "capacity",
        ", or ".join(fixes or ["another lab, or more InternetWindows"]),
        _lab_claims(ctx, labs, slots[:4]),
    )


def _lab_claims(ctx: _Context, labs, slots: list[int]) -> tuple[Claim, ...]:
    """``room_taken`` for a class in a lab, ``lab_full`` (lab, day, period, used, seats) for a
    lab whose internet seats are all booked, at the slots the reason names."""
    out: list[Claim] = []
    for t in slots:
        day, period = ctx.inst.slot_name(t)
        for lab in labs:
            held = [
                s.group
                for s in ctx.solution.sessions
                if s.room == lab.room and t in ctx.covered(s.day, s.period, s.periods)
            ]
            if held:
                out.append(Claim("room_taken", (lab.room, day, period, held[0])))
                continue
            used = len(_present(ctx, lab.room, t))
            if used >= lab.internet_seats and t not in ctx.inst.room_blocked.get(lab.room, ()):
                out.append(Claim("lab_full", (lab.room, day, period, used, lab.internet_seats)))
    return tuple(out)
