"""The reach report: figures checked by hand, the same by SQL, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.records import figures as fg
from scheduler.records.registers import write_registers
from scheduler.records.report import default_output, period_of
from scheduler.records.timetable import read_plan
from tests.records.helpers import with_memberships
from tests.records.queries_check import assert_queries_agree

YEAR = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
# NT2 columns B..H: 01-12 01-13 01-19 01-26 01-27 02-02 02-03; MO columns B..D: 01-12 01-19 02-02
FILLED = {
    "NT2-1.1-1": {
        "F9": "strike",
        # L0001 present at every session held: 6 x 2 h = 12 h >= 0.8 x 12 h, completed.
        **{f"{c}10": "P" for c in "BCDEGH"},
        # L0003 (left on 2027-01-24) present twice: 4 h, not completed, no longer a member.
        "B11": "P", "C11": "p", "D11": "E",
        # L0004 never present.
        **{f"{c}12": "A" for c in "BCDEGH"}, "F12": "S",
    },
    "MO-ar-1": {"B10": "P", "C10": "R", "D10": "A"},  # L0002: 2 h of 6, still running.
    "Intakes": {"F9": "yes"},
}  # fmt: skip


@pytest.fixture(scope="module")
def filled(tiny_timetable, tmp_path_factory):
    """The tiny term's registers, L0003 leaving NT2-1.1-1 on 2027-01-24, filled as FILLED."""
    out = tmp_path_factory.mktemp("report")
    pairs = [("NT2-1.1-1", "L0001"), ("NT2-1.1-1", "L0003"), ("NT2-1.1-1", "L0004"),
             ("MO-ar-1", "L0002"), ("MO-ar-1", "L0005")]  # fmt: skip
    rows = [(g, x, "2027-01-11", "2027-01-24" if x == "L0003" else None) for g, x in pairs]
    with_memberships(tiny_timetable, rows, out / "timetable.xlsx")
    blank = write_registers(read_plan(out / "timetable.xlsx"), out / "blank.xlsx")
    wb = load_workbook(blank)
    for sheet, cells in FILLED.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    wb.save(out / "filled.xlsx")
    return out / "filled.xlsx"


@pytest.fixture
def recorded(db_url, filled):
    result = CliRunner().invoke(main, ["record", str(filled), "--db", db_url])
    assert result.exit_code == 0, result.output
    return db_url


def reach_of(url: str, first=YEAR[0], last=YEAR[1], prison=None):
    from scheduler.records.db import connect

    engine = connect(url)
    with engine.connect() as conn:
        rec = fg.load(conn, first, last, prison)
    engine.dispose()
    return rec


def test_reach_figures_by_hand(recorded):
    reach = fg.reach(reach_of(recorded))
    rows = {(r[1], r[2]): list(r[3:]) for r in reach.itertuples(index=False)}
    # reached, started, sessions_attended, hours_attended, completed, still_running, dropped
    assert rows == {
        ("MO", "ar"): [1, 1, 1, 2.0, 0, 1, 0],
        ("NT2", "1.1"): [2, 2, 8, 16.0, 1, 0, 1],
        ("intake", "ar"): [1, 0, 0, 0.0, 0, 0, 0],
    }
    assert list(reach.columns) == fg.REACH_COLUMNS


def test_an_intake_held_counts_as_reached_in_the_members_rows(recorded, filled, tmp_path):
    """L0002's MO codes erased: the intake alone still reaches them, in the MO row too."""
    wb = load_workbook(filled)
    for ref in ("B10", "C10", "D10"):
        wb["MO-ar-1"][ref] = None
    wb.save(tmp_path / "no-mo.xlsx")
    assert (
        CliRunner()
        .invoke(main, ["record", str(tmp_path / "no-mo.xlsx"), "--db", recorded])
        .exit_code
        == 0
    )
    reach = fg.reach(reach_of(recorded))
    mo = reach[reach["kind"] == "MO"].iloc[0]
    assert (mo["reached"], mo["started"], mo["sessions_attended"]) == (1, 0, 0)


def test_a_period_before_the_last_session_judges_membership_then(recorded):
    """Up to 2027-01-19: L0003 is still a member at the group's last session (01-19)."""
    rec = reach_of(recorded, dt.date(2027, 1, 1), dt.date(2027, 1, 19))
    nt2 = fg.reach(rec).set_index("kind").loc["NT2"]
    assert (nt2["started"], nt2["completed"], nt2["still_running"], nt2["dropped"]) == (2, 0, 2, 0)


def test_months_and_delivery(recorded):
    rec = reach_of(recorded)
    months = fg.months(rec)
    nt2 = months[months["kind"] == "NT2"].set_index("month")
    assert (
        nt2.loc["2027-01", "sessions_attended"] == 6
        and nt2.loc["2027-02", "sessions_attended"] == 2
    )
    assert list(fg.attending(rec).loc["2027-01":"2027-03"].iloc[:, 0]) == [3, 1, 0]
    delivery = fg.delivery(rec).set_index("month")
    jan, feb = delivery.loc["2027-01"], delivery.loc["2027-02"]
    assert (jan["planned"], jan["held"], jan["not_held"], jan["closed_day"], jan["strike"]) == (
        9,
        6,
        3,
        2,
        1,
    )
    assert (feb["planned"], feb["held"], feb["present"], feb["absent"]) == (3, 3, 2, 3)
    assert (jan["present"], jan["excused"], jan["sick"], jan["refused"]) == (7, 1, 1, 1)


def test_every_query_reproduces_its_figure(recorded):
    # Reach: 7 figures; Months: 7 per month; Delivery: 4 + 6 causes + 5 codes.
    assert assert_queries_agree(recorded, *YEAR) == 7 + 12 * 7 + 15
    assert assert_queries_agree(recorded, dt.date(2027, 1, 13), dt.date(2027, 1, 26), "Test prison")


def test_report_command_writes_the_four_sheets_with_charts(recorded, tmp_path):
    out = tmp_path / "reach.xlsx"
    result = CliRunner().invoke(
        main, ["report", "--db", recorded, "--year", "2027", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 completed" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Reach", "Months", "Delivery", "Queries"]
    assert [c.value for c in wb["Reach"][1]][:10] == fg.REACH_COLUMNS
    assert [c.value for c in wb["Months"][1]][:11] == ["month", *fg.REACH_COLUMNS]
    assert [c.value for c in wb["Delivery"][1]][: len(fg.DELIVERY_COLUMNS)] == fg.DELIVERY_COLUMNS
    assert [c.value for c in wb["Queries"][1]] == ["sheet", "figure", "period", "sql"]
    assert all(wb[name]._charts for name in ("Reach", "Months", "Delivery"))


def test_suppress_below_blanks_small_counts(recorded, tmp_path):
    out = tmp_path / "published.xlsx"
    args = ["report", "--db", recorded, "--year", "2027", "-o", str(out), "--suppress-below", "2"]
    assert CliRunner().invoke(main, args).exit_code == 0
    ws = load_workbook(out)["Reach"]
    rows = {(r[1], r[2]): r[3:10] for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)}
    assert rows[("NT2", "1.1")] == (2, 2, 8, 16, None, None, None)
    assert rows[("MO", "ar")] == (None,) * 7


def test_prison_filter_and_periods(recorded, tmp_path):
    out = tmp_path / "none.xlsx"
    args = ["report", "--db", recorded, "--from", "2027-01-01", "--to", "2027-03-31",
            "--prison", "Nowhere", "-o", str(out)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "0 learner-course(s) started" in result.output
    ws = load_workbook(out)["Reach"]
    assert ws["A2"].value is None and ws["A3"].value.startswith("Period 2027-01-01 – 2027-03-31")
    assert default_output(*period_of(2027, None, None)).as_posix() == "exports/reach-2027.xlsx"
    assert default_output(dt.date(2027, 1, 1), dt.date(2027, 3, 31)).name == (
        "reach-2027-01-01_2027-03-31.xlsx"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "2027", "--from", "2027-01-01", "--to", "2027-02-01"],
        ["--from", "2027-01-01"],
        [],
    ],
)
def test_period_options_are_checked(args, tmp_path):
    result = CliRunner().invoke(main, ["report", "--db", f"sqlite:///{tmp_path}/x.sqlite", *args])
    assert result.exit_code == 2
    assert "give --year YYYY, or both --from DATE and --to DATE" in result.output


def test_progress_projects_each_learner_to_their_release(recorded):
    """Recorded up to 2027-02-03 (3 3/7 weeks): L0001 has 12 h of the 9.6 needed; L0003, released
    2027-01-25, stays at 4 h; L0002 gains 2 h / 3.43 weeks x 2/7 week by the term end."""
    from scheduler.records.db import connect
    from scheduler.records.progress import LearnerProgress, progress
    from tests.helpers.timetable_fixture import tiny_data

    engine = connect(recorded)
    prog = progress(engine, tiny_data())
    engine.dispose()
    assert prog.recorded_to == dt.date(2027, 2, 3)
    assert prog.rows == (
        LearnerProgress("L0001", "NT2-1.1", 12.0, 9.6, 13.0),
        LearnerProgress("L0002", "MO-ar", 2.0, 4.8, 2.17),
        LearnerProgress("L0003", "NT2-1.1", 4.0, 9.6, 4.0),
    )
    assert [r.on_pace for r in prog.rows] == [True, False, False]
    assert ("complete before release at their pace", "1 of 3") in prog.summary()


@pytest.mark.slow
def test_solve_with_db_adds_the_attendance_to_the_overview(recorded, tmp_path):
    """The tiny term solved with --db: the Overview carries the attendance block beside the
    key figures, one row per learner and course with hours attended."""
    from scheduler.workbook.write import write_workbook
    from tests.helpers.timetable_fixture import tiny_data

    term = write_workbook(tiny_data(), tmp_path / "tiny.xlsx")
    out = tmp_path / "tiny-timetable.xlsx"
    args = ["solve", str(term), "-o", str(out), "--db", recorded, "--time-limit", "2",
            "--workers", "1", "-q"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Overview"]
    assert ws["L2"].value == "Attendance so far (from the records database)"
    assert (ws["L3"].value, ws["N3"].value) == ("recorded up to", "2027-02-03")
    assert (ws["L6"].value, ws["N6"].value) == ("complete before release at their pace", "1 of 3")
    rows = [tuple(c.value for c in r[11:17]) for r in ws.iter_rows(min_row=8, max_row=11)]
    assert rows[0][:3] == ("learner", "course", "hours attended")
    assert rows[1:] == [
        ("L0001", "NT2-1.1", 12, 9.6, 13, "yes"),
        ("L0002", "MO-ar", 2, 4.8, 2.17, "no"),
        ("L0003", "NT2-1.1", 4, 9.6, 4, "no"),
    ]


def test_solve_with_a_pseudonymised_db_stops_before_solving(db_url, filled, tmp_path):
    from scheduler.workbook.write import write_workbook
    from tests.helpers.timetable_fixture import tiny_data

    key = tmp_path / "key"
    key.write_text("k" * 32)
    args = ["record", str(filled), "--db", db_url, "--pseudonymise", str(key)]
    assert CliRunner().invoke(main, args).exit_code == 0
    term = write_workbook(tiny_data(), tmp_path / "tiny.xlsx")
    result = CliRunner().invoke(
        main, ["solve", str(term), "--db", db_url, "-o", str(tmp_path / "o.xlsx")]
    )
    assert result.exit_code == 2 and "pseudonymised learner ids" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_report_replaces_its_own_output_but_no_other_file(recorded, tmp_path):
    out = tmp_path / "reach.xlsx"
    args = ["report", "--db", recorded, "--year", "2027", "-o", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, args).exit_code == 0  # its own report: replaced
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"PK not a report of ours")
    other = ["report", "--db", recorded, "--year", "2027", "-o", str(mine)]
    refused = CliRunner().invoke(main, other)
    assert refused.exit_code == 2 and "add --force" in refused.output
    assert mine.read_bytes() == b"PK not a report of ours"
    assert CliRunner().invoke(main, [*other, "--force"]).exit_code == 0
