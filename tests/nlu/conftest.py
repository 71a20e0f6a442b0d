"""The real trained Rasa server, started once for the NLU tests on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nlu.server import missing_reason, running_server


@pytest.fixture(scope="session")
def rasa_url() -> Iterator[str]:
    """The base URL of a running `rasa run --enable-api` serving the trained model."""
    reason = missing_reason()
    if reason:
        pytest.skip(f"the Rasa server cannot start here: {reason}")
    with running_server() as server:
        yield server.url
