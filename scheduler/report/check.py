"""``scheduler check``: every hard rule a timetable breaks, in plain words.

The verdict is the independent verifier's (``scheduler.verify``); this module only says it so a
coordinator can act: the rule in one sentence, then each violation with the session, learners,
room or staff it concerns, and for a learner blocked by their wing the Regimes row that blocks
them (or the LearnerUnavailability row).
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.data import ProblemData, RegimeBlock, fmt_time
from scheduler.i18n import _
from scheduler.report.read import Timetable
from scheduler.report.rule_words import rule_sentence
from scheduler.solution import Solution


@dataclass(frozen=True)
class Finding:
    """One broken rule: its id, its sentence, how often it is broken and the details."""

    rule: str
    description: str
    violations: int
    details: tuple[str, ...]


def check_timetable(data: ProblemData, timetable: Timetable) -> list[Finding]:
    """Every rule ``timetable`` breaks under the term ``data`` (empty when all hold); the
    sentences in the coordinator's language (the verifier's details stay as it words them)."""
    from scheduler.replan.update import seen_from_valid_from
    from scheduler.report.read import kept_groups
    from scheduler.verify import verify

    # A re-planned timetable is checked as the re-plan verified it: from its valid_from on.
    data, solution = seen_from_valid_from(data, timetable)
    out = []
    for c in verify(data, solution, kept_groups(timetable)):
        if c.violations:
            details = tuple(c.details)
            if c.rule == "learner_regime":
                details += tuple(blocking_rows(data, solution))
            out.append(Finding(c.rule, rule_sentence(c.description), c.violations, details))
    return out


@dataclass(frozen=True)
class _Doing:
    """Something learners attend: a group's session, an intake or an internet booking."""

    what: str  # "NT2-1.1-1", "the intake of L0002 (week 1)", "internet of L0001"
    day: str
    period: str
    periods: int
    members: tuple[str, ...]


def _span(data: ProblemData, d: _Doing) -> tuple[int, int] | None:
    """First minute and last minute of ``d``, the gap between its periods included."""
    first = data.period_index.get(d.period)
    if first is None or d.periods < 1 or first + d.periods > len(data.periods):
        return None
    return data.periods[first].start, data.periods[first + d.periods - 1].end


def _regime_words(r: RegimeBlock) -> str:
    return f"{r.regime} {r.day} {fmt_time(r.start)}-{fmt_time(r.end)} {r.activity}"


def _doings(solution: Solution) -> list[_Doing]:
    members = {g.group: g.members for g in solution.groups}
    out = [
        _Doing(s.group, s.day, s.period, s.periods, members.get(s.group, ()))
        for s in solution.sessions
    ]
    out += [
        _Doing(_("the intake of {learner} (week {week})", learner=i.learner, week=i.week),
               i.day, i.period, i.periods, (i.learner,))
        for i in solution.intakes
    ]  # fmt: skip
    out += [
        _Doing(_("internet of {learner}", learner=b.learner), b.day, b.period, 1, (b.learner,))
        for b in solution.internet
    ]
    return out


def blocking_rows(data: ProblemData, solution: Solution) -> list[str]:
    """For each session, intake or booking whose time a learner's regime or unavailability
    overlaps, the input row that blocks it: ``Regimes, row 7 (R1 Mon 08:30-10:00 work) blocks
    NT2-1.1-1 on Mon P1 for section A (L0001, L0003)``. The gap between a session's periods
    counts as part of it (workbook.md, Clarifications)."""
    out = []
    for d in _doings(solution):
        span = _span(data, d)
        if span is not None:
            out += _regime_lines(data, d, span)
            out += _unavailability_lines(data, d, span)
    return out


def _regime_lines(data: ProblemData, d: _Doing, span: tuple[int, int]) -> list[str]:
    out = []
    by_section: dict[str, list[str]] = {}
    for m in d.members:
        learner = data.learner_by_id.get(m)
        if learner is not None:
            by_section.setdefault(learner.section, []).append(m)
    for section_id, who in sorted(by_section.items()):
        section = data.section_by_id.get(section_id)
        if section is None:
            continue
        for r in data.regimes:
            if r.regime == section.regime and r.day in (d.day, "all") and _overlap(r, span):
                out.append(
                    _(
                        "{where} ({row}) blocks {what} on {day} {period} for section {section}"
                        " ({learners})",
                        where=_where("Regimes", r.row),
                        row=_regime_words(r),
                        what=d.what,
                        day=d.day,
                        period=d.period,
                        section=section_id,
                        learners=", ".join(sorted(who)),
                    )
                )
    return out


def _unavailability_lines(data: ProblemData, d: _Doing, span: tuple[int, int]) -> list[str]:
    out = []
    for u in data.learner_unavailability:
        if u.learner in d.members and u.day == d.day and _overlap(u, span):
            row = f"{u.learner} {u.day} {fmt_time(u.start)}-{fmt_time(u.end)}"
            if u.reason:
                row += " " + u.reason
            out.append(
                _(
                    "{where} ({row}) blocks {what} on {day} {period}",
                    where=_where("LearnerUnavailability", u.row),
                    row=row,
                    what=d.what,
                    day=d.day,
                    period=d.period,
                )
            )
    return out


def _where(sheet: str, row: int | None) -> str:
    """``Regimes, row 7`` (the sheet name is the contract's), or the sheet alone."""
    return _("{sheet}, row {row}", sheet=sheet, row=row) if row else sheet


def _overlap(row, span: tuple[int, int]) -> bool:
    return row.start < span[1] and row.end > span[0]
