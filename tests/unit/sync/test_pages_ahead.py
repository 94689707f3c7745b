"""A first sync's pages fetched ahead on their own thread: in order, bounded, failures in their turn."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from sfa_desktop.sync.pages_ahead import PagesAhead, next_cursor


def page(n: int, *, last: int) -> dict[str, Any]:
    return {"cursor": f"c{n}", "has_more": n < last}


class Server:
    """Pages c1..c<last>, each asked for with the cursor of the one before."""

    def __init__(self, last: int, fail_at: int | None = None) -> None:
        self.last, self.fail_at = last, fail_at
        self.asked: list[str | None] = []
        self.lock = threading.Lock()

    def fetch(self, cursor: str | None) -> tuple[Any, dict[str, Any]]:
        with self.lock:
            self.asked.append(cursor)
        n = 1 if cursor is None else int(cursor[1:]) + 1
        if n == self.fail_at:
            raise ConnectionError(f"page {n} lost")
        return page(n, last=self.last), {"estimate": self.last}


def test_pages_come_in_order_and_stop_after_the_last() -> None:
    server = Server(last=4)
    with PagesAhead(server.fetch, None) as pages:
        got = [pages.take()[0]["cursor"] for _ in range(4)]
    assert got == ["c1", "c2", "c3", "c4"]
    assert server.asked == [None, "c1", "c2", "c3"]


def test_at_most_depth_pages_wait_for_the_writer() -> None:
    server = Server(last=50)
    with PagesAhead(server.fetch, None, depth=1) as pages:
        time.sleep(0.3)  # the writer is slow: the fetcher holds one page and one in its hands
        assert len(server.asked) == 2
        pages.take()
        time.sleep(0.2)
        assert len(server.asked) == 3


def test_a_failed_fetch_is_raised_after_the_pages_before_it() -> None:
    server = Server(last=10, fail_at=3)
    with PagesAhead(server.fetch, None) as pages:
        assert pages.take()[0]["cursor"] == "c1"
        assert pages.take()[0]["cursor"] == "c2"
        with pytest.raises(ConnectionError, match="page 3 lost"):
            pages.take()


def test_closing_stops_a_fetcher_waiting_to_hand_over_a_page() -> None:
    server = Server(last=1000)
    pages = PagesAhead(server.fetch, None)
    time.sleep(0.1)
    started = time.monotonic()
    pages.close()
    assert time.monotonic() - started < 1
    assert len(server.asked) <= 3


def test_a_page_without_a_valid_next_cursor_is_the_last_fetched() -> None:
    assert next_cursor({"cursor": "c2", "has_more": True}) == "c2"
    for doc in ({"cursor": "c2", "has_more": False}, {"cursor": "", "has_more": True},
                {"cursor": "x" * 201, "has_more": True}, {"cursor": 5, "has_more": True},
                {"has_more": "yes", "cursor": "c2"}, ["not", "a", "page"]):
        assert next_cursor(doc) is None
    bad = {"cursor": "c1", "has_more": True, "oops": None}

    def fetch(cursor: str | None) -> tuple[Any, dict[str, Any]]:
        return ({**bad, "cursor": ""} if cursor else bad), {}

    with PagesAhead(fetch, None) as pages:
        pages.take()
        pages.take()  # has_more, but no cursor to follow: the writer's checks refuse this page
        with pytest.raises(RuntimeError, match="no page follows"):
            pages.take()
