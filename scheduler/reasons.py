"""Why a learner waits: one true reason per request not met, and what would unblock it.

``waiting(data, solution)`` returns one ``WaitingRow`` per learner-course (NT2, MO) not placed,
per intake needed but not held and per internet request not fully booked. Each reason is
computed from the data and the finished timetable, checked in order from the most basic
(not present, needs an intake, no course at the level) through what the data rules out for
any timetable (no staff, too few learners who may meet, no common free time) to what this
timetable leaves (groups full, at times the learner is not free, with someone they are kept
apart from, ending too late before release). A reason is only given when it holds; when none
of them does, the row says so honestly (code ``other``).

Weekly slots are numbered as in ``scheduler.model.instance``: ``t = day_index * P + period``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.data import COURSE_KINDS, Course, Learner, ProblemData, fmt_time
from scheduler.figures import group_hours, needs_intake, placed_kinds, sessions_by_group
from scheduler.model.instance import Instance, build_instance, intake_dates, section_cliques
from scheduler.solution import Group, Session, Solution
from scheduler.term import closed_for, learner_window, session_hours, term_dates, weekday

ROLE_OF_KIND = {"NT2": "nt2_teacher", "MO": "mo_trainer"}
ROLE_WORD = {"nt2_teacher": "teacher", "mo_trainer": "trainer", "counsellor": "counsellor"}


@dataclass(frozen=True)
class WaitingRow:
    """One request not met: ``wants`` is NT2, MO, intake or internet."""

    learner: str
    wants: str
    reason: str
    reason_code: str
    unblock: str
    section: str = ""


@dataclass(frozen=True)
class Verdict:
    reason: str
    code: str
    unblock: str


@dataclass
class _Context:
    """The data, the timetable and what each learner already holds, by weekly slot."""

    data: ProblemData
    solution: Solution
    inst: Instance
    sessions: dict[str, list[Session]] = field(default_factory=dict)
    busy: dict[str, dict[int, str]] = field(default_factory=dict)  # learner -> slot -> what
    partners: dict[str, set[str]] = field(default_factory=dict)

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
    got = placed_kinds(data, solution)
    held = {i.learner for i in solution.intakes}
    booked: dict[str, int] = {}
    for b in solution.internet:
        booked[b.learner] = booked.get(b.learner, 0) + 1
    rows = []
    for lr in data.learners:
        wants = [k for k in COURSE_KINDS if k in lr.wants and k not in got.get(lr.learner, set())]
        verdicts = [(k, _course_verdict(ctx, lr, k)) for k in wants]
        if needs_intake(data, lr.learner) and lr.learner not in held:
            verdicts.append(("intake", _intake_verdict(ctx, lr)))
        if lr.internet_periods > booked.get(lr.learner, 0):
            verdicts.append(("internet", _internet_verdict(ctx, lr, booked.get(lr.learner, 0))))
        rows += [
            WaitingRow(lr.learner, k, v.reason, v.code, v.unblock, lr.section) for k, v in verdicts
        ]
    return rows


# --- course places -------------------------------------------------------------------------


def _course_verdict(ctx: _Context, lr: Learner, kind: str) -> Verdict:
    checks: list[Callable[[_Context, Learner, str], Verdict | None]] = [
        _absent,
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
    if not any(_starts_for(ctx, course, s, {lr.learner}, 1, with_own=False) for s in staff):
        return 3, _no_time_with_staff(ctx, lr, course, staff)
    if not any(
        _starts_for(ctx, course, s, set(pool), course.min_size, with_own=False, must=lr.learner)
        for s in staff
        for pool in pools
    ):
        return 4, Verdict(
            f"at the times {lr.learner} and {_a(course.name)} {_role_word(course)} are both free,"
            f" fewer than {course.min_size} learners who may join {course.name} are free",
            "no_common_time",
            f"a time when {course.min_size} of them and a {_role_word(course)} are free"
            " (regimes, staff days)",
        )
    return None


def _role_word(course: Course) -> str:
    return ROLE_WORD[ROLE_OF_KIND.get(course.kind, "nt2_teacher")]


def _no_staff(ctx: _Context, course: Course) -> Verdict:
    """Which filter leaves no staff member for ``course``."""
    role = ROLE_OF_KIND.get(course.kind, "nt2_teacher")
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
        why = f"every {role} who could teach it has max_periods_per_week below the {weekly} a group needs"
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


def plural(n: int, word: str) -> str:
    """``plural(1, "learner")`` -> ``"1 learner"``; ``plural(2, "learner")`` -> ``"2 learners"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


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
        )
    return Verdict(
        f"a group of {course.name} needs {course.min_size}; only"
        f" {plural(len(eligible), 'learner')} {what} {'is' if len(eligible) == 1 else 'are'}"
        " present this term",
        "no_group_at_level",
        f"{plural(course.min_size - len(eligible), 'more learner')} {what}, or min_size"
        f" {max(len(eligible), 1)} for {course.course}",
    )


def _starts_for(
    ctx: _Context,
    course: Course,
    staff_id: str,
    pool: set[str],
    need: int,
    with_own: bool,
    must: str | None = None,
) -> list[int]:
    """Session starts of ``course`` where ``staff_id`` and at least ``need`` of ``pool`` (with
    ``must`` among them) are free; internet-only courses start inside internet windows."""
    free_staff = ctx.inst.staff_free.get(staff_id, frozenset())
    window = (
        ctx.inst.internet_slots if course.internet_sessions >= course.sessions_per_week else None
    )
    frees = {m: ctx.free(m, with_own) for m in pool}
    out = []
    for t0 in ctx.inst.valid_starts(course.session_periods):
        cover = set(range(t0, t0 + course.session_periods))
        if not cover <= free_staff or (window is not None and not cover <= window):
            continue
        if must is not None and not cover <= frees[must]:
            continue
        if sum(1 for m in pool if cover <= frees[m]) >= need:
            out.append(t0)
    return out


def _staff_days(ctx: _Context, staff_id: str) -> str:
    s = ctx.data.staff_by_id[staff_id]
    days = ",".join(s.days) if s.days else "all days"
    limited = any(a.staff == staff_id for a in ctx.data.staff_availability)
    return f"{staff_id} {days}{' (limited hours)' if limited else ''}"


def _no_time_with_staff(ctx: _Context, lr: Learner, course: Course, staff: list[str]) -> Verdict:
    inside = (
        " inside an internet window" if course.internet_sessions >= course.sessions_per_week else ""
    )
    free = sorted(ctx.free(lr.learner, with_own=False))
    example = f" (e.g. {ctx.name(free[0])})" if free else ""
    return Verdict(
        f"no common free time between {_blockers(ctx, lr)} and the days of any {course.name}"
        f" {_role_word(course)} ({'; '.join(_staff_days(ctx, s) for s in staff)}){inside}",
        "no_common_time",
        f"{_a(course.name)} {_role_word(course)} at a time {lr.learner} is free{example},"
        " or a change of regime",
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
    """(kind, words) of what keeps ``lr`` out of ``group``; kind ``open`` when nothing does."""
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
    apart = sorted(ctx.partners.get(lr.learner, set()) & set(group.members))
    if apart:
        return "separation", f"{group.group} has {_apart_words(ctx, lr, apart)}"
    course = ctx.data.course_by_id[group.course]
    hours = group_hours(ctx.data, group, ctx.sessions.get(group.group, []), learner=lr.learner)
    if hours + 1e-9 < course.total_hours:
        return "release", f"{group.group} gives {hours:g} h before then"
    return "open", f"{group.group} has a free seat at times {lr.learner} is free"


def _apart_words(ctx: _Context, lr: Learner, apart: list[str]) -> str:
    """Who in a group the learner is kept apart from, and the Separations row that says so."""
    for sep in ctx.data.separations:
        sides = {sep.a, sep.b}
        if lr.learner in sides or lr.section in sides:
            other = (sides - {lr.learner, lr.section}) or sides
            hit = [m for m in apart if m in other or ctx.data.learner_by_id[m].section in other]
            if hit:
                more = f" and {len(hit) - 3} more" if len(hit) > 3 else ""
                why = f": {sep.reason}" if sep.reason else ""
                return f"{', '.join(hit[:3])}{more} (Separations {sep.a} – {sep.b}{why})"
    return ", ".join(apart[:3])


def _existing_groups(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    """What keeps the learner out of every existing group of a fitting course (None when
    there is no such group)."""
    courses = {c.course: c for c in matching_courses(ctx.data, lr, kind)}
    groups = [g for g in ctx.solution.groups if g.course in courses]
    if not groups:
        return None
    found = [_group_blocker(ctx, lr, g) for g in groups]
    kinds = {k for k, _ in found}
    detail = "; ".join(words for _, words in found)
    names = " / ".join(sorted({courses[g.course].name for g in groups}))
    if "open" in kinds:
        return Verdict(
            f"{detail}; the solver did not place {lr.learner} there within its time limit",
            "other",
            "solve again with a longer time limit",
        )
    if "release" in kinds:
        return _release_verdict(ctx, lr, courses[groups[0].course], detail)
    if "separation" in kinds:
        return Verdict(
            detail,
            "separation",
            f"{_a(names)} group without the people {lr.learner} is kept apart from",
        )
    more = _more_room(names, _role_word(courses[groups[0].course]))
    if kinds == {"full"}:
        return Verdict(_full_words(ctx, groups, names, detail), "capacity", more)
    if "full" in kinds:
        return Verdict(
            f"every {names} group is full or meets when {lr.learner} is not free: {detail}",
            "capacity",
            more,
        )
    if kinds <= {"time"}:
        return Verdict(
            f"the {names} groups meet when {lr.learner} is not free: {detail}",
            "no_common_time",
            f"move {_a(names)} session to a time {lr.learner} is free, or another group",
        )
    return Verdict(detail, "other", "a room the learner's section may use, or another group")


def _full_words(ctx: _Context, groups: list[Group], names: str, detail: str) -> str:
    caps = {group_capacity(ctx, g) for g in groups}
    if len(caps) == 1:
        cap, why = caps.pop()
        limit = "" if why.startswith("max_size") else f", {why}"
        return f"all {names} groups full ({len(groups)} × {cap}{limit})"
    return f"all {names} groups full: {detail}"


def _more_room(names: str, role: str) -> str:
    return f"another {names} group (a {role} with free periods and a room), or a larger max_size"


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


def _no_group_formed(ctx: _Context, lr: Learner, kind: str) -> Verdict:
    """No group of a fitting course exists though the data allows one: say what of this
    timetable stands in the way, or that nothing does."""
    courses = [
        c for c in matching_courses(ctx.data, lr, kind) if _course_obstacle(ctx, lr, c) is None
    ]
    if lr.release and all(_best_hours(ctx, lr, c) < c.total_hours for c in courses):
        c = courses[0]
        return _release_verdict(
            ctx, lr, c, f"at most {_best_hours(ctx, lr, c):g} h fit before then"
        )
    names = " / ".join(c.name for c in courses)
    role = _role_word(courses[0])
    found = [_open_start(ctx, lr, c) for c in courses]
    if any(f == "room" for f in found):
        return Verdict(
            f"no {names} group was formed: when {lr.learner}, enough others and a {role} are"
            " free, every suitable room is taken",
            "capacity",
            "another room, or a session moved to free one",
        )
    if all(f == "learners" for f in found):
        return Verdict(
            f"no {names} group was formed: when a {role} is free, fewer than"
            f" {courses[0].min_size} learners who may join are free outside their other classes",
            "no_common_time",
            f"a {role} on other days or times",
        )
    for c, f in zip(courses, found, strict=True):
        if isinstance(f, tuple):
            return Verdict(
                f"no {c.name} group was formed, although {f[0]}, {lr.learner} and enough others"
                f" are free at {ctx.name(f[1])} with a room; the solver chose other groups or"
                " ran out of time",
                "other",
                f"solve again with a longer time limit, or lock {_a(c.course)} session there",
            )
    return Verdict(
        f"no {names} group was formed: every {names} {role} is busy or at max_periods_per_week"
        " at the times enough learners are free",
        "capacity",
        f"another {names} {role}, or more max_periods_per_week",
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


def _open_start(ctx: _Context, lr: Learner, course: Course) -> tuple[str, int] | str:
    """A (staff, start) where a new group of ``course`` could meet now: a staff member free and
    with load to spare, ``lr`` and enough others free, a room free. Otherwise what is missing:
    ``learners`` (never enough free when staff are), ``staff`` or ``room``."""
    weekly = course.sessions_per_week * course.session_periods
    missing = "learners"
    for s in ctx.inst.course_staff.get(course.course, []):
        taken, load = _staff_taken(ctx, s)
        limit = ctx.data.staff_by_id[s].max_periods_per_week
        for pool in _pools(ctx, lr, course):
            for t0 in _starts_for(
                ctx, course, s, set(pool), course.min_size, with_own=True, must=lr.learner
            ):
                cover = set(range(t0, t0 + course.session_periods))
                if cover & taken or (limit is not None and limit - load < weekly):
                    missing = "staff" if missing == "learners" else missing
                elif not _free_room(ctx, lr, course, cover):
                    missing = "room"
                else:
                    return s, t0
    return missing


def _free_room(ctx: _Context, lr: Learner, course: Course, cover: set[int]) -> bool:
    """Some classroom or lab with seats for min_size, open to the learner's section, is free."""
    used: set[tuple[str, int]] = set()
    for s in ctx.solution.sessions:
        used.update((s.room, t) for t in ctx.covered(s.day, s.period, s.periods))
    for b in ctx.solution.internet:
        used.update((b.room, t) for t in ctx.covered(b.day, b.period, 1))
    for room in ctx.data.rooms:
        if room.kind not in ("classroom", "computer_lab") or room.seats < course.min_size:
            continue
        if room.sections and lr.section not in room.sections:
            continue
        blocked = ctx.inst.room_blocked.get(room.room, frozenset())
        if not cover & blocked and not any((room.room, t) in used for t in cover):
            return True
    return False


# --- intakes ---------------------------------------------------------------------------------


def _langs(lr: Learner) -> str:
    return " or ".join(lr.languages) or "(no language recorded)"


def _intake_verdict(ctx: _Context, lr: Learner) -> Verdict:
    """Why no intake was booked for a learner who needs one."""
    data = ctx.data
    weeks = data.settings.intake_weeks
    dates = intake_dates(data, lr.learner)
    if not dates:
        return Verdict(
            f"not present on an open day of the intake {_weeks(weeks)}",
            "other",
            "raise intake_weeks, or hold the intake outside the plan",
        )
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
            cover = set(range(d * ctx.inst.n_periods + p, d * ctx.inst.n_periods + p + length))
            if not cover <= free:
                continue
            for s in counsellors:
                limit = data.staff_by_id[s].max_periods_per_week
                if not cover <= ctx.inst.staff_free.get(s, frozenset()):
                    continue
                if any((s, week, t) in taken for t in cover):
                    continue
                if limit is not None and load.get((s, week), 0) + length > limit:
                    continue
                for r in rooms:
                    if cover & ctx.inst.room_blocked.get(r, frozenset()):
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
            f"the internet windows leave {len(free_days)} day(s) on which {lr.learner} is free"
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
        taken = [
            t
            for t in sorted(usable - ctx.free(lr.learner))
            if ctx.inst.days[t // ctx.inst.n_periods] not in own_days
        ]
        causes = ", ".join(f"{ctx.name(t)}: {_cause(ctx, lr, t)}" for t in taken[:3])
        return Verdict(
            f"{booked} of {lr.internet_periods} booked; the internet windows on days without a"
            f" booking fall when {lr.learner} is not free ({causes})",
            "no_common_time",
            "move a class out of the internet window, or more InternetWindows",
        )
    seats = [(t, lab) for t in slots for lab in labs if _seat_free(ctx, lab, t)]
    if not seats:
        return Verdict(
            f"{booked} of {lr.internet_periods} booked; the labs are full or hold classes at every"
            f" internet period {lr.learner} is free ({', '.join(ctx.name(t) for t in slots[:4])})",
            "capacity",
            "more internet seats, or a class moved out of the internet window",
        )
    apart = ctx.partners.get(lr.learner, set())
    clear = [(t, lab) for t, lab in seats if not _present(ctx, lab.room, t) & apart]
    if not clear:
        return Verdict(
            f"{booked} of {lr.internet_periods} booked; every free internet seat is beside"
            f" someone {lr.learner} is kept apart from",
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


def _seat_free(ctx: _Context, lab, t: int) -> bool:
    """The lab is not blocked, holds no class and has an internet seat left at slot ``t``."""
    if t in ctx.inst.room_blocked.get(lab.room, frozenset()):
        return False
    for s in ctx.solution.sessions:
        if s.room == lab.room and t in ctx.covered(s.day, s.period, s.periods):
            return False
    return len(_present(ctx, lab.room, t)) < lab.internet_seats
