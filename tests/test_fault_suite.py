"""The fault suite's short mode (benchmarks/faults.py --short), run as part of the tests.

It starts its own PostgreSQL cluster, the real Rasa server, gunicorn and worker processes and
a misbehaving Graph double, injects each fault under load, and checks the ledger: nothing
lost, nothing duplicated (Graph timeouts: under 1% of the timed-out sends), nobody stuck,
recovery within 30 s of the fault's end. It takes about five minutes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from nlu.server import missing_reason

SUITE = Path(__file__).resolve().parents[1] / "benchmarks" / "faults.py"


@pytest.mark.timeout(1500)
def test_every_fault_loses_nothing_sends_nothing_twice_and_strands_no_one():
    reason = missing_reason()
    if reason:
        pytest.skip(f"the fault suite needs the real Rasa server: {reason}")
    spec = importlib.util.spec_from_file_location("faults", SUITE)
    assert spec is not None and spec.loader is not None
    faults = importlib.util.module_from_spec(spec)
    sys.modules["faults"] = faults  # its dataclasses look their module up
    spec.loader.exec_module(faults)
    results = faults.run_suite(short=True)
    assert [r.fault for r in results] == [f.name for f in faults.FAULTS]
    broken = [r for r in results if not r.passed()]
    assert not broken, "\n".join(f"{r.fault}: {r}" for r in broken)
    assert all(r.acknowledged > 0 for r in results), "a fault ran without load"
