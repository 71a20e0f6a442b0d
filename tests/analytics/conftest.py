"""Fixtures of the analytics tests: databases made from the models, simulated data."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from analytics.load import Period
from analytics.simulate import synthetic_batches
from analytics.tidy import SurveyData, collect
from bot.db import normalise_url
from bot.models import Base

SIMULATION_START = datetime(2026, 1, 5)


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return normalise_url(url) if url.startswith(("postgres://", "postgresql")) else None


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """Give an empty SQLite database with the tables of bot.models."""
    engine = create_engine(f"sqlite:///{tmp_path / 'analytics.db'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """Give an empty database on SQLite, and on PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'analytics.db'}")
        Base.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("PostgreSQL loader tests need DATABASE_URL=postgresql://... (CI sets it)")
    schema = f"analytics_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # server down: say so rather than fail
        admin.dispose()
        pytest.skip(f"PostgreSQL at DATABASE_URL is unreachable: {type(error).__name__}")
    separator = "&" if "?" in base else "?"
    engine = create_engine(f"{base}{separator}options=-csearch_path%3D{schema}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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
