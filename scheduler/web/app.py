"""The web page: upload a term workbook, see its problems, solve or compare, download.

A Starlette application served by uvicorn (``scheduler serve``). Pages are rendered on the
server from Jinja2 templates (package data); one static script adds drag and drop, the size
check before an upload and the live progress (server-sent events). Every string comes from
``scheduler.web.i18n``: Dutch by default, ``?lang=en`` or ``?lang=fr`` (remembered in a cookie).

Safety: ``Guard`` checks the token (when one is set) on every request, refuses requests whose
Host is not this machine when the server listens on loopback (DNS rebinding) and forms posted
from another site, and adds a strict Content-Security-Policy and the usual headers to every
response. Uploads are refused while they stream once past the size limit; files live in the
job's folder under fixed names, and only random job ids and fixed download names appear in URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import secrets
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

import uvicorn
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scheduler.web import work
from scheduler.web.i18n import LANGUAGE_NAMES, STRINGS, language, translator
from scheduler.web.jobs import Job, JobManager
from scheduler.web.upload import ENVELOPE_BYTES, UploadMalformed, UploadTooLarge, receive_workbook

TOKEN_COOKIE = "scheduler_token"
LANG_COOKIE = "scheduler_lang"
TIME_LIMIT_RANGE = (1.0, 3600.0)
EXAMPLE_PROFILES = ("small", "medium")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# download name -> (file in the job's folder, kind of task that writes it, suffix, media type)
DOWNLOADS: dict[str, tuple[str, str, str, str]] = {
    "timetable": (work.TIMETABLE, "solve", "timetable.xlsx", XLSX),
    "calendars": (work.CALENDARS, "solve", "calendars.zip", "application/zip"),
    "registers": (work.REGISTERS, "solve", "registers.xlsx", XLSX),
    "comparison": (
        f"{work.COMPARISON_DIR}/{work.COMPARISON}",
        "compare",
        "scenarios.xlsx",
        XLSX,
    ),
    "comparison-zip": (work.COMPARISON_ZIP, "compare", "scenarios.zip", "application/zip"),
    "replan": (work.REPLANNED, "replan", "replan-{date}-timetable.xlsx", XLSX),
}


@dataclass(frozen=True)
class Config:
    """How the server runs; ``scheduler serve``'s options."""

    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_upload_mb: float = 20.0
    keep_hours: float = 24.0
    workers: int = 2
    max_running: int = 1

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses only this machine reaches."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


# ---------------------------------------------------------------------------------------------
# The guard: token, host, origin, and the security headers on every response
# ---------------------------------------------------------------------------------------------


class Guard:
    """ASGI middleware in front of every route (static files included)."""

    def __init__(self, app: ASGIApp, config: Config):
        self.app, self.config = app, config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        set_cookie = self._token_from_query(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if set_cookie:
                    cookie = (
                        f"{TOKEN_COOKIE}={self.config.token}; Path=/; HttpOnly; SameSite=Strict"
                    )
                    extra.append((b"set-cookie", cookie.encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        if refusal is not None:
            await PlainTextResponse(refusal, status_code=403)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _token_from_query(self, scope: Scope) -> bool:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        token = self.config.token
        return bool(token) and _same(given, token or "")

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> str | None:
        """Why the request is refused (one sentence for the browser), or None."""
        host = headers.get("host", "")
        if is_loopback(self.config.host) and not is_loopback(_host_name(host)):
            return f"This server answers only as 127.0.0.1 or localhost, not {host}."
        origin = headers.get("origin")
        # Browsers send Origin with every form POST; the page's own Referrer-Policy
        # (same-origin) keeps it a real origin rather than "null".
        if scope["method"] == "POST" and origin and origin != f"http://{host}":
            return "Forms are accepted only from this server's own pages."
        if self.config.token and not self._has_token(scope, headers):
            lang = language(_cookie(headers, LANG_COOKIE))
            return translator(lang)("forbidden")
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        token = self.config.token or ""
        return self._token_from_query(scope) or _same(_cookie(headers, TOKEN_COOKIE), token)


def _same(given: str | None, expected: str) -> bool:
    return bool(given) and secrets.compare_digest(str(given).encode(), expected.encode())


def _host_name(host_header: str) -> str:
    """``127.0.0.1`` from ``127.0.0.1:8000``, ``::1`` from ``[::1]:8000``."""
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _cookie(headers: dict[str, str], name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is the same as none
        return None
    return jar[name].value if name in jar else None


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


class Pages:
    """The routes, with the job manager and the templates they share."""

    def __init__(self, config: Config, manager: JobManager):
        self.config, self.manager = config, manager
        self.env = Environment(
            loader=PackageLoader("scheduler.web", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.downloads_lock = threading.Lock()

    def lang(self, request: Request) -> str:
        asked = request.query_params.get("lang")
        return language(asked if asked in STRINGS else request.cookies.get(LANG_COOKIE))

    def render(self, request: Request, template: str, status: int = 200, **context) -> Response:
        lang = self.lang(request)
        html = self.env.get_template(template).render(
            t=translator(lang),
            lang=lang,
            languages=LANGUAGE_NAMES,
            path=request.url.path,
            max_mb=f"{self.config.max_upload_mb:g}",
            max_bytes=self.config.max_upload_bytes,
            keep_hours=f"{self.config.keep_hours:g}",
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if request.query_params.get("lang") in STRINGS:
            response.set_cookie(LANG_COOKIE, lang, samesite="strict", httponly=True)
        return response

    def job_or_404(self, request: Request) -> Job | Response:
        job = self.manager.get(request.path_params["job_id"])
        if job is None:
            return self.render(request, "missing.html", status=404)
        return job

    # -- upload -------------------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        return self.render(request, "index.html", profiles=EXAMPLE_PROFILES)

    async def upload(self, request: Request) -> Response:
        """Stream the workbook into a new job's folder; the job page checks it."""
        limit = self.config.max_upload_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + ENVELOPE_BYTES:
            return self._upload_refused(request, "too_large", 413)
        job_id, folder = self.manager.reserve()
        try:
            name, _ = await receive_workbook(
                request.stream(), request.headers.get("content-type"), folder / work.WORKBOOK, limit
            )
        except UploadTooLarge:
            self.manager.discard(folder)
            return self._upload_refused(request, "too_large", 413)
        except (UploadMalformed, ClientDisconnect):
            self.manager.discard(folder)
            return self._upload_refused(request, "no_file", 400)
        self.manager.add(job_id, folder, name)
        return RedirectResponse(f"/job/{job_id}", status_code=303)

    def _upload_refused(self, request: Request, key: str, status: int) -> Response:
        response = self.render(
            request, "index.html", status=status, profiles=EXAMPLE_PROFILES, error=key
        )
        # The rest of a refused body is not read: the connection closes after this answer.
        response.headers["connection"] = "close"
        return response

    # -- the job page -------------------------------------------------------------------------

    async def job_page(self, request: Request) -> Response:
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        return self.render(request, "job.html", **self._job_context(job))

    def _job_context(self, job: Job, error: str | None = None, **extra) -> dict[str, Any]:
        with self.manager.lock:
            check, task = job.check, job.task
            result = check.result or {}
            problems = result.get("problems", [])
            return {
                "job": job,
                "check": check,
                "check_result": result,
                "errors": [p for p in problems if p["severity"] == "error"],
                "warnings": [p for p in problems if p["severity"] != "error"],
                "facts": result.get("facts"),
                "task": task,
                "position": self.manager.position(job),
                "elapsed": task.elapsed() if task else 0.0,
                "downloads": self._available(job),
                "form_error": error,
                "limits": TIME_LIMIT_RANGE,
                "check_timeout": f"{job.check.timeout():g}",
                **extra,
            }

    def _available(self, job: Job) -> list[str]:
        task = job.task
        if task is None or task.state != "done":
            return []
        return [
            name
            for name, (file, kind, _, _) in DOWNLOADS.items()
            if kind == task.kind and (job.folder / file).is_file()
        ]

    async def state(self, request: Request) -> Response:
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        return JSONResponse(self.snapshot(job))

    def snapshot(self, job: Job) -> dict[str, Any]:
        """What the script needs to update the page, as plain data."""
        with self.manager.lock:
            task = job.task
            return {
                "version": job.version,
                "check": job.check.state,
                "task": None
                if task is None
                else {
                    "kind": task.kind,
                    "state": task.state,
                    "position": self.manager.position(job),
                    "elapsed": round(task.elapsed(), 1),
                    "limit": task.params.get("time_limit"),
                    "progress": dict(task.progress),
                },
            }

    async def events(self, request: Request) -> Response:
        """Server-sent events: the job's state on every change (and each second while it runs)
        until nothing of it runs or waits any more."""
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        return StreamingResponse(
            self._stream(request, job),
            media_type="text/event-stream",
            headers={"x-accel-buffering": "no"},
        )

    async def _stream(self, request: Request, job: Job) -> AsyncIterator[str]:
        sent, ticks = -1, 0
        while True:
            busy = job.busy
            if job.version != sent or ticks >= 4:
                sent, ticks = job.version, 0
                yield f"data: {json.dumps(self.snapshot(job))}\n\n"
            if not busy or self.manager.stopping.is_set() or await request.is_disconnected():
                return  # the browser reconnects by itself while the server runs
            await asyncio.sleep(0.25)
            ticks += 1

    # -- solve, compare, cancel ---------------------------------------------------------------

    async def solve(self, request: Request) -> Response:
        return await self._submit(request, "solve")

    async def compare(self, request: Request) -> Response:
        return await self._submit(request, "compare")

    async def _submit(self, request: Request, kind: str) -> Response:
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        form = await request.form()
        facts = (job.check.result or {}).get("facts")
        if facts is None:
            return RedirectResponse(f"/job/{job.id}", status_code=303)
        params: dict[str, Any] = {}
        limit = _time_limit(form.get("time_limit"))
        if limit is None:
            return self._form_error(request, job, "bad_time_limit")
        params["time_limit"] = limit
        if kind == "compare":
            chosen = [str(v) for v in form.getlist("scenario")]
            params["scenarios"] = [n for n in facts["scenarios"] if n in chosen]
            if not params["scenarios"]:
                return self._form_error(request, job, "no_scenarios_chosen")
        if self.manager.submit(job, kind, params) is None:
            return self._form_error(request, job, "busy")
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    async def replan(self, request: Request) -> Response:
        """Stream the timetable in use into the job's folder (fixed name, the workbook's size
        limit), then queue its re-plan from the form's date."""
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        if (job.check.result or {}).get("facts") is None:
            return RedirectResponse(f"/job/{job.id}", status_code=303)
        if job.busy:
            return self._form_error(request, job, "busy")
        limit = self.config.max_upload_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + ENVELOPE_BYTES:
            return self._form_error(request, job, "too_large", 413)
        fields: dict[str, str] = {}
        try:
            name, _ = await receive_workbook(
                request.stream(),
                request.headers.get("content-type"),
                job.folder / work.CURRENT,
                limit,
                field="timetable",
                fields=fields,
            )
        except UploadTooLarge:
            return self._form_error(request, job, "too_large", 413)
        except (UploadMalformed, ClientDisconnect):
            return self._form_error(request, job, "no_timetable_file")
        day = _date(fields.get("date"))
        if day is None:
            return self._form_error(request, job, "bad_date")
        limit_s = _time_limit(fields.get("time_limit"))
        if limit_s is None:
            return self._form_error(request, job, "bad_time_limit")
        params = {
            "date": day,
            "allow_moves": bool(fields.get("allow_moves")),
            "time_limit": limit_s,
            "current_name": name,
        }
        if self.manager.submit(job, "replan", params) is None:
            return self._form_error(request, job, "busy")
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    def _form_error(self, request: Request, job: Job, key: str, status: int = 400) -> Response:
        response = self.render(request, "job.html", status=status, **self._job_context(job, key))
        if status == 413:
            response.headers["connection"] = "close"  # the rest of the body is not read
        return response

    async def cancel(self, request: Request) -> Response:
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        await run_in_threadpool(self.manager.cancel, job)
        return RedirectResponse(f"/job/{job.id}", status_code=303)

    # -- downloads ----------------------------------------------------------------------------

    async def download(self, request: Request) -> Response:
        """A file the job's last task wrote, under a fixed name."""
        job = self.job_or_404(request)
        if isinstance(job, Response):
            return job
        what = request.path_params["what"]
        if what not in self._available(job):
            return self.render(request, "missing.html", status=404)
        file, _, suffix, media = DOWNLOADS[what]
        if job.task is not None:
            suffix = suffix.replace("{date}", str(job.task.params.get("date", "")))
        return FileResponse(
            job.folder / file,
            media_type=media,
            headers={"content-disposition": attachment(f"{_stem(job.name)}-{suffix}")},
        )

    async def template(self, request: Request) -> Response:
        path = await run_in_threadpool(self._generated, "template", None)
        return _attachment_response(path, "term-template.xlsx")

    async def example(self, request: Request) -> Response:
        profile = request.path_params["profile"]
        if profile not in EXAMPLE_PROFILES:
            return self.render(request, "missing.html", status=404)
        path = await run_in_threadpool(self._generated, "example", profile)
        return _attachment_response(path, f"example-{profile}.xlsx")

    def _generated(self, what: str, profile: str | None) -> Path:
        """The blank template or an example term, made once per server (fixed names)."""
        folder = self.manager.root / "downloads"
        folder.mkdir(exist_ok=True)
        path = folder / (f"example-{profile}.xlsx" if profile else "template.xlsx")
        with self.downloads_lock:
            if not path.exists():
                _write_download(what, profile, path)
        return path


def _write_download(what: str, profile: str | None, path: Path) -> None:
    from scheduler.workbook.example import generate
    from scheduler.workbook.template import write_template
    from scheduler.workbook.write import write_workbook

    if what == "template":
        write_template(path)
    else:
        write_workbook(generate(profile or "small", seed=1), path)


def _time_limit(value: Any) -> float | None:
    """The form's time limit in seconds, or None when it is not a number in range."""
    try:
        seconds = float(str(value).replace(",", "."))
    except ValueError:
        return None
    low, high = TIME_LIMIT_RANGE
    return seconds if low <= seconds <= high else None


def _date(value: Any) -> str | None:
    """The form's date as YYYY-MM-DD, or None when it is not a date."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        return None


def _stem(name: str) -> str:
    """A download's name from the uploaded file's name: ASCII letters, digits, ``-._``."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:60] or "term"


def attachment(filename: str) -> str:
    """A Content-Disposition header value that makes the browser save ``filename``."""
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


def _attachment_response(path: Path, filename: str) -> Response:
    return FileResponse(
        path, media_type=XLSX, headers={"content-disposition": attachment(filename)}
    )


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------

STATIC = Path(__file__).parent / "static"


def create_app(config: Config, manager: JobManager | None = None) -> Starlette:
    """The ASGI application for ``config``; its jobs' files are deleted when it shuts down."""
    manager = manager or JobManager(config.workers, config.max_running, config.keep_hours)
    pages = Pages(config, manager)
    routes = [
        Route("/", pages.index),
        Route("/upload", pages.upload, methods=["POST"]),
        Route("/download/template.xlsx", pages.template),
        Route("/download/example-{profile}.xlsx", pages.example),
        Route("/job/{job_id}", pages.job_page),
        Route("/job/{job_id}/state", pages.state),
        Route("/job/{job_id}/events", pages.events),
        Route("/job/{job_id}/solve", pages.solve, methods=["POST"]),
        Route("/job/{job_id}/compare", pages.compare, methods=["POST"]),
        Route("/job/{job_id}/replan", pages.replan, methods=["POST"]),
        Route("/job/{job_id}/cancel", pages.cancel, methods=["POST"]),
        Route("/job/{job_id}/download/{what}", pages.download),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(_sweep_forever(manager))
        try:
            yield
        finally:
            sweeper.cancel()
            await run_in_threadpool(manager.shutdown)

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.manager = manager
    app.add_middleware(Guard, config=config)
    return app


class Server(uvicorn.Server):
    """uvicorn's server, telling the jobs when Ctrl-C (or SIGTERM) arrives, so that open
    progress streams end before the server waits for its connections to close."""

    def __init__(self, manager: JobManager, config: uvicorn.Config):
        super().__init__(config)
        self.manager = manager

    def handle_exit(self, sig, frame) -> None:
        self.manager.stopping.set()
        super().handle_exit(sig, frame)


async def _sweep_forever(manager: JobManager, every: float = 60.0) -> None:
    """Delete old jobs once a minute, for as long as the server runs."""
    while True:
        await asyncio.sleep(every)
        await run_in_threadpool(manager.sweep_old)
