"""Jobs of the web page: one uploaded workbook each, checked, then solved or compared.

A ``Job`` is one upload, known by a random id (the only handle the browser gets: it is in the
page's URL, so a reload finds the job again). Its folder in the server's temporary directory
holds only files with fixed names (``scheduler.web.work``). Each ``Task`` (check, solve,
compare) runs in a child process started with ``spawn``; a watcher thread reads its progress
from a queue, stops it when it overruns its time, and starts the next queued task when it ends.

Solves and comparisons share ``max_running`` slots (one by default: a solve uses the machine's
cores); more wait in a queue whose position the page shows. Checks have slots of their own, so
an upload is checked while a solve runs. Jobs live in memory: a server restart forgets them
(and deletes their folder); ``sweep_old`` deletes a job some hours after its last use.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue as queue_module
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scheduler.web import work

STATES_WAITING = ("queued", "running")
CHECK_SLOTS = 2
CHECK_TIMEOUT_S = 120.0  # reading a real term takes a few seconds; a hostile file is stopped
SOLVE_MARGIN_S = 120.0  # building the model and writing, on top of the solver's own cap
WALL_CLOCK_FACTOR = 3.0  # the solver's own safety cap is 3x its limit (scheduler.solve)
STOP_GRACE_S = 5.0


@dataclass
class Task:
    """One run in a child process: what it is, where it stands, and what it gave."""

    kind: str  # check, solve, compare
    params: dict[str, Any] = field(default_factory=dict)
    state: str = "queued"  # queued, running, done, failed, cancelled
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None  # why it failed: "timeout" or the child's one sentence
    started: float | None = None
    finished: float | None = None
    cancel_requested: bool = False
    process: Any = None

    @property
    def waiting(self) -> bool:
        return self.state in STATES_WAITING

    def elapsed(self, now: float | None = None) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or now or time.monotonic()) - self.started

    def timeout(self) -> float:
        """Seconds after which the child is stopped as overrunning."""
        if self.kind == "check":
            return CHECK_TIMEOUT_S
        limit = float(self.params.get("time_limit", 60.0))
        solves = len(self.params.get("scenarios", ())) + 2 if self.kind == "compare" else 1
        return solves * (limit * WALL_CLOCK_FACTOR + SOLVE_MARGIN_S)


@dataclass
class Job:
    """One uploaded workbook: its folder, the check of it, and its latest solve or compare."""

    id: str
    folder: Path
    name: str  # the file name the browser gave, for display only
    check: Task
    task: Task | None = None
    created: float = field(default_factory=time.time)
    touched: float = field(default_factory=time.monotonic)
    version: int = 0  # bumped on every change, so that the event stream sends only news

    @property
    def busy(self) -> bool:
        return self.check.waiting or (self.task is not None and self.task.waiting)


def new_id() -> str:
    """A random job id: 128 bits, URL-safe, never derived from anything the user sent."""
    return secrets.token_urlsafe(16)


class JobManager:
    """Every job of one server, the queues of tasks waiting to run, and their children."""

    def __init__(self, workers: int = 2, max_running: int = 1, keep_hours: float = 24.0):
        self.workers = workers
        self.max_running = max_running
        self.keep_seconds = keep_hours * 3600
        self._root: Path | None = None
        self.stopping = threading.Event()  # set when the server begins to shut down
        self.jobs: dict[str, Job] = {}
        self.lock = threading.RLock()
        self.queues: dict[str, list[tuple[Job, Task]]] = {"check": [], "solve": []}
        self.running: dict[str, int] = {"check": 0, "solve": 0}
        self.context = multiprocessing.get_context("spawn")
        self.watchers: list[threading.Thread] = []

    @property
    def root(self) -> Path:
        """The server's temporary folder, made on first use (so that a manager that never
        served leaves nothing behind); ``shutdown`` deletes it."""
        with self.lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="scheduler-web-"))
            return self._root

    # -- jobs ---------------------------------------------------------------------------------

    def reserve(self) -> tuple[str, Path]:
        """A fresh job id and its (new, empty) folder, for an upload to stream into."""
        job_id = new_id()
        folder = self.root / job_id
        folder.mkdir()
        return job_id, folder

    def discard(self, folder: Path) -> None:
        """Delete a reserved folder whose upload was refused."""
        shutil.rmtree(folder, ignore_errors=True)

    def add(self, job_id: str, folder: Path, name: str) -> Job:
        """Register the uploaded workbook in ``folder`` and queue its check."""
        job = Job(job_id, folder, name, Task("check", {"name": name}))
        with self.lock:
            self.jobs[job_id] = job
            self._enqueue(job, job.check)
        return job

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            job = self.jobs.get(job_id)
            if job is not None:
                job.touched = time.monotonic()
            return job

    def position(self, job: Job) -> int | None:
        """1 for the next solve to start, 2 after it ...; None when not queued."""
        with self.lock:
            for i, (queued, _) in enumerate(self.queues["solve"], start=1):
                if queued is job:
                    return i
        return None

    # -- tasks --------------------------------------------------------------------------------

    def submit(self, job: Job, kind: str, params: dict[str, Any]) -> Task | None:
        """Queue a solve or compare of ``job``; None when the job is already busy."""
        with self.lock:
            if job.busy:
                return None
            job.task = Task(kind, {**params, "workers": self.workers})
            self._enqueue(job, job.task)
            return job.task

    def cancel(self, job: Job) -> None:
        """Stop the job's solve or compare: drop it from the queue or end its process."""
        with self.lock:
            task = job.task
            if task is None or not task.waiting:
                return
            task.cancel_requested = True
            if task.state == "queued":
                self.queues["solve"] = [(j, t) for j, t in self.queues["solve"] if t is not task]
                self._finish(job, task, "cancelled")
                self._dispatch()  # the jobs behind it move up a place
                return
            process = task.process
        if process is not None:
            process.terminate()  # the watcher sees it end and marks the task cancelled

    def _pool(self, task: Task) -> str:
        return "check" if task.kind == "check" else "solve"

    def _slots(self, pool: str) -> int:
        return CHECK_SLOTS if pool == "check" else self.max_running

    def _enqueue(self, job: Job, task: Task) -> None:
        self.queues[self._pool(task)].append((job, task))
        self._bump(job)
        self._dispatch()

    def _dispatch(self) -> None:
        """Start queued tasks while their pool has free slots (called with the lock held)."""
        for pool, waiting in self.queues.items():
            while waiting and self.running[pool] < self._slots(pool):
                job, task = waiting.pop(0)
                self.running[pool] += 1
                self._start(job, task)
            for queued, _ in waiting:
                self._bump(queued)  # their positions moved

    def _start(self, job: Job, task: Task) -> None:
        """Start the child process of ``task`` and the thread that watches it."""
        channel = self.context.Queue()
        process = self.context.Process(
            target=work.run,
            args=(task.kind, str(job.folder), task.params, channel),
            name=f"scheduler-{task.kind}",
            daemon=True,
        )
        task.state, task.started, task.process = "running", time.monotonic(), process
        self._clear_outputs(job, task)
        try:
            process.start()
        except OSError as exc:  # no process could be made (out of memory, process limit)
            task.error = f"the process could not start ({exc})"
            self._finish(job, task, "failed")
            self.running[self._pool(task)] -= 1
            return
        watcher = threading.Thread(
            target=self._watch, args=(job, task, process, channel), daemon=True
        )
        self.watchers.append(watcher)
        watcher.start()
        self._bump(job)

    def _clear_outputs(self, job: Job, task: Task) -> None:
        """A new solve or compare replaces what the previous one of that kind wrote."""
        names = {
            "solve": (work.TIMETABLE, work.CALENDARS, "calendars"),
            "compare": (work.COMPARISON_ZIP, work.COMPARISON_DIR),
            "replan": (work.REPLANNED,),
        }.get(task.kind, ())
        for name in names:
            path = job.folder / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):  # Windows: a file still being downloaded
                    path.unlink(missing_ok=True)

    def _watch(self, job: Job, task: Task, process: Any, channel: Any) -> None:
        """Relay the child's messages until it ends; stop it when it overruns."""
        outcome: tuple[str, Any] | None = None
        deadline = time.monotonic() + task.timeout()
        while outcome is None:
            try:
                kind, payload = channel.get(timeout=0.25)
            except (EOFError, OSError):  # the child died while writing to the queue
                break
            except queue_module.Empty:
                if not process.is_alive():
                    break  # ended without a word: terminated or crashed
                if time.monotonic() > deadline:
                    _stop(process)
                    outcome = ("timeout", None)
                continue
            if kind == "progress":
                with self.lock:
                    task.progress.update(payload)
                    self._bump(job)
            elif time.monotonic() > deadline:
                # The answer came, but only after the limit: it overran all the same (a fast
                # machine must not make a limit look kept that a slow one would not).
                outcome = ("timeout", None)
            else:
                outcome = (kind, payload)
        if outcome is not None and outcome[0] != "timeout":
            process.join(STOP_GRACE_S)  # let it exit on its own after its last word
        _stop(process)
        channel.close()
        channel.join_thread()
        self._settle(job, task, outcome, process.exitcode)
        with self.lock:
            self.watchers.remove(threading.current_thread())

    def _settle(self, job: Job, task: Task, outcome: tuple[str, Any] | None, code) -> None:
        """Record how the task ended and let the next one start."""
        with self.lock:
            if task.cancel_requested and (outcome is None or outcome[0] != "done"):
                self._finish(job, task, "cancelled")
            elif outcome is None:
                task.error = f"the process ended unexpectedly (exit code {code})"
                self._finish(job, task, "failed")
            elif outcome[0] == "done":
                task.result = outcome[1]
                self._finish(job, task, "done")
            elif outcome[0] == "timeout":
                task.error = "timeout"
                self._finish(job, task, "failed")
            else:
                task.error = str(outcome[1])
                self._finish(job, task, "failed")
            self.running[self._pool(task)] -= 1
            self._dispatch()

    def _finish(self, job: Job, task: Task, state: str) -> None:
        task.state, task.finished, task.process = state, time.monotonic(), None
        job.touched = time.monotonic()
        self._bump(job)

    def _bump(self, job: Job) -> None:
        job.version += 1  # the event stream polls it

    # -- housekeeping -------------------------------------------------------------------------

    def sweep_old(self, now: float | None = None) -> list[str]:
        """Delete jobs unused for ``keep_hours`` (never one that runs or waits); their ids."""
        now = time.monotonic() if now is None else now
        with self.lock:
            old = [
                job
                for job in self.jobs.values()
                if not job.busy and now - job.touched > self.keep_seconds
            ]
            for job in old:
                del self.jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)
        return [job.id for job in old]

    def shutdown(self) -> None:
        """Stop every child and delete every job's files."""
        self.stopping.set()
        with self.lock:
            for waiting in self.queues.values():
                waiting.clear()
            processes = [
                t.process
                for job in self.jobs.values()
                for t in (job.check, job.task)
                if t is not None and t.process is not None
            ]
            for job in self.jobs.values():
                for t in (job.check, job.task):
                    if t is not None and t.waiting:
                        t.cancel_requested = True
        for process in processes:
            _stop(process)
        # Each watcher releases its queue (and the queue's semaphores) as it ends; the
        # process may leave without Python's clean-up (os._exit) right after this.
        for watcher in list(self.watchers):
            watcher.join(STOP_GRACE_S)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)


def _stop(process: Any) -> None:
    """End a child: terminate, then kill if it has not gone after a grace period."""
    if process.is_alive():
        process.terminate()
        process.join(STOP_GRACE_S)
    if process.is_alive():
        process.kill()
    process.join(STOP_GRACE_S)
