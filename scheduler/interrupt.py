"""Ctrl-C, SIGTERM and SIGHUP: stop the search on the first, leave at once on the second.

A coordinator who presses Ctrl-C during a solve wants it to stop, and wants the previous
timetable left alone. So, while a command runs (``handling()``):

- during a search (``searching()``) the first signal asks every running CP-SAT solver to stop
  and lets the command finish what it does with the best timetable found (``solve`` writes
  nothing unless ``--keep-best``); any later signal raises ``Interrupted`` at once;
- outside a search any signal raises ``Interrupted`` at once; ``finally`` blocks and
  ``save_atomic`` clean up on the way out, and the CLI exits 128 + the signal number (130
  for SIGINT, 143 for SIGTERM, 129 for SIGHUP).

Two facts about CP-SAT shape this module. A Python signal handler only runs in the main thread
between bytecodes, never while that thread sits inside ``CpSolver.solve``; so a search runs in
a worker thread (``run_in_thread``) while the main thread waits in a loop that signals can
interrupt. And CP-SAT installs its own SIGINT handler during a solve and leaves SIGINT at the
default action afterwards unless ``catch_sigint_signal`` is off; every solver made by
``new_solver`` has it off, and ``handling`` puts its handlers back if anything replaced them.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # OR-Tools loads only for a solve; the handlers go in before it
    from ortools.sat.python import cp_model

T = TypeVar("T")

SIGNALS: tuple[int, ...] = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_NAMES = {"SIGINT": "Ctrl-C", "SIGTERM": "SIGTERM (a request to stop)", "SIGHUP": "SIGHUP"}
# How often the waiting main thread wakes up to re-send a stop a solver may have missed.
_POLL_SECONDS = 0.1


class Interrupted(BaseException):
    """A signal ended the command. A BaseException, like KeyboardInterrupt, so that the
    ``except Exception`` blocks that turn errors into messages never swallow it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number."""
        return 128 + self.signum

    def __str__(self) -> str:
        return f"stopped by {signal_name(self.signum)}"


def signal_name(signum: int) -> str:
    """``Ctrl-C`` for SIGINT, the signal's name otherwise."""
    try:
        name = signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
    return _NAMES.get(name, name)


class _State:
    """What the handler needs: whether a stop was asked, and which solvers are running."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stop_signal: int | None = None
        self.raised: int | None = None  # the signal that raised Interrupted, if one did
        self.searching = 0
        self.solvers: set[cp_model.CpSolver] = set()

    def reset(self) -> None:
        with self.lock:
            self.stop_signal = None
            self.raised = None
            self.searching = 0


_state = _State()


def stop_requested() -> int | None:
    """The signal that asked the search to stop, or None."""
    return _state.stop_signal


def _stop_all() -> None:
    """Ask every running solver to stop (in a thread: ``stop_search`` takes a lock that the
    interrupted main thread might hold)."""
    with _state.lock:
        solvers = list(_state.solvers)
    for solver in solvers:
        solver.stop_search()


def _handler(signum: int, _frame: Any) -> None:
    if _state.searching and _state.stop_signal is None:
        _state.stop_signal = signum
        threading.Thread(target=_stop_all, name="stop-search", daemon=True).start()
        return
    threading.Thread(target=_stop_all, name="stop-search", daemon=True).start()
    _state.raised = signum
    raise Interrupted(signum)


def raised() -> int | None:
    """The signal that interrupted the command, if one did. A signal that lands inside C code
    (an extension module being imported, say) can surface as another exception; the command
    line then still reports the interruption, not a bug."""
    return _state.raised


def _install() -> dict[int, Any]:
    previous = {}
    for signum in SIGNALS:
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, _handler)
    return previous


@contextmanager
def handling() -> Iterator[None]:
    """Handle SIGINT, SIGTERM and SIGHUP as this module describes while the block runs (only
    in the main thread; elsewhere signals cannot be handled and the block runs as it is).
    The previous handlers are restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.reset()
    previous = {} if installed() else _install()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _state.reset()


def install() -> None:
    """Handle signals as this module describes until the process ends (the console entry
    point: a signal between the end of a command and the end of the process must not kill
    it with the default action)."""
    _install()


def installed() -> bool:
    """Whether this module's handler handles SIGINT now."""
    return bool(SIGNALS) and signal.getsignal(SIGNALS[0]) is _handler


@contextmanager
def searching() -> Iterator[None]:
    """Inside this block the first signal stops the search instead of raising."""
    with _state.lock:
        _state.searching += 1
    try:
        yield
    finally:
        with _state.lock:
            _state.searching -= 1


def new_solver() -> cp_model.CpSolver:
    """A CpSolver that leaves SIGINT to this module (see the module docstring)."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


def solve(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    stoppable: bool = True,
) -> Any:
    """``solver.solve(model, callback)``, stopped by the first signal when ``stoppable``.

    A stoppable solve that starts after a stop was asked gets no time at all (it returns
    at once, usually UNKNOWN); ``stoppable=False`` is for the short solves that turn the best
    timetable found into a result, which ``--keep-best`` needs even after a signal.
    """
    solver.parameters.catch_sigint_signal = False
    if not stoppable:
        return solver.solve(model, callback)
    with _state.lock:
        _state.solvers.add(solver)
    try:
        if _state.stop_signal is not None:
            solver.parameters.max_time_in_seconds = 0.0
        return solver.solve(model, callback)
    finally:
        with _state.lock:
            _state.solvers.discard(solver)


def run_in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a worker thread while the main thread waits where signals
    reach it; its result or exception is passed on. Called elsewhere than the main thread
    with the handlers installed, it just calls ``fn``."""
    if not installed() or threading.current_thread() is not threading.main_thread():
        return fn(*args, **kwargs)
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # passed on to the main thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="search", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_POLL_SECONDS)
        if _state.stop_signal is not None:
            _stop_all()  # a solver that started just after the signal missed the first stop
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def ignore_in_child() -> None:
    """For worker processes (``compare``): the parent decides what a Ctrl-C does, so a
    Ctrl-C at the terminal, which reaches every process of the group, is ignored here."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
