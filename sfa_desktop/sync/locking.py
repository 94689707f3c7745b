"""One sync at a time per replica: a thread lock plus an OS file lock for other processes."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from types import TracebackType

from sfa_desktop.sync.errors import SyncInProgressError

_THREAD_LOCKS: dict[str, threading.Lock] = {}
_REGISTRY_LOCK = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _REGISTRY_LOCK:
        return _THREAD_LOCKS.setdefault(str(path.resolve()), threading.Lock())


class SyncLock:
    """Non-blocking: a second sync raises SyncInProgressError instead of waiting.

    The OS releases the file lock when the process dies (even by SIGKILL), so a crash never
    leaves the replica locked.
    """

    def __init__(self, lock_path: Path | str) -> None:
        self.path = Path(lock_path)
        self._thread = _thread_lock(self.path)
        self._fd: int | None = None

    def acquire(self) -> None:
        if not self._thread.acquire(blocking=False):
            raise SyncInProgressError("another sync in this application is running")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                _lock_file(fd)
            except OSError:
                os.close(fd)
                raise SyncInProgressError("another program is syncing this local database") from None
            self._fd = fd
        except BaseException:
            self._thread.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock_file(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None
                self._thread.release()

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds
    import msvcrt

    def _lock_file(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
