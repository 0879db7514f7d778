"""Schema of the CRM-adoption data: size classes, tiers, barriers, success factors, the readiness
instrument, and the validators of the published-statistics table, the instrument and its scorecards.

Data layer: the loaders of :mod:`crmlab.datasets` validate with these, and :mod:`crmlab.adoption`
(which re-exports every name) analyses the validated tables. No analysis module, plotting or model
library is imported here.
"""

from __future__ import annotations

import pandas as pd

from crmlab.errors import DataValidationError, SpecificationError, offending_rows, require_columns, require_rows

#: Eurostat enterprise size classes (persons employed); the ICT survey covers 10+.
SIZE_CLASSES = ("10-49", "50-249", "250+")

SIZE_LABELS = {"0-9": "micro (0-9)", "10-49": "small (10-49)", "50-249": "medium (50-249)",
               "250+": "large (250+)", "10+": "all (10+)"}

#: CRM product tiers in the source documents, smallest first.
TIERS = ("SME CRM", "mid-market CRM", "enterprise CRM")

#: Multi-select barriers and their labels (shares among adopters and considerers in the source documents:
#: 37%, 24%, 8%, 5%).
BARRIERS = {
    "barrier_cost": "CRM costs too much",
    "barrier_consulting": "no professional consulting support",
    "barrier_skills": "low staff skills or awareness",
    "barrier_long_implementation": "long implementation, slow results",
}

#: The source documents' five success factors and four conditions, scored 1-5 by adopters.
SUCCESS_FACTORS = {
    "sf_vision": "e-business vision",
    "sf_assessment": "e-CRM assessment (as-is vs to-be)",
    "sf_touchpoints": "understanding touchpoints",
    "sf_outside_in": "outside-in process re-engineering",
    "sf_change_management": "change management",
    "cond_top_management": "top-management support",
    "cond_team": "capable team",
    "cond_training": "staff training",
    "cond_software": "suitable software and hardware",
}

#: Gartner's eight building blocks of CRM, in their usual order.
BUILDING_BLOCKS = (
    "vision", "strategy", "valued customer experience", "organisational collaboration",
    "processes", "information", "technology", "metrics",
)

#: Columns of the published-statistics table (``crm_adoption_statistics.csv``), in file order.
STATISTICS_COLUMNS = (
    "geography", "year", "size_class", "indicator", "value", "value_high", "unit", "kind",
    "break_in_series", "verified", "provenance", "source", "url_or_citation", "note",
)

#: How a figure reached the file. ``verified`` is true exactly for the first two.
PROVENANCE = {
    "primary": "primary source seen",
    "derived": "derived from a primary source",
    "secondary": "reported second-hand (primary not seen)",
    "unsourced": "no source given",
}

#: Kinds of row that are forecasts rather than measurements (:func:`forecast_vs_outcome`).
FORECAST_KINDS = ("industry forecast", "source-document forecast")

#: Columns of the readiness instrument and of a scorecard, and the score range (0 absent .. 5 fully in place).
INSTRUMENT_COLUMNS = ("practice_id", "building_block", "source_factor", "practice")
SCORECARD_COLUMNS = ("firm", "practice_id", "intention", "reality")
SCORE_RANGE = (0, 5)

#: Answers of the synthetic firm survey stored as nullable whole numbers (``<NA>``: not asked).
FIRM_SURVEY_INTEGER_COLUMNS = (*BARRIERS, *SUCCESS_FACTORS, "met_expectations")


def validate_statistics(df: pd.DataFrame) -> pd.DataFrame:
    """Check the published-statistics table: every row has a value, a source and a URL or citation,
    and a ``provenance`` from :data:`PROVENANCE` that agrees with ``verified`` (true exactly for
    "primary" and "derived").

    Returns a typed copy (``year`` as nullable Int64, ``verified`` and ``break_in_series`` as bool).

    Parameters
    ----------
    df : pandas.DataFrame
        The table as read from ``crm_adoption_statistics.csv`` (columns :data:`STATISTICS_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`STATISTICS_COLUMNS`, typed.

    Raises
    ------
    DataValidationError
        Naming the column, the first offending rows and the fix.

    Examples
    --------
    >>> row = {"geography": "EU27_2020", "year": "2019", "size_class": "10+", "indicator": "crm_use",
    ...        "value": "33", "value_high": "", "unit": "%", "kind": "official statistic",
    ...        "break_in_series": "False", "verified": "True", "provenance": "primary",
    ...        "source": "Eurostat", "url_or_citation": "https://ec.europa.eu/eurostat", "note": ""}
    >>> table = validate_statistics(pd.DataFrame([row]))
    >>> int(table.loc[0, "year"]), float(table.loc[0, "value"]), bool(table.loc[0, "verified"])
    (2019, 33.0, True)
    >>> validate_statistics(pd.DataFrame([{**row, "source": ""}]))
    Traceback (most recent call last):
    ...
    crmlab.errors.DataValidationError: ...no source given...
    """
    require_columns(df, STATISTICS_COLUMNS, what="the adoption statistics table")
    require_rows(df, what="the adoption statistics table")
    out = df.loc[:, list(STATISTICS_COLUMNS)].copy()
    for col in ("source", "url_or_citation"):
        blank = out[col].isna() | (out[col].astype(str).str.strip() == "")
        if blank.any():
            raise DataValidationError(
                "no source given", column=col, rows=offending_rows(blank), data=df,
                fix="every figure needs its source and a URL or full citation; remove figures you cannot source",
            )
    value = pd.to_numeric(out["value"], errors="coerce")
    if value.isna().any():
        raise DataValidationError("value missing or not a number", column="value",
                                  rows=offending_rows(value.isna()), data=df,
                                  fix="type the figure as a number (e.g. 33, not '33%')")
    for col in ("verified", "break_in_series"):
        flags = out[col].map({True: True, False: False, "True": True, "False": False,
                              "true": True, "false": False})
        if flags.isna().any():
            raise DataValidationError(f"{col} must be True or False", column=col,
                                      rows=offending_rows(flags.isna()), data=df,
                                      fix="write True only when the primary source text was seen")
        out[col] = flags.astype(bool)
    unknown = ~out["provenance"].isin(list(PROVENANCE))
    if unknown.any():
        raise DataValidationError(f"provenance must be one of {list(PROVENANCE)}", column="provenance",
                                  rows=offending_rows(unknown), data=df,
                                  fix="primary: the figure is printed in a source you have seen; derived: computed "
                                      "from such figures; secondary: seen only as reported by others; unsourced: "
                                      "no source given")
    clash = out["verified"] != out["provenance"].isin(["primary", "derived"])
    if clash.any():
        raise DataValidationError("verified disagrees with provenance", column="verified",
                                  rows=offending_rows(clash), data=df,
                                  fix="verified is True exactly when provenance is 'primary' or 'derived'")
    out["value"] = value.astype("float64")
    out["value_high"] = pd.to_numeric(out["value_high"], errors="coerce").astype("float64")
    out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out


def validate_instrument(instrument: pd.DataFrame) -> pd.DataFrame:
    """Check the readiness instrument: unique practice ids, every block one of Gartner's eight.

    Parameters
    ----------
    instrument : pandas.DataFrame
        Columns :data:`INSTRUMENT_COLUMNS`, one row per practice; every one of
        :data:`BUILDING_BLOCKS` needs at least one practice.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`INSTRUMENT_COLUMNS` (an empty ``source_factor`` as ``""``).

    Raises
    ------
    SpecificationError
        Listing duplicate ids, unknown blocks and blocks without a practice.

    Examples
    --------
    >>> rows = [(f"P{i}", block, "", f"practice {i}") for i, block in enumerate(BUILDING_BLOCKS)]
    >>> len(validate_instrument(pd.DataFrame(rows, columns=list(INSTRUMENT_COLUMNS))))
    8
    """
    require_columns(instrument, INSTRUMENT_COLUMNS, what="the readiness instrument")
    require_rows(instrument, what="the readiness instrument")
    problems = []
    dup = instrument["practice_id"].duplicated(keep=False)
    if dup.any():
        problems.append(f"duplicate practice_id at rows {offending_rows(dup)}")
    unknown = ~instrument["building_block"].isin(BUILDING_BLOCKS)
    if unknown.any():
        problems.append(f"building_block not one of Gartner's eight at rows {offending_rows(unknown)}: "
                        f"{sorted(instrument.loc[unknown, 'building_block'].astype(str).unique())}")
    missing = [b for b in BUILDING_BLOCKS if b not in set(instrument["building_block"])]
    if missing:
        problems.append(f"no practice for building block(s) {missing}")
    if problems:
        raise SpecificationError("the readiness instrument", problems,
                                 fix=f"use the building blocks {list(BUILDING_BLOCKS)} and unique practice ids")
    return instrument.loc[:, list(INSTRUMENT_COLUMNS)].fillna({"source_factor": ""}).reset_index(drop=True)


def validate_scorecard(scores: pd.DataFrame, instrument: pd.DataFrame) -> pd.DataFrame:
    """Check intention/reality scores against the instrument and return them typed.

    Scores must be whole numbers from 0 (absent) to 5 (fully in place). Every firm must score every
    practice of the instrument exactly once, and only those practices. Bad values raise
    :class:`DataValidationError` (naming the column and rows); structural problems raise one
    :class:`SpecificationError` listing them all.

    Parameters
    ----------
    scores : pandas.DataFrame
        Columns :data:`SCORECARD_COLUMNS`, one row per firm and practice.
    instrument : pandas.DataFrame
        The readiness instrument (:func:`validate_instrument`).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`SCORECARD_COLUMNS`, scores as ``int64``.

    Examples
    --------
    >>> rows = [(f"P{i}", block, "", f"practice {i}") for i, block in enumerate(BUILDING_BLOCKS)]
    >>> instrument = pd.DataFrame(rows, columns=list(INSTRUMENT_COLUMNS))
    >>> scores = pd.DataFrame({"firm": "Shop", "practice_id": instrument["practice_id"], "intention": 4, "reality": 2})
    >>> int(validate_scorecard(scores, instrument)["reality"].sum())
    16
    """
    require_columns(scores, SCORECARD_COLUMNS, what="the scorecard")
    require_rows(scores, what="the scorecard", fix="fill in the template, one row per firm and practice")
    instrument = validate_instrument(instrument)
    out = scores.loc[:, list(SCORECARD_COLUMNS)].copy()
    blank_firm = out["firm"].isna() | (out["firm"].astype(str).str.strip() == "")
    if blank_firm.any():
        raise DataValidationError("firm name missing", column="firm", rows=offending_rows(blank_firm),
                                  data=scores, fix="write the firm's name on every row")
    low, high = SCORE_RANGE
    for col in ("intention", "reality"):
        value = pd.to_numeric(out[col], errors="coerce")
        bad = value.isna() | (value < low) | (value > high) | (value != value.round())
        if bad.any():
            raise DataValidationError(
                f"score missing or not a whole number from {low} to {high}", column=col,
                rows=offending_rows(bad), data=scores,
                fix=f"score each practice {low} (absent) to {high} (fully in place), once for intention "
                    "(what the firm plans) and once for reality (what is done today)",
            )
        out[col] = value.astype("int64")
    problems = []
    known = set(instrument["practice_id"])
    unknown = ~out["practice_id"].isin(known)
    if unknown.any():
        problems.append(f"practice_id not in the instrument at rows {offending_rows(unknown)}: "
                        f"{sorted(out.loc[unknown, 'practice_id'].astype(str).unique())}")
    dup = out.duplicated(["firm", "practice_id"], keep=False)
    if dup.any():
        problems.append(f"practice scored more than once for the same firm at rows {offending_rows(dup)}")
    for firm, part in out.groupby("firm", sort=False):
        missing = sorted(known - set(part["practice_id"]))
        if missing:
            problems.append(f"firm {firm!r} has no score for practice(s) {missing}")
    if problems:
        raise SpecificationError("the scorecard", problems,
                                 fix="score every practice of the instrument once per firm (see the template)")
    return out
