"""The ``scheduler serve`` command: start the web page (uvicorn) and optionally open it.

Only click is imported here, so that ``scheduler --help`` stays fast; the server's modules are
imported when the command runs.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import webbrowser
from typing import NoReturn

import click

from scheduler.console import workers_option

EXIT_INTERRUPTED = 130  # as every command after Ctrl-C


def _url(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"  # the address that works from this machine's own browser
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--token",
    default=None,
    help="Access token every request must carry; required (or generated) when --host is not "
    "this machine only.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@click.option(
    "--max-upload-mb",
    type=click.FloatRange(min=0.1, max=500),
    default=20.0,
    show_default=True,
    help="Largest workbook accepted.",
)
@click.option(
    "--keep-hours",
    type=click.FloatRange(min=0.01),
    default=24.0,
    show_default=True,
    help="Delete a job's files this long after its last use.",
)
@workers_option(2, "Parallel search workers per solve.")
@click.option(
    "--max-running",
    type=click.IntRange(min=1, max=16),
    default=1,
    show_default=True,
    help="Solves at once; more wait in a queue.",
)
def serve(
    host: str,
    port: int,
    token: str | None,
    open_browser: bool,
    max_upload_mb: float,
    keep_hours: float,
    workers: int,
    max_running: int,
) -> None:
    """Start the web page: upload a workbook, solve it, download the timetable.

    Listens on this machine only (127.0.0.1) unless --host says otherwise; then every request
    must carry a token (given with --token, or generated and printed with the URL). Stop the
    server with Ctrl-C; its files are deleted then.

    \b
    Example:
      scheduler serve --open
      scheduler serve --host 0.0.0.0 --port 8080 --token s3cret
    """
    import uvicorn

    from scheduler.interrupt import Interrupted
    from scheduler.web.app import Config, Server, create_app, is_loopback, new_token

    if not is_loopback(host) and not token:
        token = new_token()
        click.echo(
            f"--host {host} reaches beyond this machine, so every request needs a token; "
            "generated one (give --token to choose it).",
            err=True,
        )
    config = Config(host, port, token, max_upload_mb, keep_hours, workers, max_running)
    listening = _bind(host, port)
    url = _url(host, port, token)
    click.echo(f"The scheduler's page is at {url}  (Ctrl-C stops the server)", err=True)
    app = create_app(config)
    server = Server(
        app.state.manager,
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            # An open progress stream must not keep Ctrl-C from stopping the server.
            timeout_graceful_shutdown=3,
        ),
    )
    if open_browser:
        threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
    try:
        server.run(sockets=[listening])
    except KeyboardInterrupt:  # uvicorn stops cleanly, then raises the signal again
        _stopped(EXIT_INTERRUPTED)
    except Interrupted as exc:  # the same, under the command line's signal handling
        _stopped(exc.exit_code)  # 130 for Ctrl-C, 143 for SIGTERM


def _stopped(code: int) -> NoReturn:
    """Say that the server stopped and leave with ``code``. SystemExit, not click's Exit: an
    Exception raised after a signal would be reported as the interruption a second time."""
    click.echo("The server has stopped; its files are deleted.", err=True)
    sys.exit(code)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one clear sentence (exit 2)
    rather than the server's log line."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        if os.name != "nt":  # on Windows the option would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        click.echo(
            f"Error: cannot listen on {host} port {port} ({exc.strerror or exc}); another "
            "program may use that port: choose another with --port",
            err=True,
        )
        raise click.exceptions.Exit(2) from None
    sock.set_inheritable(True)
    return sock


def _open_when_up(server, url: str) -> None:
    """Open ``url`` in the default browser as soon as the server accepts connections."""
    import time

    for _ in range(200):
        if server.started:
            webbrowser.open(url)
            return
        time.sleep(0.05)
