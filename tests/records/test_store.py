"""Recording into real databases (each test on SQLite and on PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import subprocess
import sys

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.errors import SchedulerError
from scheduler.excel import save_atomic
from scheduler.records import schema
from scheduler.records.db import connect, transaction
from scheduler.records.read import RecordError, read_registers
from scheduler.records.registers import build_registers, write_registers
from scheduler.records.store import fingerprint, record
from scheduler.records.timetable import read_plan
from tests.records.helpers import fill

TABLES = [
    "prisons", "terms", "closed_days", "groups", "sessions", "learners", "memberships",
    "attendance", "intakes", "meta",
]  # fmt: skip


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (recordings aside: it logs each run), sorted."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {
            name: sorted(tuple(map(str, r)) for r in conn.execute(sa.text(f"SELECT * FROM {name}")))
            for name in TABLES
        }
    engine.dispose()
    return out


def codes(url: str) -> dict[tuple[str, str, str], str]:
    """(group, session start, learner) -> code."""
    engine = sa.create_engine(url)
    query = (
        "SELECT g.group_code, s.date, s.start, l.learner, a.code FROM attendance a "
        "JOIN sessions s ON s.session_id = a.session_id JOIN groups g ON g.group_id = s.group_id "
        "JOIN learners l ON l.learner_id = a.learner_id"
    )
    with engine.connect() as conn:
        out = {(r[0], f"{r[1]} {r[2]}", r[3]): r[4] for r in conn.execute(sa.text(query))}
    engine.dispose()
    return out


def run_record(*args: str):
    return CliRunner().invoke(main, ["record", *map(str, args)])


@pytest.fixture(scope="module")
def weeks(tiny_timetable, tmp_path_factory):
    """Filled registers of weeks 1-2, weeks 3-4 and all four weeks of the tiny term."""
    out = tmp_path_factory.mktemp("weeks")
    spans = {
        "early": (dt.date(2027, 1, 11), dt.date(2027, 1, 24)),
        "late": (dt.date(2027, 1, 25), dt.date(2027, 2, 5)),
        "all": (dt.date(2027, 1, 11), dt.date(2027, 2, 5)),
    }
    paths = {}
    for n, (name, (first, last)) in enumerate(spans.items()):
        blank = write_registers(read_plan(tiny_timetable, first, last), out / f"{name}-blank.xlsx")
        paths[name] = fill(blank, out / f"{name}.xlsx", seed=n + 1, not_held=0.2)
    return paths


def test_record_stores_every_code_and_recording_again_changes_nothing(db_url, weeks):
    result = run_record(weeks["all"], "--db", db_url)
    assert result.exit_code == 0, result.output
    (reg,) = read_registers([weeks["all"]])
    expected = {
        (g.group.group, label, learner): code
        for g in reg.groups
        for (label, learner), code in g.codes.items()
    }
    assert codes(db_url) == expected and expected
    before = snapshot(db_url)
    assert run_record(weeks["all"], "--db", db_url).exit_code == 0
    assert snapshot(db_url) == before


def test_a_blank_erases_an_earlier_code(db_url, weeks, tmp_path):
    assert run_record(weeks["all"], "--db", db_url).exit_code == 0
    wb = load_workbook(weeks["all"])
    ws = wb["NT2-1.1-1"]
    ws["B9"], ws["B10"], ws["B11"], ws["B12"] = "yes", "P", None, "A"
    wb.save(tmp_path / "again.xlsx")
    assert run_record(tmp_path / "again.xlsx", "--db", db_url).exit_code == 0
    stored = {k: v for k, v in codes(db_url).items() if k[:2] == ("NT2-1.1-1", "2027-01-12 13:00")}
    assert stored == {
        ("NT2-1.1-1", "2027-01-12 13:00", "L0001"): "P",
        ("NT2-1.1-1", "2027-01-12 13:00", "L0004"): "A",
    }


def test_a_later_register_adds_its_dates(db_url, weeks):
    assert run_record(weeks["early"], "--db", db_url).exit_code == 0
    early = codes(db_url)
    assert run_record(weeks["late"], "--db", db_url).exit_code == 0
    both = codes(db_url)
    assert all(both[k] == v for k, v in early.items())
    assert {k[1][:10] for k in both} - {k[1][:10] for k in early}
    assert all(k[1][:10] >= "2027-01-25" for k in set(both) - set(early))


def test_a_bad_cell_stores_nothing(db_url, weeks, tmp_path):
    assert run_record(weeks["early"], "--db", db_url).exit_code == 0
    before = snapshot(db_url)
    wb = load_workbook(weeks["late"])
    wb["MO-ar-1"]["B10"] = "present"
    wb.save(tmp_path / "bad.xlsx")
    result = run_record(weeks["all"], tmp_path / "bad.xlsx", "--db", db_url)
    assert result.exit_code == 2
    assert "Sheet MO-ar-1, cell B10: 'present' is not an attendance code" in result.output
    assert "nothing was recorded" in result.output
    assert snapshot(db_url) == before


def test_a_register_of_another_term_for_the_same_group_rolls_everything_back(
    db_url, weeks, tmp_path
):
    """The second register says the term started a week earlier: its groups overlap the
    stored term's, so it is refused and the first register of the same command is undone."""
    assert run_record(weeks["early"], "--db", db_url).exit_code == 0
    before = snapshot(db_url)
    (reg,) = read_registers([weeks["late"]])
    other = dataclasses.replace(reg.plan, term_start=dt.date(2027, 1, 4))
    save_atomic(build_registers(other), tmp_path / "other-term.xlsx")
    result = run_record(weeks["all"], tmp_path / "other-term.xlsx", "--db", db_url)
    assert result.exit_code == 2, result.output
    assert (
        "Sheet NT2-1.1-1: the database holds group NT2-1.1-1 of Test prison in the term"
        in result.output
    )
    assert snapshot(db_url) == before


def test_pseudonyms_are_keyed_hashes_and_another_key_is_refused(db_url, weeks, tmp_path):
    key = tmp_path / "key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    assert run_record(weeks["all"], "--db", db_url, "--pseudonymise", key).exit_code == 0
    expected = hmac.new(
        b"0123456789abcdef0123456789abcdef", "Test prison\u241fL0001".encode(), hashlib.sha256
    ).hexdigest()
    stored = {k[2] for k in codes(db_url)}
    assert expected in stored and not any(s.startswith("L0") for s in stored)
    assert ("meta", ("learner_ids", f"hmac-sha256:{fingerprint(key.read_bytes().strip())}")) in [
        ("meta", r) for r in snapshot(db_url)["meta"]
    ]
    before = snapshot(db_url)
    other = tmp_path / "other"
    other.write_text("another key, long enough to be used")
    refused = run_record(weeks["all"], "--db", db_url, "--pseudonymise", other)
    assert refused.exit_code == 2 and "another pseudonymisation key" in refused.output
    plain = run_record(weeks["all"], "--db", db_url)
    assert plain.exit_code == 2 and "give the key with --pseudonymise" in plain.output
    assert snapshot(db_url) == before


def test_a_plain_database_refuses_a_key(db_url, weeks, tmp_path):
    assert run_record(weeks["early"], "--db", db_url).exit_code == 0
    key = tmp_path / "key"
    key.write_text("k" * 32)
    result = run_record(weeks["late"], "--db", db_url, "--pseudonymise", key)
    assert result.exit_code == 2 and "own learner ids" in result.output


@pytest.mark.slow
def test_two_processes_recording_at_once_lose_nothing(db_url, weeks):
    """Two `scheduler record` processes on one fresh database (both create the schema, both
    add the same prison, term and learners): every code of both registers is stored."""
    alone = {}
    for name in ("early", "late"):
        (reg,) = read_registers([weeks[name]])
        alone |= {
            (g.group.group, label, learner): code
            for g in reg.groups for (label, learner), code in g.codes.items()
        }  # fmt: skip
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from scheduler.cli import main; main()",
                "record",
                str(weeks[name]),
                "--db",
                db_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        for name in ("early", "late")
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert codes(db_url) == alone
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM recordings")).scalar() == 2
        assert conn.execute(sa.text("SELECT COUNT(*) FROM prisons")).scalar() == 1
    engine.dispose()


def _version_1_database(url: str) -> None:
    """A database as version 1 of the schema left it, with one recorded NT2 and MO session."""
    engine = connect_raw(url)
    with transaction(engine) as conn:
        schema.upgrade(conn, to=1)
        # No explicit ids: PostgreSQL's sequences must hand out the next ones afterwards.
        for sql in (
            "INSERT INTO prisons (name) VALUES ('Old prison')",
            "INSERT INTO terms (prison_id, term_start, term_end, completion_share) "
            "VALUES (1, '2026-09-01', '2026-12-18', 0.8)",
            "INSERT INTO groups (term_id, group_code, course, course_name, kind, level, language, "
            "staff, total_hours) VALUES (1, 'NT2-1.1-1', 'NT2-1.1', 'NT2 1.1', 'NT2', '1.1', 'nl', "
            "'T1', 120), (1, 'MO-ar-1', 'MO-ar', 'MO Arabic', 'MO', '', 'ar', 'M1', 60)",
            "INSERT INTO sessions (group_id, date, month, start, hours, held, cause) VALUES "
            "(1, '2026-09-08', '2026-09', '08:30', 2.0, 1, ''), "
            "(2, '2026-09-09', '2026-09', '13:00', 2.0, 0, 'strike')",
            "INSERT INTO learners (prison_id, learner, section, languages, asked) "
            "VALUES (1, 'L0001', 'A', 'ar', 'NT2, MO')",
            "INSERT INTO memberships VALUES (1, 1, '2026-09-01', '2026-12-18')",
            "INSERT INTO attendance VALUES (1, 1, 'P')",
            "INSERT INTO intakes (term_id, learner_id, date, month, start, staff, language, held) "
            "VALUES (1, 1, '2026-09-02', '2026-09', '09:30', 'C1', 'ar', 1)",
        ):
            conn.execute(sa.text(sql))
    engine.dispose()


def connect_raw(url: str) -> sa.Engine:
    """An engine with the program's transaction handling, without the automatic upgrade."""
    from scheduler.records import db

    parsed = sa.make_url(db.resolve_url(url))
    return db._sqlite(parsed) if parsed.get_backend_name() == "sqlite" else sa.create_engine(parsed)


def test_a_version_1_database_is_upgraded_without_loss(db_url, weeks):
    _version_1_database(db_url)
    v1 = {k: v for k, v in snapshot_v1(db_url).items()}
    engine = connect(db_url)  # upgrades
    with engine.connect() as conn:
        assert schema.current_version(conn) == schema.VERSION == 2
        levels = dict(
            conn.execute(sa.text("SELECT group_code, language_or_level FROM groups")).all()
        )
        assert levels == {"NT2-1.1-1": "1.1", "MO-ar-1": "ar"}
        assert (
            conn.execute(sa.text("SELECT value FROM meta WHERE key = 'learner_ids'")).scalar()
            == "plain"
        )
    engine.dispose()
    assert snapshot_v1(db_url) == v1
    # The upgraded database takes new records next to the old ones.
    assert run_record(weeks["all"], "--db", db_url).exit_code == 0
    assert snapshot_v1(db_url)["attendance"][0] == v1["attendance"][0]


def snapshot_v1(url: str) -> dict[str, list[tuple]]:
    """The rows of the version 1 tables, version 1 columns only."""
    engine = sa.create_engine(url)
    md = sa.MetaData()
    tables = schema._v1_tables(md)
    with engine.connect() as conn:
        out = {
            n: sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t)))
            for n, t in tables.items()
        }
    engine.dispose()
    return out


def test_a_newer_database_is_refused(db_url):
    engine = connect(db_url)
    with transaction(engine) as conn:
        conn.execute(sa.insert(schema.schema_version).values(version=schema.VERSION + 1))
    engine.dispose()
    with pytest.raises(SchedulerError, match="newer than this scheduler knows"):
        connect(db_url)


def test_record_into_the_default_database(weeks, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCHEDULER_DB", raising=False)
    result = run_record(weeks["early"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "records" / "records.sqlite").is_file()
    monkeypatch.setenv("SCHEDULER_DB", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert run_record(weeks["early"]).exit_code == 0
    assert (tmp_path / "env.sqlite").is_file()


def test_stored_records_match_a_direct_read(db_url, weeks):
    """record() as a library call: the returned counts match the register."""
    regs = read_registers([weeks["all"]])
    engine = connect(db_url)
    (done,) = record(engine, regs, None)
    engine.dispose()
    assert done.groups == 2 and done.sessions == 12  # 8 + 4 sessions, closed ones included
    assert done.marks == sum(len(g.codes) for g in regs[0].groups)


def test_record_errors_are_record_errors(weeks):
    with pytest.raises(SchedulerError):
        read_registers([weeks["all"].with_suffix(".missing")])
    assert issubclass(RecordError, SchedulerError)


def test_a_register_of_another_timetable_of_the_term_is_refused(db_url, weeks, tmp_path):
    """Same term, but group NT2-1.1-1 is another course there: printed from another timetable."""
    assert run_record(weeks["early"], "--db", db_url).exit_code == 0
    before = snapshot(db_url)
    (reg,) = read_registers([weeks["late"]])
    groups = tuple(
        dataclasses.replace(g, course="NT2-1.2") if g.group == "NT2-1.1-1" else g
        for g in reg.plan.groups
    )
    save_atomic(build_registers(dataclasses.replace(reg.plan, groups=groups)), tmp_path / "x.xlsx")
    result = run_record(tmp_path / "x.xlsx", "--db", db_url)
    assert result.exit_code == 2
    assert (
        "Sheet NT2-1.1-1: group NT2-1.1-1 is course NT2-1.1 in the database but NT2-1.2 here"
        in result.output
    )
    assert snapshot(db_url) == before
