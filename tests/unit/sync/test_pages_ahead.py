"""A first sync's pages fetched and prepared ahead: in order, bounded, failures in their turn."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest

from sfa_desktop.sync.pages_ahead import PagesAhead, next_cursor


@dataclass(frozen=True)
class Answer:
    n: int
    header: str | None  # the next cursor, when the server names it before the body is read


class Server:
    """Pages 1..last, page n's cursor "c<n>"; with `header`, each answer names the next cursor."""

    def __init__(self, last: int, *, header: bool = True, fail_at: int | None = None) -> None:
        self.last, self.header, self.fail_at = last, header, fail_at
        self.asked: list[str | None] = []
        self.lock = threading.Lock()

    def fetch(self, cursor: str | None) -> Answer:
        with self.lock:
            self.asked.append(cursor)
        n = 1 if cursor is None else int(cursor[1:]) + 1
        if n == self.fail_at:
            raise ConnectionError(f"page {n} lost")
        return Answer(n, f"c{n}" if self.header and n < self.last else None)


def decode(answer: Answer) -> dict[str, Any]:
    if answer.n == 99:
        raise ValueError("page 99 is not valid")
    return {"cursor": f"c{answer.n}", "has_more": answer.n < 1000 and answer.n < LAST[0]}


LAST = [4]


def ahead(server: Server, **kw: Any) -> PagesAhead[Answer, dict[str, Any]]:
    LAST[0] = server.last
    return PagesAhead(server.fetch, decode, None, follow=lambda a: a.header, following=next_cursor, **kw)


@pytest.mark.parametrize("header", [True, False], ids=["cursor in a header", "cursor in the body"])
def test_pages_come_in_order_and_stop_after_the_last(header: bool) -> None:
    server = Server(last=4, header=header)
    with ahead(server) as pages:
        got = [pages.take()["cursor"] for _ in range(4)]
        with pytest.raises(RuntimeError, match="no page follows"):
            pages.take()
    assert got == ["c1", "c2", "c3", "c4"]
    assert server.asked == [None, "c1", "c2", "c3"]


def test_at_most_depth_pages_wait_between_stages() -> None:
    server = Server(last=50)
    with ahead(server, depth=1) as pages:
        time.sleep(0.3)  # the writer is slow: one page decoded ahead of it, one answer waiting to be
        assert len(server.asked) == 3  # decoded, one in the fetcher's hands
        pages.take()
        time.sleep(0.2)
        assert len(server.asked) == 4


def test_a_failed_fetch_is_raised_after_the_pages_before_it() -> None:
    server = Server(last=10, fail_at=3)
    with ahead(server) as pages:
        assert pages.take()["cursor"] == "c1"
        assert pages.take()["cursor"] == "c2"
        with pytest.raises(ConnectionError, match="page 3 lost"):
            pages.take()


@pytest.mark.parametrize("header", [True, False], ids=["cursor in a header", "cursor in the body"])
def test_a_page_that_fails_its_checks_is_raised_in_its_turn_and_fetching_stops(header: bool) -> None:
    server = Server(last=200, header=header)
    with ahead(server) as pages:
        for n in range(1, 99):
            assert pages.take()["cursor"] == f"c{n}"
        with pytest.raises(ValueError, match="page 99 is not valid"):
            pages.take()
        time.sleep(0.2)
        assert len(server.asked) <= 102


def test_closing_stops_both_stages_at_once() -> None:
    server = Server(last=1000)
    pages = ahead(server)
    time.sleep(0.1)
    started = time.monotonic()
    pages.close()
    assert time.monotonic() - started < 1
    assert len(server.asked) <= 4


def test_a_page_without_a_valid_next_cursor_is_the_last() -> None:
    assert next_cursor({"cursor": "c2", "has_more": True}) == "c2"
    for doc in ({"cursor": "c2", "has_more": False}, {"cursor": "", "has_more": True},
                {"cursor": "x" * 201, "has_more": True}, {"cursor": 5, "has_more": True},
                {"has_more": "yes", "cursor": "c2"}, ["not", "a", "page"]):
        assert next_cursor(doc) is None
