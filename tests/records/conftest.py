"""Fixtures of the records tests: a database of each kind, a tiny timetable, filled registers.

``db_url`` runs a test on SQLite (a file in the test's folder) and on PostgreSQL (a fresh
database on the server named by $SCHEDULER_TEST_PG, dropped afterwards). Without that variable
the PostgreSQL half is skipped with a message, unless $CI is set: then it fails, so CI can
never pass without the real server (run the tests under ``.ci/postgres``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from scheduler.report.timetable import write_timetable
from tests.helpers.timetable_fixture import tiny_data, tiny_result

PG_ENV = "SCHEDULER_TEST_PG"


def postgres_base() -> str:
    """The server URL for the tests, or skip / fail as the module docstring says."""
    base = os.environ.get(PG_ENV, "")
    if base:
        return base
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {PG_ENV} is not: run the tests under .ci/postgres")
    pytest.skip(f"PostgreSQL half skipped: {PG_ENV} is unset (run: .ci/postgres make test)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty records database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.sqlite'}"
        return
    base = postgres_base()
    name = f"records_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    try:
        yield sa.make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(scope="session")
def tiny_timetable(tmp_path_factory) -> Path:
    """The hand-made tiny timetable (tests/helpers/timetable_fixture.py) as a workbook."""
    path = tmp_path_factory.mktemp("tiny") / "tiny-timetable.xlsx"
    return write_timetable(tiny_data(), tiny_result(), path, [])
