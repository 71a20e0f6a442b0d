"""The reader thread in front of a query's batches: order, errors, and stopping early."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing

import pytest

from analytics.read_ahead import read_ahead


def test_items_arrive_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(1000)), depth=2, name="t")) == list(range(1000))


def test_the_sources_error_reaches_the_consumer_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionError("server closed the connection")

    got = []
    with pytest.raises(ConnectionError, match="server closed"):
        for item in read_ahead(source(), depth=4, name="t"):
            got.append(item)
    assert got == [1, 2]


def test_a_consumer_that_stops_leaves_no_thread_reading_the_source() -> None:
    made: list[int] = []
    closed_in: list[str] = []

    def source() -> Iterator[int]:
        try:
            for n in range(10**6):
                made.append(n)
                yield n
        finally:
            closed_in.append(threading.current_thread().name)

    with closing(read_ahead(source(), depth=2, name="answer-reader")) as items:
        assert [next(items) for _ in range(3)] == [0, 1, 2]
    # Closed: the source was closed by the reader's own thread, which has ended, and it was
    # read no further than the queue's depth beyond what the consumer took.
    assert closed_in == ["answer-reader"]
    assert "answer-reader" not in {t.name for t in threading.enumerate()}
    assert len(made) <= 3 + 2 + 1
