"""SDMX-CSV of the SDG 16.6.2 series, shaped after the SDG global data structure (DF_SDG_GLH).

Global reporting uses the attribute average (``SP_PSR_SATIS_*``) and overall satisfaction
(``SP_PSR_OSATIS_*``) of each area. The series, dimension and code names below were pieced
together from third-party sources and must be checked against the official SDG code lists
before submission (docs/analytics.md lists what is unverified).
"""

from __future__ import annotations

import pandas as pd

from analytics.breakdowns import TOTAL

DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.0)"
REF_AREA_BOTSWANA = "072"  # UN M49
AREA_SUFFIX = {
    "healthcare": "HLTH",
    "primary_education": "PRM",
    "secondary_education": "SEC",
    "government_services": "GOV",
}
SERIES_PREFIX = {"attribute_average": "SP_PSR_SATIS_", "overall_satisfaction": "SP_PSR_OSATIS_"}
INCOME = "INCOME_WEALTH_QUANTILE"
INCOME_OMITTED = (
    f"the flow does not declare its income bands national quintiles (quintiles: true on "
    f"income_band), so the SDMX file leaves out the {INCOME} dimension"
)
# Our breakdown dimension -> SDMX dimension and category codes.
CODES = {
    "sex": ("SEX", {"1": "M", "2": "F"}),
    "age_band": (
        "AGE",
        {"1": "Y18T24", "2": "Y25T34", "3": "Y35T44", "4": "Y45T54", "5": "Y55T64", "6": "Y_GE65"},
    ),
    "urban_rural": ("URBANISATION", {"1": "U", "2": "R"}),
    # Written only when the flow declares its income bands national quintiles (band k = Qk).
    "income_band": (INCOME, {str(k): f"Q{k}" for k in range(1, 6)}),
    # PD / PWD as one Open SDG platform labels them; their meaning must be verified.
    "disability": ("DISABILITY_STATUS", {"1": "PD", "2": "PWD"}),
}
DIMENSIONS = [sdmx for sdmx, _ in CODES.values()]
COLUMNS = [
    "DATAFLOW",
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    *DIMENSIONS,
    "TIME_PERIOD",
    "OBS_VALUE",
    "UNIT_MEASURE",
    "UNIT_MULT",
    "LOWER_BOUND",
    "UPPER_BOUND",
    "NATURE",
]


def _coordinates(
    dimension: str, category: str, codes: dict[str, tuple[str, dict[str, str]]]
) -> dict[str, str] | None:
    """Return the SDMX dimension codes of a breakdown cell, or None if it has no SDMX code."""
    coordinates = dict.fromkeys((sdmx for sdmx, _ in codes.values()), "_T")
    if dimension == TOTAL:
        return coordinates
    for name, code in zip(dimension.split("+"), category.split("+"), strict=True):
        if name not in codes or code not in codes[name][1]:
            return None
        sdmx, names = codes[name]
        coordinates[sdmx] = names[code]
    return coordinates


def sdmx_rows(
    table: pd.DataFrame,
    time_period: str,
    ref_area: str = REF_AREA_BOTSWANA,
    income_quintiles: bool = False,
) -> pd.DataFrame:
    """Return the published indicator table's global series as SDMX-CSV rows.

    Uses weighted rows when the table has them, else unweighted; leaves out suppressed cells,
    unknown categories and breakdowns the SDG structure has no dimension for. The income
    dimension is written only when ``income_quintiles`` says the income bands are national
    quintiles (the flow's declaration); otherwise the column and the income cells are left out.
    """
    codes = {k: v for k, v in CODES.items() if income_quintiles or k != "income_band"}
    columns = [c for c in COLUMNS if income_quintiles or c != INCOME]
    weighted = bool(table["weighted"].any())
    chosen = table[
        (table["weighted"] == weighted)
        & table["estimate"].isin(list(SERIES_PREFIX))
        & ~table["suppressed"]
        & table["percent"].notna()
    ]
    rows = []
    for record in chosen.itertuples(index=False):
        coordinates = _coordinates(record.dimension, record.category, codes)
        if coordinates is None:
            continue
        rows.append(
            {
                "DATAFLOW": DATAFLOW,
                "FREQ": "A",
                "REPORTING_TYPE": "N",
                "SERIES": SERIES_PREFIX[record.estimate] + AREA_SUFFIX[record.service_area],
                "REF_AREA": ref_area,
                **coordinates,
                "TIME_PERIOD": time_period,
                "OBS_VALUE": round(float(record.percent), 2),
                "UNIT_MEASURE": "PT",
                "UNIT_MULT": 0,
                "LOWER_BOUND": round(float(record.ci_low), 2),
                "UPPER_BOUND": round(float(record.ci_high), 2),
                # C: country data. A self-selected online sample may call for another code.
                "NATURE": "C",
            }
        )
    return pd.DataFrame(rows, columns=columns)
