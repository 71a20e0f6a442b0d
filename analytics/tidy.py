"""From streamed answer rows to tidy respondent-level tables.

``collect`` reads answer chunks once and keeps only a compact respondent x question matrix of
codes (2 bytes a cell, about 120 MB for a million respondents and 60 questions) plus a few
per-respondent paradata arrays; the raw rows are never all in memory at once. The result is a
``SurveyData``: one row per respondent of the period, with the breakdown variables derived
from the demographics rows of the same ``respondent_key``.

Within a period a respondent counts once, with the record of one interview: the loaders
deliver only the latest interview of each respondent and no answer a restart abandoned.
``on_route`` then keeps only the answers on the path that the respondent's final answers
define, by the engine's own routing rule (``survey_flows.record.path``), applied once per
distinct pattern of routing answers, not re-derived here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.codebook import (
    DEMOGRAPHICS,
    NO_ANSWER,
    NOT_ASKED,
    WASHINGTON_GROUP,
    question_order,
)
from analytics.errors import NoDataError
from analytics.labels import flow as shipped_flow
from analytics.load import Period
from analytics.records import NEVER, last_rows, stored_codes
from survey_flows.definition import Flow
from survey_flows.record import NOT_APPLICABLE, path

LANG_CODES = {"en": 1, "tn": 2}  # the language of the answers, as the language question codes it


@dataclass(frozen=True)
class SurveyData:
    """The respondents of a period: breakdown variables, item codes and numeric answers."""

    respondents: pd.DataFrame  # index: respondent key; columns: dimensions and paradata
    codes: pd.DataFrame  # same index; one int16 column per question id (sentinels < 0)
    values: pd.DataFrame  # same index; numeric answers (time and cost items), float
    flow_versions: tuple[str, ...]
    period: Period

    def __len__(self) -> int:
        return len(self.respondents)

    def subset(self, keep: np.ndarray | pd.Series) -> SurveyData:
        """Return the data of the respondents selected by a boolean mask."""
        mask = np.asarray(keep, dtype=bool)
        return replace(
            self,
            respondents=self.respondents.loc[mask],
            codes=self.codes.loc[mask],
            values=self.values.loc[mask],
        )

    def question_codes(self, question_ids: list[str]) -> np.ndarray:
        """Return the codes of these questions as an int16 matrix (NOT_ASKED when absent)."""
        matrix = np.full((len(self), len(question_ids)), NOT_ASKED, dtype=np.int16)
        for position, qid in enumerate(question_ids):
            if qid in self.codes.columns:
                matrix[:, position] = self.codes[qid].to_numpy()
        return matrix


class _Registry:
    """Give each distinct string a dense integer id, in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Return each row's number within the chunk and the global id of each number."""
        local, uniques = pd.factorize(values)
        ids = np.fromiter(
            (self.ids.setdefault(str(value), len(self.ids)) for value in uniques),
            dtype=np.int64,
            count=len(uniques),
        )
        return local, ids

    def names(self) -> list[str]:
        """Return the strings in id order."""
        return list(self.ids)


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


class _Collector:
    def __init__(self, period: Period) -> None:
        self.period = period
        self.respondents = _Registry()
        self.questions = _Registry()
        self.departments = _Registry()
        self.codes = np.empty((0, 0), dtype=np.int16)
        self.first_at = np.empty(0, dtype=np.int64)
        self.department = np.empty(0, dtype=np.int64)
        self.lang = np.empty(0, dtype=np.int8)
        self.values: list[pd.DataFrame] = []
        self.flow_versions: set[str] = set()

    def _grow(self) -> None:
        rows, columns = len(self.respondents.ids), len(self.questions.ids)
        if rows <= self.codes.shape[0] and columns <= self.codes.shape[1]:
            return
        # Grow by half again so that appending chunk after chunk stays linear.
        new_rows = max(rows, int(self.codes.shape[0] * 1.5) + 1024)
        new_columns = max(columns, self.codes.shape[1])
        codes = np.full((new_rows, new_columns), NOT_ASKED, dtype=np.int16)
        codes[: self.codes.shape[0], : self.codes.shape[1]] = self.codes
        self.codes = codes
        old = len(self.first_at)
        self.first_at = np.concatenate([self.first_at, np.full(new_rows - old, NEVER)])
        self.department = np.concatenate([self.department, np.full(new_rows - old, -1)])
        self.lang = np.concatenate([self.lang, np.zeros(new_rows - old, dtype=np.int8)])

    def add(self, chunk: pd.DataFrame) -> None:
        """Fold one chunk of answer rows into the code matrix and the paradata."""
        if chunk.empty:
            return
        local, respondent_ids = self.respondents.encode(chunk["respondent_key"])
        question_local, question_ids = self.questions.encode(chunk["question_id"])
        question = question_ids[question_local]
        self._grow()
        code = _numbers(chunk["code"])
        value = _numbers(chunk["value"])
        stored = stored_codes(code, chunk["method"], chunk["item"])

        # Keep the last answer of each respondent to each question (rows come in id order).
        slot = local * len(question_ids) + question_local
        last = last_rows(slot, len(respondent_ids) * len(question_ids))
        keep = last[slot] == np.arange(len(slot))
        respondent = respondent_ids[local]
        self.codes[respondent[keep], question[keep]] = stored[keep]
        has_value = keep & ~np.isnan(value)
        if has_value.any():
            self.values.append(
                pd.DataFrame(
                    {"r": respondent[has_value], "q": question[has_value], "v": value[has_value]}
                )
            )
        self._add_paradata(chunk, local, respondent_ids)

    def _add_paradata(self, chunk: pd.DataFrame, local: np.ndarray, ids: np.ndarray) -> None:
        answered = pd.to_datetime(chunk["answered_at"])
        inside = self.period.contains(answered).to_numpy()
        if not inside.any():
            return
        stamps = answered.to_numpy(dtype="datetime64[ns]").view(np.int64)
        first = np.full(len(ids), NEVER)
        np.minimum.at(first, local[inside], stamps[inside])
        self.first_at[ids] = np.minimum(self.first_at[ids], first)

        department_local, department_ids = self.departments.encode(chunk["department"])
        known = inside & (department_local >= 0)
        rows = np.flatnonzero(known)
        last = last_rows(local[known], len(ids))
        has = last >= 0
        self.department[ids[has]] = department_ids[department_local[rows[last[has]]]]

        lang_codes, lang_names = pd.factorize(chunk["lang"])
        spoken = np.array([LANG_CODES.get(str(name), 0) for name in lang_names] + [0])
        rows = np.flatnonzero(inside)
        last = last_rows(local[inside], len(ids))
        has = last >= 0
        self.lang[ids[has]] = spoken[lang_codes[rows[last[has]]]]

        flow, flows = pd.factorize(chunk["flow_id"])
        version, versions = pd.factorize(chunk["flow_version"])
        flows, versions = ["", *map(str, flows)], ["", *map(str, versions)]  # code -1: missing
        width = len(versions)
        for pair in np.unique((flow[inside] + 1) * width + version[inside] + 1):
            self.flow_versions.add(f"{flows[pair // width]}@{versions[pair % width]}")

    def finish(self) -> SurveyData:
        """Return the respondents seen inside the period with their codes and variables."""
        n = len(self.respondents.ids)
        keep = self.first_at[:n] != NEVER  # at least one answer inside the period
        names = self.questions.names()
        values = self._value_frame(n, keep, names)
        departments = np.asarray([*self.departments.names(), None], dtype=object)
        return survey_data(
            keys=np.asarray(self.respondents.names(), dtype=object)[keep],
            codes={qid: self.codes[:n, k][keep] for k, qid in enumerate(names)},
            values=values,
            first_at=self.first_at[:n][keep].view("datetime64[ns]"),
            department=pd.Categorical(departments[self.department[:n][keep]]),
            lang=self.lang[:n][keep],
            flow_versions=self.flow_versions,
            period=self.period,
        )

    def _value_frame(self, n: int, keep: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
        if not self.values:
            return {}
        triples = pd.concat(self.values, ignore_index=True)
        triples = triples[~pd.Index(triples["r"] * len(names) + triples["q"]).duplicated("last")]
        matrix = np.full((n, len(names)), np.nan)
        matrix[triples["r"].to_numpy(), triples["q"].to_numpy()] = triples["v"].to_numpy()
        return {names[k]: matrix[keep, k] for k in sorted(triples["q"].unique())}


def survey_data(
    keys: np.ndarray,
    codes: dict[str, np.ndarray],
    values: dict[str, np.ndarray],
    first_at: np.ndarray,
    department: pd.Categorical,
    lang: np.ndarray,
    flow_versions: set[str],
    period: Period,
) -> SurveyData:
    """Return the tidy data of respondents given as arrays (one entry per respondent).

    ``codes`` and ``values`` map question ids to a column each, in any order; ``lang`` is
    the language of the answers as ``LANG_CODES`` numbers it (0: unknown). Both loaders,
    the answer collector and the record store, end here, so their tables cannot differ in
    how they are derived.
    """
    index = pd.Index(keys, name="respondent", dtype=object)
    codes = {qid: np.asarray(column, dtype=np.int16) for qid, column in codes.items()}
    values = {qid: np.asarray(column, dtype=float) for qid, column in values.items()}
    codes, values = on_route(shipped_flow(), codes, values, len(index))
    # Each frame is made once, after routing: a million rows' codes are copied only then.
    code_frame = pd.DataFrame({qid: codes[qid] for qid in question_order(list(codes))}, index=index)
    value_frame = pd.DataFrame(
        {qid: values[qid] for qid in question_order(list(values))}, index=index
    )
    # Categories in sorted order, only those used, whatever order the rows came in.
    department = department.remove_unused_categories()
    department = department.reorder_categories(sorted(department.categories))
    paradata = pd.DataFrame(
        {"first_at": pd.to_datetime(first_at), "department": department, "lang": lang},
        index=index,
    )
    return SurveyData(
        respondents=respondent_table(code_frame, paradata),
        codes=code_frame,
        values=value_frame,
        flow_versions=tuple(sorted(flow_versions)),
        period=period,
    )


def on_route(
    flow: Flow, codes: dict[str, np.ndarray], values: dict[str, np.ndarray], n: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Keep each record's answers on the path its final answers define; 97 where not
    applicable. Answers off the path (from a route the person left) become NOT_ASKED.

    ``codes`` and ``values`` hold a column of ``n`` respondents per question; the columns
    routing changes are new arrays, the others are passed on as given."""
    mentioned: dict[str, set[int]] = {}
    for question in flow.questions:
        for condition in (question.when, question.unless, question.na_when):
            for qid, condition_codes in (condition or {}).items():
                mentioned.setdefault(qid, set()).update(condition_codes)
    routing = sorted(mentioned)
    if n == 0 or not codes:
        return codes, values
    # A code no condition names routes exactly as no answer does (a condition on it neither
    # holds nor is left unjudged), so it is read as one: far fewer patterns to route.
    pattern = np.column_stack(
        [_as_routed(_code_column(codes, qid, n), mentioned[qid]) for qid in routing]
    )
    patterns, which = _distinct_rows(pattern)
    routed = [qid for qid in codes if flow.has_question(qid)]
    on_path = np.zeros((len(patterns), len(routed)), dtype=bool)
    not_applicable = np.zeros_like(on_path)
    for k, row in enumerate(patterns):
        answers = {qid: int(c) for qid, c in zip(routing, row, strict=True) if c >= 0}
        unknown = {qid for qid, c in zip(routing, row, strict=True) if c == NOT_ASKED}
        record = path(flow, answers, unknown)
        for j, qid in enumerate(routed):
            on_path[k, j] = qid in record
            not_applicable[k, j] = record.get(qid) == NOT_APPLICABLE
    code_columns, value_columns = dict(codes), dict(values)
    # One small row per question, gathered by pattern: far cheaper than 2-D fancy indexing.
    kept, inapplicable = on_path.T.copy(), not_applicable.T.copy()
    for j, qid in enumerate(routed):
        if kept[j].all() and not inapplicable[j].any():
            continue  # on every path, never "not applicable": the answers stand as given
        column = code_columns[qid].copy()
        off = ~kept[j][which]
        column[off] = NOT_ASKED
        if inapplicable[j].any():
            column[inapplicable[j][which] & (column != NOT_ASKED)] = NOT_APPLICABLE
        code_columns[qid] = column
        if qid in value_columns:
            value_columns[qid] = np.where(off, np.nan, value_columns[qid])
    return code_columns, value_columns


def _code_column(codes: dict[str, np.ndarray], qid: str, n: int) -> np.ndarray:
    """Return a question's codes, all NOT_ASKED when nobody answered it."""
    column = codes.get(qid)
    return np.full(n, NOT_ASKED, dtype=np.int16) if column is None else column


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct rows of a small-integer matrix and which one each row is.

    Each column holds a handful of codes, so a row's codes, numbered per column, make one
    integer: hashing a million of those is far quicker than sorting a million rows.
    """
    radix, key = 1, np.zeros(len(matrix), dtype=np.int64)
    for column in matrix.T:
        codes, uniques = pd.factorize(column)
        key += codes.astype(np.int64) * radix
        radix *= len(uniques)
        if radix >= 2**62:  # too many combinations for one integer: sort the rows instead
            patterns, which = np.unique(matrix, axis=0, return_inverse=True)
            return patterns, which.ravel()
    which, distinct = pd.factorize(key)
    first = np.full(len(distinct), -1, dtype=np.int64)
    first[which[::-1]] = np.arange(len(which) - 1, -1, -1)
    return matrix[first], which


def collect(chunks: Iterable[pd.DataFrame], period: Period) -> SurveyData:
    """Reduce streamed answer chunks to the tidy respondent-level data of the period."""
    collector = _Collector(period)
    for chunk in chunks:
        collector.add(chunk)
    data = collector.finish()
    if len(data) == 0:
        raise no_answers(period)
    return data


def no_answers(period: Period) -> NoDataError:
    """Return the error of a period without answers, saying what to do next."""
    return NoDataError(
        f"no answers from {period.label()} (UTC). Choose a period that holds interviews "
        "(--from/--to, both days included; --on for reports), or add --include-test to "
        "use simulated data (`analytics simulate N` creates some)."
    )


def _as_routed(column: np.ndarray, named: set[int]) -> np.ndarray:
    """Return the codes with every code no condition names (nor NOT_ASKED) as NO_ANSWER."""
    lowest = min(int(column.min(initial=0)), NOT_ASKED)
    kept = np.zeros(max(int(column.max(initial=0)), *named) - lowest + 1, dtype=bool)
    kept[[code - lowest for code in (*named, NOT_ASKED)]] = True
    return np.where(kept[column.astype(np.int64) - lowest], column, NO_ANSWER)


def _column(codes: pd.DataFrame, name: str) -> pd.Series:
    if name in set(codes.columns.tolist()):
        return codes[name]
    return pd.Series(NOT_ASKED, index=codes.index, dtype=np.int16)


def _known(codes: pd.Series, allowed: Iterable[int]) -> pd.Series:
    values = codes.to_numpy(dtype=np.int16)
    unknown = ~np.isin(values, list(allowed))
    return pd.Series(pd.arrays.IntegerArray(values, unknown), index=codes.index)


def disability_status(wg: pd.DataFrame) -> pd.Series:
    """Return 1 (with disability: any domain coded 3 or 4), 2 (all six 1 or 2), else missing."""
    if wg.shape[1] < len(WASHINGTON_GROUP):
        return pd.Series(pd.NA, index=wg.index, dtype="Int16")
    domains = wg.to_numpy(dtype=np.int16)
    with_disability = ((domains == 3) | (domains == 4)).any(axis=1)
    without = ((domains == 1) | (domains == 2)).all(axis=1)
    status = np.where(with_disability, 1, 2).astype(np.int16)
    return pd.Series(pd.arrays.IntegerArray(status, ~(with_disability | without)), index=wg.index)


def _period_labels(stamps: pd.Series, kind: str) -> pd.Categorical:
    if kind == "week":
        iso = stamps.dt.isocalendar()
        number = iso["year"].astype(int) * 100 + iso["week"].astype(int)
        codes, uniques = pd.factorize(number, sort=True)
        labels = [f"{u // 100}-W{u % 100:02d}" for u in uniques]
    else:
        number = stamps.dt.year * 100 + stamps.dt.month
        codes, uniques = pd.factorize(number, sort=True)
        labels = [f"{u // 100}-{u % 100:02d}" for u in uniques]
    return pd.Categorical.from_codes(codes, categories=labels)


def respondent_table(codes: pd.DataFrame, paradata: pd.DataFrame) -> pd.DataFrame:
    """Derive every breakdown variable of each respondent from their codes and paradata."""
    valid = {
        "sex": (1, 2),
        "age_band": range(1, 7),
        "district": range(1, 14),
        "urban_rural": (1, 2),
        "income_band": range(1, 6),
    }
    # Gathered in a dict and made a frame once: adding columns one by one to a million-row
    # frame costs more than deriving them.
    table: dict[str, object] = {
        name: _known(_column(codes, name), valid[name]) for name in DEMOGRAPHICS
    }
    present = set(codes.columns.tolist())
    table["disability"] = disability_status(codes[[c for c in WASHINGTON_GROUP if c in present]])
    table["department"] = paradata["department"]
    # The language question, else the language the answers were given in.
    spoken = pd.Series(paradata["lang"], index=codes.index).where(paradata["lang"] > 0)
    table["language"] = _known(_column(codes, "language"), (1, 2)).fillna(spoken).astype("Int16")
    table["week"] = _period_labels(paradata["first_at"], "week")
    table["month"] = _period_labels(paradata["first_at"], "month")
    table["gov_online"] = _known(_column(codes, "gov_online"), (1, 2))
    table["first_at"] = paradata["first_at"]
    return pd.DataFrame(table, index=codes.index)
