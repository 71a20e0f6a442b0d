"""PostgreSQL query results as Arrow, in one snapshot, through ADBC's low-level interface.

The analytics read PostgreSQL through the binary COPY protocol into Arrow columns (ADBC),
not row by row. The low-level interface is enough for that: a connection, a statement, an
Arrow stream. ADBC's DB-API layer adds nothing here and imports polars whenever it is
installed, which cost every analytics command about 0.15 s before its first query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pyarrow
from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement

from analytics.errors import database_unavailable

Query = ClauseElement | str


@contextmanager
def _driver_errors() -> Iterator[None]:
    """Raise ADBC's errors, and libpq's through Arrow's reader, as one ``DatabaseError``."""
    import adbc_driver_manager

    try:
        yield
    except (adbc_driver_manager.Error, OSError) as error:
        raise database_unavailable(error) from error


def _literal_sql(engine: Engine, statement: Query) -> str:
    """Return a statement as SQL text with its parameters written in, as ADBC runs it here."""
    if isinstance(statement, str):
        return statement
    compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


class Snapshot:
    """One ADBC connection whose queries all see the same state of the database.

    The transaction is REPEATABLE READ and is rolled back on close: readers change nothing,
    and whatever the bot writes meanwhile stays out of one command's numbers.
    """

    def __init__(self, engine: Engine) -> None:
        import adbc_driver_manager
        import adbc_driver_postgresql

        self._engine = engine
        uri = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with _driver_errors():
            self._database = adbc_driver_postgresql.connect(uri)
            try:
                self._connection = adbc_driver_manager.AdbcConnection(self._database)
            except BaseException:
                self._database.close()
                raise
        self._statement: Any = None
        self._unfinished = False  # a result was left before its end
        try:
            with _driver_errors():
                self._connection.set_autocommit(False)  # a transaction begins here
                self.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        except BaseException:
            self.close()
            raise

    def run(self, sql: str) -> None:
        """Run a statement that returns no rows (SET and the like)."""
        with _driver_errors():
            statement = self._new_statement(sql)
            statement.execute_update()

    def table(self, query: Query) -> pyarrow.Table:
        """Return a query's whole result."""
        with _driver_errors():
            result = self._stream(query).read_all()
            self._unfinished = False
            return result

    def batches(self, query: Query) -> Iterator[pyarrow.RecordBatch]:
        """Yield a query's result a record batch at a time, as the server sends it."""
        with _driver_errors():
            yield from self._stream(query)
            self._unfinished = False

    def _stream(self, query: Query) -> pyarrow.RecordBatchReader:
        statement = self._new_statement(_literal_sql(self._engine, query))
        handle, _ = statement.execute_query()
        self._unfinished = True  # until the whole result is read
        return pyarrow.RecordBatchReader.from_stream(handle)

    def _new_statement(self, sql: str) -> Any:
        """Close the previous statement (one result at a time on a connection); open one."""
        import adbc_driver_manager

        if self._statement is not None:
            self._statement.close()
        self._statement = adbc_driver_manager.AdbcStatement(self._connection)
        self._statement.set_sql_query(sql)
        return self._statement

    def close(self) -> None:
        import adbc_driver_manager

        try:
            # A connection lost mid-read has nothing to roll back; it is closed all the same.
            with suppress(adbc_driver_manager.Error):
                if self._unfinished:
                    # Left mid-stream (an interrupt, a failed write): closing would first
                    # read the rest of the result, a minute of a million respondents' answers.
                    self._connection.cancel()
                if self._statement is not None:
                    self._statement.close()
                self._connection.rollback()
        finally:
            try:
                self._connection.close()
            finally:
                self._database.close()


@contextmanager
def snapshot(engine: Engine) -> Iterator[Snapshot]:
    """Give a ``Snapshot`` of the engine's PostgreSQL database, closed afterwards."""
    opened = Snapshot(engine)
    try:
        yield opened
    finally:
        opened.close()
