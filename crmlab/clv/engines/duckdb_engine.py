"""The DuckDB engine: a transaction log in CSV/Parquet files, summarised out of core.

A path, a glob, a folder or a list of CSV/Parquet files is streamed from disk and aggregated by DuckDB
within ``memory_limit`` (spilling to a temporary folder beyond it); only the one-row-per-customer
result is brought into memory. The files are checked first by the rules of :mod:`crmlab.transactions`,
written in SQL, and every failure raises a :mod:`crmlab.errors` exception naming the file and rows.
The period is :func:`~crmlab.transactions.period_sql`, the SQL form of the one period definition; the
result is the per-customer pieces of :data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`, assembled by the
kernel like every engine's. DuckDB is optional (``pip install crmlab[scale]``) and imported only here,
when a file is summarised.
"""

from __future__ import annotations

import glob
import gzip
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmlab.clv.engines.common import customer_index, require_module
from crmlab.clv.kernel import end_period as period_of
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
    header_names,
    period_sql,
)

#: A path, glob or folder, or a list of them.
FileSource = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]

_PARQUET = (".parquet", ".pq")
_CSV = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt")


def accepts(transactions: object) -> bool:
    """Whether ``transactions`` names files (a path, or a non-empty list of paths): this engine's input.

    Parameters
    ----------
    transactions : object

    Returns
    -------
    bool

    Examples
    --------
    >>> accepts("sales/*.parquet"), accepts(["a.csv", "b.csv"]), accepts(pd.DataFrame())
    (True, True, False)
    """
    return isinstance(transactions, (str, os.PathLike)) or (
        isinstance(transactions, (list, tuple))
        and len(transactions) > 0
        and all(isinstance(p, (str, os.PathLike)) for p in transactions)
    )


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
        duckdb = require_module("duckdb", "summarising files")
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
        result.index = customer_index(result.pop("c"), self.customer_col)
        return result


def customers(
    source: FileSource,
    *,
    customer_col: str,
    date_col: str,
    monetary_col: str | None,
    freq: str,
    date_format: str | None = None,
    end_period: int | None = None,
    cal_period: int | None = None,
    memory_limit: str = "1GB",
    threads: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per customer (:data:`crmlab.clv.kernel.CUSTOMER_COLUMNS`) of CSV/Parquet files, with DuckDB.

    Parameters
    ----------
    source : path, glob, folder or list of them
        A name that is a file is read literally; each file is read once.
    customer_col, date_col, monetary_col : str
        Column names (``monetary_col=None`` ignores spend).
    freq : str
        The period.
    date_format : str, optional
        ``strftime`` format of text or numeric dates.
    end_period : int, optional
        The last period kept (the observation end); ``None`` keeps every row.
    cal_period : int, optional
        The last calibration period; ``None`` for a plain summary (no holdout).
    memory_limit : str, default "1GB"
        DuckDB's memory limit; beyond it, DuckDB spills to a temporary folder.
    threads : int, optional
        DuckDB's threads (default: all cores).

    Returns
    -------
    tuple
        The per-customer table (indexed by sorted customer id) and the counts ``rows``, ``after`` (rows
        after ``end_period``), ``calibration`` (rows up to ``cal_period``) and ``last`` (last timestamp).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "log.csv").write_text("customer_id,date\\na,2024-01-01\\na,2024-01-08\\nb,2024-01-03\\n")
    >>> table, counts = customers(folder / "log.csv", customer_col="customer_id", date_col="date",
    ...                           monetary_col=None, freq="D")
    >>> table[["n", "first", "last"]].to_dict("list"), counts["rows"]
    ({'n': [2, 1], 'first': [19723, 19725], 'last': [19730, 19725]}, 3)
    """
    with tempfile.TemporaryDirectory(prefix="crmlab-duckdb-") as spill:
        files = _Files(source, customer_col, date_col, monetary_col, freq, memory_limit, threads, spill, date_format)
        try:
            stats = files.validate(None if end_period is None else f"p > {end_period}",
                                   before=None if cal_period is None else f"p <= {cal_period}")
            last = period_of(stats["last"], freq) if end_period is None else end_period
            spend = monetary_col is not None
            if cal_period is None:
                query = files.per_customer(files.log(f"p <= {last}")) + " ORDER BY c"
            else:
                cal = files.per_customer(files.log(f"p <= {cal_period}"))
                hold_rows = files.log(f"p > {cal_period} AND p <= {last}")
                hold = (f"SELECT c, count(DISTINCT p) AS hold_periods{', sum(a) AS hold_spend' if spend else ''} "
                        f"FROM ({hold_rows}) GROUP BY c")
                query = ("SELECT cal.*, coalesce(h.hold_periods, 0) AS hold_periods"
                         + (", coalesce(h.hold_spend, 0) AS hold_spend" if spend else "")
                         + f" FROM ({cal}) AS cal LEFT JOIN ({hold}) AS h USING (c) ORDER BY c")
            table = files.per_customer_frame(query) if cal_period is None or stats["before"] else None
        finally:
            files.close()
    if table is None:  # nothing in the calibration period: the caller refuses it by name
        table = pd.DataFrame(columns=["n", "first", "last"])
    counts = {"rows": stats["rows"], "after": stats["after"], "last": stats["last"],
              "calibration": stats["before"] if cal_period is not None else stats["rows"] - stats["after"]}
    return table, counts
