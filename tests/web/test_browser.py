"""The web page in a real browser: the distribution's headless Chromium, driven by Playwright.

``scheduler serve`` runs in a subprocess on a free loopback port. The test uploads the medium
example, solves it with a short time limit, downloads the timetable and checks it with the
independent verifier; it uploads a broken workbook and sees the problems table, then a file
that is not a workbook and one of 25 MB, and sees a clear message each time with the server
still serving.

The browser is /usr/bin/chromium (``bash .ci/browser`` installs it); nothing downloads one.
Without it the tests are skipped, unless CI is set: then they fail, because CI must run them.
Set SCHEDULER_SCREENSHOTS=docs to save the screenshots of the documentation (docs/web-*.png).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import wbfactory
from tests.helpers.web import browser_unavailable, running_server, violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MEDIUM = ROOT / "instances" / "medium.xlsx"
SMALL = ROOT / "instances" / "small.xlsx"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SOLVE_SECONDS = "5"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        browser_unavailable("the playwright package is missing (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server("--workers", "1") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, locale="nl-BE", accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    # A Content-Security-Policy violation or a script error shows up on the console.
    assert not [e for e in errors if "413" not in e], errors


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("SCHEDULER_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload(page, server: str, path: Path) -> None:
    page.goto(server + "/")
    page.set_input_files("#workbook", str(path))
    page.click("#check-button")


def test_medium_example_solved_downloaded_and_verified(page, server, shots, tmp_path):
    from playwright.sync_api import expect

    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.screenshot(path=str(shots / "web-upload.png"))
    _upload(page, server, MEDIUM)
    page.wait_for_url(re.compile(r"/job/[A-Za-z0-9_-]{20,}$"))
    page.wait_for_selector("#valid", timeout=60_000)  # the script reloads when checked
    job_url = page.url
    page.fill("#time-limit", SOLVE_SECONDS)
    page.click("#solve-button")
    page.wait_for_selector("#cancel-button")
    # Live progress: the objective and places arrive over the event stream.
    expect(page.locator("#p-placed")).not_to_have_text("–", timeout=60_000)
    page.screenshot(path=str(shots / "web-progress.png"))
    page.wait_for_selector("#download-timetable", timeout=120_000)
    assert "elke harde regel" in page.inner_text("#verifier")
    page.screenshot(path=str(shots / "web-done.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-timetable")
    download = info.value
    assert download.suggested_filename == "medium-timetable.xlsx"
    timetable = tmp_path / "timetable.xlsx"
    download.save_as(str(timetable))
    assert violations(MEDIUM, timetable) == 0
    with page.expect_download() as info:
        page.click("#download-calendars")
    assert info.value.suggested_filename == "medium-calendars.zip"
    # The job survives a reload: its id is in the URL.
    page.goto(job_url)
    assert page.is_visible("#download-timetable")


def test_a_broken_workbook_shows_the_problems_table(page, server, shots, tmp_path):
    sheets = wbfactory.base_sheets()
    wbfactory.set_cell(sheets, "Rooms", 2, "seats", "many")
    wbfactory.set_cell(sheets, "Learners", 3, "section", "Z")
    broken = wbfactory.write(sheets, tmp_path / "term-with-errors.xlsx")
    _upload(page, server, broken)
    page.wait_for_selector("#problems", timeout=60_000)
    rows = page.locator("#problems tbody tr")
    assert rows.count() >= 2
    cells = [c.strip() for c in rows.nth(0).locator("td").all_inner_texts()]
    assert cells[:3] == ["Rooms", "2", "seats"] and "many" in cells[3]
    assert not page.is_visible("#solve-form")
    page.screenshot(path=str(shots / "web-problems.png"), full_page=True)


def test_a_file_that_is_not_a_workbook_gets_a_clear_message(page, server, tmp_path):
    notes = tmp_path / "notes.xlsx"
    notes.write_text("learner;section\nL0001;A\n")
    _upload(page, server, notes)
    page.wait_for_selector("#unreadable", timeout=60_000)
    assert "notes.xlsx is a text file" in page.inner_text("#unreadable")
    page.goto(server + "/")
    assert page.is_visible("#check-button")  # still serving


def test_a_25_mb_file_is_refused_with_a_clear_message(page, server, tmp_path):
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + os.urandom(25 * 1024 * 1024))
    _upload(page, server, big)
    message = page.locator("#client-error")
    message.wait_for(state="visible")
    assert "te groot" in message.inner_text() and "20 MB" in message.inner_text()
    assert page.url.rstrip("/") == server  # nothing was sent


def test_without_the_script_the_server_refuses_25_mb_and_pages_follow_jobs(
    browser, server, tmp_path
):
    """Without the page's script the form posts the file; the server refuses it as it
    streams and answers with the same message. A job page reloads itself until the check
    is done."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + os.urandom(25 * 1024 * 1024))
    try:
        page.goto(server + "/")
        page.set_input_files("#workbook", str(big))
        with page.expect_navigation():
            page.click("#check-button")
        assert "te groot" in page.inner_text("#upload-error")
        page.goto(server + "/")
        page.set_input_files("#workbook", str(MEDIUM))
        page.click("#check-button")
        page.wait_for_selector("#valid", timeout=60_000)  # after a reload or two
    finally:
        context.close()


def test_compare_two_scenarios_shows_the_summary(page, server, shots, tmp_path):
    _upload(page, server, MEDIUM)
    page.wait_for_selector("#valid", timeout=60_000)
    boxes = page.locator("#compare-form input[name=scenario]")
    for i in range(boxes.count()):
        if boxes.nth(i).get_attribute("value") not in ("extra-classroom", "teacher-friday"):
            boxes.nth(i).uncheck()
    page.fill("#compare-limit", "2")
    page.click("#compare-button")
    page.wait_for_selector("#p-done")
    page.wait_for_selector("#summary", timeout=240_000)
    scenarios = page.locator("#summary tbody tr td:first-child strong").all_inner_texts()
    assert scenarios[0] == "base"
    assert {"extra-classroom", "teacher-friday"} <= set(scenarios)
    assert page.locator(".chart svg rect").count() == len(scenarios)
    page.screenshot(path=str(shots / "web-compare.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-comparison")
    assert info.value.suggested_filename == "medium-scenarios.xlsx"


def test_with_a_token_the_browser_needs_the_link_once(browser, tmp_path):
    """The link with ?token= stores the token in a cookie; the page, its script, the
    upload and the job page work from then on, and nothing works without it."""
    with running_server("--workers", "1", "--token", "browser-test-token") as url:
        context = browser.new_context()
        page = context.new_page()
        try:
            response = page.goto(url + "/")
            assert response is not None and response.status == 403
            assert "token" in page.inner_text("body")
            page.goto(url + "/?token=browser-test-token")
            notes = tmp_path / "notes.xlsx"
            notes.write_text("not a workbook\n")
            _upload(page, url, notes)
            page.wait_for_selector("#unreadable", timeout=60_000)
        finally:
            context.close()


def test_a_workbook_dropped_on_the_page_is_checked(browser, server):
    """Drag and drop: the page's script puts the dropped file in the form and sends it.
    (This context lets Playwright build the drop event in the page: bypass_csp.)"""
    import base64

    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(server + "/")
        data = base64.b64encode(SMALL.read_bytes()).decode()
        transfer = page.evaluate_handle(
            """(data) => {
                const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "dropped.xlsx"));
                return transfer;
            }""",
            data,
        )
        page.dispatch_event("#dropzone", "dragover", {"dataTransfer": transfer})
        assert "over" in (page.get_attribute("#dropzone", "class") or "")
        page.dispatch_event("#dropzone", "drop", {"dataTransfer": transfer})
        page.wait_for_selector("#valid", timeout=60_000)
        assert page.inner_text("h1").endswith("dropped.xlsx")
    finally:
        context.close()


def test_replan_from_a_date_shows_progress_counts_and_a_verified_timetable(
    page, server, shots, tmp_path
):
    """Upload medium, solve, upload the timetable in use and re-plan from week 6: the running
    screen names its step and can be cancelled; the finished one shows the counts and the
    Changes, and the downloaded re-plan breaks no rule
    (the independent verifier, as the re-plan itself is verified)."""
    from playwright.sync_api import expect

    from tests.replan.test_db import replan_violations

    _upload(page, server, MEDIUM)
    page.wait_for_selector("#valid", timeout=60_000)
    page.fill("#time-limit", SOLVE_SECONDS)
    page.click("#solve-button")
    page.wait_for_selector("#download-timetable", timeout=120_000)
    with page.expect_download() as info:
        page.click("#download-timetable")
    in_use = tmp_path / "medium-timetable.xlsx"
    info.value.save_as(str(in_use))

    def start_replan(limit: str, allow_moves: bool = False) -> None:
        page.fill("#replan-date", "2027-02-15")
        page.fill("#replan-limit", limit)
        page.set_checked("#replan-moves", allow_moves)
        page.set_input_files("#replan-file", str(in_use))
        page.click("#replan-button")

    # A long re-plan, cancelled while it runs: the page says so and offers nothing.
    start_replan("300", allow_moves=True)
    page.wait_for_selector("#cancel-button")
    assert page.is_visible("#p-phase") and page.is_visible("#p-placed")
    page.click("#cancel-button")
    expect(page.locator("#task-state")).to_contain_text("Geannuleerd", timeout=30_000)
    assert not page.is_visible("#download-replan")

    start_replan(SOLVE_SECONDS)
    page.wait_for_selector("#replan-counts", timeout=120_000)
    counts = {}
    for row in page.locator("#replan-counts tr").all():
        counts[row.locator("th").inner_text().strip()] = int(row.locator("td").inner_text())
    assert counts["Plaatsen behouden in hun groep"] > 0
    assert counts["Plaatsen naar een andere groep"] == 0  # no --allow-moves
    assert set(counts) >= {"Nieuwe plaatsen", "Plaatsen vrijgekomen (vertrokken)"}
    shown = page.locator("#changes tbody tr").count()
    heading = page.inner_text("#task h3")
    assert re.search(r"\((\d+)\)", heading) and shown <= int(re.findall(r"\d+", heading)[0])
    page.locator("#task").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "web-replan.png"))
    with page.expect_download() as info:
        page.click("#download-replan")
    assert info.value.suggested_filename == "medium-replan-2027-02-15-timetable.xlsx"
    replanned = tmp_path / "replanned.xlsx"
    info.value.save_as(str(replanned))
    assert replan_violations(MEDIUM, in_use, replanned, dt.date(2027, 2, 15)) == 0
