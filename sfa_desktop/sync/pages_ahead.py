"""A first sync's pages fetched on their own thread, one request right after another.

Each page carries the cursor of the next, so the next request can go out as soon as a page is
decoded: the server produces page n+1 while the client validates and writes page n, instead of
sitting idle until the writer asks. At most `depth` decoded pages wait for the writer (the memory
of a first sync stays bounded); a failure of a fetch is raised to the writer in its turn, after
the pages fetched before it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

Fetch = Callable[[str | None], tuple[Any, dict[str, Any]]]

_POLL_SECONDS = 0.05
MAX_CURSOR_LENGTH = 200


def next_cursor(doc: Any) -> str | None:
    """The cursor to fetch after this raw page, or None when it is the last (or not a valid page:
    the writer's own checks then say what is wrong with it)."""
    if not isinstance(doc, dict) or doc.get("has_more") is not True:
        return None
    cursor = doc.get("cursor")
    return cursor if isinstance(cursor, str) and 0 < len(cursor) <= MAX_CURSOR_LENGTH else None


class PagesAhead:
    """Fetches pages from `cursor` on until the last, at most `depth` of them waiting."""

    def __init__(self, fetch: Fetch, cursor: str | None, *, depth: int = 1) -> None:
        self._fetch = fetch
        self._waiting: queue.Queue[tuple[Any, dict[str, Any], BaseException | None]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(cursor,), name="sfa-pull", daemon=True)
        self._thread.start()

    def _put(self, item: tuple[Any, dict[str, Any], BaseException | None]) -> bool:
        while not self._stop.is_set():
            try:
                self._waiting.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, cursor: str | None) -> None:
        try:
            while not self._stop.is_set():
                doc, extra = self._fetch(cursor)
                if not self._put((doc, extra, None)):
                    return
                following = next_cursor(doc)
                if following is None:
                    return
                cursor = following
        except BaseException as error:  # handed to the writer, which raises it in its thread
            self._put((None, {}, error))

    def ready(self) -> bool:
        """True when a page (or a fetch's failure) is waiting to be taken."""
        return not self._waiting.empty()

    def take(self) -> tuple[Any, dict[str, Any]]:
        """The next page and its extra answer fields, waiting for it; a fetch's failure is raised."""
        while True:
            try:
                doc, extra, error = self._waiting.get(timeout=_POLL_SECONDS)
                break
            except queue.Empty:
                if not self._thread.is_alive() and self._waiting.empty():
                    raise RuntimeError("no page follows the last one") from None
        if error is not None:
            raise error
        return doc, extra

    def close(self) -> None:
        """Stop fetching (a fetch under way ends first: the transport's timeouts bound it)."""
        self._stop.set()
        while True:
            try:
                self._waiting.get_nowait()
            except queue.Empty:
                break
        self._thread.join()

    def __enter__(self) -> PagesAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["PagesAhead", "next_cursor"]
