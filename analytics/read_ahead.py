"""An iterator run in a thread of its own, a few items ahead of whoever consumes it.

Reading a query's result through ADBC decodes the server's rows inside the call that yields
the next batch, with the GIL released. If the consumer works on one batch before asking for
the next, nobody reads the socket meanwhile, and the server stops sending until it does. On
two cores the server, the decoding and the consumer's work then take turns instead of
running side by side.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from queue import Full, Queue
from threading import Event, Thread
from typing import TypeVar

T = TypeVar("T")
_WAIT = 0.1  # seconds between looks at whether the consumer has gone


class _End:
    """What the producer puts last: nothing more, or the error that ended it."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


def read_ahead(items: Iterator[T], depth: int, name: str) -> Generator[T, None, None]:
    """Yield what ``items`` yields, produced in a thread up to ``depth`` items ahead.

    An error in the producer is raised here, in the consumer's thread. When the consumer
    stops early, the producer stops after the item it is making, closes ``items`` in its own
    thread and is waited for, so that nothing reads the source once this generator is closed.
    """
    queue: Queue[T | _End] = Queue(maxsize=depth)
    gone = Event()

    def put(item: T | _End) -> bool:
        while not gone.is_set():
            try:
                queue.put(item, timeout=_WAIT)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    break
            else:
                put(_End())
        except BaseException as error:  # raised again in the consumer's thread
            put(_End(error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    producer = Thread(target=produce, name=name, daemon=True)
    producer.start()
    try:
        while True:
            item = queue.get()  # the producer puts an _End last, whatever happens
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        gone.set()
        producer.join()
