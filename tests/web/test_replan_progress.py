"""The re-plan screen's progress and cancel: the phases a re-plan reports (reading, building,
searching with the places of the best timetable so far, verifying, writing), the page that
shows them, and a cancel that stops a running re-plan."""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.replan.run import replan as run_replan
from scheduler.report.read import read_timetable
from scheduler.web import work
from scheduler.web.jobs import Task
from tests.replan.helpers import WEEK2, timetable
from tests.replan.test_replan import _cli_term, term, two_groups
from tests.web.test_app import (  # noqa: F401  (client, make_client: the fixtures)
    MEDIUM,
    cancel_running,
    client,
    make_client,
    replan,
    upload,
    wait,
    wait_state,
)

PHASES = ["reading", "building", "searching", "verifying", "writing"]


def _phases(events: list[dict[str, Any]]) -> list[str]:
    """The phases in the order first reported."""
    out: list[str] = []
    for e in events:
        if "phase" in e and e["phase"] not in out:
            out.append(e["phase"])
    return out


def test_the_library_reports_each_phase_and_the_best_places_so_far(tmp_path):
    data = term()
    current = read_timetable(timetable(data, two_groups(), tmp_path / "now.xlsx"))
    events: list[dict[str, Any]] = []
    done = run_replan(data, current, WEEK2, time_limit=2.0, progress=events.append)
    assert done.verified is not None
    assert _phases(events) == ["building", "searching", "verifying"]
    placed = [e["placed"] for e in events if "placed" in e]
    assert placed and placed[-1] == sum(len(g.members) for g in done.verified.solution.groups)


def test_the_page_child_reports_reading_to_writing(tmp_path):
    data = term()
    _cli_term(tmp_path, data)  # term.xlsx: the job folder's fixed name
    timetable(data, two_groups(), tmp_path / work.CURRENT)
    events: list[dict[str, Any]] = []
    params = {"date": WEEK2.isoformat(), "time_limit": 2.0, "workers": 1}
    result = work.replan(tmp_path, params, events.append)
    assert result["outcome"] == "replanned", result
    assert _phases(events) == PHASES
    assert (tmp_path / work.REPLANNED).is_file()


def test_the_running_screen_names_the_phase_in_the_page_language(client):  # noqa: F811
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    manager = client.manager  # type: ignore[attr-defined]
    # A running re-plan as the child's progress messages leave it (no child: nothing races).
    progress = {"phase": "searching", "placed": 57}
    params = {"date": "2027-02-15", "time_limit": 5}
    with manager.lock:
        manager.get(job).task = Task("replan", params, "running", progress, started=0.0)
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="p-phase"' in html and ">Searching</dd>" in html
    assert 'data-verifying="Verifying"' in html and 'id="p-placed">57<' in html
    assert "Places in the best timetable so far" in html and 'id="cancel-button"' in html
    assert 'data-searching="Zoeken"' in client.get(f"/job/{job}?lang=nl").text
    with manager.lock:
        manager.get(job).task.state = "cancelled"


@pytest.mark.slow
def test_cancel_stops_a_running_replan_and_keeps_nothing(client):  # noqa: F811
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    client.post(f"/job/{job}/solve", data={"time_limit": "3"})
    wait(client, job)
    timetable = client.get(f"/job/{job}/download/timetable").content
    assert replan(client, job, timetable, "2027-02-15", limit="300").status_code == 303
    cancel_running(client, job)
    assert client.get(f"/job/{job}/download/replan").status_code == 404
    assert "Geannuleerd" in client.get(f"/job/{job}").text
