"""Cross-sheet validation of terms built in code (as scenarios build them): every rule finds
its problem at the right place, with the right severity, and nothing else."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scheduler.data import (
    ClosedDay,
    InternetWindow,
    Lock,
    ProblemData,
    RegimeBlock,
    Room,
    ScenarioRow,
    Separation,
    Staff,
)
from scheduler.workbook import template
from scheduler.workbook.validate import RULES, check_workbook, demand, errors, fits, validate
from tests.helpers.terms import learner, mo_course, nt2_course, tiny_term
from tests.helpers.wbfactory import blank_sheets, write

REGIMES = (RegimeBlock("RA", "all", 720, 780, "meal"), RegimeBlock("RB", "Wed", 510, 570, "visit"))
ROOMS = (
    Room("C1", "Class 1", "classroom", 10),
    Room("LAB", "Lab", "computer_lab", 8, 4),
    Room("I1", "Interview", "interview", 2),
)


def term(**fields) -> ProblemData:
    """The tiny term of tests.helpers.terms with its regimes declared, a lab and an interview room: valid."""
    values = {"regimes": REGIMES, "rooms": ROOMS} | fields
    return tiny_term(**values)


def with_settings(data: ProblemData, **changes) -> ProblemData:
    return data.replace(settings=dataclasses.replace(data.settings, **changes))


def with_record(data: ProblemData, field: str, index: int, **changes) -> ProblemData:
    """``data`` with record ``index`` of ``field`` changed."""
    records = list(getattr(data, field))
    records[index] = dataclasses.replace(records[index], **changes)
    return data.replace(**{field: tuple(records)})


def test_the_term_built_in_code_is_valid():
    assert validate(term()) == []


def test_validate_does_not_change_the_data():
    data = term()
    before = dataclasses.replace(data)
    validate(with_record(data, "courses", 0, min_size=9, max_size=2))
    assert data == before


# (how the term is changed, sheet, column, severity, a phrase of the message)
# fmt: off
CASES = [
    # required settings
    pytest.param(lambda d: with_settings(d, prison=""), "Settings", None, "error", "prison is required", id="no-prison"),
    pytest.param(lambda d: with_settings(d, term_start=None), "Settings", None, "error", "term_start is required", id="no-start"),
    pytest.param(lambda d: with_settings(d, teaching_days=("Mon", "Funday")), "Settings", "value", "error", "teaching_days", id="teaching-days"),
    pytest.param(lambda d: with_settings(d, teaching_days=()), "Settings", "value", "error", "teaching_days", id="no-teaching-days"),
    pytest.param(lambda d: with_settings(d, time_limit_s=0), "Settings", "value", "error", "time_limit_s", id="time-limit"),
    pytest.param(lambda d: with_settings(d, intake_periods=5), "Settings", "value", "error", "longer than a day", id="long-intake"),
    pytest.param(lambda d: with_settings(d, intake_weeks=3), "Settings", "value", "warning", "weeks of the term", id="intake-weeks"),
    # at least one of each
    pytest.param(lambda d: d.replace(periods=()), "Periods", None, "error", "at least one period", id="no-periods"),
    pytest.param(lambda d: d.replace(rooms=()), "Rooms", None, "error", "at least one room", id="no-rooms"),
    pytest.param(lambda d: d.replace(staff=()), "Staff", None, "error", "at least one staff member", id="no-staff"),
    pytest.param(lambda d: d.replace(learners=()), "Learners", None, "warning", "no learners yet", id="no-learners"),
    # times
    pytest.param(lambda d: with_record(d, "periods", 1, start=20, end=1500), "Periods", "end", "error", "not a time of day", id="time-range"),
    pytest.param(lambda d: with_record(d, "regimes", 0, start=800, end=800), "Regimes", "end", "error", "not after start", id="empty-block"),
    # vocabularies, for data that did not come through the reader
    pytest.param(lambda d: with_record(d, "rooms", 0, kind="lab"), "Rooms", "kind", "error", "not allowed", id="room-kind"),
    pytest.param(lambda d: with_record(d, "regimes", 0, day="Funday"), "Regimes", "day", "error", "not allowed", id="regime-day"),
    pytest.param(lambda d: with_record(d, "learners", 0, wants=("NT2", "maths")), "Learners", "wants", "error", "'maths'", id="wants"),
    # references
    pytest.param(lambda d: with_record(d, "sections", 0, regime="RX"), "Sections", "regime", "error", "add a row for regime RX on Regimes", id="regime-ref"),
    pytest.param(lambda d: with_record(d, "rooms", 0, sections=("A", "Q")), "Rooms", "sections", "error", "unknown section 'Q'", id="room-sections"),
    pytest.param(lambda d: d.replace(separations=(Separation("A", "A"),)), "Separations", "b", "error", "both", id="separation-self"),
    pytest.param(lambda d: d.replace(separations=(Separation("L0001", "L0404"),)), "Separations", "b", "error", "neither", id="separation-unknown"),
    pytest.param(lambda d: d.replace(closed_days=(ClosedDay(dt.date(2027, 1, 12), sections=("Z",)),)), "ClosedDays", "sections", "error", "unknown section", id="closed-section"),
    # rooms
    pytest.param(lambda d: with_record(d, "rooms", 1, internet_seats=9), "Rooms", "internet_seats", "error", "more than the 8 seats", id="internet-seats"),
    pytest.param(lambda d: with_record(d, "rooms", 0, internet_seats=-1), "Rooms", "internet_seats", "error", "from 0 to 1000", id="negative-internet"),
    # staff
    pytest.param(lambda d: with_record(d.replace(courses=(*d.courses, mo_course("ar"))), "staff", 0, teaches=("MO-ar",)), "Staff", "teaches", "error", "is an MO course", id="teaches-wrong-kind"),
    pytest.param(lambda d: with_record(d, "staff", 2, teaches=("NT2-1.1",)), "Staff", "teaches", "error", "counsellor", id="counsellor-teaches"),
    pytest.param(lambda d: with_record(d, "staff", 2, languages=()), "Staff", "languages", "warning", "no intake", id="counsellor-mute"),
    pytest.param(lambda d: with_record(d, "staff", 0, days=("Sat",)), "Staff", "days", "warning", "never be planned", id="weekend-teacher"),
    # courses
    pytest.param(lambda d: d.replace(courses=(nt2_course(language="", level="9.9"),)), "Courses", "level", "warning", "not one of", id="unknown-level"),
    pytest.param(lambda d: d.replace(courses=(*d.courses, mo_course(language=""))), "Courses", "language", "error", "needs the language", id="mo-no-language"),
    pytest.param(lambda d: with_record(d, "courses", 0, total_hours=0), "Courses", "total_hours", "error", "more than 0", id="no-hours"),
    pytest.param(lambda d: with_record(d, "courses", 0, max_groups=0), "Courses", "max_groups", "error", "from 1 to 1000", id="max-groups"),
    pytest.param(lambda d: with_record(d, "courses", 0, min_size=11, max_size=12), "Courses", "min_size", "warning", "no classroom or lab has 11 seats", id="no-room-big-enough"),
    pytest.param(lambda d: with_record(d, "courses", 0, sessions_per_week=2, internet_sessions=1, min_size=5, max_size=8), "Courses", "internet_sessions", "warning", "internet_seats", id="lab-too-small"),
    pytest.param(lambda d: d.replace(courses=(*d.courses, nt2_course(course="NT2-2.1", level="2.1"))), "Courses", "course", "warning", "no learner asks for NT2 at level 2.1", id="nobody-asks"),
    pytest.param(lambda d: d.replace(courses=(*d.courses, mo_course("ti")), learners=(*d.learners, learner(9, languages=("ti",), wants=("MO",)))), "Courses", "language", "warning", "no mo_trainer speaks 'ti'", id="mo-language-unspoken"),
    # learners
    pytest.param(lambda d: with_record(d, "learners", 0, release=dt.date(2027, 1, 4)), "Learners", "release", "warning", "before the term starts", id="released-before"),
    pytest.param(lambda d: with_record(d, "learners", 0, arrival=dt.date(2027, 3, 1)), "Learners", "arrival", "warning", "after the term ends", id="arrives-after"),
    pytest.param(lambda d: with_record(d, "learners", 0, nt2_level="2.2"), "Learners", "nt2_level", "warning", "no NT2 course offers level '2.2'", id="level-not-offered"),
    pytest.param(lambda d: with_record(d, "learners", 0, wants=("MO",), languages=("ps",)), "Learners", "languages", "warning", "no MO course", id="mo-not-offered"),
    pytest.param(lambda d: with_record(d, "learners", 0, intake=True, languages=("ti",)), "Learners", "intake", "warning", "no counsellor speaks", id="intake-language"),
    pytest.param(lambda d: with_record(d, "learners", 0, priority=0), "Learners", "priority", "error", "from 1 to 5", id="priority"),
    pytest.param(lambda d: with_record(d, "learners", 0, internet_periods=-2), "Learners", "internet_periods", "error", "from 0 to 7", id="internet-negative"),
    pytest.param(lambda d: with_record(d.replace(rooms=ROOMS[:2]), "learners", 0, intake=True), "Rooms", "kind", "warning", "no interview room", id="no-interview-room"),
    pytest.param(lambda d: with_record(d.replace(rooms=ROOMS[:1]), "learners", 0, internet_periods=1), "Rooms", "internet_seats", "warning", "no computer_lab", id="no-lab"),
    pytest.param(lambda d: with_record(d, "learners", 0, internet_periods=1), "InternetWindows", None, "warning", "no internet window", id="no-window"),
    # windows
    pytest.param(lambda d: d.replace(internet_windows=(InternetWindow("Sat", 510, 630),)), "InternetWindows", "day", "warning", "not a teaching day", id="weekend-window"),
    pytest.param(lambda d: d.replace(internet_windows=(InternetWindow("Mon", 515, 600),)), "InternetWindows", "end", "warning", "no whole period", id="short-window"),
    # closed days
    pytest.param(lambda d: d.replace(closed_days=(ClosedDay(dt.date(2027, 5, 1)),)), "ClosedDays", "date", "warning", "outside the term", id="closed-outside"),
    # regimes
    pytest.param(lambda d: d.replace(regimes=(*d.regimes, RegimeBlock("RC", "Mon", 510, 570))), "Regimes", "regime", "warning", "no section follows regime RC", id="regime-unused"),
    # locks
    pytest.param(lambda d: d.replace(locks=(Lock(),)), "Locks", None, "error", "fixes nothing", id="empty-lock"),
    pytest.param(lambda d: d.replace(locks=(Lock(group="NT2-1.1-0"),)), "Locks", "group", "error", "<course>-<n>", id="group-zero"),
    pytest.param(lambda d: d.replace(locks=(Lock(group="Maths-1"),)), "Locks", "group", "error", "<course>-<n>", id="group-unknown-course"),
    pytest.param(lambda d: d.replace(locks=(Lock(group="NT2-1.1-01"),)), "Locks", "group", "error", "<course>-<n>", id="group-leading-zero"),
    pytest.param(lambda d: d.replace(locks=(Lock(group="NT2-1.1-x"),)), "Locks", "group", "error", "<course>-<n>", id="group-not-a-number"),
    pytest.param(lambda d: d.replace(locks=(Lock(course="NT2-1.1", room="I1"),)), "Locks", "room", "error", "interview room", id="lock-interview-room"),
    pytest.param(lambda d: d.replace(locks=(Lock(course="NT2-1.1", staff="X"),)), "Locks", "staff", "error", "unknown staff member", id="lock-staff"),
    # weights
    pytest.param(lambda d: d.replace(weights={**d.weights, "happiness": 3}), "Weights", "key", "error", "unknown weight 'happiness'", id="weight-key"),
    pytest.param(lambda d: d.replace(weights={**d.weights, "served": -1}), "Weights", "value", "error", "from 0 to 1000000", id="weight-negative"),
    # scenarios
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("base", "Rooms", "C1", "seats", "12"),)), "Scenarios", "scenario", "error", "another name", id="scenario-base"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Scenarios", "x"),)), "Scenarios", "sheet", "error", "not a sheet", id="scenario-on-scenarios"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Rooms", "", "seats", "12"),)), "Scenarios", "key", "error", "needs a key", id="scenario-no-key"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Regimes", "regime=RA; colour=red", action="remove"),)), "Scenarios", "key", "error", "'colour'", id="scenario-pair-key"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Settings", "prisn", "value", "X"),)), "Scenarios", "key", "error", "no row 'prisn'", id="scenario-setting-key"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Settings", "term_end", "", "soon"),)), "Scenarios", "value", "error", "not a date", id="scenario-setting-value"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Weights", "served", "", "much"),)), "Scenarios", "value", "error", "not a number", id="scenario-weight-value"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Rooms", "C1", "seats", ""),)), "Scenarios", "value", "error", "cannot be blank", id="scenario-clear-required"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Rooms", "", "", "room C2", "add"),)), "Scenarios", "value", "error", "column=value", id="scenario-add-format"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Rooms", "", "", "room=C2; kind=classroom; seats=8; wifi=yes", "add"),)), "Scenarios", "value", "error", "'wifi'", id="scenario-add-column"),
    pytest.param(lambda d: d.replace(scenarios=(ScenarioRow("s", "Rooms", "", "", "room=C2; kind=classroom; seats=lots", "add"),)), "Scenarios", "value", "error", "seats: 'lots'", id="scenario-add-value"),
]
# fmt: on


@pytest.mark.parametrize(("change", "sheet", "column", "severity", "phrase"), CASES)
def test_each_rule_reports_its_problem(change, sheet, column, severity, phrase):
    problems = validate(change(term()))
    found = [p for p in problems if (p.sheet, p.column, p.severity) == (sheet, column, severity)]
    assert any(phrase in p.message for p in found), problems
    if severity == "warning":
        assert errors(problems) == []


def test_problems_carry_the_excel_row():
    data = term()
    data = with_record(data, "learners", 2, section="Q", row=7)
    (problem,) = validate(data)
    assert (problem.sheet, problem.row, problem.column) == ("Learners", 7, "section")
    assert (
        "add a row for section Q on Sections, or correct the section of learner L0003"
        in problem.message
    )


def test_duplicate_ids_name_the_first_row():
    data = term(
        staff=(Staff("T1", "A", "nt2_teacher", row=2), Staff("T1", "B", "nt2_teacher", row=5))
    )
    duplicates = [p for p in validate(data) if "duplicate" in p.message]
    assert [(p.row, p.column) for p in duplicates] == [(5, "staff")]
    assert "also on row 2" in duplicates[0].message


def test_scenarios_may_set_rows_added_earlier_in_the_same_scenario():
    rows = (
        ScenarioRow("s", "Rooms", "", "", "room=C2; name=Class 2; kind=classroom; seats=8", "add"),
        ScenarioRow("s", "Rooms", "C2", "seats", "9"),
        ScenarioRow("t", "Rooms", "C2", "seats", "9"),  # another scenario: C2 does not exist
        ScenarioRow("u", "Settings", "Term End", "", "2027-01-29"),
        ScenarioRow("u", "ClosedDays", "date=2027-01-12", "", "", "remove"),
        ScenarioRow("u", "Weights", "same_day", "value", "40"),
    )
    problems = validate(term(scenarios=rows))
    assert [(p.sheet, p.column, "'C2'" in p.message) for p in problems] == [
        ("Scenarios", "key", True)
    ]
    assert problems[0].message.startswith("Rooms has no row 'C2'")


def test_ids_the_reader_left_out_are_not_reported_again():
    data = term(learners=(learner(1),), separations=(Separation("L0001", "L0002"),))
    assert [p.column for p in validate(data)] == ["b"]
    assert validate(data, {"Learners": {"L0002"}}) == []


def test_warnings_about_missing_things_wait_for_unreadable_rows():
    data = term(learners=(learner(1, nt2_level="1.2"),))
    assert [p.column for p in validate(data)] == ["course", "nt2_level"]
    # NT2-1.2 may be on the Courses row the reader could not read
    assert [p.column for p in validate(data, {"Courses": {"NT2-1.2"}})] == ["course"]


def test_fits_and_demand():
    nt2 = nt2_course()
    mo = mo_course("ar")
    both = learner(1, wants=("NT2", "MO"), languages=("fr", "ar"))
    assert fits(both, nt2) and fits(both, mo)
    assert not fits(learner(2, nt2_level=None), nt2)  # not screened yet
    assert not fits(learner(3, nt2_level="1.2"), nt2)
    assert not fits(learner(4, wants=("MO",), languages=("fr",)), mo)
    assert not fits(learner(5, wants=()), nt2)
    data = term(courses=(nt2, mo), learners=(both, learner(2), learner(6, nt2_level=None)))
    assert demand(data) == {"NT2-1.1": 2, "MO-ar": 1}


def test_every_rule_says_what_it_checks():
    assert all(rule.__doc__ for rule in RULES)
    assert len({rule.__name__ for rule in RULES}) == len(RULES)


def _only_missing_things(problems) -> None:
    """What a blank template reports: required settings and empty sheets, no layout error."""
    for p in problems:
        assert p.row is None or p.sheet == "Settings", p  # a blank Settings key names its row
        assert (
            "required" in p.message or "add at least one" in p.message or p.severity == "warning"
        ), p
        assert "column" not in p.message and "sheet" not in p.message, p


def test_blank_workbook_lists_what_is_missing(tmp_path):
    data, problems = check_workbook(write(blank_sheets(), tmp_path / "blank.xlsx"))
    assert data is None
    _only_missing_things(problems)
    messages = " | ".join(str(p) for p in problems)
    for needed in (
        "prison",
        "term_start",
        "term_end",
        "period",
        "section",
        "room",
        "staff member",
        "course",
    ):
        assert needed in messages


def test_blank_template_lists_what_is_missing(tmp_path):
    template.write_template(tmp_path / "template.xlsx")
    data, problems = check_workbook(tmp_path / "template.xlsx")
    assert data is None
    _only_missing_things(problems)
    assert any("prison is required" in p.message for p in problems)
