"""Hard rules of the contract, one method per rule (see README, "The model").

``Constraints`` is a mixin of ``TimetableModel``: it reads ``self.model`` (a CpModel),
``self.inst`` (precomputed sets) and ``self.vars`` (variable bundles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.model.instance import Instance
from scheduler.model.variables import GroupVars, Variables
from scheduler.rules import intake_dates, parse_group_id


class Constraints:
    model: cp_model.CpModel
    inst: Instance
    vars: Variables
    lock_literals: dict[int, cp_model.IntVar]
    lock_names: dict[tuple[str, int], dict[int, cp_model.IntVar]]
    occupancy: dict[tuple[int, int], cp_model.IntVar]
    stop: Callable[[], None]

    def add_constraints(self) -> None:
        """Every hard rule, in the order of the README; ``self.stop()`` between rules."""
        for rule in (
            self._group_membership,
            self._group_size,
            self._max_groups,
            self._one_group_per_kind,
            self._session_count,
            self._internet_session_capacity,
            self._room_seats_and_sections,
            self._room_one_thing_at_a_time,
            self._staff_load,
            self._staff_one_thing_at_a_time,
            self._section_regimes,
            self._learner_unavailability,
            self._compatible_sessions,
            self._learner_no_two_groups_at_once,
            self._separations_in_groups,
            self._escorts,
            self._symmetry_breaking,
            self._internet_bookings,
            self._intakes,
            self._locks,
        ):
            rule()
            self.stop()

    # --- groups -------------------------------------------------------------------------
    def _group_membership(self) -> None:
        """A member belongs to an active group; section flags follow the members."""
        for g in self.vars.groups:
            for _m, x in g.member.items():
                self.model.add_implication(x, g.active)
            self._section_flags(g)

    def _section_flags(self, g: GroupVars) -> None:
        by_section: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for m, x in g.member.items():
            by_section[self.inst.data.learner_by_id[m].section].append(x)
        for sec, xs in sorted(by_section.items()):
            h = self.model.new_bool_var(f"has[{g.cand.index},{sec}]")
            for x in xs:
                self.model.add_implication(x, h)
            self.model.add_implication(h, g.active)
            # A section flag is only set when someone of the section is in the group.
            self.model.add_bool_or(xs).only_enforce_if(h)
            g.has_section[sec] = h

    def _group_size(self) -> None:
        """min_size <= members <= max_size for a formed group, none otherwise."""
        for g in self.vars.groups:
            c = self.inst.data.course_by_id[g.cand.course]
            size = sum(g.member.values())
            self.model.add(size >= c.min_size * g.active)
            self.model.add(size <= c.max_size * g.active)

    def _max_groups(self) -> None:
        """At most max_groups groups of a course."""
        by_course: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        for g in self.vars.groups:
            by_course[g.cand.course].append(g.active)
        for course_id, actives in by_course.items():
            limit = self.inst.data.course_by_id[course_id].max_groups
            if limit is not None and limit < len(actives):
                self.model.add(sum(actives) <= limit)

    def _one_group_per_kind(self) -> None:
        """A learner is in at most one group of each course kind."""
        for m, groups in self.vars.groups_of.items():
            for kind in ("NT2", "MO"):
                xs = [g.member[m] for g in groups if self._kind(g) == kind]
                if len(xs) > 1:
                    self.model.add_at_most_one(xs)

    # --- sessions and rooms -------------------------------------------------------------
    def _session_count(self) -> None:
        """sessions_per_week sessions, internet_sessions of them in a lab in a window."""
        for g in self.vars.groups:
            c = self.inst.data.course_by_id[g.cand.course]
            normal = c.sessions_per_week - c.internet_sessions
            self.model.add(sum(g.session.values()) == normal * g.active)
            self.model.add(sum(g.internet.values()) == c.internet_sessions * g.active)

    def _internet_session_capacity(self) -> None:
        """An internet session has no more members than the lab's internet seats."""
        data = self.inst.data
        for g in self.vars.groups:
            c = data.course_by_id[g.cand.course]
            size = sum(g.member.values())
            for lab in sorted({r for (_t, r) in g.internet}):
                seats = data.room_by_id[lab].internet_seats
                if seats >= c.max_size:
                    continue
                uses = self.model.new_bool_var(f"uses_lab_online[{g.cand.index},{lab}]")
                for (_t, r), v in g.internet.items():
                    if r == lab:
                        self.model.add_implication(v, uses)
                self.model.add(size <= seats).only_enforce_if(uses)

    def _room_seats_and_sections(self) -> None:
        """Rooms have enough seats and are allowed for every member's section."""
        data = self.inst.data
        for g in self.vars.groups:
            c = data.course_by_id[g.cand.course]
            size = sum(g.member.values())
            for (_t, r, _i), v in g.all_sessions():
                self.model.add_implication(v, g.uses_room[r])
            for r, use in g.uses_room.items():
                room = data.room_by_id[r]
                if room.seats < c.max_size:
                    self.model.add(size <= room.seats).only_enforce_if(use)
                if room.sections:
                    for sec, h in g.has_section.items():
                        if sec not in room.sections:
                            self.model.add_bool_or([use.Not(), h.Not()])

    def _room_one_thing_at_a_time(self) -> None:
        """One group session per room and slot; no internet booking beside a group in a lab."""
        occupying: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for g in self.vars.groups:
            for (t0, r, _i), v in g.all_sessions():
                for t in range(t0, t0 + g.length):
                    occupying[(r, t)].append(v)
        bookings: dict[tuple[str, int], list[cp_model.IntVar]] = defaultdict(list)
        for (_m, t, lab), b in self.vars.booking.items():
            bookings[(lab, t)].append(b)
        data = self.inst.data
        for key in sorted(set(occupying) | set(bookings)):
            groups, booked = occupying.get(key, []), bookings.get(key, [])
            seats = data.room_by_id[key[0]].internet_seats
            if not booked:
                if len(groups) > 1:
                    self.model.add_at_most_one(groups)
            else:
                self.model.add(sum(booked) + seats * sum(groups) <= seats)

    # --- staff --------------------------------------------------------------------------
    def _staff_load(self) -> None:
        """Weekly periods per staff member within max_periods_per_week."""
        load: dict[str, list] = defaultdict(list)
        for g in self.vars.groups:
            c = self.inst.data.course_by_id[g.cand.course]
            load[g.cand.staff].append(c.sessions_per_week * c.session_periods * g.active)
        for s, terms in load.items():
            limit = self.inst.data.staff_by_id[s].max_periods_per_week
            if limit is not None:
                self.model.add(sum(terms) <= limit)

    def _staff_one_thing_at_a_time(self) -> None:
        """A staff member teaches one session at a time (which also keeps a group's own
        sessions apart, since every candidate group has one fixed staff member)."""
        by_staff: dict[str, list[GroupVars]] = defaultdict(list)
        for g in self.vars.groups:
            by_staff[g.cand.staff].append(g)
        for _s, groups in sorted(by_staff.items()):
            for t in range(self.inst.n_slots):
                vs = [v for g in groups for v in g.covering(t)]
                if len(vs) > 1:
                    self.model.add_at_most_one(vs)

    # --- learners -----------------------------------------------------------------------
    def _section_regimes(self) -> None:
        """No session while a member's section regime blocks its periods or a gap inside it."""
        for g in self.vars.groups:
            for sec, h in g.has_section.items():
                for (t0, _r, _i), v in g.all_sessions():
                    if not self.inst.section_free_at(sec, t0, g.length):
                        self.model.add_bool_or([v.Not(), h.Not()])

    def _learner_unavailability(self) -> None:
        """No session while a member's LearnerUnavailability row touches it (gaps included)."""
        inst = self.inst
        for g in self.vars.groups:
            for m, x in g.member.items():
                if not self._own_rows(m):
                    continue
                sec = inst.data.learner_by_id[m].section
                for (t0, _r, _i), v in g.all_sessions():
                    # a start the regime blocks is already ruled out for the whole section
                    regime_ok = inst.section_free_at(sec, t0, g.length)
                    if regime_ok and not inst.learner_free_at(m, t0, g.length):
                        self.model.add_bool_or([v.Not(), x.Not()])

    def _own_rows(self, m: str) -> bool:
        """The learner has LearnerUnavailability rows that block more than their regime."""
        inst = self.inst
        sec = inst.data.learner_by_id[m].section
        return inst.learner_blocked[m] != inst.section_blocked.get(
            sec, frozenset()
        ) or inst.learner_gaps[m] != inst.section_gaps.get(sec, frozenset())

    def _compatible_sessions(self) -> None:
        """Redundant, for the linear relaxation: a group with a member from section σ (or with
        learner l) holds all its weekly sessions at times σ (or l) can come. The pairwise
        rules above say the same for integers; summed, they stop the LP from placing a learner
        in a half-formed group whose sessions mostly fall in the learner's work or yard."""
        inst = self.inst
        for g in self.vars.groups:
            c = inst.data.course_by_id[g.cand.course]
            sessions = list(g.all_sessions())
            for sec, h in g.has_section.items():
                ok = [v for (t0, _r, _i), v in sessions if inst.section_free_at(sec, t0, g.length)]
                if len(ok) < len(sessions):
                    self.model.add(sum(ok) >= c.sessions_per_week * h)
            for m, x in g.member.items():
                if not self._own_rows(m):
                    continue
                ok = [v for (t0, _r, _i), v in sessions if inst.learner_free_at(m, t0, g.length)]
                self.model.add(sum(ok) >= c.sessions_per_week * x)

    def _learner_no_two_groups_at_once(self) -> None:
        """A learner's NT2 and MO groups never meet at the same time."""
        pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
        for m, groups in sorted(self.vars.groups_of.items()):
            nt2 = [g for g in groups if self._kind(g) == "NT2"]
            mo = [g for g in groups if self._kind(g) == "MO"]
            for a in nt2:
                for b in mo:
                    pairs[(a.cand.index, b.cand.index)].append(m)
        by_index = {g.cand.index: g for g in self.vars.groups}
        for n, ((ia, ib), learners) in enumerate(sorted(pairs.items())):
            if n % 1000 == 0:
                self.stop()  # the largest rule on a big term: seconds on a busy machine
            a, b = by_index[ia], by_index[ib]
            common = [t for t in range(self.inst.n_slots) if a.covering(t) and b.covering(t)]
            if not common:
                continue
            share = self.model.new_bool_var(f"share[{ia},{ib}]")
            for m in learners:
                self.model.add_bool_or([a.member[m].Not(), b.member[m].Not(), share])
            for t in common:
                self.model.add(self._occupied(a, t) + self._occupied(b, t) + share <= 2)

    def _separations_in_groups(self) -> None:
        """Two sides of a Separation are never in one group (section pairs are already apart
        because candidate groups are built per clique of compatible sections)."""
        partners = self.inst.separated_learners
        for g in self.vars.groups:
            for m, x in g.member.items():
                for other in sorted(partners.get(m, ())):
                    if other > m and other in g.member:
                        self.model.add_bool_or([x.Not(), g.member[other].Not()])

    def _escorts(self) -> None:
        """At most max_groups_moving group sessions start in the same period."""
        limit = self.inst.data.settings.max_groups_moving
        if limit is None:
            return
        starting: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for g in self.vars.groups:
            for (t0, _r, _i), v in g.all_sessions():
                starting[t0].append(v)
        for _t, vs in sorted(starting.items()):
            if len(vs) > limit:
                self.model.add(sum(vs) <= limit)

    def _symmetry_breaking(self) -> None:
        """Interchangeable candidates (same course, clique and staff) are formed in order and
        sorted by size, so the solver never explores relabellings of one timetable."""
        for prev, g in zip(self.vars.groups, self.vars.groups[1:], strict=False):
            same = (prev.cand.course, prev.cand.clique, prev.cand.staff) == (
                g.cand.course,
                g.cand.clique,
                g.cand.staff,
            )
            if same:
                self.model.add_implication(g.active, prev.active)
                self.model.add(sum(prev.member.values()) >= sum(g.member.values()))

    # --- internet bookings and intakes --------------------------------------------------
    def _internet_bookings(self) -> None:
        """At most internet_periods bookings a week, one a day, never beside the learner's
        own sessions, and separated learners never in one lab at once."""
        inst, per_learner = self.inst, defaultdict(list)
        for (m, t, lab), b in self.vars.booking.items():
            per_learner[m].append((t, lab, b))
        for m, items in sorted(per_learner.items()):
            limit = inst.data.learner_by_id[m].internet_periods
            self.model.add(sum(b for _t, _l, b in items) <= limit)
            by_day: dict[int, list] = defaultdict(list)
            by_slot: dict[int, list] = defaultdict(list)
            for t, _lab, b in items:
                by_day[inst.day_of(t)].append(b)
                by_slot[t].append(b)
            for bs in by_day.values():
                if len(bs) > 1:
                    self.model.add_at_most_one(bs)
            for t, bs in by_slot.items():
                for g in self.vars.groups_of.get(m, []):
                    if g.covering(t):
                        self.model.add(sum(bs) + g.member[m] + self._occupied(g, t) <= 2)
        self._separations_in_labs()

    def _separations_in_labs(self) -> None:
        """Separated learners never share a lab in the same period."""
        partners = self.inst.separated_learners
        at: dict[tuple[int, str], dict[str, cp_model.IntVar]] = defaultdict(dict)
        for (m, t, lab), b in self.vars.booking.items():
            at[(t, lab)][m] = b
        for _key, who in sorted(at.items()):
            for m, b in sorted(who.items()):
                for other in sorted(partners.get(m, ())):
                    if other > m and other in who:
                        self.model.add_bool_or([b.Not(), who[other].Not()])

    def _intakes(self) -> None:
        """One intake at most per learner; counsellors and interview rooms one at a time
        within each week; counsellors' weekly load; no clash with the learner's week."""
        inst = self.inst
        length = inst.data.settings.intake_periods
        per_learner: dict[str, list] = defaultdict(list)
        counsellor_at: dict[tuple[str, int, int], list] = defaultdict(list)
        room_at: dict[tuple[str, int, int], list] = defaultdict(list)
        load: dict[tuple[str, int], list] = defaultdict(list)
        for (m, w, t0, c, r), v in self.vars.intake.items():
            per_learner[m].append((t0, v))
            load[(c, w)].append(v)
            for t in range(t0, t0 + length):
                counsellor_at[(c, w, t)].append(v)
                room_at[(r, w, t)].append(v)
        for _m, items in sorted(per_learner.items()):
            self.model.add_at_most_one(v for _t, v in items)
        for vs in list(counsellor_at.values()) + list(room_at.values()):
            if len(vs) > 1:
                self.model.add_at_most_one(vs)
        for (c, _w), vs in sorted(load.items()):
            limit = inst.data.staff_by_id[c].max_periods_per_week
            if limit is not None and limit < length * len(vs):
                self.model.add(length * sum(vs) <= limit)
        self._intake_no_clash(per_learner, length)

    def _intake_no_clash(self, per_learner: dict[str, list], length: int) -> None:
        """The intake never falls in the learner's weekly sessions or internet bookings."""
        booked: dict[tuple[str, int], list] = defaultdict(list)
        for (m, t, _lab), b in self.vars.booking.items():
            booked[(m, t)].append(b)
        for m, items in sorted(per_learner.items()):
            at_slot: dict[int, list] = defaultdict(list)
            for t0, v in items:
                for t in range(t0, t0 + length):
                    at_slot[t].append(v)
            for t, vs in sorted(at_slot.items()):
                for g in self.vars.groups_of.get(m, []):
                    if g.covering(t):
                        self.model.add(sum(vs) + g.member[m] + self._occupied(g, t) <= 2)
                if booked.get((m, t)):
                    self.model.add(sum(vs) + sum(booked[(m, t)]) <= 1)

    def _locks(self) -> None:
        """A locked session stays where it is, and a pinned learner is in their group (each lock
        is a named assumption, so an impossible lock is reported by its row).

        A lock on a group id ``C-n`` is held by one specific group: ``named[(C, n)][g]`` says
        that candidate ``g`` is the group called ``C-n``. Exactly one candidate carries each
        locked id, no candidate carries two, and every lock on that id is met by that one
        group (its sessions, or its members for a ``member`` lock), and groups ``C-1`` .. ``C-n``
        all exist. A session lock without a group id may be met by any group of its course.
        """
        data = self.inst.data
        for i, lock in enumerate(data.locks):
            lit = self.lock_literals.setdefault(i, self.model.new_bool_var(f"lock[{i}]"))
            if lock.group:
                self._group_lock(lock, lit)
                continue
            if lock.kind == "member":  # a pin into no group can never hold
                self.model.add_bool_or([lit.Not()])
                continue
            groups = [g for g in self.vars.groups if lock.course in (None, g.cand.course)]
            matching = [v for g in groups for v in self._lock_matches(g, lock)]
            if matching:
                self.model.add_bool_or(matching).only_enforce_if(lit)
            else:
                self.model.add_bool_or([lit.Not()])

    def _group_lock(self, lock, lit: cp_model.IntVar) -> None:
        """Under ``lit``, the group called ``lock.group`` exists and meets the lock."""
        data = self.inst.data
        key = parse_group_id(lock.group, (c.course for c in data.courses))
        if key is None or (lock.course not in (None, key[0])):
            self.model.add_bool_or([lit.Not()])  # no group can ever have that id
            return
        named = self._named(key)
        # Ids are given in activation order, so C-n needs groups C-1 .. C-n formed.
        actives = [g.active for g in self.vars.groups if g.cand.course == key[0]]
        self.model.add(sum(actives) >= key[1]).only_enforce_if(lit)
        for g in self.vars.groups:
            if g.cand.index not in named:
                continue
            if lock.kind == "member":
                member = g.member.get(lock.learner)
                matching = [member] if member is not None else []
            else:
                matching = self._lock_matches(g, lock)
            carrier = named[g.cand.index]
            if matching:
                self.model.add_bool_or([*matching, carrier.Not()]).only_enforce_if(lit)
            else:
                self.model.add_implication(lit, carrier.Not())
        self.model.add_exactly_one(named.values()).only_enforce_if(lit)

    def _named(self, key: tuple[str, int]) -> dict[int, cp_model.IntVar]:
        """Candidate index -> "this candidate is the group ``course-n``", made once per id;
        a candidate carries at most one locked id and only when it is formed."""
        if key in self.lock_names:
            return self.lock_names[key]
        course_id, n = key
        named = {}
        for g in self.vars.groups:
            if g.cand.course == course_id:
                var = self.model.new_bool_var(f"named[{course_id}-{n},{g.cand.index}]")
                self.model.add_implication(var, g.active)
                named[g.cand.index] = var
        for g in self.vars.groups:
            if g.cand.course != course_id:
                continue
            carried = [
                ids[g.cand.index] for (c, _n), ids in self.lock_names.items() if c == course_id
            ]
            if carried:
                self.model.add_at_most_one([*carried, named[g.cand.index]])
        self.lock_names[key] = named
        return named

    def _lock_matches(self, g: GroupVars, lock) -> list[cp_model.IntVar]:
        """Session variables of ``g`` that would hold ``lock``."""
        if lock.staff not in (None, g.cand.staff):
            return []
        out = []
        for (t0, r, _i), v in g.all_sessions():
            day, period = self.inst.slot_name(t0)
            if lock.day in (None, day) and lock.period in (None, period):
                if lock.room in (None, r):
                    out.append(v)
        return out

    def _occupied(self, g: GroupVars, t: int) -> cp_model.IntVar:
        """A literal equal to "group ``g`` is in session at slot ``t``", made once per (g, t).
        The group's sessions never overlap (one staff member), so the sum is 0 or 1; one
        literal in place of that sum keeps the many clash rows that use it short."""
        key = (g.cand.index, t)
        occ = self.occupancy.get(key)
        if occ is None:
            occ = self.model.new_bool_var(f"occ[{g.cand.index},{t}]")
            self.model.add(occ == sum(g.covering(t)))
            self.occupancy[key] = occ
        return occ

    def _kind(self, g: GroupVars) -> str:
        return self.inst.data.course_by_id[g.cand.course].kind

    def intake_options(self, learner_id: str):
        """(week, start slot) pairs on open dates for an intake of ``learner_id``."""
        inst = self.inst
        length = inst.data.settings.intake_periods
        for week, day, _date in intake_dates(inst.data, learner_id):
            d = inst.days.index(day)
            for p in range(inst.n_periods - length + 1):
                yield week, d * inst.n_periods + p
