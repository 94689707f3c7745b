"""A first sync's pages fetched and prepared ahead of the writer, on two threads of their own.

The fetching thread asks for the next page as soon as it knows the page's cursor: from the
answer's X-SFA-Next-Cursor header, before a byte of the body is decoded (a server without the
header: from the decoded body). The preparing thread decodes each body and validates and binds it
(`prepare`), and the caller's thread only writes. So the server produces page n+1 while the client
decodes page n and writes page n-1. At most `depth` answers wait to be decoded and `depth` pages
are decoded ahead of the writer (a first sync's memory stays bounded); a failure in either stage is
raised to the writer in its turn, after the pages before it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sfa_desktop.sync.protocol import MAX_CURSOR_LENGTH

_POLL_SECONDS = 0.05

R = TypeVar("R")  # a fetched answer
P = TypeVar("P")  # a prepared page


def next_cursor(doc: Any) -> str | None:
    """The cursor to fetch after this decoded page, or None when it is the last (or not a valid
    page: the writer's own checks then say what is wrong with it)."""
    if not isinstance(doc, dict) or doc.get("has_more") is not True:
        return None
    cursor = doc.get("cursor")
    return cursor if isinstance(cursor, str) and 0 < len(cursor) <= MAX_CURSOR_LENGTH else None


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


class PagesAhead(Generic[R, P]):
    """`fetch(cursor)` from `cursor` on, each answer turned into a page by `prepare(answer)` on a
    second thread; `follow(answer)` is the next cursor known before preparing (None: not known yet),
    `following(page)` the one known after (None: the last page)."""

    def __init__(self, fetch: Callable[[str | None], R], prepare: Callable[[R], P], cursor: str | None, *,
                 follow: Callable[[R], str | None], following: Callable[[P], str | None], depth: int = 1) -> None:
        self._fetch, self._prepare, self._follow, self._following = fetch, prepare, follow, following
        self._fetched: queue.Queue[R | _Failed] = queue.Queue(maxsize=depth)
        self._prepared: queue.Queue[P | _Failed] = queue.Queue()
        #: pages decoded or being decoded that the writer has not taken yet: at most `depth`
        self._slots = threading.Semaphore(depth)
        #: cursors the fetcher learnt from the prepared pages (answers without the header)
        self._learnt: queue.Queue[str | None] = queue.Queue()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._fetching, args=(cursor,), name="sfa-pull", daemon=True),
                         threading.Thread(target=self._preparing, name="sfa-pull-prepare", daemon=True)]
        for thread in self._threads:
            thread.start()

    # ------------------------------------------------------------------ the two stages

    def _put(self, into: queue.Queue[Any], item: Any) -> bool:
        while not self._stop.is_set():
            try:
                into.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _get(self, source: queue.Queue[Any]) -> Any:
        while not self._stop.is_set():
            try:
                return source.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                continue
        return None

    def _fetching(self, cursor: str | None) -> None:
        try:
            while not self._stop.is_set():
                answer = self._fetch(cursor)
                known = self._follow(answer)
                if not self._put(self._fetched, answer):
                    return
                if known is None:  # the body says: wait until it is decoded
                    known = self._get(self._learnt)
                if known is None:
                    return
                cursor = known
        except BaseException as error:  # handed on, and raised in the writer's thread
            self._put(self._fetched, _Failed(error))

    def _preparing(self) -> None:
        while not self._stop.is_set():
            if not self._slots.acquire(timeout=_POLL_SECONDS):
                continue
            answer = self._get(self._fetched)
            if answer is None:
                return
            if isinstance(answer, _Failed):
                self._put(self._prepared, answer)
                return
            known = self._follow(answer)
            try:
                page = self._prepare(answer)
            except BaseException as error:
                self._learnt.put(None)
                self._put(self._prepared, _Failed(error))
                return
            following = self._following(page)
            if known is None:
                self._learnt.put(following)
            if not self._put(self._prepared, page) or following is None:
                return

    # ------------------------------------------------------------------ the writer's side

    def ready(self) -> bool:
        """True when a page (or a failure) is waiting to be taken."""
        return not self._prepared.empty()

    def take(self) -> P:
        """The next prepared page, waiting for it; a failure of its fetch or preparation is raised."""
        while True:
            try:
                item = self._prepared.get(timeout=_POLL_SECONDS)
                break
            except queue.Empty:
                if not self._threads[1].is_alive() and self._prepared.empty():
                    raise RuntimeError("no page follows the last one") from None
        self._slots.release()
        if isinstance(item, _Failed):
            raise item.error
        return item

    def close(self) -> None:
        """Stop both stages (a fetch under way ends first: the transport's timeouts bound it)."""
        self._stop.set()
        for waiting in (self._fetched, self._prepared):
            while True:
                try:
                    waiting.get_nowait()
                except queue.Empty:
                    break
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> PagesAhead[R, P]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["PagesAhead", "next_cursor"]
