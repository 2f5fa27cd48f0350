"""The sweep and the comparison: an extra classroom never places fewer learners, the comparison
workbook has one column per scenario with the right differences, sessions moved, the control
for a base that is not proven optimal, parallel planning, the Dask executor against a
LocalCluster, and the command line's exit codes (compare, and solve --scenario)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from scheduler import i18n
from scheduler.cli import comparison_output, main
from scheduler.data import Lock, ProblemData, RegimeBlock, RoomUnavailability, ScenarioRow, Staff
from scheduler.errors import SchedulerError
from scheduler.solution import Session, Solution
from scheduler.whatif.compare import (
    CONTROL,
    Job,
    Term,
    moved_sessions,
    open_executor,
    plan_parallel,
    run_job,
    sweep,
    timetable_paths,
    write_comparison,
)
from scheduler.whatif.effects import figure_label
from scheduler.whatif.scenarios import Scenario, build_scenarios, with_shortcuts
from scheduler.workbook.example import generate
from scheduler.workbook.write import write_workbook
from tests.helpers.terms import all_but, learners, nt2_course, random_term, tiny_term

LIMIT = 5.0  # deterministic seconds; the small terms here are proven optimal well within it


def room_bound_term(**fields) -> ProblemData:
    """Two NT2 levels of four learners each, two teachers, but one classroom and one free
    period a week (Mon P1): only one group can meet, unless there is a second room."""
    blocked = all_but({("Mon", "P1")})
    values: dict = {
        "regimes": tuple(RegimeBlock(r, *block, "work") for r in ("RA", "RB") for block in blocked),
        "staff": (
            Staff("T1", "Teacher 1", "nt2_teacher"),
            Staff("T2", "Teacher 2", "nt2_teacher"),
            Staff("K1", "Counsellor", "counsellor", languages=("ar",)),
        ),
        "courses": (nt2_course(), nt2_course(course="NT2-1.2", name="NT2 1.2", level="1.2")),
        "learners": learners(4) + learners(4, first=5, nt2_level="1.2"),
    }
    values.update(fields)
    return tiny_term(**values)


def as_term(data: ProblemData, label: str = "prison", **shortcuts) -> Term:
    data = with_shortcuts(data, **shortcuts)
    return Term(label, data.replace(scenarios=()), tuple(build_scenarios(data)))


IMPOSSIBLE = (
    # A lock in room C1 on Monday P1, while C1 is in use for something else then.
    ScenarioRow(
        "impossible",
        "Locks",
        "",
        "",
        "kind=session; course=NT2-1.1; group=NT2-1.1-1; day=Mon; period=P1; room=C1",
        "add",
    ),
    ScenarioRow(
        "impossible",
        "RoomUnavailability",
        "",
        "",
        "room=C1; day=Mon; start=08:30; end=09:30",
        "add",
    ),
)


def threads(n: int = 2) -> ThreadPoolExecutor:
    """An in-process executor: CP-SAT releases the GIL, and nothing needs pickling."""
    return ThreadPoolExecutor(max_workers=n)


# --- the done-when: an extra classroom never places fewer learners ----------------------------


def test_an_extra_classroom_places_the_second_group_in_worker_processes(tmp_path):
    term = as_term(room_bound_term(), add_room=["classroom:10"])
    with open_executor(None, 2) as pool:  # the default: spawned worker processes
        base, extra = sweep([term], pool, tmp_path, time_limit=LIMIT)
    assert (base.status, extra.status) == ("optimal", "optimal")
    assert base.figure("learners placed") == 4
    assert extra.figure("learners placed") == 8
    assert extra.moved is not None and 0 <= extra.moved <= len(base.result.solution.sessions)
    assert extra.timetable == tmp_path / "prison-add-classroom-10-timetable.xlsx"
    assert extra.timetable.is_file() and base.timetable.is_file()


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), seats=st.integers(2, 8))
def test_an_extra_classroom_never_places_fewer_learners_than_an_optimal_base(seed, seats):
    data = random_term(seed)
    (scenario,) = build_scenarios(with_shortcuts(data, add_room=[f"classroom:{seats}"]))
    base = run_job(Job(data, LIMIT, 0, 1))
    extra = run_job(Job(scenario.data, LIMIT, 0, 1, hint=base.solution))
    assert (base.status, extra.status) == ("optimal", "optimal")
    # the base timetable still fits with one more room, so the optimum cannot be worse ...
    assert extra.objective >= base.objective - 1e-6
    # ... and it never places fewer learner-courses
    assert len(extra.solution.placed()) >= len(base.solution.placed())


# --- the comparison workbook ------------------------------------------------------------------


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A sweep of the room-bound term with an extra room, a closed week and an impossible
    scenario, and its comparison workbook re-opened."""
    out = tmp_path_factory.mktemp("compare")
    data = room_bound_term().replace(scenarios=IMPOSSIBLE)
    term = as_term(data, add_room=["classroom:10"], close=["2027-01-18..2027-01-22"])
    with threads() as pool:
        outcomes = sweep([term], pool, out, time_limit=LIMIT)
    path = write_comparison(outcomes, out / "prison-scenarios.xlsx", "What-if", {"prison": "P"})
    return outcomes, load_workbook(path), out


def test_the_term_sheet_has_one_column_per_scenario_with_its_difference_beside(compared):
    outcomes, wb, _ = compared
    assert wb.sheetnames == ["Summary", "prison"]
    ws = wb["prison"]
    header = [c.value for c in ws[3]]  # under the title and the noise legend
    names = ["impossible", "add-classroom-10", "close-2027-01-18-to-2027-01-22"]
    assert [o.scenario for o in outcomes] == ["base", *names]
    assert header == ["figure", "base"] + [h for n in names for h in (n, f"{n} vs base")]


def test_every_difference_is_the_scenario_minus_base(compared):
    outcomes, wb, _ = compared
    ws = wb["prison"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows(min_row=4)}
    checked = 0
    for label, (base, *pairs) in rows.items():
        for value, diff in zip(pairs[::2], pairs[1::2], strict=True):
            numbers = all(isinstance(v, int | float) for v in (base, value))
            if numbers and label != "sessions moved":
                assert diff == pytest.approx(value - base, abs=0.01), label
                checked += 1
            elif label not in ("status", "timetable", "sessions moved", "changes", "note"):
                assert diff is None, label
    assert checked > 50
    assert rows["learners placed"][:5] == [4, None, None, 8, 4]  # base, impossible, extra room
    # a week closed out of two halves the hours each placed learner gets
    assert rows["hours per placed learner (average)"] == [2, None, None, 2, 0, 1, -1]


def test_a_scenario_without_a_timetable_is_a_column_that_says_why(compared):
    outcomes, wb, out = compared
    impossible = outcomes[1]
    assert impossible.status == "infeasible" and impossible.timetable is None
    assert "no timetable exists" in impossible.note
    assert not (out / "prison-impossible-timetable.xlsx").exists()
    ws = wb["prison"]
    column = {r[0].value: r[2].value for r in ws.iter_rows(min_row=4)}
    assert column["status"] == "impossible"
    assert column["timetable"] == "-"
    assert column["learners placed"] is None
    assert "no timetable exists" in column["note"]


def test_the_summary_links_every_timetable_and_charts_learners_placed(compared):
    outcomes, wb, out = compared
    ws = wb["Summary"]
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "All scenarios")
    header = [c.value for c in ws[start + 1]]
    table = ws.iter_rows(min_row=start + 2, max_row=start + 1 + len(outcomes))
    rows = [dict(zip(header, (c.value for c in r), strict=False)) for r in table]
    assert [r["scenario"] for r in rows] == [o.scenario for o in outcomes]
    assert [r["learners placed vs base"] for r in rows] == [None, None, 4, 0]
    assert [r["learner-courses placed vs base"] for r in rows] == [None, None, 4, 0]
    links = ws[get_column_letter(header.index("timetable") + 1)][start + 1 :]
    for r, cell in zip(rows, links, strict=False):
        if r["status"] == "impossible":
            assert cell.hyperlink is None
        else:
            assert (out / cell.hyperlink.target).is_file()
    assert len(ws._charts) == 1


def test_the_summary_first_says_what_changed_most_in_words(compared):
    """The extra room places the second group (+4 learners: the largest change, first); the
    closed week halves the hours; the base is proven best, so nothing is within noise."""
    _, wb, _ = compared
    ws = wb["Summary"]
    texts = [ws.cell(r, 3).value for r in range(1, ws.max_row + 1)]
    start = texts.index("what changed") + 1
    lines = texts[start : texts.index(None, start)]
    room = [t for t in lines if t.startswith("add-classroom-10:")]
    closed = [t for t in lines if t.startswith("close-2027-01-18-to-2027-01-22:")]
    assert room[0] == "add-classroom-10: learners placed 4 → 8 (+4)"
    assert (
        "close-2027-01-18-to-2027-01-22: hours delivered over the term 2 → 1 (\u22121)" == closed[0]
    )
    assert lines[-1].startswith("impossible: no timetable (no timetable exists: ")
    assert "no search noise was measured" in ws["A2"].value


def test_the_term_sheet_groups_the_figures_under_overview_s_headings(compared):
    _, wb, _ = compared
    labels = [r[0] for r in wb["prison"].iter_rows(min_row=4, values_only=True)]
    headings = ["Key figures", "Placed out of asked (learner-courses)", "Per section"]
    assert [label for label in labels if label in headings] == headings
    assert labels.index("Key figures") < labels.index("learners placed")
    assert labels.index("Per section") < labels.index("section A asked")


def test_every_figure_of_a_real_solve_has_dutch_words(compared):
    outcomes, _, _ = compared
    labels = {label for o in outcomes for label, _value in o.figures}
    assert len(labels) > 40
    i18n.set_language("nl")
    try:
        assert [label for label in sorted(labels) if figure_label(label) == label] == []
    finally:
        i18n.set_language(None)


def test_moved_counts_sessions_of_base_groups_at_another_day_period_or_room():
    def session(group, day="Mon", period="P1", room="C1"):
        return Session(group, group.rsplit("-", 1)[0], day, period, 1, room, "T1")

    base = Solution(sessions=(session("A-1"), session("A-1", day="Tue"), session("B-1")))
    same = Solution(sessions=tuple(reversed(base.sessions)))
    assert moved_sessions(base, same) == 0
    moved = Solution(
        sessions=(
            session("A-1"),
            session("A-1", room="C2"),  # moved: another room
            session("B-1", period="P2"),  # moved: another period
            session("C-1", day="Fri"),  # a new group is not a move
        )
    )
    assert moved_sessions(base, moved) == 2
    twice = Solution(sessions=(session("A-1"), session("A-1")))  # one of the two is in base
    assert moved_sessions(base, twice) == 1


@pytest.mark.slow
def test_a_base_that_is_not_proven_optimal_gets_a_control(tmp_path):
    term = as_term(generate("small", 1), add_room=["classroom:12"])
    with threads() as pool:
        outcomes = sweep([term], pool, tmp_path, time_limit=0.3, workers=1)
    assert [o.scenario for o in outcomes] == ["base", CONTROL, "add-classroom-12"]
    base, control, _ = outcomes
    assert base.status == "feasible"
    assert control.changes and "extra search alone" in control.changes[0]
    assert control.timetable == tmp_path / f"prison-{CONTROL}-timetable.xlsx"


# --- parallel plan, paths, executors ----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    cores=st.integers(1, 64),
    jobs=st.none() | st.integers(1, 64),
    workers=st.none() | st.integers(1, 64),
    solves=st.integers(1, 40),
)
def test_jobs_times_workers_never_exceeds_the_cores(cores, jobs, workers, solves):
    try:
        n_jobs, n_workers = plan_parallel(jobs, workers, solves, cores)
    except SchedulerError as exc:
        assert "cores" in str(exc)
        assert (jobs or 1) * (workers or 1) > cores or max(jobs or 1, workers or 1) > cores
        return
    assert n_jobs * n_workers <= cores
    assert n_jobs >= 1 and n_workers >= 1
    assert jobs in (None, n_jobs) and workers in (None, n_workers)


def test_by_default_one_job_per_core_up_to_the_solves():
    assert plan_parallel(None, None, 5, 8) == (5, 1)
    assert plan_parallel(None, None, 2, 8) == (2, 4)
    assert plan_parallel(None, 2, 10, 8) == (4, 2)
    with pytest.raises(SchedulerError, match="3 × --workers 3 = 9"):
        plan_parallel(3, 3, 10, 8)


def test_timetable_names_are_safe_and_distinct():
    data = tiny_term()
    names = ("a/b", "a b", "A-B")
    term = Term("t", data, tuple(Scenario(n, data, ()) for n in names))
    paths = timetable_paths(term, Path("x"))
    assert paths["base"] == Path("x/t-base-timetable.xlsx")
    assert paths["a/b"] == Path("x/t-a-b-timetable.xlsx")
    assert paths["a b"] == Path("x/t-a-b-2-timetable.xlsx")
    assert paths["A-B"] == Path("x/t-A-B-3-timetable.xlsx")  # file names may ignore case


def test_comparison_output_names():
    assert comparison_output((Path("in/medium.xlsx"),)) == Path("exports/medium-scenarios.xlsx")
    two = (Path("a.xlsx"), Path("b.xlsx"))
    assert comparison_output(two) == Path("exports/comparison-scenarios.xlsx")


def test_an_executor_that_is_not_dask_is_refused():
    with pytest.raises(SchedulerError, match="dask://HOST:PORT"):
        with open_executor("spark://host:1", 1):
            pass


# --- command line -----------------------------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def workbook(tmp_path) -> Path:
    """The room-bound term as a workbook with one scenario of its own."""
    data = room_bound_term().replace(
        scenarios=(ScenarioRow("bigger", "Rooms", "C1", "seats", "12", "set"),)
    )
    return write_workbook(data, tmp_path / "term.xlsx")


def test_compare_through_a_dask_cluster(tmp_path, workbook):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        out = tmp_path / "out" / "term-scenarios.xlsx"
        result = invoke(
            "compare", workbook, "--executor", f"dask://{address}", "--time-limit", LIMIT, "-o", out
        )
    assert result.exit_code == 0, result.output
    assert "term: bigger" in result.stdout and "(+0)" in result.stdout
    assert out.is_file()
    assert (out.parent / "term-bigger-timetable.xlsx").is_file()
    assert "[########################] 2/2" in result.stderr


@pytest.mark.slow
def test_compare_several_workbooks_into_one_comparison(tmp_path, workbook):
    other = tmp_path / "other"
    other.mkdir()
    second = write_workbook(room_bound_term(), other / "term.xlsx")  # the same name elsewhere
    out = tmp_path / "out" / "all.xlsx"
    result = invoke(
        "compare", workbook, second, "--add-room", "classroom:10", "--time-limit", LIMIT, "-o", out
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "term", "term-2"]
    rows = list(wb["Summary"].iter_rows(values_only=True))
    table = rows[[r[0] for r in rows].index("All scenarios") + 2 :]
    scenarios = [r[1] for r in table if r[1]]
    assert scenarios == ["base", "bigger", "add-classroom-10", "base", "add-classroom-10"]
    # the changes are listed per term, in the order of the workbooks
    changes = rows[[r[2] for r in rows].index("what changed") + 1 :]
    terms = [r[0] for r in changes[: changes.index(next(r for r in changes if r[0] is None))]]
    assert terms == sorted(terms, key=["term", "term-2"].index) and set(terms) == {"term", "term-2"}
    assert (out.parent / "term-2-add-classroom-10-timetable.xlsx").is_file()


def test_compare_exits_3_when_no_solve_finds_a_timetable(tmp_path):
    locked = room_bound_term(
        locks=(Lock(course="NT2-1.1", group="NT2-1.1-1", day="Mon", period="P1", room="C1"),),
        room_unavailability=(RoomUnavailability("C1", "Mon", 510, 570),),
        scenarios=(ScenarioRow("more", "Rooms", "C1", "seats", "12", "set"),),
    )
    path = write_workbook(locked, tmp_path / "locked.xlsx")
    out = tmp_path / "locked-scenarios.xlsx"
    result = invoke("compare", path, "--time-limit", LIMIT, "--jobs", 1, "-o", out)
    assert result.exit_code == 3, result.output
    assert "no timetable exists" in result.stdout
    assert out.is_file()  # the comparison says why, even so


@pytest.mark.parametrize(
    "args, words",
    [
        pytest.param(
            ("--close", "2027-13-01"),
            "--close 2027-13-01: '2027-13-01' is not a real date",
            id="shortcut",
        ),
        pytest.param(
            ("--staff-day", "T7:Mon"), "--staff-day T7:Mon: no staff member 'T7'", id="staff"
        ),
        pytest.param(("--jobs", "4096"), "--jobs 4096 is more than the", id="jobs"),
        pytest.param(("--executor", "tcp://x:1"), "dask://HOST:PORT", id="executor"),
        pytest.param(
            ("--executor", "dask://x:1", "--jobs", "2"),
            "--jobs is for local processes",
            id="jobs-dask",
        ),
    ],
)
def test_compare_bad_options_exit_2(workbook, args, words):
    result = invoke("compare", workbook, *args)
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_compare_a_scenario_that_breaks_the_term_exits_2(tmp_path):
    data = room_bound_term().replace(
        scenarios=(ScenarioRow("none", "Rooms", "C1", "seats", "0", "set", row=2),)
    )
    result = invoke("compare", write_workbook(data, tmp_path / "bad.xlsx"))
    assert result.exit_code == 2
    assert (
        "Rooms, row 2, column seats: in scenario none: seats must be a whole number from 1 to 1000"
        in result.stderr
    )


def test_compare_with_nothing_to_compare_exits_2(tmp_path):
    result = invoke("compare", write_workbook(room_bound_term(), tmp_path / "plain.xlsx"))
    assert result.exit_code == 2
    assert "nothing to compare" in result.stderr


def test_solve_a_scenario_by_name(tmp_path, workbook, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("solve", workbook, "--scenario", "bigger", "--time-limit", LIMIT, "-q")
    assert result.exit_code == 0, result.output
    assert "scenario bigger" in result.stderr
    written = Path("exports/term-bigger-timetable.xlsx")
    assert written.is_file()
    assert os.listdir("exports") == [written.name]


def test_solve_an_unknown_scenario_lists_the_known_ones(workbook):
    result = invoke("solve", workbook, "--scenario", "biger")
    assert result.exit_code == 2
    assert "no scenario 'biger' (did you mean bigger?); the scenarios are bigger" in result.stderr
