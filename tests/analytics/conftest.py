"""Fixtures of the analytics tests: databases made from the models, simulated data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from analytics.load import Period
from analytics.simulate import synthetic_batches
from analytics.tidy import SurveyData, collect
from bot.models import Base
from tests.conftest import postgres_schema

SIMULATION_START = datetime(2026, 1, 5)


@contextmanager
def _with_tables(url: str) -> Iterator[Engine]:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """Give an empty SQLite database with the tables of bot.models."""
    with _with_tables(f"sqlite:///{tmp_path / 'analytics.db'}") as engine:
        yield engine


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """Give an empty PostgreSQL database (a schema of its own) with the tables of bot.models."""
    with postgres_schema("analytics") as url, _with_tables(url) as engine:
        yield engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Give an empty database on SQLite, and on PostgreSQL in a schema of its own."""
    named = {"sqlite": "sqlite_engine", "postgresql": "postgres_engine"}[request.param]
    return request.getfixturevalue(named)


def simulated(n: int, seed: int, sample_urban_share: float | None = None) -> SurveyData:
    """Return ``n`` simulated respondents collected as the loaders would hand them over."""
    options = {} if sample_urban_share is None else {"sample_urban_share": sample_urban_share}
    batches = synthetic_batches(n, seed, SIMULATION_START, batch_size=10_000, **options)
    return collect((batch.answers for batch in batches), Period())


@pytest.fixture(scope="session")
def representative() -> SurveyData:
    """Give 20,000 simulated respondents drawn with the population's urban share."""
    return simulated(20_000, seed=11)


@pytest.fixture(scope="session")
def urban_heavy() -> SurveyData:
    """Give 20,000 simulated respondents, 85% urban against 64% in the population."""
    return simulated(20_000, seed=12, sample_urban_share=0.85)
