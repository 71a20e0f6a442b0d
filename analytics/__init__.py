"""Estimates, weights, intervals, exports and reports for SDG indicator 16.6.2.

Loaders at the edge (``load``: database or exported CSV, in chunks), tidy respondent tables
(``tidy``), pure estimators in the middle (``breakdowns``, ``estimates``, ``intervals``,
``weights``), writers at the other edge (``export``, ``sdmx``, ``microdata``, ``report``), the
command group (``commands``, light) and what its commands do (``tasks``), and synthetic data
(``simulate``). docs/analytics.md describes the methods. Importing this package loads no Flask.
"""
