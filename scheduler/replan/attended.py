"""``replan --db``: the hours attended before DATE, from the recorded registers.

Without ``--db`` a re-plan counts the hours *planned* before DATE toward each continuing
learner's ``total_hours`` (``scheduler.replan.update.delivered``). With it, what the registers
recorded replaces the plan where they recorded anything (replan.md):

- per continuing learner and group, the dates from the group's first to its last session
  recorded before DATE count what the register says: the hours of the sessions marked ``P``
  (a session not held, or marked A, E, S or R, counts nothing);
- dates of the group outside that span (not recorded yet, e.g. the week before DATE) count
  the planned hours, as without ``--db``;
- a learner with no code at all in the group's registers (never recorded) keeps the planned
  hours: the summary counts such learners apart.

The database is read once, before any model is built, so a bad URL, an unreachable server, a
pseudonymised database or one without this term's registers stops the command early
(SchedulerError: one sentence, exit 2, nothing written).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scheduler.data import ProblemData
from scheduler.errors import SchedulerError
from scheduler.i18n import N_
from scheduler.records.progress import Mark, Recorded
from scheduler.replan.current import Current
from scheduler.replan.update import delivered

MINUTES = 60


@dataclass
class Attended:
    """The records of one term before DATE and, once the re-plan asked (``credit``), where
    each continuing learner's hours came from."""

    recorded: Recorded
    from_registers: set[str] = field(default_factory=set)  # learners with a recorded code
    from_plan: set[str] = field(default_factory=set)  # continuing learners without one
    attended_minutes: int = 0  # hours attended (P) by the learners of from_registers
    planned_minutes: int = 0  # what the plan said for the same learners and dates

    def credit(
        self, data: ProblemData, current: Current, continuing: dict[str, list[str]]
    ) -> dict[tuple[str, str], int]:
        """Minutes delivered before DATE per (learner, course): the ``History`` of a re-plan
        (``scheduler.replan.update.classify``)."""
        self.from_registers, self.from_plan = set(), set()
        self.attended_minutes = self.planned_minutes = 0
        marks: dict[tuple[str, str], list[Mark]] = defaultdict(list)
        for mark in self.recorded.marks:
            marks[(mark.group, mark.learner)].append(mark)
        out: dict[tuple[str, str], int] = defaultdict(int)
        for gid, members in continuing.items():
            dates = [d for d, _, _ in self.recorded.sessions.get(gid, [])]
            for m in members:
                course = current.groups[gid].course
                planned = delivered(data, current, {gid: [m]}).get((m, course), 0)
                mine = marks.get((gid, m), [])
                if not mine or not dates:
                    out[(m, course)] += planned
                    continue
                self.from_registers.add(m)
                span = _planned_between(data, current, gid, m, min(dates), max(dates))
                attended = round(MINUTES * sum(k.hours for k in mine if k.code == "P"))
                out[(m, course)] += planned - span + attended
                self.attended_minutes += attended
                self.planned_minutes += span
        placed = {m for members in continuing.values() for m in members}
        self.from_plan = placed - self.from_registers
        return dict(out)

    def counts(self) -> tuple[tuple[str, int], ...]:
        """The Overview's lines: whose hours came from registers, whose from the plan, and
        the hours attended against the hours planned over the same recorded dates. The labels
        are keys, as the re-plan's own counts: the Overview and the command translate them."""
        return (
            (N_("learners whose hours so far come from registers"), len(self.from_registers)),
            (N_("learners whose hours so far come from the plan"), len(self.from_plan)),
            (N_("hours attended in the recorded weeks"), round(self.attended_minutes / MINUTES)),
            (N_("hours planned in the same weeks"), round(self.planned_minutes / MINUTES)),
        )


def _planned_between(
    data: ProblemData, current: Current, gid: str, m: str, first: dt.date, last: dt.date
) -> int:
    """Minutes planned for ``m`` in ``gid`` from ``first`` to ``last`` (both included): the
    planned history up to ``last`` less the one before ``first``."""
    course = current.groups[gid].course
    upto = dataclasses.replace(current, date=last + dt.timedelta(days=1))
    before = dataclasses.replace(current, date=first)
    after = delivered(data, upto, {gid: [m]}).get((m, course), 0)
    return after - delivered(data, before, {gid: [m]}).get((m, course), 0)


def read_attended(url: str, data: ProblemData, date: dt.date) -> Attended:
    """The records of ``data``'s term before ``date`` in the database at ``url``.
    SchedulerError (one sentence) for a URL that is not a database, a database that cannot be
    opened or does not exist, one that holds pseudonyms, or one without this term's records."""
    import sqlalchemy as sa

    from scheduler.records.db import connect, resolve_url, shown
    from scheduler.records.progress import read_recorded

    full = resolve_url(url)
    _must_exist(full)
    try:
        engine = connect(full)
    except SchedulerError as exc:  # the driver's message may run over several lines
        raise SchedulerError(" ".join(str(exc).split())) from exc
    except sa.exc.SQLAlchemyError as exc:  # a file that is not a database, and the like
        raise SchedulerError(_unreadable(full, exc)) from exc
    try:
        recorded = read_recorded(engine, data, before=date)
    except sa.exc.SQLAlchemyError as exc:
        raise SchedulerError(_unreadable(full, exc)) from exc
    finally:
        engine.dispose()
    s = data.settings
    if not recorded.found:
        held = "; it holds " + ", ".join(recorded.other_terms) if recorded.other_terms else ""
        raise SchedulerError(
            f"the records database {shown(full)} holds no registers of {s.prison}'s term "
            f"starting {s.term_start.isoformat()}{held}; record this term's registers into it "
            "(scheduler record) or give the database that holds them"
        )
    return Attended(recorded)


def _unreadable(url: str, exc: Exception) -> str:
    """One sentence for a database the driver cannot read (its own words, on one line)."""
    from scheduler.records.db import shown

    cause = " ".join(str(getattr(exc, "orig", None) or exc).split())
    return f"cannot read the records database {shown(url)}: {cause}"


def _must_exist(url: str) -> None:
    """A SQLite file that is not there is refused (opening it would create an empty one)."""
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return  # connect() says what is wrong with it
    name = parsed.database
    if parsed.get_backend_name() == "sqlite" and name and name != ":memory:":
        if not Path(name).is_file():
            raise SchedulerError(
                f"there is no records database at {name}; give the file that "
                "scheduler record wrote (--db sqlite:///PATH)"
            )
