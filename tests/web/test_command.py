"""``scheduler serve``: safe defaults, the token beyond loopback, ``--open``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.web.app import is_loopback
from tests.helpers.web import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(monkeypatch):
    """Run ``scheduler serve`` without listening: record the config and the browser opened."""
    seen: dict = {"opened": []}

    def fake_run(self, sockets=None):
        seen["config"] = self.config
        self.started = True
        time.sleep(0.3)  # the --open thread sees the server up

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    monkeypatch.setattr("scheduler.web.command._bind", lambda host, port: None)
    monkeypatch.setattr("webbrowser.open", lambda url: seen["opened"].append(url))
    return seen


def test_loopback_by_default_without_a_token(served):
    result = CliRunner().invoke(main, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served["config"].host == "127.0.0.1" and served["config"].port == 8123
    assert "http://127.0.0.1:8123/" in result.output and "token" not in result.output
    assert served["opened"] == []


def test_beyond_loopback_a_token_is_generated_and_printed(served):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "needs a token" in result.output
    url = next(w for w in result.output.split() if w.startswith("http://"))
    token = url.split("?token=")[1]
    assert len(token) >= 24
    guard = served["config"].app.user_middleware[0]
    assert guard.kwargs["config"].token == token


def test_a_given_token_is_used(served):
    result = CliRunner().invoke(main, ["serve", "--host", "192.0.2.10", "--token", "abc123"])
    assert result.exit_code == 0
    assert "http://192.0.2.10:8000/?token=abc123" in result.output


def test_open_opens_the_browser_at_the_page(served):
    result = CliRunner().invoke(main, ["serve", "--open", "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert served["opened"] == ["http://127.0.0.1:8124/"]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.9.9.9", True), ("::1", True), ("localhost", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.org", False)],
)  # fmt: skip
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_a_port_in_use_is_one_sentence_and_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1 port {port}" in result.output
    assert "--port" in result.output


def test_ctrl_c_stops_with_a_sentence_and_exit_130(monkeypatch):
    def interrupted(self, sockets=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(uvicorn.Server, "run", interrupted)
    monkeypatch.setattr("scheduler.web.command._bind", lambda host, port: None)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 130
    assert "The server has stopped" in result.output


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and process groups")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_the_process_group_stops_server_and_solve_cleanly(tmp_path, signum, code):
    """Ctrl-C (or SIGTERM) reaches the whole process group, server and solving child: the
    server stops the child, deletes its files and leaves with 128 + the signal and one
    sentence."""
    port = free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", server)
        client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
        medium = (ROOT / "instances" / "medium.xlsx").read_bytes()
        job = client.post("/upload", files={"workbook": ("m.xlsx", medium)}).headers["location"]
        deadline = time.monotonic() + 60
        while client.get(job + "/state").json()["check"] != "done":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        client.post(job + "/solve", data={"time_limit": "300"})
        while client.get(job + "/state").json()["task"]["state"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(1)
        os.killpg(server.pid, signum)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.returncode == code, output
    assert "The server has stopped" in output
    assert "Traceback" not in output and "leaked" not in output
    assert not list(tmp_path.glob("scheduler-web-*"))  # its files are gone
