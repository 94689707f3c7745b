"""One background-operation helper: replica work on one worker thread, sync on its own thread.

After Anki's `CollectionOp(parent, fn).success(cb).run_in_background()`: the function runs on a
worker with the `AgentSession`, its result comes back to the GUI thread through a queued signal,
and the callbacks run there. A worker never touches a widget. SQLite has one writer, so all
replica work shares one thread (and runs in the order it was asked for); the network gets its own
so that a slow server never delays a search. Known errors (the agent's situation: `UserError`,
`SyncError`, `ReplicaError`) go to the op's `failure` callback, or, when the op has none, are
shown by the shell as a message (`Runner.error_unhandled`); anything else is a bug, reported once
through `Runner.bug_found`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from sfa_desktop.domain.messages import UserError
from sfa_desktop.local_db import ReplicaError
from sfa_desktop.sync.errors import SyncError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Errors a person can act on: shown as a message in their words, never as a crash.
KNOWN_ERRORS: tuple[type[BaseException], ...] = (UserError, SyncError, ReplicaError, TimeoutError)

REPLICA = "replica"
NETWORK = "network"


class Runner(QObject):
    """The two workers of the app. Built once by the app (or a test) and handed to every screen."""

    #: (exception): a bug in an operation; the shell logs it and shows the crash dialog once.
    bug_found = Signal(object)
    #: (parent, error): a known error no failure callback took; the shell shows it as a message.
    error_unhandled = Signal(object, object)
    #: (busy: bool): replica work queued or running, for a busy indicator.
    busy_changed = Signal(bool)
    _finished = Signal(object, object, object)  # (op, result, error), emitted by a worker

    def __init__(self, session: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._pools = {REPLICA: ThreadPoolExecutor(1, thread_name_prefix="sfa-replica"),
                       NETWORK: ThreadPoolExecutor(1, thread_name_prefix="sfa-network")}
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, op: Op[Any]) -> None:
        if self._closed:
            log.info("runner closed: %r not run", op.fn)
            return
        if op.lane == REPLICA:
            self._count(+1)
        self._pools[op.lane].submit(self._work, op)

    def _work(self, op: Op[Any]) -> None:
        try:
            result, error = op.fn(self.session), None
        except BaseException as exc:  # delivered to the GUI thread, which decides what it is
            result, error = None, exc
            if not isinstance(exc, KNOWN_ERRORS):
                log.error("operation %r failed", op.fn, exc_info=exc)
        if not self._closed:
            self._finished.emit(op, result, error)

    @Slot(object, object, object)
    def _deliver(self, op: Op[Any], result: Any, error: BaseException | None) -> None:
        if op.lane == REPLICA:
            self._count(-1)
        op.deliver(result, error, self)

    def _count(self, delta: int) -> None:
        with self._lock:
            before = self._pending
            self._pending += delta
            after = self._pending
        if (before == 0) != (after == 0):
            self.busy_changed.emit(after > 0)

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until the work already queued has run (tests, shutdown); results still arrive by signal."""
        for pool in self._pools.values():
            pool.submit(lambda: None).result(timeout=timeout)

    def close(self) -> None:
        """Stop accepting work and wait for what runs (never leave a worker inside the replica)."""
        self._closed = True
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)


class Op(Generic[T]):
    """One piece of background work: `ReplicaOp(parent, fn).success(cb).failure(cb).run(runner)`.

    `fn(session)` runs on the worker; `success(result)` and `failure(error)` run on the GUI thread,
    and only while `parent` still exists (a closed dialog gets no callback).
    """

    lane = REPLICA

    def __init__(self, parent: QObject | None, fn: Callable[[Any], T]) -> None:
        self.parent, self.fn = parent, fn
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._finally: Callable[[], None] | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        """Called with a known error (UserError, SyncError, ReplicaError); bugs go to the crash dialog."""
        self._failure = callback
        return self

    def finally_(self, callback: Callable[[], None]) -> Op[T]:
        """Called after success or failure (re-enable a button, hide a spinner)."""
        self._finally = callback
        return self

    def run(self, runner: Runner) -> Op[T]:
        runner.submit(self)
        return self

    def deliver(self, result: Any, error: BaseException | None, runner: Runner) -> None:
        if self.parent is not None and not shiboken6.isValid(self.parent):
            return
        try:
            if error is None:
                if self._success is not None:
                    self._success(result)
            elif isinstance(error, KNOWN_ERRORS) and self._failure is not None:
                self._failure(error)
            elif isinstance(error, KNOWN_ERRORS):
                runner.error_unhandled.emit(self.parent, error)
            else:
                runner.bug_found.emit(error)
        except Exception as bug:  # a callback's own bug: same crash dialog, never a silent loss
            log.exception("callback of %r failed", self.fn)
            runner.bug_found.emit(bug)
        finally:
            if self._finally is not None:
                self._finally()


class ReplicaOp(Op[T]):
    """Work on the encrypted replica (reads and operations), in order, on the one replica worker."""

    lane = REPLICA


class NetworkOp(Op[T]):
    """Work that talks to the server (sync, sign-in, office calls), on the network worker."""

    lane = NETWORK
