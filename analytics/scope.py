"""Whose data a reader may see: every department, or a set of referral codes.

A ``Scope`` is the one place where a restriction to departments is applied: to the tidy
respondents of a period (a respondent belongs to the department of their latest answer in
the period, as ``--department`` of the indicator table decides), to rows of a frame, and to
a SQL query. The dashboard builds one from the signed-in person's role and passes it to
every read; the reports take one for a department, a ministry or the whole country.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from analytics.tidy import SurveyData


@dataclass(frozen=True)
class Scope:
    """Every department (``departments`` is None) or only the listed referral codes."""

    departments: frozenset[str] | None = None

    @classmethod
    def everything(cls) -> Scope:
        """Return the scope of the whole country."""
        return cls(None)

    @classmethod
    def of(cls, codes: Iterable[str]) -> Scope:
        """Return the scope of these departments only."""
        return cls(frozenset(codes))

    @property
    def national(self) -> bool:
        """Return whether the scope covers every department."""
        return self.departments is None

    def allows(self, code: str | None) -> bool:
        """Return whether a department (None: no department link) is inside the scope."""
        return self.departments is None or (code is not None and code in self.departments)

    def narrow(self, codes: Iterable[str] | None) -> Scope:
        """Return the part of this scope that a requested set of departments names."""
        if codes is None:
            return self
        wanted = frozenset(codes)
        return Scope(wanted if self.departments is None else wanted & self.departments)

    def respondents(self, data: SurveyData) -> SurveyData:
        """Return the respondents of the period who belong to the scope."""
        if self.departments is None:
            return data
        department = data.respondents["department"]
        return data.subset(department.isin(sorted(self.departments)).fillna(False).to_numpy())

    def rows(self, frame: pd.DataFrame, column: str = "department") -> pd.DataFrame:
        """Return the rows of a frame whose department column is inside the scope."""
        if self.departments is None:
            return frame
        return frame[frame[column].isin(sorted(self.departments)).fillna(False)]

    def clause(self, column: ColumnElement[str | None]) -> ColumnElement[bool]:
        """Return a SQL condition that keeps rows of departments inside the scope."""
        if self.departments is None:
            return true()
        if not self.departments:
            return false()
        return column.in_(sorted(self.departments))
