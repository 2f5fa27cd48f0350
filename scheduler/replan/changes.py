"""The new timetable's rows with their dates, and the Changes sheet.

History before DATE is copied unchanged; a row that no longer holds from DATE is ended on
DATE - 1 (or dropped when it only started on DATE); a new row runs from DATE. Rows keep the
sheet order of the timetable in use, so a session keeps its place in its group's week (the
calendars' UIDs follow that place, see report/ics.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.data import ProblemData
from scheduler.i18n import N_, _
from scheduler.replan.current import Current, live_on
from scheduler.replan.update import Update
from scheduler.report.timetable import Dates, Revision
from scheduler.solution import Intake, InternetBooking, Session, Solution

ORDER = (
    "learner left", "learner moved", "learner joined", "group closed", "new group",
    "staff changed", "session moved", "room changed", "intake moved", "intake added",
    "internet dropped", "internet added",
)  # fmt: skip


@dataclass
class Placement:
    """The model's answer for the groups: kept groups' sessions by their old index."""

    solution: Solution
    by_old: dict[str, dict[int, Session]]  # kept group -> old session index -> new session
    extra: dict[str, list[Session]]  # sessions of a group without an old one (new groups too)
    new_groups: list[str] = field(default_factory=list)
    session_why: dict[tuple[str, int], str] = field(default_factory=dict)
    intake_why: dict[str, str] = field(default_factory=dict)


def _ended(dates: Dates, date: dt.date, term_start: dt.date) -> Dates | None:
    """The dates of a row that stops holding on ``date`` (None: it never held before it)."""
    start = dates[0] or term_start
    if start >= date:
        return None
    return dates[0], date - dt.timedelta(days=1)


def _slot_words(s: Session) -> str:
    return f"{s.day} {s.period} {s.room}"


def _intake_words(i: Intake) -> str:
    return f"week {i.week} {i.day} {i.period} {i.room} {i.staff}"


class Builder:
    """Collects the rows and the changes of one re-plan."""

    def __init__(self, data: ProblemData, update: Update, current: Current, p: Placement):
        self.data, self.update, self.current, self.p = data, update, current, p
        self.date = current.date
        self.term_start = current.timetable.term.term_start
        self.changes: list[tuple[str, str, str, str, str, str]] = []
        self.changed: set[tuple[str, str, str]] = set()
        self.counts: dict[str, int] = defaultdict(int)

    def change(self, kind: str, who: str, group: str, before: str, after: str, why: str):
        self.changes.append((kind, who, group, before, after, why))

    def revision(self) -> Revision:
        sessions = self._sessions()
        memberships = self._memberships()
        intakes = self._intakes()
        internet = self._internet()
        self.changes.sort(key=lambda r: (ORDER.index(r[0]), r[1], r[2], r[3]))
        # The labels are keys (the web page maps them); the Overview translates them.
        counts = (
            (N_("places kept in their group"), self.counts["kept"]),
            (N_("places moved to another group"), self.counts["moved"]),
            (N_("places joined"), self.counts["joined"]),
            (N_("places left"), self.counts["left"]),
            (N_("sessions kept"), self.counts["sessions kept"]),
            (N_("sessions moved or changed"), self.counts["sessions moved"]),
            (N_("new groups"), len(self.p.new_groups)),
            (N_("groups closed"), len(self.update.closed)),
        )
        return Revision(
            self.date, tuple(sessions), tuple(memberships), tuple(intakes), tuple(internet),
            tuple(self.changes), counts, frozenset(self.changed),
        )  # fmt: skip

    # --- sessions -----------------------------------------------------------------------
    def _sessions(self) -> list[tuple[Session, Dates]]:
        out: list[tuple[Session, Dates]] = []
        index: dict[str, int] = defaultdict(int)
        groups = self.p.solution.group_by_id()
        for row in self.current.timetable.sessions:
            s, dates = row.session, (row.dated.valid_from, row.dated.valid_to)
            if not live_on(row.dated.valid_to, self.date):
                out.append((s, dates))
                continue
            i = index[s.group]
            index[s.group] += 1
            new = self.p.by_old.get(s.group, {}).get(i) if s.group in groups else None
            if new == s:
                out.append((s, dates))
                self.counts["sessions kept"] += 1
                continue
            ended = _ended(dates, self.date, self.term_start)
            if ended is not None:
                out.append((s, ended))
            if new is not None:
                out.append((new, (self.date, None)))
                self._session_change(s, new, self.p.session_why.get((s.group, i), ""))
        for _gid, extra in sorted(self.p.extra.items()):
            for s in extra:
                out.append((s, (self.date, None)))
                self.changed.add((s.group, s.day, s.period))
        self._group_changes()
        return out

    def _session_change(self, old: Session, new: Session, why: str) -> None:
        self.changed.add((new.group, new.day, new.period))
        self.counts["sessions moved"] += 1
        why = why or _("places more learners (--allow-moves)")
        if old.staff != new.staff:
            return  # one "staff changed" row per group (see _group_changes)
        if (old.day, old.period) != (new.day, new.period):
            self.change("session moved", new.group, new.group, _slot_words(old),
                        _slot_words(new), why)  # fmt: skip
        elif old.room != new.room:
            self.change("room changed", new.room, new.group, old.room, new.room, why)

    def _group_changes(self) -> None:
        groups = self.p.solution.group_by_id()
        for gid, why in sorted(self.update.closed.items()):
            self.change("group closed", gid, gid, self.current.groups[gid].staff, "", why)
        for gid in self.p.new_groups:
            g = groups[gid]
            times = "; ".join(_slot_words(s) for s in self.p.extra.get(gid, []))
            self.change("new group", gid, gid, "", f"{g.staff}: {times}",
                        _("{n} learners placed", n=len(g.members)))  # fmt: skip
        for gid in sorted(self.update.continuing):
            old = self.current.groups[gid].staff
            new = groups[gid].staff if gid in groups else ""
            if new and new != old:
                if gid in self.update.staff_why:
                    why = self.update.staff_why[gid]
                else:
                    why = _("makes room for the sessions that must move")
                self.change("staff changed", new, gid, old, new, why)

    # --- memberships --------------------------------------------------------------------
    def _memberships(self) -> list[tuple[str, str, Dates]]:
        out: list[tuple[str, str, Dates]] = []
        now = {(g.group, m) for g in self.p.solution.groups for m in g.members}
        covered = set()
        for ms in self.current.timetable.memberships:
            dates = (ms.start, ms.end)
            if not live_on(ms.end, self.date):
                out.append((ms.group, ms.learner, dates))
                continue
            key = (ms.group, ms.learner)
            if key in now:
                out.append((ms.group, ms.learner, dates))
                covered.add(key)
                continue
            ended = _ended(dates, self.date, self.term_start)
            if ended is not None:
                out.append((ms.group, ms.learner, ended))
        left = {(x.group, x.learner): x.why for x in self.update.left}
        for gid, g in self.current.groups.items():
            for m in g.members:
                if (gid, m) in now:
                    self.counts["kept"] += 1
                    covered.add((gid, m))
                elif (gid, m) in left:
                    self.counts["left"] += 1
                    self.change("learner left", m, gid, gid, "", left[(gid, m)])
                elif gid not in self.update.closed:
                    after = self._group_of_kind(m, g.course)
                    if after:
                        self.counts["moved"] += 1
                        self.change("learner moved", m, after, gid, after,
                                    _("places more learners (--allow-moves)"))  # fmt: skip
                    else:  # a later arrival whose seat went to someone who is there now
                        self.counts["left"] += 1
                        self.change("learner left", m, gid, gid, "",
                                    _("arrival {date}: seat given to a learner present now",
                                      date=self._arrival(m)))  # fmt: skip
        for g in self.p.solution.groups:
            for m in g.members:
                if (g.group, m) not in covered:
                    out.append((g.group, m, (self.date, None)))
                    if not self._was_in_kind(m, g.course):
                        self.counts["joined"] += 1
                        self.change("learner joined", m, g.group, "", g.group, self._why_join(m))
        return out

    def _kind(self, course: str) -> str:
        c = self.data.course_by_id.get(course)
        return c.kind if c else ""

    def _group_of_kind(self, m: str, course: str) -> str:
        kind = self._kind(course)
        for g in self.p.solution.groups:
            if m in g.members and self._kind(g.course) == kind:
                return g.group
        return ""

    def _was_in_kind(self, m: str, course: str) -> bool:
        kind = self._kind(course)
        return any(
            m in g.members and self._kind(g.course) == kind and gid not in self.update.closed
            and (gid, m) not in {(x.group, x.learner) for x in self.update.left}
            for gid, g in self.current.groups.items()
        )  # fmt: skip

    def _arrival(self, m: str) -> str:
        arrival = self.update.original_arrival.get(m)
        return arrival.isoformat() if arrival else _("unknown")

    def _why_join(self, m: str) -> str:
        arrival = self.update.original_arrival.get(m)
        if arrival is not None and arrival > self.current.timetable.term.valid_from:
            return _("arrival {date}", date=arrival.isoformat())
        return _("was waiting")

    # --- intakes and internet -----------------------------------------------------------
    def _intakes(self) -> list[tuple[Intake, Dates]]:
        out: list[tuple[Intake, Dates]] = []
        new = {i.learner: i for i in self.p.solution.intakes}
        seen = set()
        term = self.current.timetable.term
        for row in self.current.timetable.intakes:
            x, dates = row.intake, (row.dated.valid_from, row.dated.valid_to)
            when = term.date_of(x.week, x.day)
            if not live_on(row.dated.valid_to, self.date) or (when and when < self.date):
                out.append((x, dates))  # history, or held before DATE: stays as it is
                seen.add(x.learner)
                continue
            seen.add(x.learner)
            if new.get(x.learner) == x:
                out.append((x, dates))
                continue
            ended = _ended(dates, self.date, self.term_start)
            if ended is not None:
                out.append((x, ended))
            if x.learner in new:
                if x.learner in self.p.intake_why:
                    why = self.p.intake_why[x.learner]
                else:
                    why = _("makes room for the update")
                self.change("intake moved", x.learner, "", _intake_words(x),
                            _intake_words(new[x.learner]), why)  # fmt: skip
                out.append((new[x.learner], (self.date, None)))
        for learner, x in sorted(new.items()):
            if learner not in seen:
                out.append((x, (self.date, None)))
                self.change("intake added", learner, "", "", _intake_words(x),
                            self._why_join(learner))  # fmt: skip
        return out

    def _internet(self) -> list[tuple[InternetBooking, Dates]]:
        out: list[tuple[InternetBooking, Dates]] = []
        new = set(self.p.solution.internet)
        kept = set()
        for row in self.current.timetable.internet:
            b, dates = row.booking, (row.dated.valid_from, row.dated.valid_to)
            if not live_on(row.dated.valid_to, self.date):
                out.append((b, dates))
                continue
            if b in new:
                out.append((b, dates))
                kept.add(b)
                continue
            ended = _ended(dates, self.date, self.term_start)
            if ended is not None:
                out.append((b, ended))
            self.change("internet dropped", b.learner, "", f"{b.day} {b.period} {b.room}", "",
                        self._why_booking(b))  # fmt: skip
        for b in sorted(new - kept, key=lambda b: (b.learner, b.day, b.period)):
            out.append((b, (self.date, None)))
            self.change("internet added", b.learner, "", "", f"{b.day} {b.period} {b.room}",
                        self._why_join(b.learner))  # fmt: skip
        return out

    def _why_booking(self, b: InternetBooking) -> str:
        learner = b.learner
        taken = self._taken_by(b)
        if taken:
            return _(
                "{room} {day} {period} now taken by {group}",
                room=b.room,
                day=b.day,
                period=b.period,
                group=taken,
            )
        for x in self.update.left:
            if x.learner == learner:
                return x.why
        lr = self.data.learner_by_id.get(learner)
        if lr is None:
            return _("removed from Learners")
        if lr.release is not None and lr.release <= self.date:
            return _("released {date}", date=lr.release.isoformat())
        return _("makes room for the update")

    def _taken_by(self, b: InternetBooking) -> str:
        """The group whose new session now holds the booking's lab and period ("" if none)."""
        index = self.data.period_index
        at = index.get(b.period, -1)
        for s in self.p.solution.sessions:
            first = index.get(s.period, -1)
            if s.room == b.room and s.day == b.day and first <= at < first + s.periods:
                return s.group
        return ""
