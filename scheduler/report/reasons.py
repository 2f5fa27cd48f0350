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

Every sentence is a catalogue message in the coordinator's language (``scheduler.i18n``), its
fields named; the typed ``claims`` beside it stay language-free so that a test can re-derive them.
Reason codes stay as the contract spells them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.data import COURSE_KINDS, Course, Learner, ProblemData, fmt_time
from scheduler.i18n import N_, _, _n
from scheduler.model.instance import Instance, build_instance, section_cliques
from scheduler.report.figures import group_hours, placed_kinds, sessions_by_group
from scheduler.rules import (
    ROLE_WORD,
    intake_dates,
    intake_window,
    listing,
    needs_intake,
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
                    ctx.busy.setdefault(m, {})[t] = _("in {group}", group=g.group)
    for b in solution.internet:
        for t in ctx.covered(b.day, b.period, 1):
            ctx.busy.setdefault(b.learner, {})[t] = _("an internet booking")
    for i in solution.intakes:
        for t in ctx.covered(i.day, i.period, i.periods):
            ctx.busy.setdefault(i.learner, {})[t] = _("their intake")
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
            _(
                "{group} never meets: every date of its sessions is closed (ClosedDays) for the"
                " prison or for a section of its members",
                group=g.group,
            ),
            "other",
            _("fewer closed days in the term, or a term with open dates"),
        )
    return None


def _absent(ctx: _Context, lr: Learner, _kind: str = "") -> Verdict | None:
    first, last = learner_window(ctx.data, lr.learner)
    if first <= last:
        return None
    if lr.release is not None and lr.release <= ctx.data.settings.term_start:
        return Verdict(
            _("released {release}, before the term starts", release=lr.release),
            "released_before_completion",
            _("nothing this term; correct the release date if it has changed"),
        )
    return Verdict(
        _(
            "not present during the term (arrival {arrival}, release {release})",
            arrival=lr.arrival,
            release=lr.release,
        ),
        "other",
        _("plan them in a later term, or correct arrival/release"),
    )


def _level_unknown(ctx: _Context, lr: Learner, kind: str) -> Verdict | None:
    if kind != "NT2" or lr.nt2_level:
        return None
    intake = next((i for i in ctx.solution.intakes if i.learner == lr.learner), None)
    when = (
        _(
            "intake booked in week {week}, {day} {period} with {staff}",
            week=intake.week,
            day=intake.day,
            period=intake.period,
            staff=intake.staff,
        )
        if intake
        else _("no intake booked yet")
    )
    return Verdict(
        _("needs an intake before a level can be set ({when})", when=when),
        "needs_intake",
        _("hold the intake, enter nt2_level on Learners and solve again"),
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
            _("no NT2 {level} course is offered", level=lr.nt2_level),
            "no_group_at_level",
            _("add an NT2 {level} course on Courses", level=lr.nt2_level),
        )
    langs = ", ".join(lr.languages) or _("(no language recorded)")
    return Verdict(
        _("no MO course is offered in {languages}", languages=langs),
        "no_group_at_level",
        _(
            "add an MO course in {language} with a trainer who speaks it",
            language=lr.languages[0] if lr.languages else _("a language they speak"),
        ),
    )


def _blockers(ctx: _Context, lr: Learner) -> str:
    """Words for what blocks the learner's week: their section's regime and own rows."""
    section = ctx.data.section_by_id.get(lr.section)
    text = (
        _("regime {regime} (section {section})", regime=section.regime, section=lr.section)
        if section
        else _("their regime")
    )
    if any(u.learner == lr.learner for u in ctx.data.learner_unavailability):
        text = _("{blockers} and their own unavailability", blockers=text)
    return text


def _fully_blocked(ctx: _Context, lr: Learner, _kind: str = "") -> Verdict | None:
    if ctx.free(lr.learner, with_own=False):
        return None
    return Verdict(
        _("{blockers} leaves no free period in the week", blockers=_blockers(ctx, lr)),
        "no_common_time",
        _("free some periods in the regime or in LearnerUnavailability"),
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
            _("{name} allows no group (max_groups 0)", name=course.name),
            "no_group_at_level",
            _("raise max_groups of {course}", course=course.course),
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
        fewer = _n(
            "fewer than {n} learner who may join {name}",
            "fewer than {n} learners who may join {name}",
            course.min_size,
            name=course.name,
        )
        said = {"learner": lr.learner, "staff": _a_staff(course), "fewer": fewer}
        if any(r.sections for r in ctx.data.rooms):  # rooms restrict sections: say so
            reason = _n(
                "at the times {learner} and {staff} are both free, {fewer} are free with a room"
                " open to them often enough for its {n} session a week",
                "at the times {learner} and {staff} are both free, {fewer} are free with a room"
                " open to them often enough for its {n} sessions a week",
                course.sessions_per_week,
                **said,
            )
        else:
            reason = _n(
                "at the times {learner} and {staff} are both free, {fewer} are free often enough"
                " for its {n} session a week",
                "at the times {learner} and {staff} are both free, {fewer} are free often enough"
                " for its {n} sessions a week",
                course.sessions_per_week,
                **said,
            )
        return 4, Verdict(
            reason,
            "no_common_time",
            _(
                "a time when {size} of them and a {role} are free (regimes, staff days)",
                size=course.min_size,
                role=_role_word(course),
            ),
        )
    return None


# The role words of rules.ROLE_WORD, for the catalogues.
_ROLE_WORDS = (N_("teacher"), N_("trainer"), N_("counsellor"))


def _role_word(course: Course) -> str:
    """``teacher`` or ``trainer`` in the coordinator's language."""
    return _(ROLE_WORD[role_for(course.kind) or "nt2_teacher"])


def _an(name: str) -> bool:
    """English writes ``an`` before this name: ``an NT2 1.1``, ``an MO``, ``an intake``."""
    spelled = name[:2].isupper() and name[:1] in "AEFHILMNORSX"
    return spelled or name[:1].lower() in "aeiou"


def _a_staff(course: Course) -> str:
    """``an NT2 1.1 teacher``, ``a Dutch MO trainer``: one who may teach the course."""
    if _an(course.name):
        return _("an {name} {role}", name=course.name, role=_role_word(course))
    return _("a {name} {role}", name=course.name, role=_role_word(course))


def _no_staff(ctx: _Context, course: Course) -> Verdict:
    """Which filter leaves no staff member for ``course``."""
    role = role_for(course.kind) or "nt2_teacher"
    weekly = course.sessions_per_week * course.session_periods
    people = [s for s in ctx.data.staff if s.role == role]
    why = _("no {role} on Staff", role=role)
    if people:
        people = [s for s in people if not s.teaches or course.course in s.teaches]
        why = _("no {role} teaches {course}", role=role, course=course.course)
    if people and course.kind == "MO":
        people = [s for s in people if course.language in s.languages]
        why = _("no {role} who may teach it speaks {language}", role=role, language=course.language)
    if people:
        people = [
            s for s in people if s.max_periods_per_week is None or s.max_periods_per_week >= weekly
        ]
        why = _(
            "every {role} who could teach it has max_periods_per_week below the {weekly}"
            " a group needs",
            role=role,
            weekly=weekly,
        )
    if people:
        why = _("every {role} who could teach it has no available period", role=role)
    return Verdict(
        _("no staff member can teach {name}: {why}", name=course.name, why=why),
        "no_group_at_level",
        # every role code begins with a consonant: "a"
        _(
            "a {role} for {course} (Staff: role, teaches, languages, days)",
            role=role,
            course=course.course,
        ),
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


def _weeks(n: int) -> str:
    """``week 1`` or ``weeks 1–3``: the intake weeks."""
    return _("week 1") if n == 1 else _("weeks 1–{n}", n=n)


def _too_few(ctx: _Context, lr: Learner, course: Course, size: int) -> Verdict:
    data = ctx.data
    eligible = ctx.inst.eligible.get(course.course, ())
    what = (
        _("at level {level}", level=course.level)
        if course.kind == "NT2"
        else _("for {name}", name=course.name)
    )
    if len(eligible) >= course.min_size:
        pooled = {m for pool in _pools(ctx, lr, course) for m in pool}
        apart = sorted({data.learner_by_id[m].section for m in eligible if m not in pooled})
        return Verdict(
            _n(
                "a group of {name} needs {size}; counting {learner}, only {n} learner {what} may"
                " share a group with them (Separations keep them apart from the others, in"
                " sections {sections})",
                "a group of {name} needs {size}; counting {learner}, only {n} learners {what} may"
                " share a group with them (Separations keep them apart from the others, in"
                " sections {sections})",
                size,
                name=course.name,
                size=course.min_size,
                learner=lr.learner,
                what=what,
                sections=", ".join(apart),
            ),
            "separation",
            _n(
                "{n} more learner {what} who may meet {learner}, or min_size {size} for {course}",
                "{n} more learners {what} who may meet {learner}, or min_size {size} for {course}",
                course.min_size - size,
                what=what,
                learner=lr.learner,
                size=size,
                course=course.course,
            ),
            (Claim("too_few_compatible", (course.course, size, course.min_size)),),
        )
    return Verdict(
        _n(
            "a group of {name} needs {size}; only {n} learner {what} is present this term",
            "a group of {name} needs {size}; only {n} learners {what} are present this term",
            len(eligible),
            name=course.name,
            size=course.min_size,
            what=what,
        ),
        "no_group_at_level",
        _n(
            "{n} more learner {what}, or min_size {size} for {course}",
            "{n} more learners {what}, or min_size {size} for {course}",
            course.min_size - len(eligible),
            what=what,
            size=max(len(eligible), 1),
            course=course.course,
        ),
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
        return _("weekly sessions")
    return _("internet sessions a week") if internet else _("regular sessions a week")


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
    days = ",".join(s.days) if s.days else _("all days")
    if any(a.staff == staff_id for a in ctx.data.staff_availability):
        return _("{staff} {days} (limited hours)", staff=staff_id, days=days)
    return f"{staff_id} {days}"


def _no_time_with_staff(
    ctx: _Context, lr: Learner, course: Course, staff: list[str], gaps: list
) -> Verdict:
    """No staff member of ``course`` and the learner share enough free time for its week."""
    role = _role_word(course)
    days = "; ".join(_staff_days(ctx, s) for s in staff)
    if all(internet for internet, _fit, _want in gaps):
        labs = [
            r
            for r in _session_rooms(ctx, course, internet=True)
            if not r.sections or lr.section in r.sections
        ]
        if not labs:
            return Verdict(
                _n(
                    "{name} has {n} internet session a week, and no computer lab with {seats}"
                    " internet seats is open to section {section}",
                    "{name} has {n} internet sessions a week, and no computer lab with {seats}"
                    " internet seats is open to section {section}",
                    course.internet_sessions,
                    name=course.name,
                    seats=course.min_size,
                    section=lr.section,
                ),
                "other",
                _(
                    "a computer lab with internet seats that section {section} may use, or no"
                    " internet_sessions for {course}",
                    section=lr.section,
                    course=course.course,
                ),
            )
        return Verdict(
            _n(
                "no common free time between {blockers}, the internet windows and the days of"
                " any {name} {role} ({days}) for its {n} internet session a week",
                "no common free time between {blockers}, the internet windows and the days of"
                " any {name} {role} ({days}) for its {n} internet sessions a week",
                course.internet_sessions,
                blockers=_blockers(ctx, lr),
                name=course.name,
                role=role,
                days=days,
            ),
            "no_common_time",
            _(
                "an internet window when {staff} and {learner} are free, or fewer"
                " internet_sessions for {course}",
                staff=_a_staff(course),
                learner=lr.learner,
                course=course.course,
            ),
        )
    fit = max(f for internet, f, _w in gaps if not internet)
    free = sorted(ctx.free(lr.learner, with_own=False))
    unblock = (
        _(
            "{staff} at a time {learner} is free (e.g. {slot}), or a change of regime",
            staff=_a_staff(course),
            learner=lr.learner,
            slot=ctx.name(free[0]),
        )
        if free
        else _(
            "{staff} at a time {learner} is free, or a change of regime",
            staff=_a_staff(course),
            learner=lr.learner,
        )
    )
    if fit == 0:
        return Verdict(
            _(
                "no common free time between {blockers} and the days of any {name} {role} ({days})",
                blockers=_blockers(ctx, lr),
                name=course.name,
                role=role,
                days=days,
            ),
            "no_common_time",
            unblock,
        )
    wanted = max(w for internet, _f, w in gaps if not internet)
    return Verdict(
        _(
            "the common free time of {blockers} and any {name} {role} ({days}) holds only {fit}"
            " of the {wanted} weekly sessions",
            blockers=_blockers(ctx, lr),
            name=course.name,
            role=role,
            days=days,
            fit=fit,
            wanted=wanted,
        ),
        "no_common_time",
        unblock,
    )


# --- what this timetable leaves ------------------------------------------------------------


def group_capacity(ctx: _Context, group: Group) -> tuple[int, str]:
    """Most members the group can hold, and what limits it (course, room seats, lab seats)."""
    cap, room, internet = _capacity_limit(ctx, group)
    if room is None:
        return cap, f"max_size {cap}"
    if internet:
        return cap, _("{n} internet seats in {room}", n=cap, room=room)
    return cap, _("{n} seats in {room}", n=cap, room=room)


def _capacity_limit(ctx: _Context, group: Group) -> tuple[int, str | None, bool]:
    """(most members, the room that limits them or None for the course's max_size, whether
    that room's internet seats do)."""
    course = ctx.data.course_by_id[group.course]
    cap, limit, internet = course.max_size, None, False
    for s in ctx.sessions.get(group.group, []):
        room = ctx.data.room_by_id.get(s.room)
        if room is None:
            continue
        seats = min(room.seats, room.internet_seats) if s.internet else room.seats
        if seats < cap:
            cap, limit, internet = seats, room.room, s.internet
    return cap, limit, internet


def _cause(ctx: _Context, lr: Learner, t: int) -> str:
    """What takes slot ``t`` from the learner: a regime row, their own row, or a booking."""
    day, _period = ctx.inst.slot_name(t)
    period = ctx.data.periods[t % ctx.inst.n_periods]
    section = ctx.data.section_by_id.get(lr.section)
    for r in ctx.data.regimes:
        if section and r.regime == section.regime and r.day in (day, "all"):
            if r.start < period.end and r.end > period.start:
                return _("regime {regime}: {activity}", regime=r.regime, activity=r.activity)
    for u in ctx.data.learner_unavailability:
        if u.learner == lr.learner and u.day == day:
            if u.start < period.end and u.end > period.start:
                return _("their own unavailability: {reason}", reason=u.reason or _("unavailable"))
    return ctx.busy.get(lr.learner, {}).get(t) or _("not free")


def _group_blocker(ctx: _Context, lr: Learner, group: Group) -> tuple[str, str]:
    """(kind, words) of what keeps ``lr`` out of ``group``; kind ``open`` when nothing does.

    Someone the learner is kept apart from comes first: no other change to the timetable
    would let them join that group."""
    apart = sorted(ctx.partners.get(lr.learner, set()) & set(group.members))
    if apart:
        return "separation", _apart_words(ctx, lr, apart)  # the caller names the groups
    cap, why = group_capacity(ctx, group)
    if group.size >= cap:
        return "full", _(
            "{group} full ({size} of {cap}: {why})",
            group=group.group,
            size=group.size,
            cap=cap,
            why=why,
        )
    for s in ctx.sessions.get(group.group, []):
        room = ctx.data.room_by_id.get(s.room)
        if room and room.sections and lr.section not in room.sections:
            return "room", _(
                "{group} meets in {room}, reserved for {sections}",
                group=group.group,
                room=room.room,
                sections=", ".join(room.sections),
            )
    free = ctx.free(lr.learner)
    for s in ctx.sessions.get(group.group, []):
        taken = [t for t in ctx.covered(s.day, s.period, s.periods) if t not in free]
        if taken:
            return "time", _(
                "{group} meets {slot} ({cause})",
                group=group.group,
                slot=ctx.name(taken[0]),
                cause=_cause(ctx, lr, taken[0]),
            )
    course = ctx.data.course_by_id[group.course]
    hours = group_hours(ctx.data, group, ctx.sessions.get(group.group, []), learner=lr.learner)
    if hours + 1e-9 < course.total_hours:
        return "release", _(
            "{group} gives {hours} h before then", group=group.group, hours=format(hours, "g")
        )
    return "open", _(
        "{group} has a free seat at times {learner} is free", group=group.group, learner=lr.learner
    )


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
                if other <= set(sections):
                    who = _("learners of section {sections}", sections=", ".join(sorted(other)))
                elif len(hit) > 3:
                    who = _("{ids} and {n} more", ids=", ".join(hit[:3]), n=len(hit) - 3)
                else:
                    who = ", ".join(hit)
                row = (
                    f"Separations {sep.a} – {sep.b}: {sep.reason}"
                    if sep.reason
                    else (f"Separations {sep.a} – {sep.b}")
                )
                return f"{who} ({row})"
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
    and_word = _("and")
    apart = "; ".join(
        _n(
            "{groups} has {who}",
            "{groups} have {who}",
            len(gs),
            groups=listing(gs, and_word),
            who=who,
        )
        for who, gs in by_who.items()
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
    groups = [g for g, _k, _w in joinable]
    kinds = {k for _g, k, _w in joinable}
    detail = "; ".join(words for _g, _k, words in joinable)
    tail = f"; {apart}" if apart else ""
    if "open" in kinds:
        return Verdict(
            _(
                "{detail}; the solver did not place {learner} there within its time limit",
                detail=detail + tail,
                learner=lr.learner,
            ),
            "other",
            _("solve again with a longer time limit"),
        )
    if "release" in kinds:
        return _release_verdict(ctx, lr, courses[groups[0].course], detail)
    if kinds <= {"full", "time"}:
        return _blocked_verdict(ctx, lr, list(courses.values()), groups, kinds, detail, tail)
    return Verdict(
        f"{detail}{tail}", "other", _("a room the learner's section may use, or another group")
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
    caps = {_capacity_limit(ctx, g) for g in groups}
    if kinds == {"full"} and len(caps) == 1:
        cap, room, _internet = next(iter(caps))
        limit = "" if room is None else f", {group_capacity(ctx, groups[0])[1]}"
        size = f"{len(groups)} × {cap}{limit}"
        # With groups they are kept apart from, "all" would count those too.
        if not tail:
            reason = _("all {names} groups full ({size})", names=names, size=size)
        else:
            reason = _n(
                "the {names} group they may join is full ({size})",
                "the {names} groups they may join are full ({size})",
                len(groups),
                names=names,
                size=size,
            )
    elif kinds == {"full"}:
        reason = _("all {names} groups full: {detail}", names=names, detail=detail)
    elif "full" in kinds:
        reason = _(
            "every {names} group is full or meets when {learner} is not free: {detail}",
            names=names,
            learner=lr.learner,
            detail=detail,
        )
    else:
        reason = _(
            "the {names} groups meet when {learner} is not free: {detail}",
            names=names,
            learner=lr.learner,
            detail=detail,
        )
    reason += tail
    fixes = list(dict.fromkeys(_seat_fix(ctx, g) for g in groups if _is_full(ctx, g)))
    if "time" in kinds:
        moved = (
            N_("an {names} session moved to a time {learner} is free")
            if _an(names)
            else N_("a {names} session moved to a time {learner} is free")
        )
        fixes.append(_(moved, names=names, learner=lr.learner))
    # One more group may be of any fitting course that some timetable could give them.
    formable = [c for c in courses if _course_obstacle(ctx, lr, c) is None]
    found = [_new_group_obstacle(ctx, lr, c) for c in formable]
    obstacles = [o for o in found if o is not None]
    if formable and len(obstacles) == len(found):
        reason = _(
            "{reason}; no other group can be formed: {obstacles}",
            reason=reason,
            obstacles="; ".join(o.reason for o in obstacles),
        )
        fixes.append(_or().join(dict.fromkeys(o.unblock for o in obstacles)))
    else:
        fixes.append(
            _(
                "another {names} group (a {role} with free periods)",
                names=names,
                role=_role_word(courses[0]),
            )
        )
    code = "capacity" if "full" in kinds else "no_common_time"
    return Verdict(reason, code, _comma_or().join(fixes))


def _or() -> str:
    """`` or `` between alternatives, in the coordinator's language."""
    return " " + _("or") + " "


def _comma_or() -> str:
    """``, or `` between alternative fixes."""
    return _(", or ")


def _is_full(ctx: _Context, group: Group) -> bool:
    return group.size >= group_capacity(ctx, group)[0]


def _seat_fix(ctx: _Context, group: Group) -> str:
    """What would give a full group more seats: max_size, a bigger room, more internet seats."""
    _cap, room, internet = _capacity_limit(ctx, group)
    if room is None:
        return _("a larger max_size for {course}", course=group.course)
    if internet:
        return _("more internet seats in {room}", room=room)
    return _("a room with more seats than {room} for {group}", room=room, group=group.group)


def _release_verdict(ctx: _Context, lr: Learner, course: Course, detail: str) -> Verdict:
    data = ctx.data
    served = data.weight("served") * lr.priority
    cost = data.weight("release_risk")
    why = (
        _(
            "placing them costs more (release_risk {cost}) than it earns (served {served})",
            cost=format(cost, "g"),
            served=format(served, "g"),
        )
        if cost >= served
        else _("placing them is allowed but was not chosen")
    )
    return Verdict(
        _(
            "released {release}, before {hours} h of {name} can be delivered ({detail}); {why}",
            release=lr.release,
            hours=format(course.total_hours, "g"),
            name=course.name,
            detail=detail,
            why=why,
        ),
        "released_before_completion",
        _("a later release date, a shorter course, or a lock that places them anyway"),
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


def _spare_staff(ctx: _Context, course: Course) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Staff who may teach ``course`` and have the weekly periods of one more group left, and
    (staff, load, limit) of those who have not."""
    weekly = course.sessions_per_week * course.session_periods
    spare, busy = [], []
    for s in ctx.inst.course_staff.get(course.course, []):
        _taken, load = _staff_taken(ctx, s)
        limit = ctx.data.staff_by_id[s].max_periods_per_week
        if limit is not None and limit - load < weekly:
            busy.append((s, load, limit))
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
                _n(
                    "{name} allows at most {n} group (max_groups)",
                    "{name} allows at most {n} groups (max_groups)",
                    course.max_groups,
                    name=course.name,
                ),
                "capacity",
                _("a higher max_groups for {course}", course=course.course),
                (Claim("max_groups_reached", (course.course, formed, course.max_groups)),),
            )
        )
    size = max((len(p) for p in _waiting_pools(ctx, lr, course)), default=0)
    if size < course.min_size:
        found.append(
            Verdict(
                _n(
                    "a new {name} group needs {size}; counting {learner}, only {n} learner who"
                    " may share it is not in an {kind} group yet",
                    "a new {name} group needs {size}; counting {learner}, only {n} learners who"
                    " may share it are not in an {kind} group yet",
                    size,
                    name=course.name,
                    size=course.min_size,
                    learner=lr.learner,
                    kind=course.kind,  # NT2 or MO: "an" in English
                ),
                "capacity",
                _("min_size {size} for {course}", size=max(size, 1), course=course.course),
                (Claim("too_few_compatible", (course.course, size, course.min_size)),),
            )
        )
    spare, busy = _spare_staff(ctx, course)
    if not spare:
        found.append(_staff_at_max(course, busy))
    if not found:
        return None
    return Verdict(
        "; ".join(v.reason for v in found),
        "capacity",
        (" " + _("and") + " ").join(v.unblock for v in found),
        tuple(c for v in found for c in v.claims),
    )


def _staff_at_max(course: Course, busy: list[tuple[str, int, int]]) -> Verdict:
    """Every staff member who may teach ``course`` lacks the periods of one more group."""
    role = _role_word(course)
    weekly = course.sessions_per_week * course.session_periods
    loads = ", ".join(_("{staff} {load} of {limit}", staff=s, load=n, limit=m) for s, n, m in busy)
    return Verdict(
        _(
            "every {name} {role} is at max_periods_per_week ({loads}; a group needs {weekly} a"
            " week)",
            name=course.name,
            role=role,
            loads=loads,
            weekly=weekly,
        ),
        "capacity",
        _(
            "more max_periods_per_week for {staff} (or another {name} {role})",
            staff=listing([s for s, _load, _limit in busy], _("or")),
            name=course.name,
            role=role,
        ),
        tuple(Claim("staff_at_max", (s, course.course, n)) for s, n, _limit in busy),
    )


def _new_group_verdict(
    ctx: _Context, lr: Learner, courses: list[Course], apart: str = ""
) -> Verdict:
    """Why no (other) group of ``courses`` holds ``lr``; ``apart`` says why the existing groups
    cannot take them (empty when no group of these courses exists)."""
    lead = f"{apart}; " if apart else ""
    names = " / ".join(c.name for c in courses)
    found = [_new_group_obstacle(ctx, lr, c) for c in courses]
    obstacles = [o for o in found if o is not None]
    if len(obstacles) == len(found):
        because = "; ".join(o.reason for o in obstacles)
        return Verdict(
            lead
            + (
                _("no other {names} group can be formed: {because}", names=names, because=because)
                if apart
                else _("no {names} group can be formed: {because}", names=names, because=because)
            ),
            "capacity",
            _or().join(dict.fromkeys(o.unblock for o in obstacles)),
            tuple(c for o in obstacles for c in o.claims),
        )
    courses = [c for c, o in zip(courses, found, strict=True) if o is None]
    if lr.release and all(_best_hours(ctx, lr, c) < c.total_hours for c in courses):
        c = courses[0]
        # The release decides whatever group they could be in: the groups' words would
        # only hide it.
        return _release_verdict(
            ctx,
            lr,
            c,
            _("at most {hours} h fit before then", hours=format(_best_hours(ctx, lr, c), "g")),
        )
    return _open_verdict(ctx, lr, courses, lead, other=bool(apart))


def _no_group(names: str, other: bool) -> str:
    """``no NT2 1.1 group was formed`` (``no other ...`` beside groups they may not join)."""
    if other:
        return _("no other {names} group was formed", names=names)
    return _("no {names} group was formed", names=names)


def _open_verdict(
    ctx: _Context, lr: Learner, courses: list[Course], lead: str, other: bool
) -> Verdict:
    """One more group is possible on paper: is there a week of times when a staff member with
    periods left, the learner, enough others and a room are all free?"""
    names = " / ".join(c.name for c in courses)
    role = _role_word(courses[0])
    found = [(c, _opening(ctx, lr, c)) for c in courses]
    for c, o in found:
        if o.start is not None:
            lock = (
                N_("solve again with a longer time limit, or lock an {course} session there")
                if _an(c.course)
                else N_("solve again with a longer time limit, or lock a {course} session there")
            )
            return Verdict(
                lead
                + _(
                    "{none}, although {staff}, {learner} and enough others are free at {slot} with"
                    " a room (and at enough other times for its week); the solver chose other"
                    " groups or ran out of time",
                    none=_no_group(c.name, other),
                    staff=o.staff,
                    learner=lr.learner,
                    slot=ctx.name(o.start),
                ),
                "other",
                _(lock, course=c.course),
            )
    course, o = next(((c, o) for c, o in found if o.room or o.busy or o.escorts), found[0])
    spare = sorted({s for c in courses for s in _spare_staff(ctx, c)[0]})
    if not (o.room or o.busy or o.escorts):
        return _never_together(ctx, lr, courses, lead + _no_group(names, other), o, spare)
    parts, fixes = _obstacle_words(ctx, course, o)
    what = o.what or _("weekly sessions")
    rest = (
        _("{fit} of its {wanted} {what}", fit=o.fit, wanted=o.wanted, what=what)
        if o.fit
        else _("none of its {wanted} {what}", wanted=o.wanted, what=what)
    )
    return Verdict(
        lead
        + _(
            "{none}: at the times {learner}, enough others and a {role} with periods left are"
            " free, {obstacles}; the rest holds {rest}",
            none=_no_group(names, other),
            learner=lr.learner,
            role=role,
            obstacles="; ".join(parts),
            rest=rest,
        ),
        "capacity",
        _comma_or().join(fixes),
        tuple(o.claims) + _escort_claims(ctx, o.escorts),
    )


def _obstacle_words(ctx: _Context, course: Course, o: _Opening) -> tuple[list[str], list[str]]:
    """What takes the times a new group could meet (rooms, busy staff, escorts), and fixes.
    Only staff who teach another group at those very times are named."""
    parts, fixes = [], []
    if o.room:
        parts.append(_("every suitable room is taken at {slots}", slots=_slots(ctx, o.room)))
        fixes.append(_("a free room at those times"))
    if o.busy:
        busy = sorted({str(c.args[0]) for c in o.claims if c.kind == "staff_busy"})
        who = listing(busy, _("and"))
        parts.append(
            _n(
                "{staff} teaches other groups at {slots}",
                "{staff} teach other groups at {slots}",
                len(busy),
                staff=who,
                slots=_slots(ctx, o.busy),
            )
        )
        fixes.append(
            _(
                "another {name} {role}, or a session of {staff} moved",
                name=course.name,
                role=_role_word(course),
                staff=listing(busy, _("or")),
            )
        )
    if o.escorts:
        parts.append(
            _(
                "escorts are full at {slots} ({limit} group sessions start then;"
                " max_groups_moving)",
                slots=_slots(ctx, o.escorts),
                limit=ctx.data.settings.max_groups_moving,
            )
        )
        fixes.append(_("a higher max_groups_moving, or a session moved to another start"))
    return parts, fixes


def _escort_claims(ctx: _Context, starts: list[int]) -> tuple[Claim, ...]:
    limit = ctx.data.settings.max_groups_moving or 0
    return tuple(Claim("escorts_full", (*ctx.inst.slot_name(t), limit)) for t in starts)


def _slots(ctx: _Context, starts: list[int]) -> str:
    """Up to three slot names: ``Tue P1 (08:30), Thu P2 (09:30)``."""
    shown = ", ".join(ctx.name(t) for t in starts[:3])
    return _("{ids} and {n} more", ids=shown, n=len(starts) - 3) if len(starts) > 3 else shown


def _never_together(ctx, lr: Learner, courses: list[Course], lead: str, o, spare) -> Verdict:
    """Nothing of the timetable is in the way: the learner, enough others and a staff member
    with periods left are free together too rarely for a week of the course."""
    role = _role_word(courses[0])
    others = courses[0].min_size - 1
    if o.fit:
        often = _(
            N_("are free together often enough for only {fit} of its {wanted} {what}")
            if others > 0
            else N_("is free together often enough for only {fit} of its {wanted} {what}"),
            fit=o.fit,
            wanted=o.wanted,
            what=o.what or _("weekly sessions"),
        )
    else:
        often = _("are never free together") if others > 0 else _("is never free together")
    who = (
        _n(
            "{learner} and {n} other who may join (not in an {kind} group yet)",
            "{learner} and {n} others who may join (not in an {kind} group yet)",
            others,
            learner=lr.learner,
            kind=courses[0].kind,  # NT2 or MO: "an" in English
        )
        if others > 0
        else lr.learner
    )
    return Verdict(
        _(
            "{none}: when a {role} with periods left is on site ({days}), {who} {often} outside"
            " their other classes",
            none=lead,
            role=role,
            days="; ".join(_staff_days(ctx, s) for s in spare),
            who=who,
            often=often,
        ),
        "no_common_time",
        _("a {role} on other days or times", role=role),
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
    what: str = ""  # which sessions fall short: "" (all, weekly sessions), regular or internet
    escorts: list[int] = field(default_factory=list)  # starts where the escorts are full
    claims: list[Claim] = field(default_factory=list)  # who is busy, which room is taken


def _opening(ctx: _Context, lr: Learner, course: Course) -> _Opening:
    """Look for a week of one more group of ``course`` with ``lr``: a staff member with periods
    left and free, ``lr`` and enough others without a group of the kind free, a room free."""
    out = _Opening(wanted=course.sessions_per_week)
    used = _rooms_used(ctx)
    for s in _spare_staff(ctx, course)[0]:
        taken, _load = _staff_taken(ctx, s)
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
    return _or().join(lr.languages) or _("(no language recorded)")


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
            _("no counsellor speaks {languages}", languages=_langs(lr)),
            "other",
            _(
                "a counsellor or an interpreter for {language}",
                language=lr.languages[0] if lr.languages else _("them"),
            ),
        )
    rooms = [
        r.room
        for r in data.rooms
        if r.kind == "interview" and (not r.sections or lr.section in r.sections)
    ]
    if not rooms:
        return Verdict(
            _("no interview room is open to section {section}", section=lr.section),
            "other",
            _("an interview room that section {section} may use", section=lr.section),
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
        why = _(
            "arrives {arrival}, after the intake {weeks} (until {end})",
            arrival=lr.arrival,
            weeks=_weeks(weeks),
            end=end,
        )
    elif lr.release is not None and last <= end:
        why = _(
            "released {release}, before an open day of the intake {weeks}",
            release=lr.release,
            weeks=_weeks(weeks),
        )
    else:
        why = _(
            "the days they are present in the intake {weeks} are all closed", weeks=_weeks(weeks)
        )
    return Verdict(why, "other", _("raise intake_weeks, or hold the intake outside the plan"))


def _intake_time_verdict(ctx, lr, dates, counsellors, rooms) -> Verdict:
    """The intake is possible on paper: is there a common time, and is it still free?"""
    weeks = ctx.data.settings.intake_weeks
    options = _intake_options(ctx, lr, dates, counsellors, rooms, booked=False)
    if not options:
        blockers = _blockers(ctx, lr)
        if _intake_options(ctx, lr, dates, counsellors, rooms, False, False):
            blockers = _("{blockers} and their classes", blockers=blockers)
        days = "; ".join(_staff_days(ctx, s) for s in counsellors)
        return Verdict(
            _(
                "no common free time between {blockers} and the days of a counsellor who speaks"
                " {languages} ({days}) in {weeks}",
                blockers=blockers,
                languages=_langs(lr),
                days=days,
                weeks=_weeks(weeks),
            ),
            "no_common_time",
            _("a counsellor day when the section is free, or more intake_weeks"),
        )
    free = _intake_options(ctx, lr, dates, counsellors, rooms, booked=True)
    if not free:
        return Verdict(
            _(
                "every counsellor who speaks {languages} or every interview room is booked at the"
                " times {learner} is free in {weeks}",
                languages=_langs(lr),
                learner=lr.learner,
                weeks=_weeks(weeks),
            ),
            "capacity",
            _("another counsellor day, more max_periods_per_week, or more intake_weeks"),
        )
    week, t, staff, room = free[0]
    return Verdict(
        _(
            "{staff} and {room} are free in week {week}, {slot}, when {learner} is free; the"
            " solver did not book it within its time limit",
            staff=staff,
            room=room,
            week=week,
            slot=ctx.name(t),
            learner=lr.learner,
        ),
        "other",
        _("solve again with a longer time limit"),
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
    for week, day, _date in dates:
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
            _(
                "no computer lab with internet seats is open to section {section}",
                section=lr.section,
            ),
            "other",
            _("internet seats in a lab that section {section} may use", section=lr.section),
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
            _(
                "{booked} of {asked} booked; the internet windows leave {days} day(s) on which"
                " {learner} is free ({free}, against {blockers}); {asked} asked, at most one a day",
                booked=booked,
                asked=asked,
                days=len(free_days),
                learner=lr.learner,
                free=", ".join(free_days) or _("none"),
                blockers=_blockers(ctx, lr),
            ),
            "no_common_time",
            _(
                "internet periods {asked} → {days}, or more InternetWindows",
                asked=lr.internet_periods,
                days=len(free_days),
            ),
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
            _(
                "{booked} of {asked} booked; the internet periods {learner} is free from the"
                " regime, on days without a booking, are taken by their own timetable ({causes})",
                booked=booked,
                asked=lr.internet_periods,
                learner=lr.learner,
                causes=causes,
            ),
            "no_common_time",
            _("move a class out of the internet window, or more InternetWindows"),
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
            _(
                "{booked} of {asked} booked; every free internet seat is beside someone"
                " {learner} is kept apart from (e.g. {slot} in {room}: {who})",
                booked=booked,
                asked=lr.internet_periods,
                learner=lr.learner,
                slot=ctx.name(t),
                room=lab.room,
                who=who,
            ),
            "separation",
            _("another internet window or lab"),
        )
    t, lab = clear[0]
    return Verdict(
        _(
            "{booked} of {asked} booked; a seat in {room} is free at {slot} when they are free;"
            " the solver did not book it within its time limit",
            booked=booked,
            asked=lr.internet_periods,
            room=lab.room,
            slot=ctx.name(t),
        ),
        "other",
        _("solve again with a longer time limit"),
    )


def _present(ctx: _Context, room: str, t: int) -> set[str]:
    """Learners with an internet booking in ``room`` at weekly slot ``t``."""
    return {
        b.learner
        for b in ctx.solution.internet
        if b.room == room and ctx.slot(b.day, b.period) == t
    }


def _lab_state(ctx: _Context, lab, t: int) -> tuple[str, str] | None:
    """Why ``lab`` has no internet seat for one more learner at slot ``t``: (``closed``,
    ``holds`` or ``full``, words); None when it has one."""
    if t in ctx.inst.room_blocked.get(lab.room, frozenset()):
        return "closed", _("{room} not available", room=lab.room)
    for s in ctx.solution.sessions:
        if s.room == lab.room and t in ctx.covered(s.day, s.period, s.periods):
            return "holds", _("{room} holds {group}", room=lab.room, group=s.group)
    used = len(_present(ctx, lab.room, t))
    if used < lab.internet_seats:
        return None
    return "full", _(
        "{room} full ({used} of {seats})", room=lab.room, used=used, seats=lab.internet_seats
    )


def _labs_taken_verdict(ctx: _Context, lr: Learner, labs, slots: list[int], booked: int):
    """At every internet period the learner is free, each lab is full, holds a class or is
    closed: say which, and what would free a seat."""
    states = {t: [_lab_state(ctx, lab, t) or ("", "") for lab in labs] for t in slots}
    shown = "; ".join(
        f"{ctx.name(t)}: {', '.join(words for _kind, words in states[t])}" for t in slots[:4]
    )
    kinds = {kind for found in states.values() for kind, _words in found}
    fixes = ([_("more internet seats")] if "full" in kinds else []) + (
        [_("a class moved out of the lab during an internet window")] if "holds" in kinds else []
    )
    return Verdict(
        _(
            "{booked} of {asked} booked; at every internet period {learner} is free the labs are"
            " full or hold a class ({shown})",
            booked=booked,
            asked=lr.internet_periods,
            learner=lr.learner,
            shown=shown,
        ),
        "capacity",
        _comma_or().join(fixes or [_("another lab, or more InternetWindows")]),
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
