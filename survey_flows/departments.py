"""Department referral codes and the service area each one serves."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DEPARTMENTS_FILE = Path(__file__).parent / "flows" / "departments.yaml"
BLOCK_OF_AREA = {
    "healthcare": "healthcare",
    "primary_education": "education",
    "secondary_education": "education",
    "government_services": "government_services",
}


@dataclass(frozen=True)
class Department:
    """A department that hands out its own survey link."""

    name: str
    area: str


@cache
def load_departments(path: Path = DEPARTMENTS_FILE) -> dict[str, Department]:
    """Return the departments by referral code."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        ref: Department(str(d["name"]), str(d["area"]))
        for ref, d in (data.get("departments") or {}).items()
    }


def area_for(ref: str | None) -> str | None:
    """Return the service area of the department behind a referral code, if known."""
    department = load_departments().get(ref or "")
    return department.area if department else None
