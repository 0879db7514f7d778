"""Customer-base summaries and predictions beyond memory: DuckDB on files, Dask on clusters.

Three engines compute the summary of :func:`crmlab.clv.rfm_summary` and
:func:`crmlab.clv.calibration_holdout`; all of them use the one definition of a period
(:func:`~crmlab.transactions.period_codes` in numpy, :func:`~crmlab.transactions.period_sql` in SQL) and of the
summary columns (:func:`~crmlab.clv.data.summary_columns`, Fader, Hardie & Lee 2005):

* pandas, for a DataFrame in memory (:mod:`crmlab.clv.data`);
* DuckDB, for a path, a glob or a list of CSV/Parquet files (:func:`rfm_summary_duckdb`,
  :func:`calibration_holdout_duckdb`): the log is streamed from disk and aggregated out of core within
  ``memory_limit``; only the one-row-per-customer result is brought into memory;
* Dask, for a ``dask.dataframe.DataFrame`` (:func:`rfm_summary_dask`, :func:`calibration_holdout_dask`):
  each partition is validated and reduced to distinct (customer, period) pairs with the pandas code,
  the pairs are shuffled by customer and reduced to one row per customer on whatever scheduler the
  collection is attached to (a ``dask.distributed`` cluster, or threads).

Every engine returns the pandas result: same index (sorted customer ids), columns, dtypes and
``attrs``; counts and times are equal exactly, spend differs at most in the last bits of a sum (the
engines add amounts in a different order).

:func:`predict_to_parquet` writes expected purchases, P(alive) and CLV for millions of customers,
``chunk_size`` customers at a time, so memory stays bounded whatever the number of customers.

DuckDB and Dask are optional (``pip install crmlab[scale]``) and imported only when used.
"""

from __future__ import annotations

import glob
import gzip
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.data import holdout_periods, summary_columns
from crmlab.clv.models import customer_lifetime_value, expected_purchases, probability_alive
from crmlab.errors import (
    CrmlabWarning,
    DataFileError,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)
from crmlab.transactions import (
    EARLIEST_DATE,
    MISSING_WORDS,
    OFFSET_PATTERN,
    check_columns,
    check_date_format,
    check_freq,
    header_names,
    leave_out_after_end,
    period_codes,
    period_sql,
    to_timestamp,
    validate_log,
)

FileSource = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]

_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")
_INSTALL = "install the optional engines with: pip install 'crmlab[scale]'"


def _require(module: str, what: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise ImportError(f"{what} needs the package {module.split('.')[0]!r}; {_INSTALL}") from exc


def engine(transactions: object, function: str) -> Callable[..., pd.DataFrame] | None:
    """The engine's version of ``function`` (``"rfm_summary"`` or ``"calibration_holdout"``) for the input.

    A path, glob or list of paths -> DuckDB; a Dask DataFrame -> Dask; anything else -> ``None``
    (the pandas path). Importing this module imports neither DuckDB nor Dask.
    """
    if function not in ("rfm_summary", "calibration_holdout"):
        raise ParameterError(f"unknown function {function!r}; use 'rfm_summary' or 'calibration_holdout'")
    is_path = isinstance(transactions, (str, os.PathLike)) or (
        isinstance(transactions, (list, tuple))
        and len(transactions) > 0
        and all(isinstance(p, (str, os.PathLike)) for p in transactions)
    )
    if is_path:
        return rfm_summary_duckdb if function == "rfm_summary" else calibration_holdout_duckdb
    dask_dataframe = sys.modules.get("dask.dataframe")
    if dask_dataframe is not None and isinstance(transactions, dask_dataframe.DataFrame):
        return rfm_summary_dask if function == "rfm_summary" else calibration_holdout_dask
    return None


# ---------------------------------------------------------------------------------------------------
# the per-customer finish, shared by DuckDB and Dask


def _summary_frame(
    ids: pd.Index,
    n_periods: np.ndarray,
    first_period: np.ndarray,
    last_period: np.ndarray,
    spend: np.ndarray | None,
    end_period: int,
    freq_multiplier: float,
    suffix: str = "",
    *,
    include_first: bool = False,
) -> pd.DataFrame:
    """The summary columns of :func:`summary_columns`, plus mean spend when amounts are known.

    ``spend`` is the repeat spend (trial period left out), or with ``include_first`` the total spend.
    """
    columns = summary_columns(n_periods, first_period, last_period, end_period, freq_multiplier)
    if include_first:
        columns["frequency"] = columns["frequency"] + 1
        if spend is not None:
            total = np.asarray(spend, dtype="float64")
            columns["monetary_value"] = total / columns["frequency"]
            columns["total_spend"] = total
    elif spend is not None:
        repeats = columns["frequency"]
        columns["monetary_value"] = np.divide(
            np.asarray(spend, dtype="float64"), repeats, out=np.zeros(len(repeats)), where=repeats > 0
        )
    return pd.DataFrame({f"{k}{suffix}": v for k, v in columns.items()}, index=ids)


def _rfm_frame(
    table: pd.DataFrame, monetary: bool, end: pd.Timestamp, end_period: int, freq: str, freq_multiplier: float,
    include_first: bool = False,
) -> pd.DataFrame:
    """The :func:`rfm_summary` result from one row per customer (``n``, ``first``, ``last``, spend)."""
    spend = None if not monetary else table["total_spend" if include_first else "repeat_spend"].to_numpy()
    out = _summary_frame(
        table.index, table["n"].to_numpy(), table["first"].to_numpy(), table["last"].to_numpy(),
        spend, end_period, freq_multiplier, include_first=include_first,
    )
    out.attrs.update(freq=freq, freq_multiplier=freq_multiplier, observation_end=str(end))
    return out


def _add_holdout(
    out: pd.DataFrame,
    hold_periods: np.ndarray,
    hold_spend: np.ndarray | None,
    cal_period: int,
    obs_period: int,
    freq_multiplier: float,
) -> pd.DataFrame:
    """``frequency_holdout``, ``monetary_value_holdout`` (mean per-period spend) and ``duration_holdout``."""
    periods = np.asarray(hold_periods, dtype="int64")
    out["frequency_holdout"] = periods
    if hold_spend is not None:
        out["monetary_value_holdout"] = np.divide(
            np.asarray(hold_spend, dtype="float64"), periods, out=np.zeros(len(periods)), where=periods > 0
        )
    out["duration_holdout"] = (obs_period - cal_period) / float(freq_multiplier)
    return out


def _customer_index(values: pd.Series, name: str) -> pd.Index:
    """Customer ids as an Index; Dask's and Arrow's string types come back as pandas' ``str``."""
    index = pd.Index(values, name=name)
    if isinstance(index.dtype, pd.StringDtype):
        index = index.astype("str")
    return index


def _end_period(stamp: pd.Timestamp, freq: str) -> int:
    return int(period_codes(np.array([stamp.asm8]), freq)[0])


def _optional_end(observation_end: Any) -> pd.Timestamp | None:
    return None if observation_end is None else to_timestamp(observation_end, "observation_end")


# ---------------------------------------------------------------------------------------------------
# DuckDB: files -> SQL


def _files(source: FileSource) -> tuple[list[str], str]:
    """The files a path, glob, directory or list names, each once, and their format.

    A name that is an existing file is read literally, whatever characters it holds (``sales[2024].csv``
    is that file, not a pattern); only a name that is no file and holds ``*``, ``?`` or ``[`` is a glob. A
    file named twice (listed twice, or matched by a glob and named too) is read once, with a
    :class:`~crmlab.errors.CrmlabWarning` that counts the repeats.
    """
    if isinstance(source, (list, tuple)) and not source:
        raise DataFileError("the list of files is empty; pass at least one CSV or Parquet file")
    items = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files: list[str] = []
    for item in items:
        text = os.fspath(item)
        if os.path.isfile(text):
            files.append(text)
        elif os.path.isdir(text):
            matches = sorted(str(p) for p in Path(text).rglob("*") if p.is_file() and _kind(str(p)) is not None)
            if not matches:
                raise DataFileError(f"the folder {text!r} holds no .csv or .parquet file")
            files += matches
        elif glob.has_magic(text):
            matches = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
            if not matches:
                raise DataFileError(
                    f"no file matches {text!r}; check the pattern (relative paths start at {Path.cwd()}); to name "
                    "a file whose name holds [, ], * or ?, give its exact path"
                )
            files += matches
        else:
            raise DataFileError(f"no such file: {text!r}; check the path (relative paths start at {Path.cwd()})")
    unique: dict[str, str] = {}
    for f in files:
        unique.setdefault(os.path.realpath(f), f)
    if len(unique) < len(files):
        warnings.warn(
            f"{len(files) - len(unique)} file(s) were named more than once (listed twice, or matched by a pattern "
            "and named too); each file is read once",
            CrmlabWarning, stacklevel=4,
        )
    files = list(unique.values())
    kinds = {f: _kind(f) for f in files}
    unknown = [f for f, k in kinds.items() if k is None]
    if unknown:
        raise DataFileError(
            f"unknown file type: {unknown[:5]}; use .csv, .csv.gz, .tsv or .parquet files"
        )
    if len(set(kinds.values())) > 1:
        raise DataFileError(
            "the files mix CSV and Parquet; summarise one format at a time (or convert the CSV files to Parquet)"
        )
    empty = [f for f in files if os.path.getsize(f) == 0]
    if empty:
        raise EmptyDataError(f"empty file(s) (0 bytes): {empty[:5]}", fix="remove them or export the data again")
    return files, next(iter(kinds.values()))


def _stage(files: Sequence[str], folder: str) -> list[str]:
    """Links to ``files`` under plain names in ``folder``: DuckDB globs every path it is given, so a real
    file name holding ``[``, ``]``, ``*`` or ``?`` is handed to it under a name without them."""
    staged = []
    for number, path in enumerate(files):
        name = os.path.basename(path).lower()
        suffix = next(s for s in sorted(_PARQUET + _CSV, key=len, reverse=True) if name.endswith(s))
        link = os.path.join(folder, f"file{number:06d}{suffix}")
        try:
            os.symlink(os.path.abspath(path), link)
        except OSError:  # no symbolic links (some file systems): a copy reads the same bytes
            shutil.copyfile(path, link)
        staged.append(link)
    return staged


def _kind(path: str) -> str | None:
    name = path.lower()
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith(_CSV):
        return "csv"
    return None


def _header(path: str) -> list[str]:
    """The column names in the first line of a CSV/TSV file (gzipped or not)."""
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
            line = handle.readline()
    except (OSError, EOFError) as exc:
        raise DataFileError(f"{os.path.basename(path)} could not be read: {exc}") from exc
    return header_names(line, "\t" if ".tsv" in path.lower() else ",")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reader(files: Sequence[str], kind: str, text_columns: Sequence[str] = (), *, row_numbers: bool = False) -> str:
    """DuckDB's reader of the files; CSV columns in ``text_columns`` are read as text (cast in SQL)."""
    paths = "[" + ", ".join(_literal(f) for f in files) + "]"
    if kind == "parquet":
        extra = ", filename = true, file_row_number = true" if row_numbers else ""
        return f"read_parquet({paths}, union_by_name = true{extra})"
    extra = ", filename = true" if row_numbers else ""
    text = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in text_columns)
    return f"read_csv({paths}, header = true, union_by_name = true, types = {{{text}}}{extra})"


_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")
_NUMBERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
            "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE")


class _Files:
    """A DuckDB connection on a set of transaction files, with checked, typed column expressions.

    ``view`` projects the log onto ``c`` (customer), ``d_raw``/``d`` (the date as stored and as a
    timestamp) and, with amounts, ``a_raw``/``a`` (as stored and as DOUBLE).
    """

    def __init__(
        self,
        source: FileSource,
        customer_col: str,
        date_col: str,
        monetary_col: str | None,
        freq: str,
        memory_limit: str,
        threads: int | None,
        temp_directory: str,
        date_format: str | None = None,
    ) -> None:
        duckdb = _require("duckdb", "summarising files")
        check_date_format(date_format)
        self.error = duckdb.Error
        self.date_format = date_format
        real_files, self.kind = _files(source)
        links = os.path.join(temp_directory, "files")
        os.mkdir(links)
        self.files = _stage(real_files, links)
        self.names = {os.path.basename(link): os.path.basename(real) for link, real in zip(self.files, real_files)}
        self.real_files = real_files
        config: dict[str, Any] = {
            "memory_limit": memory_limit,
            "temp_directory": temp_directory,
            "preserve_insertion_order": False,
        }
        if threads is not None:
            config["threads"] = int(threads)
        try:
            self.con = duckdb.connect(config=config)
        except duckdb.Error as exc:
            raise ParameterError(f"DuckDB refused the settings {config}: {exc}") from exc
        self.customer_col, self.date_col, self.monetary_col, self.freq = customer_col, date_col, monetary_col, freq
        self.columns = [customer_col, date_col] + ([monetary_col] if monetary_col is not None else [])
        self.types = self._schema()
        self.view = f"(SELECT {self._projection()} FROM {_reader(self.files, self.kind, self.columns)})"

    def close(self) -> None:
        self.con.close()

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        """The query's rows; a failure to read the files is a :class:`DataFileError`."""
        return self._run(query, lambda relation: relation.fetchall())

    def frame(self, query: str) -> pd.DataFrame:
        """The query's result in pandas, Arrow types mapped as ``pd.read_parquet`` maps them."""
        return self._run(query, lambda relation: relation.to_arrow_table().to_pandas())

    def _run(self, query: str, fetch: Callable[[Any], Any]) -> Any:
        try:
            return fetch(self.con.sql(query))
        except self.error as exc:
            raise DataFileError(f"DuckDB could not read {self._names()}: {exc}") from exc

    def _names(self) -> str:
        shown = ", ".join(os.path.basename(f) for f in self.real_files[:3])
        return shown + (f" and {len(self.files) - 3} more file(s)" if len(self.files) > 3 else "")

    def _schema(self) -> dict[str, str]:
        """Types of the needed columns; every file must have them, with compatible types."""
        types: dict[str, str] = {}
        for path, real in zip(self.files, self.real_files):
            try:
                described = self.con.sql(f"DESCRIBE SELECT * FROM {_reader([path], self.kind)}").fetchall()
            except self.error as exc:
                raise DataFileError(
                    f"{os.path.basename(real)} could not be read as {'Parquet' if self.kind == 'parquet' else 'CSV'}: "
                    f"{exc}"
                ) from exc
            check_columns(_header(real) if self.kind == "csv" else [row[0] for row in described],
                          what=f"the file {real}")
            present = {row[0]: row[1] for row in described}
            missing = [c for c in self.columns if c not in present]
            if missing:
                raise MissingColumnError(missing, list(present), what=f"the file {real}")
            for column in self.columns:
                if self.kind == "csv":  # read as text and cast in SQL, so bad values are reported by row
                    present[column] = "VARCHAR"
                first = types.setdefault(column, present[column])
                if present[column] != first and not {present[column], first} <= set(_NUMBERS):
                    raise DataValidationError(
                        f"the column is {present[column]} in {real} but {first} in {self.real_files[0]}",
                        column=column, fix="write every file with the same column types",
                    )
        return types

    def _projection(self) -> str:
        """``c``, ``d_raw``, ``d`` (naive UTC timestamp) and, with amounts, ``a_raw``, ``a`` (DOUBLE), by the
        rules of :mod:`crmlab.transactions`: offsets to UTC, numeric dates only with a format."""
        date, kind = _quote(self.date_col), self.types[self.date_col]
        numeric = kind in _NUMBERS or kind.startswith("DECIMAL")
        if self.date_format is not None and (kind == "VARCHAR" or numeric):
            text = date if kind == "VARCHAR" else f"CAST(CAST({date} AS BIGINT) AS VARCHAR)"
            typed_date = f"CAST(try_strptime(trim({text}), {_literal(self.date_format)}) AS TIMESTAMP)"
        elif kind in _TIMESTAMPS:  # kept as stored: nanoseconds stay exact
            typed_date = date
        elif kind == "DATE":
            typed_date = f"CAST({date} AS TIMESTAMP)"
        elif kind == "TIMESTAMP WITH TIME ZONE":  # cast to the UTC wall time (no ICU time zones needed)
            typed_date = f"CAST({date} AS TIMESTAMP)"
        elif kind == "VARCHAR":
            typed_date = (
                f"CASE WHEN regexp_matches(trim({date}), {_literal(OFFSET_PATTERN)}) "
                f"THEN CAST(TRY_CAST(trim({date}) AS TIMESTAMPTZ) AS TIMESTAMP) ELSE TRY_CAST(trim({date}) AS TIMESTAMP) END"
            )
        elif numeric:
            raise DataValidationError(
                f"dates are stored as numbers ({kind}); read as nanoseconds since 1970 they would all fall on "
                "1970-01-01", column=self.date_col,
                fix="pass the numbers' format, e.g. date_format='%Y%m%d' for 20240131, or store real dates",
            )
        else:
            raise DataValidationError(
                f"the column has type {kind}, not a date or timestamp", column=self.date_col,
                fix="store dates as Parquet timestamps/dates, or as ISO 8601 text (YYYY-MM-DD [HH:MM:SS]) in CSV",
            )
        parts = [f"{_quote(self.customer_col)} AS c", f"{date} AS d_raw", f"{typed_date} AS d"]
        if kind == "VARCHAR" and self.date_format is None:
            parts.append(f"regexp_matches(trim({date}), {_literal(OFFSET_PATTERN)}) AS aware")
        else:
            parts.append("false AS aware")
        if self.monetary_col is not None:
            amount, kind = _quote(self.monetary_col), self.types[self.monetary_col]
            if kind in _NUMBERS or kind.startswith("DECIMAL"):
                parts += [f"{amount} AS a_raw", f"CAST({amount} AS DOUBLE) AS a"]
            elif kind == "VARCHAR":
                parts += [f"{amount} AS a_raw", f"TRY_CAST(trim({amount}) AS DOUBLE) AS a"]
            else:
                raise DataValidationError(
                    f"the column has type {kind}, not a number", column=self.monetary_col,
                    fix="store amounts as numbers (e.g. 12.50), without currency symbols",
                )
        return ", ".join(parts)

    def validate(self, after: str | None, before: str | None = None) -> dict[str, Any]:
        """The rules of :func:`crmlab.transactions.validate_log`, in its order, as SQL counts; returns the
        number of rows, of rows ``after`` the end and ``before`` a calibration end (conditions on ``d``/``p``),
        and the last timestamp."""
        text_id = self.types[self.customer_col] == "VARCHAR"
        missing_id = "c IS NULL" + (" OR isnan(c)" if self.types[self.customer_col] in ("FLOAT", "DOUBLE") else "")
        if text_id:
            missing_id += " OR trim(c) = ''"
        words = "[" + ", ".join(_literal(w) for w in MISSING_WORDS) + "]"
        date_hint = (f"dates must match date_format={self.date_format!r}" if self.date_format else
                     "write dates as ISO 8601 (YYYY-MM-DD [HH:MM:SS]) or store them as Parquet timestamps")
        checks = [
            (self.customer_col, missing_id, "missing customer id", "fill in or remove these rows"),
            (self.date_col, "d_raw IS NULL", "missing date", "fill in or remove these rows"),
            (self.date_col, "aware <> (SELECT count(*) FILTER (WHERE aware) * 2 >= count(*) FROM view)",
             "dates with a UTC offset mixed with dates without one",
             "write every date with its offset (or every date in UTC without one)"),
            (self.date_col, "d_raw IS NOT NULL AND d IS NULL", "unparsable date", date_hint),
            (self.date_col, f"d < TIMESTAMP '{EARLIEST_DATE}' OR d >= TIMESTAMP '2262-01-01'",
             f"date outside {EARLIEST_DATE.date()} to 2261-12-31",
             "correct these dates (a typo such as 9999 or 0201 for 2021?) or remove the rows"),
        ]
        if self.monetary_col is not None:
            text_amount = self.types[self.monetary_col] == "VARCHAR"
            missing_amount = "a_raw IS NULL" + (f" OR list_contains({words}, lower(trim(a_raw)))" if text_amount else "")
            checks += [
                (self.monetary_col, missing_amount, "missing amount",
                 "fill in the amounts, or ignore spend (amount column None)"),
                (self.monetary_col, "a_raw IS NOT NULL AND a IS NULL", "amount is not a number",
                 "remove currency symbols and thousands separators (e.g. '1,200.50' -> 1200.50)"),
                (self.monetary_col, "isnan(a) OR isinf(a)", "amount is infinite or not a number", "use finite amounts"),
                (self.monetary_col, "a < 0", "negative amount",
                 "net returns and refunds against their purchases, or remove them before summarising"),
            ]
        counts = ", ".join(f"count(*) FILTER (WHERE {condition})" for _, condition, _, _ in checks)
        with_view = f"WITH view AS ({self.view[1:-1]}) "
        row = self.rows(f"{with_view}SELECT count(*), {counts} FROM view")[0]
        n_rows, bad = row[0], row[1:]
        if n_rows == 0:
            raise EmptyDataError(f"the transaction log ({self._names()}) has no rows", fix="check the files")
        for (column, condition, problem, fix), count in zip(checks, bad):
            if count:
                self._refuse(column, condition, problem, fix, count)
        extra = ", ".join(f"count(*) FILTER (WHERE {c})" if c is not None else "0" for c in (after, before))
        total = ", sum(a)" if self.monetary_col is not None else ", 0"
        last, n_after, n_before, spend = self.rows(
            f"SELECT max(d), {extra}{total} FROM (SELECT *, {period_sql('d', self.freq)} AS p FROM {self.view})"
        )[0]
        if spend is not None and not np.isfinite(spend):
            self._refuse(self.monetary_col, f"a > {float(np.finfo('float64').max) / n_rows!r}",
                         "amounts so large that their sum overflows", "check the units of these amounts", 1)
        self._warn_ids(text_id)
        return {"rows": n_rows, "last": pd.Timestamp(last), "after": n_after, "before": n_before}

    def _warn_ids(self, text_id: bool) -> None:
        """The warnings of :func:`crmlab.transactions.check_customer_ids`, counted in SQL."""
        if not text_id:
            return
        words = "[" + ", ".join(_literal(w) for w in MISSING_WORDS if w) + "]"
        lookalike, clashing = self.rows(
            f"SELECT (SELECT count(*) FROM {self.view} WHERE list_contains({words}, lower(trim(c)))), "
            f"(SELECT coalesce(sum(n), 0) FROM (SELECT count(DISTINCT c) AS n FROM {self.view} "
            r"WHERE regexp_matches(trim(c), '^[+-]?\d+(\.0+)?$') "
            r"GROUP BY regexp_replace(trim(c), '\.0+$', '') HAVING count(DISTINCT c) > 1))"
        )[0]
        if lookalike:
            warnings.warn(
                f"column {self.customer_col!r}: {lookalike} row(s) have a customer id that looks like a missing "
                "value; they are kept as customers — replace them by real ids or remove them if they mean 'unknown'",
                CrmlabWarning, stacklevel=4,
            )
        if clashing:
            warnings.warn(
                f"column {self.customer_col!r}: {int(clashing)} distinct customer ids are the same number written in "
                "different ways (e.g. '1' and '1.0'); they are counted as different customers — write every id "
                "the same way if they are one customer",
                CrmlabWarning, stacklevel=4,
            )

    def _refuse(self, column: str, condition: str, problem: str, fix: str, count: int) -> None:
        """Raise for the offending rows, labelled ``file:row`` (data rows counted from 0)."""
        reader = _reader(self.files, self.kind, self.columns, row_numbers=True)
        if self.kind == "parquet":
            numbered = f"SELECT {self._projection()}, filename, file_row_number FROM {reader}"
        else:  # CSV has no row-number column: number each file's rows in file order, on one thread
            self.con.execute("SET threads = 1; SET preserve_insertion_order = true")
            numbered = (
                f"SELECT {self._projection()}, filename, "
                f"row_number() OVER (PARTITION BY filename) - 1 AS file_row_number FROM {reader}"
            )
        shown = ["c", "d_raw"] + (["a_raw"] if self.monetary_col is not None else [])
        excerpt = self.frame(
            f"WITH view AS ({self.view[1:-1]}) "
            f"SELECT filename, file_row_number, {', '.join(shown)} FROM ({numbered}) WHERE {condition} "
            "ORDER BY filename, file_row_number LIMIT 5"
        )
        labels = [f"{self.names.get(os.path.basename(f), os.path.basename(f))}:{r}"
                  for f, r in zip(excerpt.pop("filename"), excerpt.pop("file_row_number"))]
        excerpt.index = labels
        excerpt.columns = self.columns
        raise DataValidationError(
            f"{problem} in {count} row(s) of {self._names()}; the first are listed as file:row "
            "(data rows counted from 0)",
            column=column, rows=labels, fix=fix, data=excerpt,
        )

    def log(self, where: str) -> str:
        """SQL of the (c, p[, a]) rows of the log that satisfy ``where`` (on ``d`` and ``p``)."""
        amount = ", a" if self.monetary_col is not None else ""
        return (
            f"SELECT c, p{amount} FROM (SELECT c, d, {period_sql('d', self.freq)} AS p{amount} "
            f"FROM {self.view}) WHERE {where}"
        )

    def per_customer(self, rows: str) -> str:
        """SQL of one row per customer: distinct periods ``n``, ``first`` and ``last`` period, repeat spend.

        The repeat spend adds the amounts of the periods after the first (trial) one; the first period
        comes from a small per-customer aggregate joined back to the rows (the log is scanned twice,
        which is faster out of core than aggregating tens of millions of (customer, period) pairs).
        """
        if self.monetary_col is None:
            return f"SELECT c, count(DISTINCT p) AS n, min(p) AS first, max(p) AS last FROM ({rows}) GROUP BY c"
        return (
            f"WITH r AS NOT MATERIALIZED ({rows}), trials AS (SELECT c, min(p) AS trial FROM r GROUP BY c) "
            "SELECT c, count(DISTINCT p) AS n, min(p) AS first, max(p) AS last, "
            "coalesce(sum(a) FILTER (WHERE p > trial), 0) AS repeat_spend, sum(a) AS total_spend "
            "FROM r JOIN trials USING (c) GROUP BY c"
        )

    def per_customer_frame(self, query: str) -> pd.DataFrame:
        """The result of a per-customer query, indexed by customer id."""
        result = self.frame(query)
        result.index = _customer_index(result.pop("c"), self.customer_col)
        return result


def rfm_summary_duckdb(
    source: FileSource,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
    *,
    date_format: str | None = None,
    include_first: bool = False,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> pd.DataFrame:
    """:func:`crmlab.clv.rfm_summary` of CSV/Parquet files (a path, glob, folder or list), out of core.

    DuckDB streams the files and aggregates them within ``memory_limit`` (spilling to a temporary
    folder beyond it); the result equals ``rfm_summary`` of the same rows read into pandas. The files are
    checked first by the rules of :mod:`crmlab.transactions`, written in SQL, and every failure raises a
    :mod:`crmlab.errors` exception naming the file and rows. A name that is a file is read literally;
    each file is read once (see :func:`_files`).
    """
    check_freq(freq, freq_multiplier)
    end = _optional_end(observation_end)
    with tempfile.TemporaryDirectory(prefix="crmlab-duckdb-") as spill:
        files = _Files(source, customer_col, date_col, monetary_col, freq, memory_limit, threads, spill, date_format)
        try:
            after = None if end is None else f"p > {_end_period(end, freq)}"
            stats = files.validate(after)
            if end is None:
                end = stats["last"]
            end_period = _end_period(end, freq)
            leave_out_after_end(stats["after"], stats["rows"], end, date_col)
            table = files.per_customer_frame(files.per_customer(files.log(f"p <= {end_period}")) + " ORDER BY c")
        finally:
            files.close()
    return _rfm_frame(table, monetary_col is not None, end, end_period, freq, freq_multiplier, include_first)


def calibration_holdout_duckdb(
    source: FileSource,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    *,
    date_format: str | None = None,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> pd.DataFrame:
    """:func:`crmlab.clv.calibration_holdout` of CSV/Parquet files, out of core with DuckDB.

    Same columns, definitions and checks as the pandas function; see :func:`rfm_summary_duckdb`.
    """
    check_freq(freq, freq_multiplier)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    given_end = _optional_end(observation_end)
    cal_period, _ = holdout_periods(cal_end, given_end, freq)
    with tempfile.TemporaryDirectory(prefix="crmlab-duckdb-") as spill:
        files = _Files(source, customer_col, date_col, monetary_col, freq, memory_limit, threads, spill, date_format)
        try:
            after = None if given_end is None else f"p > {_end_period(given_end, freq)}"
            stats = files.validate(after, before=f"p <= {cal_period}")
            obs_end = stats["last"] if given_end is None else given_end
            cal_period, obs_period = holdout_periods(cal_end, obs_end, freq)
            if stats["before"] == 0:
                raise DataValidationError(
                    f"no transaction on or before calibration_end {cal_end}", column=date_col,
                    fix="pass a calibration_end after the first transaction",
                )
            leave_out_after_end(stats["after"], stats["rows"], obs_end, date_col)
            cal = files.per_customer(files.log(f"p <= {cal_period}"))
            hold_rows = files.log(f"p > {cal_period} AND p <= {obs_period}")
            spend = ", sum(a) AS hold_spend" if monetary_col is not None else ""
            hold = f"SELECT c, count(DISTINCT p) AS hold_periods{spend} FROM ({hold_rows}) GROUP BY c"
            table = files.per_customer_frame(
                "SELECT cal.*, coalesce(h.hold_periods, 0) AS hold_periods"
                + (", coalesce(h.hold_spend, 0) AS hold_spend" if monetary_col is not None else "")
                + f" FROM ({cal}) AS cal LEFT JOIN ({hold}) AS h USING (c) ORDER BY c"
            )
        finally:
            files.close()
    money = monetary_col is not None
    out = _summary_frame(
        table.index, table["n"].to_numpy(), table["first"].to_numpy(), table["last"].to_numpy(),
        table["repeat_spend"].to_numpy() if money else None, cal_period, freq_multiplier, suffix="_cal",
    )
    _add_holdout(out, table["hold_periods"].to_numpy(), table["hold_spend"].to_numpy() if money else None,
                 cal_period, obs_period, freq_multiplier)
    out.attrs.update(
        freq=freq, freq_multiplier=freq_multiplier, calibration_end=str(cal_end), observation_end=str(obs_end)
    )
    return out


# ---------------------------------------------------------------------------------------------------
# Dask: partitions -> distinct (customer, period) pairs -> shuffle by customer -> one row per customer


def _pair_table(
    customers: pd.Series | pd.Index, holdout: np.ndarray, periods: np.ndarray, spend: np.ndarray, rows: np.ndarray
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (customer, holdout, period) triples, sorted, with their summed ``spend`` and ``rows``.

    One int64 key per triple, (customer code * 2 + holdout) * span + period offset; sums run in row
    order (hashing, then a sort of the distinct keys only). Returns the customer ids and, per triple,
    the customer code, holdout flag, period, spend and rows.
    """
    codes, ids = pd.factorize(customers)
    p0 = int(periods.min())
    span = int(periods.max()) - p0 + 1
    key = (codes.astype("int64") * 2 + holdout) * span + (periods - p0)
    key_codes, distinct = pd.factorize(key)
    order = np.argsort(distinct)
    spend = np.bincount(key_codes, weights=spend, minlength=len(distinct))[order]
    rows = np.bincount(key_codes, weights=rows, minlength=len(distinct)).astype("int64")[order]
    distinct = distinct[order]
    group = distinct // span
    return pd.Index(ids), group // 2, (group % 2).astype(bool), distinct - group * span + p0, spend, rows


def _partition_pairs(
    part: pd.DataFrame,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    end_period: int | None,
    cal_period: int | None,
    obs_period: int | None,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One partition, checked by the pandas path's own validator and reduced to distinct triples.

    Returns the (customer, ``holdout``, ``period``) triples with their ``spend`` and ``rows``, and the
    partition's row counts and last timestamp; a validation error comes back as data (to be raised by
    the client with the partition's number), so it never depends on pickling an exception.
    """
    stats: dict[str, Any] = {"rows": len(part), "last": None, "after": 0, "calibration": 0, "error": None}
    empty = pd.DataFrame({
        customer_col: part[customer_col].iloc[:0], "holdout": np.zeros(0, bool), "period": np.zeros(0, "int64"),
        "spend": np.zeros(0), "rows": np.zeros(0, "int64"),
    })
    if len(part) == 0:
        return empty, stats
    try:
        customers, dates, amounts, _ = validate_log(part, customer_col, date_col, monetary_col, date_format=date_format)
    except DataValidationError as exc:
        shown = [r for r in exc.rows[:5] if r in part.index]
        stats["error"] = {
            "type": type(exc), "problem": exc.problem, "column": exc.column, "rows": exc.rows, "fix": exc.fix,
            "data": part.loc[shown, [c for c in (customer_col, date_col, monetary_col) if c is not None]],
        }
        return empty, stats
    codes = period_codes(dates, freq)
    stats["last"] = dates.max()
    if cal_period is None:  # rfm_summary: keep the periods up to the observation end
        holdout = np.zeros(len(codes), dtype=bool)
        keep = np.ones(len(codes), dtype=bool) if end_period is None else codes <= end_period
    else:  # calibration_holdout: calibration periods up to cal_end's, holdout periods up to obs_end's
        holdout = codes > cal_period
        keep = np.ones(len(codes), dtype=bool) if obs_period is None else codes <= obs_period
        stats["calibration"] = int(np.count_nonzero(~holdout))
    stats["after"] = int(len(keep) - np.count_nonzero(keep))
    if not keep.any():
        return empty, stats
    spend = amounts[keep] if amounts is not None else np.zeros(int(keep.sum()))
    ids, cust, hold, period, spend, rows = _pair_table(
        customers[keep], holdout[keep], codes[keep], spend, np.ones(len(spend))
    )
    pairs = pd.DataFrame(
        {customer_col: ids.take(cust), "holdout": hold, "period": period, "spend": spend, "rows": rows}
    )
    return pairs.astype(empty.dtypes.to_dict()), stats


def _customers_of_pairs(pairs: pd.DataFrame, customer_col: str) -> pd.DataFrame:
    """One row per customer from all of its triples: the calibration ``n``, ``first``, ``last`` period
    and ``repeat_spend`` (the trial period left out), and the holdout's distinct periods, rows and spend.

    Customers whose first purchase is in the holdout are not in the cohort and are left out.
    """
    columns = {"n": "int64", "first": "int64", "last": "int64", "repeat_spend": "float64", "total_spend": "float64",
               "hold_periods": "int64", "hold_spend": "float64"}
    if len(pairs) == 0:
        return pd.DataFrame({customer_col: pairs[customer_col]} | {c: np.zeros(0, t) for c, t in columns.items()})
    ids, cust, hold, period, spend, rows = _pair_table(
        pairs[customer_col], pairs["holdout"].to_numpy(), pairs["period"].to_numpy(),
        pairs["spend"].to_numpy(), pairs["rows"].to_numpy(),
    )
    # sorted by customer, then calibration before holdout, then period: one run per (customer, part)
    starts = np.flatnonzero(np.r_[True, (cust[1:] != cust[:-1]) | (hold[1:] != hold[:-1])])
    ends = np.r_[starts[1:], len(cust)] - 1
    calibration = ~hold[starts]
    cal_starts, cal_ends = starts[calibration], ends[calibration]
    repeat = spend.copy()
    repeat[cal_starts] = 0.0  # the first (trial) period does not count
    out = pd.DataFrame({
        customer_col: ids.take(cust[cal_starts]),
        "n": cal_ends - cal_starts + 1,
        "first": period[cal_starts],
        "last": period[cal_ends],
        "repeat_spend": np.add.reduceat(repeat, starts)[calibration],
        "total_spend": np.add.reduceat(spend, starts)[calibration],
        "hold_periods": 0, "hold_spend": 0.0,
    })
    # a holdout run belongs to a cohort customer when it follows that customer's calibration run
    follows = np.flatnonzero(~calibration[1:] & calibration[:-1] & (cust[starts[1:]] == cust[starts[:-1]])) + 1
    row = np.cumsum(calibration)[follows] - 1
    out.loc[row, "hold_periods"] = (ends - starts + 1)[follows]
    out.loc[row, "hold_spend"] = np.add.reduceat(spend, starts)[follows]
    return out.astype(columns)


def _dask_customers(
    ddf: Any,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    end_period: int | None = None,
    cal_period: int | None = None,
    obs_period: int | None = None,
    date_format: str | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-customer aggregates and totals of a Dask DataFrame, computed on its scheduler in one pass."""
    dask = _require("dask", "summarising a Dask DataFrame")
    dd = _require("dask.dataframe", "summarising a Dask DataFrame")
    columns = [customer_col, date_col] + ([monetary_col] if monetary_col is not None else [])
    check_columns(ddf.columns)
    missing = [c for c in columns if c not in ddf.columns]
    if missing:
        raise MissingColumnError(missing, list(ddf.columns), what="the transaction log")
    parts = ddf[columns].to_delayed()
    reduced = [
        dask.delayed(_partition_pairs, nout=2)(
            part, customer_col, date_col, monetary_col, freq, end_period, cal_period, obs_period, date_format
        )
        for part in parts
    ]
    meta_pairs = pd.DataFrame({
        customer_col: pd.Series(dtype=ddf.dtypes[customer_col]), "holdout": np.zeros(0, bool),
        "period": np.zeros(0, "int64"), "spend": np.zeros(0), "rows": np.zeros(0, "int64"),
    })
    pairs = dd.from_delayed([pair for pair, _ in reduced], meta=meta_pairs, verify_meta=False)
    meta_customers = _customers_of_pairs(meta_pairs, customer_col)
    customers = pairs.shuffle(on=customer_col).map_partitions(
        _customers_of_pairs, customer_col, meta=meta_customers
    )
    # one graph, so each partition is read once; delayed on both sides (no mixed collections)
    tables, stats = dask.compute(customers.to_delayed(), [s for _, s in reduced])
    table = pd.concat(tables, ignore_index=True) if tables else meta_customers
    for number, part in enumerate(stats):
        if part["error"] is not None:
            error = part["error"]
            raise error["type"](
                f"{error['problem']} (partition {number} of the Dask DataFrame; rows are its index labels)",
                column=error["column"], rows=error["rows"], fix=error["fix"], data=error["data"],
            )
    total = {
        "rows": sum(p["rows"] for p in stats),
        "after": sum(p["after"] for p in stats),
        "calibration": sum(p["calibration"] for p in stats),
        "last": max((p["last"] for p in stats if p["last"] is not None), default=None),
    }
    if total["rows"] == 0:
        raise EmptyDataError("the transaction log has no rows", fix="check the data and its filters")
    table = table.sort_values(customer_col, kind="stable")
    table.index = _customer_index(table.pop(customer_col), customer_col)
    return table, total


def rfm_summary_dask(
    ddf: Any,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    observation_end: str | pd.Timestamp | None = None,
    *,
    date_format: str | None = None,
    include_first: bool = False,
) -> pd.DataFrame:
    """:func:`crmlab.clv.rfm_summary` of a Dask DataFrame, computed on the scheduler it is attached to.

    Each partition is checked (:func:`crmlab.transactions.validate_log`) and reduced to distinct
    (customer, period) pairs by the pandas code; the pairs are shuffled by customer, so a customer's
    purchases may lie in any partitions. The result (one row per customer) is gathered into pandas and
    equals ``rfm_summary`` of the same rows.
    """
    check_freq(freq, freq_multiplier)
    end = _optional_end(observation_end)
    end_period = None if end is None else _end_period(end, freq)
    table, total = _dask_customers(ddf, customer_col, date_col, monetary_col, freq, end_period=end_period,
                                   date_format=date_format)
    if end is None:
        end = pd.Timestamp(total["last"])
        end_period = _end_period(end, freq)
    leave_out_after_end(total["after"], total["rows"], end, date_col)
    return _rfm_frame(table, monetary_col is not None, end, end_period, freq, freq_multiplier, include_first)


def calibration_holdout_dask(
    ddf: Any,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp | None = None,
    customer_col: str = "customer_id",
    date_col: str = "date",
    monetary_col: str | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    *,
    date_format: str | None = None,
) -> pd.DataFrame:
    """:func:`crmlab.clv.calibration_holdout` of a Dask DataFrame; see :func:`rfm_summary_dask`."""
    check_freq(freq, freq_multiplier)
    cal_end = to_timestamp(calibration_end, "calibration_end")
    given_end = _optional_end(observation_end)
    cal_period, given_period = holdout_periods(cal_end, given_end, freq)
    table, total = _dask_customers(
        ddf, customer_col, date_col, monetary_col, freq, cal_period=cal_period, obs_period=given_period,
        date_format=date_format,
    )
    obs_end = pd.Timestamp(total["last"]) if given_end is None else given_end
    cal_period, obs_period = holdout_periods(cal_end, obs_end, freq)
    if total["calibration"] == 0:
        raise DataValidationError(
            f"no transaction on or before calibration_end {cal_end}", column=date_col,
            fix="pass a calibration_end after the first transaction",
        )
    leave_out_after_end(total["after"], total["rows"], obs_end, date_col)
    money = monetary_col is not None
    out = _summary_frame(
        table.index, table["n"].to_numpy(), table["first"].to_numpy(), table["last"].to_numpy(),
        table["repeat_spend"].to_numpy() if money else None, cal_period, freq_multiplier, suffix="_cal",
    )
    _add_holdout(out, table["hold_periods"].to_numpy(), table["hold_spend"].to_numpy() if money else None,
                 cal_period, obs_period, freq_multiplier)
    out.attrs.update(
        freq=freq, freq_multiplier=freq_multiplier, calibration_end=str(cal_end), observation_end=str(obs_end)
    )
    return out


# ---------------------------------------------------------------------------------------------------
# predictions for millions of customers, chunk by chunk


def _summary_chunks(summary: pd.DataFrame | str | os.PathLike[str], chunk_size: int) -> Iterator[pd.DataFrame]:
    """``chunk_size`` customers at a time, from a DataFrame or from a Parquet file of summaries."""
    if isinstance(summary, pd.DataFrame):
        for start in range(0, len(summary), chunk_size):
            yield summary.iloc[start:start + chunk_size]
        return
    pq = _require("pyarrow.parquet", "reading a summary from Parquet")
    pa = _require("pyarrow", "reading a summary from Parquet")
    if not isinstance(summary, (str, os.PathLike)) or not os.path.isfile(summary):
        raise DataFileError(
            f"expected a summary DataFrame or the path of a Parquet file of summaries, got {summary!r}"
        )
    try:
        handle = pq.ParquetFile(summary)
    except (OSError, pa.ArrowException) as exc:
        raise DataFileError(f"{os.path.basename(summary)} could not be read as Parquet: {exc}") from exc
    for batch in handle.iter_batches(batch_size=chunk_size):
        yield pa.Table.from_batches([batch], schema=handle.schema_arrow).to_pandas()


def _summary_names(chunk: pd.DataFrame, spend: bool) -> list[str]:
    """The summary's frequency, recency, T (and monetary value) columns, plain or ``_cal`` suffixed."""
    wanted = ["frequency", "recency", "T"] + (["monetary_value"] if spend else [])
    found = [next((c for c in (w, f"{w}_cal") if c in chunk.columns), None) for w in wanted]
    missing = [w for w, c in zip(wanted, found) if c is None]
    if missing:
        raise MissingColumnError(missing, list(chunk.columns), what="the summary")
    return found


def predict_to_parquet(
    summary: pd.DataFrame | str | os.PathLike[str],
    model: Any,
    path: str | os.PathLike[str],
    *,
    t: float,
    spend_model: Any = None,
    horizon: int = 12,
    period_length: float = 1.0,
    discount_rate: float = 0.01,
    margin: float = 1.0,
    chunk_size: int = 250_000,
) -> Path:
    """Predictions for every customer, computed ``chunk_size`` customers at a time, written to Parquet.

    Columns: ``expected_purchases`` (E[X(T, T+t) | x, t_x, T], :func:`crmlab.clv.expected_purchases`),
    ``p_alive`` (:func:`crmlab.clv.probability_alive`) and, with a Gamma-Gamma ``spend_model``, ``clv``
    (:func:`crmlab.clv.customer_lifetime_value` with ``horizon``, ``period_length``, ``discount_rate``,
    ``margin``); the customer index is kept. ``summary`` is a DataFrame or a Parquet file of one (read
    in batches); each chunk is one Parquet row group, so memory is bounded by ``chunk_size`` whatever
    the number of customers, and the file equals the predictions on the whole table.
    """
    if not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ParameterError(f"chunk_size={chunk_size!r} must be a whole number of customers >= 1")
    pa = _require("pyarrow", "writing predictions to Parquet")
    pq = _require("pyarrow.parquet", "writing predictions to Parquet")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for chunk in _summary_chunks(summary, int(chunk_size)):
            names = _summary_names(chunk, spend_model is not None)
            x, t_x, age = (chunk[c] for c in names[:3])
            frame = pd.DataFrame({
                "expected_purchases": expected_purchases(model, x, t_x, age, t),
                "p_alive": probability_alive(model, x, t_x, age),
            }, index=chunk.index)
            if spend_model is not None:
                frame["clv"] = customer_lifetime_value(
                    model, spend_model, x, t_x, age, chunk[names[3]], horizon=horizon,
                    period_length=period_length, discount_rate=discount_rate, margin=margin,
                )
            table = pa.Table.from_pandas(frame, preserve_index=True, schema=None if writer is None else writer.schema)
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise EmptyDataError("the summary has no rows", fix="check the transaction log and the dates")
    return target
