"""Reading PostgreSQL through ADBC: a reader left mid-result lets go at once."""

from __future__ import annotations

from threading import Thread

import pytest
from sqlalchemy import text

from analytics.postgres_arrow import snapshot

# A result whose first batches come at once and whose last rows take a minute: about 16,000
# rows of 2 kB, then sixty that each wait a second.
SLOW_TAIL = (
    "SELECT g, repeat('x', 2000) AS pad, CASE WHEN g > 16000 THEN pg_sleep(1) END AS wait "
    "FROM generate_series(1, 16060) AS g"
)


@pytest.fixture
def engine(postgres_engine):
    """These tests read through PostgreSQL's binary COPY, which SQLite does not have."""
    return postgres_engine


def test_a_reader_that_stops_early_does_not_wait_for_the_rest_of_the_result(engine):
    # An analyst's Ctrl-C, or a full disk, stops an export after its first batches. Closing
    # must cancel the query: waiting for the rest would take as long as the export itself.
    done = []

    def read_one_batch_then_stop() -> None:
        with snapshot(engine) as reading:
            batches = reading.batches(SLOW_TAIL)
            assert next(batches).num_rows > 0
            batches.close()
        done.append(True)

    reader = Thread(target=read_one_batch_then_stop, daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert done, "closing the snapshot waited for the rest of the result"
    with engine.connect() as connection:
        still_running = connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                "AND query LIKE '%generate_series(1, 16060)%' AND pid <> pg_backend_pid()"
            )
        )
    assert still_running == 0
