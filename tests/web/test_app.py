"""The web page through Starlette's test client: safety, languages, uploads, jobs.

Checks, solves and comparisons run in real child processes (as in ``scheduler serve``); the
tests wait for them through the job manager. Solving tests are marked slow.
"""

from __future__ import annotations

import io
import select
import socket
import threading
import time
import zipfile
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from starlette.testclient import TestClient

from scheduler.web import jobs
from scheduler.web.app import CSP, Config, create_app
from scheduler.web.jobs import JobManager
from tests.helpers import wbfactory
from tests.helpers.web import free_port, violations, zip_bomb

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "instances" / "small.xlsx"
MEDIUM = ROOT / "instances" / "medium.xlsx"
BASE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def make_client():
    """A client factory: ``make_client(**config)``; every app is shut down after the test."""
    opened = []

    def make(**config) -> TestClient:
        cfg = Config(**{"workers": 1, **config})
        manager = JobManager(cfg.workers, cfg.max_running, cfg.keep_hours)
        client = TestClient(create_app(cfg, manager), base_url=BASE_URL, follow_redirects=False)
        client.__enter__()
        client.manager = manager  # type: ignore[attr-defined]
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


def upload(client: TestClient, content: bytes, name: str = "term.xlsx") -> str:
    """Upload ``content``; the job's id (from the redirect)."""
    response = client.post("/upload", files={"workbook": (name, content)})
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def wait(client: TestClient, job_id: str, seconds: float = 120.0) -> None:
    """Until nothing of the job runs or waits."""
    deadline = time.monotonic() + seconds
    job = client.manager.get(job_id)  # type: ignore[attr-defined]
    while job.busy:
        assert time.monotonic() < deadline, "the job did not finish in time"
        time.sleep(0.1)


def wait_state(client: TestClient, job_id: str, state: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    job = client.manager.get(job_id)  # type: ignore[attr-defined]
    while job.task is None or job.task.state != state:
        assert time.monotonic() < deadline, f"the task never reached {state}"
        time.sleep(0.05)


def broken_workbook(tmp_path: Path) -> bytes:
    sheets = wbfactory.base_sheets()
    wbfactory.set_cell(sheets, "Rooms", 2, "seats", "many")
    return wbfactory.write(sheets, tmp_path / "broken.xlsx").read_bytes()


# ---------------------------------------------------------------------------------------------
# Safety
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/job/nope", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP and "script-src 'self'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script(client):
    html = client.get("/").text
    assert '<script src="/static/app.js"' in html
    assert "<script>" not in html and "onclick" not in html and "style=" not in html


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "10.0.0.5:8000"])
def test_a_foreign_host_name_is_refused_on_loopback(client, host):
    """DNS rebinding: a page of another site that resolves to 127.0.0.1 gets nothing."""
    response = client.get("/", headers={"host": host})
    assert response.status_code == 403
    assert "127.0.0.1" in response.text


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_host_names_are_served(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_a_form_posted_from_another_site_is_refused(client):
    response = client.post(
        "/upload", files={"workbook": ("a.xlsx", b"x")}, headers={"origin": "http://evil.example"}
    )
    assert response.status_code == 403
    assert list(client.manager.root.iterdir()) == []  # type: ignore[attr-defined]


def test_with_a_token_every_request_needs_it(make_client):
    client = make_client(token="s3cret-token")
    for path in ("/", "/static/app.js", "/download/template.xlsx"):
        assert client.get(path).status_code == 403, path
    assert client.get("/?token=wrong").status_code == 403
    first = client.get("/?token=s3cret-token")
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The cookie carries the token from then on (static files and forms included).
    assert client.get("/static/app.js").status_code == 200
    client.cookies.clear()
    assert client.get("/static/app.js").status_code == 403


# ---------------------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------------------


def test_dutch_by_default_english_and_french_on_request(client):
    assert '<html lang="nl">' in client.get("/").text
    assert "Werkboek controleren" in client.get("/").text
    english = client.get("/?lang=en")
    assert "Check the workbook" in english.text
    assert "scheduler_lang=en" in english.headers["set-cookie"]
    assert "Check the workbook" in client.get("/").text  # remembered
    assert "Vérifier le classeur" in client.get("/?lang=fr").text


def test_an_unknown_language_falls_back_to_dutch(make_client):
    client = make_client()
    assert '<html lang="nl">' in client.get("/?lang=de").text


# ---------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------


def test_an_upload_declared_too_large_is_refused_before_reading(make_client):
    client = make_client(max_upload_mb=1)
    response = client.post(
        "/upload",
        content=b"x" * 10,
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(5 * 1024 * 1024),
        },
    )
    assert response.status_code == 413
    assert "ten hoogste 1 MB" in response.text
    assert list(client.manager.root.iterdir()) == []  # type: ignore[attr-defined]


@pytest.fixture
def live_server():
    """The app under a real uvicorn server in a thread, on a free loopback port."""
    config = Config(max_upload_mb=1, workers=1)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(20)


def test_an_upload_too_large_is_refused_while_it_streams(live_server):
    """No Content-Length (chunked): the server answers 413 once past the limit and reads no
    more; the client sees the answer long before it could send the whole 25 MB."""
    head = (
        b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary=bnd\r\n\r\n"
    )
    part = b'--bnd\r\nContent-Disposition: form-data; name="workbook"; filename="a.xlsx"\r\n\r\n'
    chunk = b"\0" * 65536
    sent, answer = 0, b""
    with socket.create_connection(("127.0.0.1", live_server), timeout=10) as sock:
        sock.sendall(head + b"%x\r\n%s\r\n" % (len(part), part))
        try:
            while sent < 25 * 2**20 and not answer:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                if select.select([sock], [], [], 0)[0]:
                    answer = sock.recv(65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(10)
        while b"\r\n\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 12 * 2**20, f"sent {sent} bytes before the answer"


def test_a_form_without_a_file_is_refused(client):
    response = client.post("/upload", files={"workbook": ("", b"")})
    assert response.status_code == 400
    assert "Kies eerst een werkboek" in response.text
    response = client.post("/upload", data={"other": "1"})
    assert response.status_code == 400


def test_a_non_workbook_gets_one_sentence(client):
    job = upload(client, b"name;section\nL1;A\n", "learners.csv")
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="unreadable"' in html
    assert "learners.csv is a text file (CSV or similar), not an Excel workbook" in html
    assert "term.xlsx" not in html  # the server's own file name never shows


def test_a_broken_workbook_shows_the_problems_table(client, tmp_path):
    job = upload(client, broken_workbook(tmp_path), "broken.xlsx")
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="problems"' in html and "1 problem to correct" in html
    row = html.split('id="problems"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert "<td>Rooms</td>" in row and ">2</td>" in row and "<td>seats</td>" in row
    assert "many" in row
    assert 'id="solve-form"' not in html  # nothing runs on a workbook with errors


@pytest.mark.slow
def test_a_zip_bomb_gets_one_sentence_and_the_server_keeps_serving(client, tmp_path):
    bomb = zip_bomb(SMALL, tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 2 * 2**20
    job = upload(client, bomb.read_bytes(), "bomb.xlsx")
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="unreadable"' in html and "bomb.xlsx" in html
    assert "rows" in html and 'id="solve-form"' not in html
    assert client.get("/").status_code == 200


def test_a_workbook_reading_too_long_is_stopped(client, monkeypatch, tmp_path):
    monkeypatch.setattr(jobs, "CHECK_TIMEOUT_S", 0.01)
    job = upload(client, SMALL.read_bytes(), "small.xlsx")
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="check-error"' in html and "took longer than 0.01 seconds" in html
    assert client.get("/").status_code == 200  # still serving


def test_a_valid_workbook_shows_its_facts_and_the_forms(client):
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert "The workbook is valid." in html
    assert "<dd>100</dd>" in html  # learners
    assert 'id="solve-form"' in html and 'name="time_limit"' in html
    assert 'value="extra-classroom"' in html  # scenarios to compare


def test_file_names_from_the_user_never_reach_the_file_system(client):
    job = upload(client, b"not a workbook", "../../etc/passwd")
    wait(client, job)
    folder = client.manager.root / job  # type: ignore[attr-defined]
    assert sorted(p.name for p in folder.iterdir()) == ["term.xlsx"]
    assert "passwd" in client.get(f"/job/{job}").text  # shown (escaped), not used


# ---------------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/job/nope", "/job/nope/state", "/job/nope/download/timetable"])
def test_an_unknown_job_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_bad_time_limits_are_refused(client):
    job = upload(client, SMALL.read_bytes(), "small.xlsx")
    wait(client, job)
    for value in ("0", "abc", "100000"):
        response = client.post(f"/job/{job}/solve", data={"time_limit": value})
        assert response.status_code == 400
        assert "tussen 1 en 3600 seconden" in response.text
    assert client.manager.get(job).task is None  # type: ignore[attr-defined]


def test_a_download_that_does_not_exist_is_not_found(client):
    job = upload(client, SMALL.read_bytes(), "small.xlsx")
    wait(client, job)
    for what in ("timetable", "calendars", "term", "..%2Fterm.xlsx"):
        assert client.get(f"/job/{job}/download/{what}").status_code == 404


def test_old_jobs_are_deleted(client):
    job = upload(client, b"x", "a.xlsx")
    wait(client, job)
    manager = client.manager  # type: ignore[attr-defined]
    folder = manager.root / job
    assert manager.sweep_old() == []
    assert manager.sweep_old(now=time.monotonic() + 25 * 3600) == [job]
    assert not folder.exists()
    assert client.get(f"/job/{job}").status_code == 404


def test_template_and_example_downloads(client):
    response = client.get("/download/template.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"
    example = client.get("/download/example-small.xlsx")
    assert example.status_code == 200 and example.content[:2] == b"PK"
    assert client.get("/download/example-../x.xlsx").status_code == 404
    assert client.get("/download/example-huge.xlsx").status_code == 404


@pytest.mark.slow
def test_solve_verify_and_download(client, tmp_path):
    job = upload(client, SMALL.read_bytes(), "small term.xlsx")
    wait(client, job)
    assert client.post(f"/job/{job}/solve", data={"time_limit": "2"}).status_code == 303
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert "every hard rule was checked again and holds" in html
    response = client.get(f"/job/{job}/download/timetable")
    assert response.status_code == 200
    assert 'filename="small-term-timetable.xlsx"' in response.headers["content-disposition"]
    timetable = tmp_path / "timetable.xlsx"
    timetable.write_bytes(response.content)
    assert violations(SMALL, timetable) == 0
    calendars = client.get(f"/job/{job}/download/calendars")
    assert calendars.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(calendars.content)).namelist()
    assert names and all(n.endswith(".ics") for n in names)
    registers = client.get(f"/job/{job}/download/registers")
    assert registers.status_code == 200
    assert 'filename="small-term-registers.xlsx"' in registers.headers["content-disposition"]
    book = load_workbook(io.BytesIO(registers.content))
    groups = load_workbook(timetable, read_only=True)["Groups"].iter_rows(min_row=2)
    ids = {row[0].value for row in groups if row[0].value}
    assert "_register" in book.sheetnames and ids & set(book.sheetnames)


@pytest.mark.slow
def cancel_running(client: TestClient, job: str) -> None:
    """Cancel ``job`` once it runs: it ends as cancelled, well within 15 s."""
    wait_state(client, job, "running")
    started = time.monotonic()
    assert client.post(f"/job/{job}/cancel").status_code == 303
    wait(client, job, seconds=30)
    assert time.monotonic() - started < 15
    assert client.manager.get(job).task.state == "cancelled"  # type: ignore[attr-defined]


def test_cancel_stops_the_solve_and_keeps_nothing(client):
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    client.post(f"/job/{job}/solve", data={"time_limit": "300"})
    cancel_running(client, job)
    assert client.get(f"/job/{job}/download/timetable").status_code == 404
    assert "Geannuleerd" in client.get(f"/job/{job}").text


@pytest.mark.slow
def test_one_solve_at_a_time_the_next_waits_with_its_position(client):
    first = upload(client, MEDIUM.read_bytes(), "a.xlsx")
    second = upload(client, SMALL.read_bytes(), "b.xlsx")
    wait(client, first)
    wait(client, second)
    client.post(f"/job/{first}/solve", data={"time_limit": "300"})
    wait_state(client, first, "running")
    client.post(f"/job/{second}/solve", data={"time_limit": "1"})
    assert client.get(f"/job/{second}/state").json()["task"]["position"] == 1
    assert "plaats 1" in client.get(f"/job/{second}").text
    # Busy: a second solve of the same job is refused.
    assert client.post(f"/job/{first}/solve", data={"time_limit": "1"}).status_code == 400
    client.post(f"/job/{first}/cancel")
    wait(client, second)
    assert client.manager.get(second).task.state == "done"  # type: ignore[attr-defined]


@pytest.mark.slow
def test_compare_shows_the_summary_and_offers_the_comparison(client):
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    response = client.post(
        f"/job/{job}/compare", data={"time_limit": "1", "scenario": ["extra-classroom", "nope"]}
    )
    assert response.status_code == 303
    wait(client, job, seconds=300)
    task = client.manager.get(job).task  # type: ignore[attr-defined]
    assert task.params["scenarios"] == ["extra-classroom"]  # unknown names are dropped
    scenarios = [row["scenario"] for row in task.result["rows"]]
    assert scenarios[0] == "base" and "extra-classroom" in scenarios
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="summary"' in html and "extra-classroom" in html and "<svg" in html
    comparison = client.get(f"/job/{job}/download/comparison")
    assert comparison.status_code == 200 and comparison.content[:2] == b"PK"
    title = load_workbook(io.BytesIO(comparison.content))["Summary"].cell(1, 1).value
    # Titled as `scheduler compare` titles it, in the words of the catalogue (English here).
    assert title.startswith("What-if scenarios: ") and title.endswith(
        "Mode: wall-clock (the limit is the time to the written timetable)"
    )
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/job/{job}/download/comparison-zip").content))
    assert "comparison.xlsx" in bundle.namelist()
    assert any(n.endswith("extra-classroom-timetable.xlsx") for n in bundle.namelist())


def test_compare_needs_a_scenario(client):
    job = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, job)
    response = client.post(f"/job/{job}/compare", data={"time_limit": "5"})
    assert response.status_code == 400
    assert "minstens één scenario" in response.text


def test_a_check_runs_with_its_memory_capped():
    """The check's child caps its address space (POSIX), so a workbook that unpacks to
    gigabytes ends in a MemoryError there, never in the server."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    channel = context.Queue()
    child = context.Process(target=_capped_limit, args=(channel,), daemon=True)
    child.start()
    soft, hard, interrupt_ignored = channel.get(timeout=60)
    child.join(10)
    assert soft == hard == 4 * 2**30
    assert interrupt_ignored  # Ctrl-C in the terminal is the server's to handle


def _capped_limit(channel) -> None:
    import resource
    import signal

    from scheduler.web import work

    work.prepare("check")
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    channel.put((*resource.getrlimit(resource.RLIMIT_AS), ignored))


def test_running_out_of_memory_while_reading_is_one_sentence(monkeypatch, tmp_path):
    import scheduler.workbook.validate
    from scheduler.web import work

    def explode(path):
        raise MemoryError

    monkeypatch.setattr(scheduler.workbook.validate, "check_workbook", explode)
    out = work.check(tmp_path, {"name": "bomb.xlsx"}, lambda d: None)
    assert out["unreadable"].startswith("bomb.xlsx unpacks to far more data")


def test_a_process_that_cannot_start_fails_its_task_and_frees_the_slot(monkeypatch, tmp_path):
    manager = JobManager(workers=1)
    try:
        monkeypatch.setattr(
            manager.context.Process, "start", lambda self: (_ for _ in ()).throw(OSError("no"))
        )
        job_id, folder = manager.reserve()
        job = manager.add(job_id, folder, "a.xlsx")
        assert job.check.state == "failed" and "could not start" in (job.check.error or "")
        assert manager.running == {"check": 0, "solve": 0} and not job.busy
    finally:
        manager.shutdown()


@pytest.mark.slow
def test_calendars_that_cannot_be_made_leave_the_timetable(monkeypatch, tmp_path):
    """A failing calendar export is said on the page; the verified timetable still stands."""
    import scheduler.report.ics
    from scheduler.errors import SchedulerError
    from scheduler.web import work

    def fail(*args, **kwargs):
        raise SchedulerError("session G1 has no date in the term")

    monkeypatch.setattr(scheduler.report.ics, "export_ics", fail)
    (tmp_path / work.WORKBOOK).write_bytes(SMALL.read_bytes())
    out = work.solve(tmp_path, {"time_limit": 1.0, "workers": 1}, lambda d: None)
    assert out["outcome"] == "timetable" and (tmp_path / work.TIMETABLE).is_file()
    assert out["calendars"] == 0 and "no date in the term" in out["calendars_error"]
    assert not (tmp_path / work.CALENDARS).exists()


FACTS = {
    "prison": "P",
    "start": "2027-01-11",
    "end": "2027-04-30",
    "weeks": 16,
    "learners": 3,
    "courses": 1,
    "staff": 1,
    "rooms": 1,
    "time_limit_s": 10.0,
    "scenarios": ["s1"],
}
TIMETABLE = {
    "outcome": "timetable",
    "status": "optimal",
    "objective": 1.0,
    "gap": 0.0,
    "wall_time": 1.0,
    "groups": 1,
    "sessions": 2,
    "kinds": [["NT2", 3, 3]],
    "intakes": [0, 0],
    "internet": [0, 0],
    "verifier_violations": 0,
    "calendars": 0,
    "calendars_error": "no date",
}
ROW = {
    "scenario": "base",
    "status": "feasible",
    "learners_placed": 3,
    "learners_delta": None,
    "courses_placed": 3,
    "courses_delta": None,
    "moved": None,
    "gap": 2.5,
    "changes": [],
    "note": "a note",
}
# (kind, state, result, error) -> what the English page says
OUTCOMES = [
    (("solve", "done", TIMETABLE, None), "the best timetable (proven)"),
    (("solve", "done", {"outcome": "infeasible", "conflicts": ["rule X"]}, None), "rule X"),
    (("solve", "done", {"outcome": "none", "status": "unknown"}, None), "No timetable found"),
    (("solve", "done", {"outcome": "verify_failed", "details": ["d1"]}, None), "breaks hard"),
    (
        ("compare", "done", {"outcome": "bad_scenarios", "problems": [
            {"severity": "error", "sheet": "Scenarios", "row": 2, "column": "value",
             "message": "s1: bad"}]}, None),
        "s1: bad",
    ),
    (("compare", "done", {"outcome": "comparison", "rows": [ROW]}, None), "a note"),
    (("solve", "queued", None, None), "Queued: position"),
    (("compare", "running", None, None), "Solves done"),
    (("solve", "failed", None, "timeout"), "stopped unexpectedly (timeout)"),
    (("solve", "cancelled", None, None), "Cancelled"),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
@pytest.mark.parametrize(("task", "shown"), OUTCOMES)
def test_every_outcome_renders_in_every_language(client, lang, task, shown):
    from scheduler.web.jobs import Job, Task

    kind, state, result, error = task
    manager = client.manager  # type: ignore[attr-defined]
    check = Task("check", state="done", result={"problems": [], "valid": True, "facts": FACTS})
    job = Job("fixedtestjob", manager.root, "t.xlsx", check)
    job.task = Task(kind, {"time_limit": 5.0, "scenarios": ["s1"]}, state, result=result)
    job.task.error = error
    with manager.lock:
        manager.jobs[job.id] = job
    html = client.get(f"/job/{job.id}?lang={lang}").text
    assert 'id="task"' in html and "{" not in html.split("<main>")[1]
    if lang == "en":
        assert shown in html


@pytest.mark.slow
def test_cancelling_a_queued_solve_moves_the_next_one_up(client):
    # The first solve (medium, 300 s) is still running when the others queue behind it.
    jobs_ = [
        upload(client, (MEDIUM if n == "a" else SMALL).read_bytes(), f"{n}.xlsx") for n in "abc"
    ]
    for job in jobs_:
        wait(client, job)
    first, second, third = jobs_
    client.post(f"/job/{first}/solve", data={"time_limit": "300"})
    wait_state(client, first, "running")
    client.post(f"/job/{second}/solve", data={"time_limit": "1"})
    client.post(f"/job/{third}/solve", data={"time_limit": "1"})
    assert client.get(f"/job/{third}/state").json()["task"]["position"] == 2
    version = client.get(f"/job/{third}/state").json()["version"]
    client.post(f"/job/{second}/cancel")
    state = client.get(f"/job/{third}/state").json()
    assert state["task"]["position"] == 1 and state["version"] > version  # its page hears it
    client.post(f"/job/{first}/cancel")
    wait(client, third)


def _solved_small(client: TestClient) -> tuple[str, bytes]:
    """A job of instances/small.xlsx solved for 2 s, and its downloaded timetable."""
    job = upload(client, SMALL.read_bytes(), "small term.xlsx")
    wait(client, job)
    assert client.post(f"/job/{job}/solve", data={"time_limit": "2"}).status_code == 303
    wait(client, job)
    response = client.get(f"/job/{job}/download/timetable")
    assert response.status_code == 200
    return job, response.content


def replan(client: TestClient, job: str, timetable: bytes, date: str, limit: str = "5"):
    return client.post(
        f"/job/{job}/replan",
        data={"date": date, "time_limit": limit},
        files={"timetable": ("in use.xlsx", timetable)},
    )


@pytest.mark.slow
def test_replan_shows_the_changes_and_offers_a_verified_timetable(client, tmp_path):
    job, timetable = _solved_small(client)
    assert "replan-form" in client.get(f"/job/{job}?lang=en").text
    assert replan(client, job, timetable, "2027-02-15").status_code == 303
    wait(client, job)
    task = client.manager.get(job).task  # type: ignore[attr-defined]
    assert task.kind == "replan" and task.state == "done", task.error
    assert task.result["outcome"] == "replanned", task.result
    html = client.get(f"/job/{job}?lang=en").text
    assert 'id="changes"' in html and '<th scope="col">Why</th>' in html
    assert 'id="replan-counts"' in html and "Places kept in their group" in html
    assert len(task.result["changes"]) <= 200
    response = client.get(f"/job/{job}/download/replan")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert 'filename="small-term-replan-2027-02-15-timetable.xlsx"' in disposition
    replanned = tmp_path / "replanned.xlsx"
    replanned.write_bytes(response.content)
    assert "Changes" in load_workbook(replanned, read_only=True).sheetnames
    assert violations(SMALL, replanned) == 0
    # The file name from the browser never reaches the disk: only fixed names are there.
    folder = client.manager.get(job).folder  # type: ignore[attr-defined]
    assert not any("in use" in p.name for p in folder.iterdir())


@pytest.mark.slow
def test_replan_refuses_another_terms_timetable_and_a_date_outside_the_term(client):
    _, timetable = _solved_small(client)
    other = upload(client, MEDIUM.read_bytes(), "medium.xlsx")
    wait(client, other)
    assert replan(client, other, timetable, "2027-02-15").status_code == 303
    wait(client, other)
    html = client.get(f"/job/{other}?lang=en").text
    assert "Not re-planned: in use.xlsx is a timetable of" in html
    assert "give the timetable written for this term" in html
    job = upload(client, SMALL.read_bytes(), "small.xlsx")
    wait(client, job)
    assert replan(client, job, timetable, "2027-06-01").status_code == 303
    wait(client, job)
    html = client.get(f"/job/{job}?lang=en").text
    assert "Not re-planned:" in html and "outside the term" in html
    assert client.get(f"/job/{job}/download/replan").status_code == 404


def test_replan_needs_a_file_and_a_date(client):
    job = upload(client, SMALL.read_bytes(), "small.xlsx")
    wait(client, job)
    no_file = client.post(f"/job/{job}/replan", data={"date": "2027-02-15", "time_limit": "5"},
                          files={"other": ("x.txt", b"")})  # fmt: skip
    assert no_file.status_code == 400
    assert "Kies eerst het huidige lesrooster" in no_file.text
    bad = replan(client, job, b"PK", "15/02/2027")
    assert bad.status_code == 400 and "Kies een geldige datum" in bad.text
