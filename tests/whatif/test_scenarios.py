"""Scenarios: set, add and remove patches (by id and by col=value pairs), unknown references as
Problems on the Scenarios sheet, patched terms validated again under the scenario's name, the
shortcuts, and the bundled medium term's what-ifs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.data import (
    InternetWindow,
    ProblemData,
    RegimeBlock,
    Room,
    ScenarioRow,
    Staff,
    StaffAvailability,
)
from scheduler.errors import SchedulerError, WorkbookError
from scheduler.whatif.scenarios import (
    ShortcutError,
    apply_rows,
    build_scenarios,
    describe,
    scenario_names,
    with_shortcuts,
)
from scheduler.workbook.validate import read_workbook
from tests.helpers.terms import tiny_term

MEAL = (RegimeBlock("RA", "all", 720, 780, "meal"), RegimeBlock("RB", "all", 720, 780, "meal"))


def term(**fields) -> ProblemData:
    """The tiny term of tests.helpers.terms, valid as it stands (its regimes exist), with two rooms
    and
    internet windows on Tuesday and Thursday."""
    values: dict = {
        "regimes": MEAL,
        "rooms": (
            Room("C1", "Class 1", "classroom", 10, row=2),
            Room("LAB1", "Lab", "computer_lab", 8, 4, row=3),
        ),
        "internet_windows": (
            InternetWindow("Tue", 780, 900, row=2),
            InternetWindow("Thu", 510, 630, row=3),
        ),
    }
    values.update(fields)
    return tiny_term(**values)


def row(name: str, sheet: str, key: str = "", column: str = "", value: str = "", action="set", n=2):
    return ScenarioRow(name, sheet, key, column, value, action, row=n)


def one(data: ProblemData, *rows: ScenarioRow):
    """The single scenario built from ``rows``."""
    (scenario,) = build_scenarios(data.replace(scenarios=rows))
    return scenario


def problems_of(data: ProblemData, *rows: ScenarioRow):
    with pytest.raises(WorkbookError) as info:
        build_scenarios(data.replace(scenarios=rows))
    return info.value.problems


# --- set, add, remove ------------------------------------------------------------------------


def test_set_by_id_changes_one_cell_and_leaves_the_base_alone():
    base = term()
    s = one(base, row("more-seats", "Rooms", "C1", "seats", "14"))
    assert s.data.room_by_id["C1"].seats == 14
    assert s.data.room_by_id["C1"].row == 2  # the record still points at its workbook row
    assert s.data.room_by_id["LAB1"] == base.room_by_id["LAB1"]
    assert base.room_by_id["C1"].seats == 10
    assert s.data.learners is base.learners  # untouched sheets are the base's own records
    assert s.data.scenarios == ()
    assert s.changes == ("Rooms C1: set seats = 14",)


def test_set_by_pairs_compares_values_as_the_column_reads_them():
    base = term()
    # "tue" is Tue and "13.00" is 13:00, as typed in a cell
    s = one(base, row("longer", "InternetWindows", "day=tue; start=13.00", "start", "12:00"))
    assert s.data.internet_windows == (InternetWindow("Tue", 720, 900), base.internet_windows[1])


def test_pairs_pick_every_row_where_all_pairs_hold():
    base = term()
    s = one(base, row("urgent", "Learners", "section=A; languages=ar", "priority", "5"))
    assert {x.priority for x in s.data.learners} == {5}


def test_set_blank_gives_the_columns_default():
    base = term(staff=(Staff("T1", "Teacher", "nt2_teacher", days=("Mon", "Tue")),))
    s = one(base, row("any-day", "Staff", "T1", "days", ""))
    assert s.data.staff_by_id["T1"].days == ()


def test_add_appends_a_row_with_the_readers_defaults():
    s = one(term(), row("room", "Rooms", value="room=C2; kind=class; seats=6", action="add"))
    added = s.data.room_by_id["C2"]
    assert added == Room("C2", "", "classroom", 6)  # "class" read as classroom, defaults filled
    assert added.row is None  # not a row of the workbook
    assert len(s.data.rooms) == 3


def test_add_then_set_the_added_row_in_the_same_scenario():
    s = one(
        term(),
        row("room", "Rooms", value="room=C2; kind=classroom; seats=6", action="add"),
        row("room", "Rooms", "C2", "seats", "9", n=3),
    )
    assert s.data.room_by_id["C2"].seats == 9


def test_remove_by_id_and_by_pairs():
    base = term()
    s = one(
        base,
        row("fewer", "Rooms", "LAB1", action="remove"),
        row("fewer", "InternetWindows", "day=Thu; start=08:30", action="remove", n=3),
    )
    assert [r.room for r in s.data.rooms] == ["C1"]
    assert s.data.internet_windows == base.internet_windows[:1]


def test_settings_and_weights_are_set_by_key_in_any_case():
    s = one(
        term(),
        row("long", "Settings", "TERM_END", "", "2027-01-29"),
        row("long", "Weights", "served", "value", "7", n=3),
    )
    assert s.data.settings.term_end == dt.date(2027, 1, 29)
    assert s.data.weight("served") == 7


def test_add_on_a_key_value_sheet_replaces_the_key():
    data, problems = apply_rows(
        term(), [row("w", "Weights", value="key=served; value=8", action="add")]
    )
    assert problems == []
    assert data.weights["served"] == 8 and data.weights["intake"] == 50


def test_validation_accepts_an_add_on_a_key_value_sheet_and_names_an_unknown_key():
    from scheduler.workbook.validate import validate

    rows = (
        row("w", "Weights", value="key=served; value=8", action="add"),
        row("s", "Settings", value="key=seed; value=7", action="add", n=3),
    )
    assert [p for p in validate(term(scenarios=rows)) if p.severity == "error"] == []
    bad = (row("w", "Weights", value="key=servd; value=8", action="add"),)
    errors = [p for p in validate(term(scenarios=bad)) if p.severity == "error"]
    assert len(errors) == 1 and "'servd' is not a key of Weights" in errors[0].message


def test_scenarios_are_independent_of_each_other():
    base = term()
    built = build_scenarios(
        base.replace(
            scenarios=(
                row("a", "Rooms", "C1", action="remove"),
                row("b", "Rooms", "C1", "seats", "11", n=3),
            )
        )
    )
    assert [s.name for s in built] == ["a", "b"]
    assert "C1" not in built[0].data.room_by_id
    assert built[1].data.room_by_id["C1"].seats == 11


def test_names_pick_the_scenarios_to_build_and_unknown_names_are_listed():
    data = term().replace(
        scenarios=(row("a", "Rooms", "C1", "seats", "9"), row("b", "Rooms", "C1", "seats", "8"))
    )
    assert scenario_names(data) == ["a", "b"]
    assert [s.name for s in build_scenarios(data, ["b"])] == ["b"]
    with pytest.raises(SchedulerError, match=r"no scenario 'c'.*the scenarios are a, b"):
        build_scenarios(data, ["c"])
    with pytest.raises(SchedulerError, match="has no Scenarios rows"):
        build_scenarios(term(), ["a"])


def test_describe_says_each_patch_in_words():
    assert describe(row("x", "Rooms", "C1", "seats", "9")) == "Rooms C1: set seats = 9"
    assert describe(row("x", "Rooms", "C1", action="remove")) == "Rooms C1: remove"
    assert describe(row("x", "Rooms", value="room=C2", action="add")) == "Rooms: add room=C2"


# --- what cannot be applied: a Problem on the Scenarios sheet at the row and column -----------

BROKEN = [
    # a sheet that does not exist
    pytest.param(row("x", "Roms", "C1", "seats", "9"), "sheet", "did you mean Rooms", id="sheet"),
    # a row id that does not exist
    pytest.param(row("x", "Rooms", "C9", "seats", "9"), "key", "no row 'C9'", id="row"),
    # pairs that match no row
    pytest.param(
        row("x", "InternetWindows", "day=Mon; start=08:30", "start", "09:00"),
        "key",
        "no row of InternetWindows matches",
        id="pairs-match-nothing",
    ),
    # a column in the pairs that does not exist
    pytest.param(
        row("x", "Rooms", "colour=red", "seats", "9"), "key", "'colour'", id="pair-column"
    ),
    # a column to set that does not exist
    pytest.param(row("x", "Rooms", "C1", "wifi", "9"), "column", "'wifi'", id="column"),
    # a value the column cannot hold
    pytest.param(row("x", "Rooms", "C1", "seats", "many"), "value", "whole number", id="value"),
    # an added row without its required columns
    pytest.param(
        row("x", "Rooms", value="room=C2", action="add"), "value", "kind and seats", id="add"
    ),
    # an added row naming a column that does not exist
    pytest.param(
        row("x", "Rooms", value="room=C2; kind=classroom; seats=4; wifi=yes", action="add"),
        "value",
        "'wifi'",
        id="add-column",
    ),
    # set and remove need a key
    pytest.param(row("x", "Rooms", "", action="remove"), "key", "needs a key", id="no-key"),
    # base is the workbook itself
    pytest.param(row("base", "Rooms", "C1", "seats", "9"), "scenario", "another name", id="base"),
]


@pytest.mark.parametrize("bad, column, words", BROKEN)
def test_a_patch_that_cannot_apply_is_a_problem_at_its_row(bad, column, words):
    (problem,) = problems_of(term(), row("ok", "Rooms", "C1", "seats", "9", n=7), bad)
    assert (problem.sheet, problem.row, problem.column) == ("Scenarios", 2, column)
    assert words in problem.message
    assert problem.severity == "error"


def test_a_patched_term_is_validated_under_the_scenarios_name():
    problems = problems_of(term(), row("empty", "Rooms", "C1", "seats", "0"))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("Rooms", 2, "seats")]
    assert problems[0].message.startswith(
        "in scenario empty: seats must be a whole number from 1 to 1000"
    )


def test_problems_of_the_base_are_not_blamed_on_a_scenario():
    base = term(regimes=())  # sections follow regimes RA and RB that have no rows: base errors
    s = one(base, row("more", "Rooms", "C1", "seats", "12"))
    assert s.data.room_by_id["C1"].seats == 12


def test_new_warnings_of_a_scenario_are_kept_with_its_name():
    s = one(term(), row("level", "Learners", "L0001", "nt2_level", "2.2"))
    (warning,) = s.warnings
    assert (warning.sheet, warning.column, warning.severity) == ("Learners", "nt2_level", "warning")
    assert warning.message.startswith("in scenario level: no NT2 course offers level '2.2'")


@settings(max_examples=25, deadline=None)
@given(
    room=st.sampled_from(["C1", "LAB1"]),
    column=st.sampled_from(["name", "kind", "seats", "internet_seats", "zone", "sections"]),
)
def test_setting_a_cell_to_what_it_holds_changes_nothing(room, column):
    """The cells of the base read back to the very same records."""
    base = term(sections=tiny_term().sections)
    cells = {
        "name": lambda r: r.name,
        "kind": lambda r: r.kind,
        "seats": lambda r: str(r.seats),
        "internet_seats": lambda r: str(r.internet_seats),
        "zone": lambda r: r.zone,
        "sections": lambda r: ",".join(r.sections),
    }
    text = cells[column](base.room_by_id[room])
    s = one(base, row("same", "Rooms", room, column, text))
    assert s.data == base.replace(scenarios=())


@settings(max_examples=25, deadline=None)
@given(seats=st.lists(st.integers(1, 60), min_size=1, max_size=4))
def test_the_last_set_of_a_cell_wins_and_the_base_never_changes(seats):
    base = term()
    rows = [row("s", "Rooms", "C1", "seats", str(n), n=i + 2) for i, n in enumerate(seats)]
    s = one(base, *rows)
    assert s.data.room_by_id["C1"].seats == seats[-1]
    assert base.room_by_id["C1"].seats == 10


# --- shortcuts --------------------------------------------------------------------------------


def shortcut(data: ProblemData, **options):
    """The scenarios the shortcut options give (after the Scenarios sheet's own)."""
    return build_scenarios(with_shortcuts(data, **options))


def test_add_room_takes_the_next_id_of_its_kind():
    base = term()
    (s,) = shortcut(base, add_room=["classroom:12"])
    assert s.name == "add-classroom-12"
    assert set(s.data.rooms) - set(base.rooms) == {
        Room("C2", "Extra classroom (what-if)", "classroom", 12)
    }
    (lab,) = shortcut(base, add_room=["lab:10:6"])
    added = lab.data.room_by_id["LAB2"]
    assert (added.kind, added.seats, added.internet_seats) == ("computer_lab", 10, 6)


def test_close_adds_every_open_teaching_day_of_the_range_inside_the_term():
    base = term()
    (s,) = shortcut(base, close=["2027-01-15..2027-01-19"])  # Fri, Sat, Sun, Mon, Tue
    assert s.name == "close-2027-01-15-to-2027-01-19"
    added = {c.date for c in s.data.closed_days}
    assert added == {dt.date(2027, 1, 15), dt.date(2027, 1, 18), dt.date(2027, 1, 19)}
    (day,) = shortcut(base, close=["18/01/2027"])
    assert day.name == "close-2027-01-18"
    assert [c.date for c in day.data.closed_days] == [dt.date(2027, 1, 18)]


def test_staff_day_adds_the_day_and_a_window_where_the_staff_has_windows():
    base = term(
        staff=(
            Staff("T1", "Teacher", "nt2_teacher", days=("Mon", "Tue")),
            Staff("K1", "Counsellor", "counsellor", languages=("ar",)),
        ),
        staff_availability=(StaffAvailability("T1", "Mon", 510, 630),),
    )
    (s,) = shortcut(base, staff_day=["T1:vr"])  # Dutch for Friday
    assert s.name == "staff-day-T1-Fri"
    assert s.data.staff_by_id["T1"].days == ("Mon", "Tue", "Fri")
    assert StaffAvailability("T1", "Fri", 510, 900) in s.data.staff_availability


def test_internet_replaces_the_windows_it_overlaps_and_keeps_the_others():
    base = term()
    (s,) = shortcut(base, internet=["Tue:12:00-16:00"])
    assert s.name == "internet-Tue-1200-1600"
    assert set(s.data.internet_windows) == {
        InternetWindow("Tue", 720, 960),
        base.internet_windows[1],
    }
    (morning,) = shortcut(base, internet=["Tue:08:30-10:30"])  # no overlap: a second window
    assert len(morning.data.internet_windows) == 3


def test_the_same_shortcut_twice_gets_two_names_after_the_sheets_own():
    data = term().replace(scenarios=(row("add-classroom-12", "Rooms", "C1", "seats", "9"),))
    names = [s.name for s in shortcut(data, add_room=["classroom:12", "classroom:12"])]
    assert names == ["add-classroom-12", "add-classroom-12-2", "add-classroom-12-3"]


BAD_SHORTCUTS = [
    pytest.param(
        {"add_room": ["classroom"]}, "--add-room classroom: write it as KIND:SEATS", id="room-form"
    ),
    pytest.param({"add_room": ["garage:10"]}, "not a room kind", id="room-kind"),
    pytest.param({"add_room": ["classroom:0"]}, "seats must be at least 1", id="room-seats"),
    pytest.param({"add_room": ["classroom:ten"]}, "not a whole number", id="room-number"),
    pytest.param({"close": ["2027-02-30"]}, "not a real date", id="close-date"),
    pytest.param(
        {"close": ["2027-01-19..2027-01-15"]}, "ends (2027-01-15) before", id="close-order"
    ),
    pytest.param({"close": ["2027-06-01..2027-06-05"]}, "no open teaching day", id="close-outside"),
    pytest.param({"close": ["2027-01-16"]}, "no open teaching day", id="close-saturday"),
    pytest.param({"close": ["2027-01-15.."]}, "DATE..DATE", id="close-open-range"),
    pytest.param(
        {"staff_day": ["T11:Fri"]},
        "no staff member 'T11' on Staff (did you mean T1?)",
        id="staff-unknown",
    ),
    pytest.param({"staff_day": ["T1:Sat"]}, "Sat is not a teaching day", id="staff-saturday"),
    pytest.param({"staff_day": ["T1:Fri"]}, "T1 can already teach on Fri", id="staff-already"),
    pytest.param({"staff_day": ["T1"]}, "STAFF:DAY", id="staff-form"),
    pytest.param({"internet": ["Tue:13:00-15:00"]}, "already on InternetWindows", id="net-same"),
    pytest.param(
        {"internet": ["Tue:15:00-13:00"]}, "ends (13:00) before it starts", id="net-order"
    ),
    pytest.param({"internet": ["Tue:noon-15:00"]}, "not a time", id="net-time"),
    pytest.param({"internet": ["Tue 13:00-15:00"]}, "DAY:START-END", id="net-form"),
]


@pytest.mark.parametrize("options, words", BAD_SHORTCUTS)
def test_a_shortcut_that_cannot_apply_says_which_option_and_why(options, words):
    with pytest.raises(ShortcutError) as info:
        with_shortcuts(term(), **options)
    ((option, values),) = options.items()
    assert str(info.value).startswith(f"--{option.replace('_', '-')} {values[0]}: ")
    assert words in str(info.value)


# --- the bundled example ----------------------------------------------------------------------


def test_the_medium_terms_scenarios_each_change_what_they_say():
    base = read_workbook("instances/medium.xlsx")
    built = {s.name: s.data for s in build_scenarios(base)}
    assert len(built) >= 4
    rooms = set(built["extra-classroom"].rooms) - set(base.rooms)
    assert [(r.kind, r.seats) for r in rooms] == [("classroom", 10)]
    teacher = next(s for s in built["teacher-friday"].staff if s != base.staff_by_id[s.staff])
    assert "Fri" in teacher.days and "Fri" not in base.staff_by_id[teacher.staff].days
    strike = set(built["strike-week-march"].closed_days) - set(base.closed_days)
    assert sorted(c.date for c in strike) == [
        dt.date(2027, 3, 15) + dt.timedelta(k) for k in range(5)
    ]
    windows = built["internet-longer"].internet_windows
    assert sum(w.end - w.start for w in windows) == 60 + sum(
        w.end - w.start for w in base.internet_windows
    )
    for name, data in built.items():  # nothing else changed
        same = [
            f
            for f in ("learners", "sections", "regimes", "periods")
            if getattr(data, f) == getattr(base, f)
        ]
        assert len(same) == 4, name
