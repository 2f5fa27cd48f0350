"""Everything the model needs, precomputed before a single variable is created.

The weekly grid is flattened: slot ``t = d * P + p`` for teaching day ``d`` (index into
``data.teaching_days``) and period ``p``. A *start* is the slot of a session's first period;
a start is only kept when the whole session fits in one day and is possible for the group's
staff member and at least one room. Candidate groups are formed per course, per clique of
mutually compatible sections (no Separations row between any two of them) and per eligible
staff member, so that staff assignment is fixed per candidate and staff rules become linear.

A session or intake of several periods is one appointment: its people stay through any gap
between its periods (lunch, a break). So every blocked-slot set has a twin over *gaps* (gap
``t`` lies between slot ``t`` and slot ``t + 1`` of the same day): a blocking row that overlaps
the gap by a minute or more blocks it, and a window must contain it, exactly as if the gap were
a period. ``*_free_at(.., t0, length)`` apply both to a whole appointment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from scheduler.data import Course, ProblemData, Room
from scheduler.rules import fits, may_teach
from scheduler.term import closed_for, learner_window, term_dates, weekday


def overlaps(start: int, end: int, p_start: int, p_end: int) -> bool:
    """A blocking row blocks a period it overlaps by one minute or more."""
    return start < p_end and end > p_start


@dataclass(frozen=True)
class Candidate:
    """One group that may be formed: course, allowed sections, fixed staff, index ``k``."""

    index: int
    course: str
    clique: tuple[str, ...]
    staff: str
    k: int
    learners: tuple[str, ...]  # eligible members
    starts: tuple[int, ...]  # feasible starts of ordinary sessions
    internet_starts: tuple[int, ...]  # feasible starts of internet sessions
    rooms: tuple[str, ...]  # rooms for ordinary sessions
    labs: tuple[str, ...]  # computer labs for internet sessions


@dataclass
class Instance:
    """Precomputed sets over the slot grid for one ProblemData."""

    data: ProblemData
    days: tuple[str, ...] = ()
    n_periods: int = 0
    section_blocked: dict[str, frozenset[int]] = field(default_factory=dict)
    learner_blocked: dict[str, frozenset[int]] = field(default_factory=dict)
    room_blocked: dict[str, frozenset[int]] = field(default_factory=dict)
    staff_free: dict[str, frozenset[int]] = field(default_factory=dict)
    internet_slots: frozenset[int] = frozenset()
    # Gaps (see module docstring): only gaps of one minute or more exist.
    gap_slots: frozenset[int] = frozenset()
    section_gaps: dict[str, frozenset[int]] = field(default_factory=dict)  # blocked
    learner_gaps: dict[str, frozenset[int]] = field(default_factory=dict)  # blocked
    room_gaps: dict[str, frozenset[int]] = field(default_factory=dict)  # blocked
    staff_gaps: dict[str, frozenset[int]] = field(default_factory=dict)  # available
    internet_gaps: frozenset[int] = frozenset()  # inside an internet window
    _open_starts: dict[tuple[str, str, int], frozenset[int]] = field(
        default_factory=dict, repr=False
    )
    candidates: list[Candidate] = field(default_factory=list)
    eligible: dict[str, tuple[str, ...]] = field(default_factory=dict)  # course -> learners

    @property
    def n_slots(self) -> int:
        return len(self.days) * self.n_periods

    def day_of(self, t: int) -> int:
        return t // self.n_periods

    def covered(self, start: int, length: int) -> range:
        return range(start, start + length)

    def inner_gaps(self, start: int, length: int) -> list[int]:
        """The gaps an appointment of ``length`` periods from ``start`` spans."""
        return [t for t in range(start, start + length - 1) if t in self.gap_slots]

    def clear_at(
        self, start: int, length: int, slots: frozenset[int], gaps: frozenset[int]
    ) -> bool:
        """No period and no inner gap of the appointment is in the blocked ``slots``/``gaps``."""
        return not slots.intersection(self.covered(start, length)) and not gaps.intersection(
            self.inner_gaps(start, length)
        )

    def within_at(
        self, start: int, length: int, slots: frozenset[int], gaps: frozenset[int]
    ) -> bool:
        """Every period and every inner gap of the appointment is in the open ``slots``/``gaps``."""
        return slots.issuperset(self.covered(start, length)) and gaps.issuperset(
            self.inner_gaps(start, length)
        )

    def open_starts(self, what: str, key: str, length: int, window: bool = False) -> frozenset[int]:
        """Starts of an appointment of ``length`` periods that ``what`` (``learner``,
        ``section``, ``room``, ``staff`` or ``internet``) ``key`` leaves open: no blocked
        period or gap, or for a window every period and gap inside it. Computed once per
        (what, key, length): the model asks this for every session variable."""
        cached = self._open_starts.get((what, key, length))
        if cached is None:
            slots, gaps = self._sets(what, key)
            test = self.within_at if window else self.clear_at
            cached = frozenset(t for t in self.valid_starts(length) if test(t, length, slots, gaps))
            self._open_starts[(what, key, length)] = cached
        return cached

    def _sets(self, what: str, key: str) -> tuple[frozenset[int], frozenset[int]]:
        """The slot and gap sets of one learner, section, room, staff member or of internet."""
        empty: frozenset[int] = frozenset()
        if what == "learner":
            return self.learner_blocked[key], self.learner_gaps[key]
        if what == "section":
            return self.section_blocked.get(key, empty), self.section_gaps.get(key, empty)
        if what == "room":
            return self.room_blocked[key], self.room_gaps[key]
        if what == "staff":
            return self.staff_free[key], self.staff_gaps[key]
        return self.internet_slots, self.internet_gaps

    def learner_free_at(self, learner: str, start: int, length: int) -> bool:
        """Neither the learner's regime nor their own unavailability touches the appointment."""
        return start in self.open_starts("learner", learner, length)

    def section_free_at(self, section: str, start: int, length: int) -> bool:
        """The section's regime leaves the whole appointment free."""
        return start in self.open_starts("section", section, length)

    def room_free_at(self, room: str, start: int, length: int) -> bool:
        """No RoomUnavailability row touches the appointment."""
        return start in self.open_starts("room", room, length)

    def staff_free_at(self, staff: str, start: int, length: int) -> bool:
        """The staff member is on site and available over the whole appointment, gaps included."""
        return start in self.open_starts("staff", staff, length, window=True)

    def internet_at(self, start: int, length: int) -> bool:
        """Internet is on over the whole appointment, gaps included."""
        return start in self.open_starts("internet", "", length, window=True)

    def slot_name(self, t: int) -> tuple[str, str]:
        return self.days[t // self.n_periods], self.data.periods[t % self.n_periods].period

    def valid_starts(self, length: int) -> list[int]:
        """Starts at which a session of ``length`` periods fits within one day."""
        return [
            d * self.n_periods + p
            for d in range(len(self.days))
            for p in range(self.n_periods - length + 1)
        ]

    @cached_property
    def course_staff(self) -> dict[str, list[str]]:
        return {c.course: eligible_staff(self.data, c, self) for c in self.data.courses}

    @cached_property
    def separated_learners(self) -> dict[str, set[str]]:
        """learner -> learners they may never meet (learner/learner and learner/section rows)."""
        return separation_partners(self.data)


def build_instance(data: ProblemData) -> Instance:
    """Precompute blocked slots, windows, eligibility and candidate groups."""
    inst = Instance(data=data, days=data.teaching_days, n_periods=len(data.periods))
    inst.gap_slots = _gap_slots(inst)
    for sec in data.sections:
        rows = _regime_rows(data, sec.regime)
        inst.section_blocked[sec.section] = _blocked_slots(inst, rows)
        inst.section_gaps[sec.section] = _blocked_gaps(inst, rows)
    _learner_blocked(data, inst)
    _room_blocked(data, inst)
    for s in data.staff:
        inst.staff_free[s.staff], inst.staff_gaps[s.staff] = _staff_free(data, inst, s.staff)
    windows = [(w.day, w.start, w.end) for w in data.internet_windows]
    inst.internet_slots = _window_slots(inst, windows)
    inst.internet_gaps = _window_gaps(inst, windows)
    for course in data.courses:
        inst.eligible[course.course] = eligible_learners(data, course, inst)
    inst.candidates = _candidates(data, inst)
    return inst


def _blocked_slots(inst: Instance, rows: list[tuple[str, int, int]]) -> frozenset[int]:
    out = set()
    for day, start, end in rows:
        for d, name in enumerate(inst.days):
            if day not in (name, "all"):
                continue
            for p, per in enumerate(inst.data.periods):
                if overlaps(start, end, per.start, per.end):
                    out.add(d * inst.n_periods + p)
    return frozenset(out)


def _window_slots(inst: Instance, rows: list[tuple[str, int, int]]) -> frozenset[int]:
    """Slots whose whole period lies inside one of the windows."""
    out = set()
    for day, start, end in rows:
        if day not in inst.days:
            continue
        d = inst.days.index(day)
        for p, per in enumerate(inst.data.periods):
            if start <= per.start and per.end <= end:
                out.add(d * inst.n_periods + p)
    return frozenset(out)


def _gap_slots(inst: Instance) -> frozenset[int]:
    """Slots followed, on the same day, by a gap of one minute or more."""
    periods = inst.data.periods
    after = [p for p in range(len(periods) - 1) if periods[p].end < periods[p + 1].start]
    return frozenset(d * inst.n_periods + p for d in range(len(inst.days)) for p in after)


def _gap_times(inst: Instance, t: int) -> tuple[str, int, int]:
    """(day, start, end) of gap ``t``."""
    p = t % inst.n_periods
    periods = inst.data.periods
    return inst.days[inst.day_of(t)], periods[p].end, periods[p + 1].start


def _blocked_gaps(inst: Instance, rows: list[tuple[str, int, int]]) -> frozenset[int]:
    """Gaps that a blocking row overlaps by one minute or more (as it would a period)."""
    out = set()
    for t in inst.gap_slots:
        day, g_start, g_end = _gap_times(inst, t)
        if any(d in (day, "all") and overlaps(s, e, g_start, g_end) for d, s, e in rows):
            out.add(t)
    return frozenset(out)


def _window_gaps(inst: Instance, rows: list[tuple[str, int, int]]) -> frozenset[int]:
    """Gaps wholly inside one of the windows (as a period must be)."""
    out = set()
    for t in inst.gap_slots:
        day, g_start, g_end = _gap_times(inst, t)
        if any(d == day and s <= g_start and g_end <= e for d, s, e in rows):
            out.add(t)
    return frozenset(out)


def _regime_rows(data: ProblemData, regime: str) -> list[tuple[str, int, int]]:
    return [(r.day, r.start, r.end) for r in data.regimes if r.regime == regime]


def _learner_blocked(data: ProblemData, inst: Instance) -> None:
    """Each learner's blocked slots and gaps: their section's regime plus their own rows."""
    own: dict[str, list[tuple[str, int, int]]] = {}
    for u in data.learner_unavailability:
        own.setdefault(u.learner, []).append((u.day, u.start, u.end))
    for learner in data.learners:
        rows = own.get(learner.learner, [])
        base = inst.section_blocked.get(learner.section, frozenset())
        inst.learner_blocked[learner.learner] = base | _blocked_slots(inst, rows)
        base_gaps = inst.section_gaps.get(learner.section, frozenset())
        inst.learner_gaps[learner.learner] = base_gaps | _blocked_gaps(inst, rows)


def _room_blocked(data: ProblemData, inst: Instance) -> None:
    """Each room's slots and gaps taken by its RoomUnavailability rows."""
    rows: dict[str, list[tuple[str, int, int]]] = {}
    for u in data.room_unavailability:
        rows.setdefault(u.room, []).append((u.day, u.start, u.end))
    for r in data.rooms:
        inst.room_blocked[r.room] = _blocked_slots(inst, rows.get(r.room, []))
        inst.room_gaps[r.room] = _blocked_gaps(inst, rows.get(r.room, []))


def _staff_free(
    data: ProblemData, inst: Instance, staff_id: str
) -> tuple[frozenset[int], frozenset[int]]:
    """Slots and gaps in which the staff member is on site and inside a window of theirs."""
    staff = data.staff_by_id[staff_id]
    days = set(staff.days) if staff.days else set(inst.days)
    windows = [(a.day, a.start, a.end) for a in data.staff_availability if a.staff == staff_id]
    if windows:
        allowed, gaps = _window_slots(inst, windows), _window_gaps(inst, windows)
    else:
        allowed, gaps = frozenset(range(inst.n_slots)), inst.gap_slots
    on_site = {t for t in range(inst.n_slots) if inst.days[inst.day_of(t)] in days}
    return allowed & on_site, gaps & on_site


def present(data: ProblemData, learner_id: str) -> bool:
    first, last = learner_window(data, learner_id)
    return first <= last


def eligible_learners(data: ProblemData, course: Course, inst: Instance) -> tuple[str, ...]:
    """Learners who asked for the course's kind and fit it (level or language)."""
    out = []
    for learner in data.learners:
        if not fits(learner, course) or not present(data, learner.learner):
            continue
        if len(inst.learner_blocked[learner.learner]) >= inst.n_slots:
            continue
        out.append(learner.learner)
    return tuple(out)


def eligible_staff(data: ProblemData, course: Course, inst: Instance) -> list[str]:
    weekly = course.sessions_per_week * course.session_periods
    out = []
    for s in data.staff:
        if not may_teach(s, course):
            continue
        if s.max_periods_per_week is not None and s.max_periods_per_week < weekly:
            continue
        if inst.staff_free.get(s.staff):
            out.append(s.staff)
    return out


def separation_partners(data: ProblemData) -> dict[str, set[str]]:
    """Expand every Separations row into learner pairs."""
    by_section: dict[str, list[str]] = {}
    for learner in data.learners:
        by_section.setdefault(learner.section, []).append(learner.learner)
    out: dict[str, set[str]] = {}

    def side(x: str) -> list[str]:
        if x in data.learner_by_id:
            return [x]
        return by_section.get(x, [])

    for sep in data.separations:
        for a in side(sep.a):
            for b in side(sep.b):
                if a != b:
                    out.setdefault(a, set()).add(b)
                    out.setdefault(b, set()).add(a)
    return out


def section_cliques(data: ProblemData, sections: set[str]) -> list[tuple[str, ...]]:
    """Maximal sets of sections with no Separations row between any two of them."""
    apart: dict[str, set[str]] = {s: set() for s in sections}
    for sep in data.separations:
        if sep.a in apart and sep.b in apart:
            apart[sep.a].add(sep.b)
            apart[sep.b].add(sep.a)
    cliques: list[tuple[str, ...]] = []

    def expand(current: list[str], candidates: list[str], excluded: list[str]) -> None:
        if not candidates and not excluded:
            cliques.append(tuple(sorted(current)))
            return
        for s in list(candidates):
            compatible = [c for c in candidates if c != s and c not in apart[s]]
            expand(current + [s], compatible, [e for e in excluded if e not in apart[s]])
            candidates.remove(s)
            excluded.append(s)

    ordered = sorted(sections)
    expand([], [s for s in ordered if s not in apart[s]], [])
    return sorted(cliques)


def _room_fits(
    inst: Instance, room: Room, clique: tuple[str, ...], min_size: int, seats: int
) -> bool:
    if seats < min_size:
        return False
    return not room.sections or any(s in room.sections for s in clique)


def _feasible_starts(
    inst: Instance,
    course: Course,
    staff_id: str,
    rooms: list[Room],
    members: list[str],
    internet: bool,
) -> list[int]:
    """Starts where the staff member, some room and at least min_size members are all free
    over the whole session (gaps included), inside an internet window when ``internet``."""
    length = course.session_periods
    out = []
    for t0 in inst.valid_starts(length):
        if not inst.staff_free_at(staff_id, t0, length):
            continue
        if internet and not inst.internet_at(t0, length):
            continue
        if not any(inst.room_free_at(r.room, t0, length) for r in rooms):
            continue
        n_free = sum(1 for m in members if inst.learner_free_at(m, t0, length))
        if n_free >= course.min_size:
            out.append(t0)
    return out


def _candidates(data: ProblemData, inst: Instance) -> list[Candidate]:
    return candidates_for(data, inst, inst.eligible)


def candidates_for(
    data: ProblemData,
    inst: Instance,
    eligible_by_course: dict[str, tuple[str, ...]],
    first: int = 0,
) -> list[Candidate]:
    """Candidate groups formed from ``eligible_by_course`` (course -> learners), indexed from
    ``first``; a re-plan asks this for its new groups, with only the learners still free."""
    out: list[Candidate] = []
    for course in data.courses:
        eligible = eligible_by_course.get(course.course, ())
        if len(eligible) < course.min_size:
            continue
        secs = {data.learner_by_id[m].section for m in eligible}
        for clique in section_cliques(data, secs):
            members = [m for m in eligible if data.learner_by_id[m].section in clique]
            if len(members) < course.min_size:
                continue
            for staff_id in inst.course_staff[course.course]:
                out.extend(
                    _course_candidates(
                        data, inst, course, clique, staff_id, members, first + len(out)
                    )
                )
    return out


def _course_candidates(
    data: ProblemData,
    inst: Instance,
    course: Course,
    clique: tuple[str, ...],
    staff_id: str,
    members: list[str],
    first_index: int,
) -> list[Candidate]:
    normal = course.sessions_per_week - course.internet_sessions
    rooms = [
        r
        for r in data.rooms
        if r.kind in ("classroom", "computer_lab")
        and _room_fits(inst, r, clique, course.min_size, r.seats)
    ]
    labs = [
        r
        for r in data.rooms
        if r.kind == "computer_lab"
        and _room_fits(inst, r, clique, course.min_size, min(r.seats, r.internet_seats))
    ]
    starts = _feasible_starts(inst, course, staff_id, rooms, members, False) if normal else []
    istarts: list[int] = []
    if course.internet_sessions:
        istarts = _feasible_starts(inst, course, staff_id, labs, members, True)
        if not istarts:
            return []
    if normal and not starts:
        return []
    staff = data.staff_by_id[staff_id]
    weekly = course.sessions_per_week * course.session_periods
    limits = [len(members) // course.min_size]
    if course.max_groups is not None:
        limits.append(course.max_groups)
    if staff.max_periods_per_week is not None:
        limits.append(staff.max_periods_per_week // weekly)
    # One staff member can never run more groups than their usable periods allow.
    usable = {t for t0 in starts + istarts for t in inst.covered(t0, course.session_periods)}
    limits.append(len(usable) // weekly)
    k_max = max(0, min(limits))
    return [
        Candidate(
            index=first_index + k,
            course=course.course,
            clique=clique,
            staff=staff_id,
            k=k,
            learners=tuple(
                m for m in members if _member_possible(inst, m, course, starts, istarts)
            ),
            starts=tuple(starts),
            internet_starts=tuple(istarts),
            rooms=tuple(r.room for r in rooms),
            labs=tuple(r.room for r in labs),
        )
        for k in range(k_max)
    ]


def _member_possible(
    inst: Instance, learner_id: str, course: Course, starts: list[int], istarts: list[int]
) -> bool:
    """The learner is free for at least one ordinary and (if needed) one internet start."""
    length = course.session_periods

    def any_free(ts: list[int]) -> bool:
        return any(inst.learner_free_at(learner_id, t, length) for t in ts)

    normal = course.sessions_per_week - course.internet_sessions
    return (normal == 0 or any_free(starts)) and (
        course.internet_sessions == 0 or any_free(istarts)
    )


def delivered_dates(data: ProblemData, learner_id: str) -> dict[str, int]:
    """Per weekday: open term dates on which ``learner_id`` can attend (own window, whole-prison
    closures and closures of the learner's own section)."""
    first, last = learner_window(data, learner_id)
    section = data.learner_by_id[learner_id].section
    counts: dict[str, int] = {}
    for d in term_dates(data):
        if first <= d <= last and not closed_for(data, d, (section,)):
            counts[weekday(d)] = counts.get(weekday(d), 0) + 1
    return counts


def release_fraction(data: ProblemData, learner_id: str) -> float:
    """How early in the term the learner leaves: 1.0 = at term start, 0.0 = after the term."""
    release = data.learner_by_id[learner_id].release
    s = data.settings
    if release is None or release > s.term_end:
        return 0.0
    span = max((s.term_end - s.term_start).days, 1)
    return max(0.0, min(1.0, (s.term_end - max(release, s.term_start)).days / span))
