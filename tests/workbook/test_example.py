"""The synthetic example generator: deterministic, sized per profile, realistic in structure,
valid, solvable, and the bundled instances are exactly what it makes with seed 1."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from scheduler.data import DEFAULT_WEIGHTS, ProblemData
from scheduler.errors import SchedulerError
from scheduler.model.instance import build_instance
from scheduler.search.solve import solve
from scheduler.workbook.example import PROFILES, TERM_END, TERM_START, generate
from scheduler.workbook.validate import check_workbook, read_workbook
from scheduler.workbook.write import write_workbook

INSTANCES = Path(__file__).resolve().parents[2] / "instances"

# profile: (learners, sections, classrooms, labs, interview rooms, staff range, courses range)
EXPECTED = {
    "odd": (120, (6, 6), 3, 1, 1, (8, 16), (8, 10)),
    "xl": (1000, (20, 26), 18, 4, 4, (70, 110), (12, 14)),
    "small": (45, (3, 4), 2, 1, 1, (4, 10), (5, 9)),
    "medium": (100, (5, 8), 3, 1, 1, (8, 16), (7, 11)),
    "large": (200, (7, 10), 5, 1, 2, (15, 28), (8, 12)),
    "haren": (350, (10, 16), 8, 2, 2, (25, 45), (10, 14)),
    "lab": (150, (6, 6), 3, 1, 1, (12, 20), (8, 10)),
}


@pytest.fixture(scope="module", params=list(PROFILES))
def term(request) -> tuple[str, ProblemData]:
    return request.param, generate(request.param, 1)


def _kinds(data: ProblemData) -> Counter[str]:
    return Counter(r.kind for r in data.rooms)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_same_arguments_same_term_other_seed_other_term(profile):
    assert generate(profile, 7) == generate(profile, 7)
    assert generate(profile, 7, learners=30, internet=False) == generate(
        profile, 7, learners=30, internet=False
    )
    assert generate(profile, 7) != generate(profile, 8)


def test_counts_per_profile(term):
    profile, data = term
    learners, sections, classrooms, labs, interviews, staff, courses = EXPECTED[profile]
    assert len(data.learners) == learners
    assert sections[0] <= len(data.sections) <= sections[1]
    kinds = _kinds(data)
    assert (kinds["classroom"], kinds["computer_lab"], kinds["interview"]) == (
        classrooms,
        labs,
        interviews,
    )
    assert staff[0] <= len(data.staff) <= staff[1]
    assert courses[0] <= len(data.courses) <= courses[1]
    assert {s.role for s in data.staff} == {"nt2_teacher", "mo_trainer", "counsellor"}


def test_term_calendar_periods_and_settings(term):
    profile, data = term
    s = data.settings
    assert s.term_end == TERM_END
    assert 15 <= ((s.term_end - s.term_start).days + 1) / 7 <= 16
    if profile == "odd":
        return  # its own week: test_odd_profile_has_another_shape
    assert s.term_start == TERM_START
    assert [(p.period, p.start, p.end) for p in data.periods][0] == ("P1", 510, 570)
    assert len(data.periods) == 6
    assert 2 <= s.intake_weeks <= 3
    assert (s.max_groups_moving is None) == (profile == "small")
    assert data.weights == DEFAULT_WEIGHTS


def test_separations_remand_sentenced_men_women_and_contact_bans(term):
    _, data = term
    pairs = {frozenset((x.a, x.b)) for x in data.separations}
    status = {s.section: s.status for s in data.sections}
    gender = {s.section: s.gender for s in data.sections}
    for a in data.sections:
        for b in data.sections:
            if gender[a.section] == gender[b.section] == "M" and {
                status[a.section],
                status[b.section],
            } == {"remand", "sentenced"}:
                assert frozenset((a.section, b.section)) in pairs
            if gender[a.section] != gender[b.section]:
                assert frozenset((a.section, b.section)) in pairs
    learners = data.learner_by_id
    bans = [x for x in data.separations if x.a in learners and x.b in learners]
    assert bans and all(learners[x.a].section in status for x in bans)
    assert all(status[learners[x.a].section] == "remand" for x in bans)


def test_closed_days_include_a_strike_and_a_holiday(term):
    profile, data = term
    reasons = Counter(c.reason for c in data.closed_days)
    assert reasons["strike"] >= 1 and reasons["holiday"] >= 1
    assert all(TERM_START <= c.date <= TERM_END for c in data.closed_days)
    partial = [c for c in data.closed_days if c.reason == "strike" and c.sections]
    assert bool(partial) == (profile in ("large", "haren", "xl"))


def test_references_are_consistent(term):
    _, data = term
    regimes = {r.regime for r in data.regimes}
    assert all(s.regime in regimes for s in data.sections)
    assert all(x.section in data.section_by_id for x in data.learners)
    courses = set(data.course_by_id)
    assert all(set(s.teaches) <= courses for s in data.staff)
    assert all(a.staff in data.staff_by_id for a in data.staff_availability)
    assert all(u.room in data.room_by_id for u in data.room_unavailability)
    assert all(re.fullmatch(r"L\d{4}", x.learner) for x in data.learners)
    assert all(re.fullmatch(r"[TMC]\d{2}", s.staff) for s in data.staff)


def test_learner_mix_is_realistic(term):
    _, data = term
    levels = Counter(x.nt2_level for x in data.learners if "NT2" in x.wants)
    assert levels["1.1"] + levels["1.2"] > len(data.learners) / 4
    assert levels["alfa"] >= 1 and levels[None] >= 1
    mo = Counter(
        c.language
        for c in data.courses
        for x in data.learners
        if c.kind == "MO" and c.language in x.languages and "MO" in x.wants
    )
    assert mo.most_common(1)[0][0] in ("ar", "fr")
    priorities = Counter(x.priority for x in data.learners)
    assert priorities.most_common(1)[0][0] == 3
    assert any(x.arrival and TERM_START < x.arrival < TERM_END for x in data.learners)
    assert any(x.release and x.release < TERM_END for x in data.learners)
    assert any(x.intake for x in data.learners)
    assert {x.internet_periods for x in data.learners} == {0, 1, 2}
    assert any(c.internet_sessions == 1 for c in data.courses)


def test_every_course_can_form_a_group_with_a_teacher(term):
    _, data = term
    inst = build_instance(data)
    with_candidates = {c.course for c in inst.candidates}
    for course in data.courses:
        assert inst.course_staff[course.course], course.course
    # Demand, regimes, staff days and rooms leave a possible group for nearly every course.
    assert len(with_candidates) >= len(data.courses) - 1


def test_more_learners_scale_staff_and_rooms():
    base, double = generate("haren", 1), generate("haren", 1, learners=700)
    assert len(double.learners) == 700
    assert len(double.staff) > 1.5 * len(base.staff)
    assert _kinds(double)["classroom"] == 2 * _kinds(base)["classroom"]
    assert double.settings.max_groups_moving == 2 * base.settings.max_groups_moving


def test_odd_profile_has_another_shape():
    """Six teaching days of 45-minute periods with short breaks, 1- and 3-period sessions,
    2-period intakes, internet on Saturday, a term that starts on a Wednesday."""
    data = generate("odd", 1)
    s = data.settings
    assert s.teaching_days == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
    assert s.term_start.strftime("%a") == "Wed" and s.intake_periods == 2
    assert {p.end - p.start for p in data.periods} == {45}
    breaks = {b.start - a.end for a, b in zip(data.periods, data.periods[1:], strict=False)}
    assert 15 in breaks and 0 in breaks
    assert {c.session_periods for c in data.courses} == {1, 3}
    assert any(w.day == "Sat" for w in data.internet_windows)
    assert any("Sat" in x.days for x in data.staff)
    assert all(a.start == data.periods[0].start for a in data.staff_availability)


def test_xl_profile_is_several_prisons_of_wings():
    data = generate("xl", 1)
    zones = {x.zone for x in data.sections}
    assert len(data.learners) == 1000 and len(zones) == 5
    assert len({x.section for x in data.learners}) == len(data.sections)
    assert sum(1 for s in data.staff if s.role == "counsellor") >= 3


def test_without_internet_nothing_needs_internet():
    data = generate("medium", 3, internet=False)
    assert data.internet_windows == ()
    assert all(r.internet_seats == 0 for r in data.rooms)
    assert all(c.internet_sessions == 0 for c in data.courses)
    assert all(x.internet_periods == 0 for x in data.learners)
    assert "internet-longer" not in {s.scenario for s in data.scenarios}


def test_medium_has_the_four_what_if_scenarios():
    data = generate("medium", 1)
    rows = {(s.scenario, s.sheet, s.action) for s in data.scenarios}
    assert ("extra-classroom", "Rooms", "add") in rows
    assert ("teacher-friday", "Staff", "set") in rows
    assert ("internet-longer", "InternetWindows", "set") in rows
    strike = [s for s in data.scenarios if s.scenario == "strike-week-march"]
    assert len(strike) == 5 and all(s.sheet == "ClosedDays" and s.action == "add" for s in strike)
    window = next(s for s in data.scenarios if s.scenario == "internet-longer")
    assert re.fullmatch(r"day=\w{3}; start=\d\d:\d\d", window.key)
    teacher = next(s for s in data.scenarios if s.scenario == "teacher-friday")
    assert "Fri" not in data.staff_by_id[teacher.key].days and "Fri" in teacher.value
    assert len({s.scenario for s in data.scenarios}) >= 4
    assert not any(s.scenarios for s in (generate(p, 1) for p in ("small", "large")))


@pytest.mark.parametrize("profile,seed", [("small", 2), ("small", 3), ("medium", 4), ("large", 5)])
def test_generated_terms_validate(tmp_path, profile, seed):
    path = write_workbook(generate(profile, seed), tmp_path / "term.xlsx")
    data, problems = check_workbook(path)
    assert data is not None, [str(p) for p in problems if p.severity == "error"]


def test_bad_arguments_are_scheduler_errors():
    with pytest.raises(SchedulerError, match="unknown profile"):
        generate("tiny")
    with pytest.raises(SchedulerError, match="at least 1"):
        generate("small", learners=0)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_bundled_instance_is_the_seed_1_term_and_valid(profile):
    path = INSTANCES / f"{profile}.xlsx"
    assert path.stat().st_size < 500_000
    data, problems = check_workbook(path)
    assert data is not None, [str(p) for p in problems if p.severity == "error"]
    assert read_workbook(path) == generate(profile, 1)


@pytest.mark.slow
def test_small_instance_solves_to_real_groups():
    result = solve(generate("small", 1), time_limit=5, workers=2)
    assert result.has_solution
    groups = result.solution.groups
    assert len(groups) >= 4
    assert len({g.course for g in groups}) >= 4  # NT2 and MO, several levels
    assert len(result.solution.placed()) < sum(len(x.wants) for x in generate("small", 1).learners)
