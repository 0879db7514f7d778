"""crmlab's RFM summary against its peers on a simulated BG/NBD log, integer and text ids, in one run.

Simulation (seeded): N customers make a first purchase on a uniformly random day of the first 12 weeks
of 1997 at a random time of day; while alive, customer i buys as a Poisson process with rate
lambda_i ~ Gamma(r, alpha) per week and dies right after each repeat purchase with probability
p_i ~ Beta(a, b); observation ends after ``--weeks`` weeks. Spend per purchase is Gamma(p, nu_i) with
nu_i ~ Gamma(q, gamma) (the Gamma-Gamma model). With the default 1 M customers and 120 weeks the log
has about 5.7 M rows. Integer ids are 0 .. N-1; text ids are the same customers as shop-style codes
``C0000000`` .. ``C0999999`` (pandas 3's default ``str`` dtype, as ``read_parquet`` and ``read_csv``
give them); ``--dtypes`` adds crmlab on ``object``, ``category`` and Arrow-backed (``large_string``)
copies of the text column.

Engines, each on the same in-memory pandas frame (daily periods, time in weeks, with spend):

* crmlab: ``clv.rfm_summary`` and ``clv.calibration_holdout`` (calibration to the middle of the log);
* lifetimes 0.11.3: ``summary_data_from_transaction_data``;
* PyMC-Marketing, if installed: ``pymc_marketing.clv.utils.rfm_summary``. It is optional and heavy
  (PyMC, PyTensor, ArviZ; version 0.19.3 and later need Python 3.12):
  ``.venv/bin/python -m pip install pymc-marketing`` in a separate environment or venv;
* DuckDB: one SQL query computing the same summary on the pandas frame (a replacement scan), fetched
  as a pandas frame;
* the polars floor: ``pl.from_pandas(frame)`` and one ``group_by`` computing distinct purchase days - 1,
  first and last day, and mean spend per customer, left as a polars frame. It computes less than a
  summary (no spend per repeat period, no observation end), so it is the floor for any engine.

Each (engine, id kind) runs in a fresh process that builds the frame first, so no engine inherits
another's memory state. Time: best of ``--repeat`` runs (default 3; the machine may be shared, and the
best run is the least disturbed, for every engine alike). Peak memory: the process's resident-set
high-water mark during a run minus its resident set just before it (Linux ``/proc/self/clear_refs``;
elsewhere a psutil sampler every 2 ms), the largest over the runs; tracemalloc would miss numpy's and
Arrow's own buffers. Every summary engine's output is compared with crmlab's.

``--fits`` adds the model fits (lifetimes ``BetaGeoFitter`` and ``ParetoNBDFitter`` against
``clv.fit``) on the simulated summary.

Run: ``.venv/bin/python benchmarks/bench_clv.py`` (1 M customers, about 4 minutes on 2 cores) or
``--customers 100000``.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import re
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

BGNBD = {"r": 0.6, "alpha": 4.4, "a": 0.8, "b": 2.4}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
START = np.datetime64("1997-01-01T00:00:00", "ns")
NS_PER_DAY = 86_400_000_000_000
SUMMARY = ["frequency", "recency", "T", "monetary_value"]
ENGINES = ["crmlab", "crmlab calibration_holdout", "lifetimes", "PyMC-Marketing", "DuckDB SQL", "polars floor"]
TEXT_DTYPES = ["str", "object", "category", "arrow large_string"]


def simulate(n_customers: int, weeks: float, seed: int) -> pd.DataFrame:
    """A seeded BG/NBD transaction log: ``customer_id`` (int64), ``date`` (datetime64[ns]), ``amount``."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(BGNBD["r"], 1 / BGNBD["alpha"], n_customers)
    p = rng.beta(BGNBD["a"], BGNBD["b"], n_customers)
    birth = rng.integers(0, 84, n_customers) + rng.random(n_customers)  # days
    age = weeks - birth / 7  # weeks observed after the first purchase
    # repeat purchases: the first min(M, J) of M ~ Poisson(lambda T) uniform times, J ~ Geometric(p)
    n_events = rng.poisson(lam * age)
    n_repeat = np.minimum(n_events, rng.geometric(p))
    owner = np.repeat(np.arange(n_customers), n_events)
    when = rng.random(owner.size)
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    rank = np.arange(owner.size) - np.repeat(np.cumsum(n_events) - n_events, n_events)
    keep = rank < n_repeat[owner]
    owner, weeks_after = owner[keep], when[keep] * age[owner[keep]]
    customer = np.r_[np.arange(n_customers), owner]
    days = np.r_[birth, birth[owner] + 7 * weeks_after]
    nu = rng.gamma(SPEND["q"], 1 / SPEND["gamma"], n_customers)
    amount = np.round(rng.gamma(SPEND["p"], 1 / nu[customer]), 2)
    date = START + (days * 86_400e9).astype("int64").astype("timedelta64[ns]")
    shuffle = rng.permutation(customer.size)
    return pd.DataFrame({"customer_id": customer[shuffle], "date": date[shuffle], "amount": amount[shuffle]})


def text_ids(ids: np.ndarray, n_customers: int) -> np.ndarray:
    """Shop-style codes ``C`` + zero-padded number (8 characters at up to 10 M customers)."""
    width = max(7, len(str(n_customers - 1)))
    names = np.char.add("C", np.char.zfill(np.arange(n_customers).astype(str), width)).astype(object)
    return names[ids]


# ---------------------------------------------------------------------------------------------------
# memory: resident-set high-water mark of this process during one call


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(re.search(rf"^{field}:\s+(\d+)", status.read(), re.MULTILINE).group(1))


def _can_reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return _status_kb("VmHWM") > 0
    except OSError:
        return False


def run_with_peak(func: Callable[[], object]) -> tuple[object, float, float]:
    """Result, wall seconds and peak resident memory above the starting point (MB) of one call."""
    gc.collect()
    if _can_reset_peak():  # the kernel's own high-water mark, reset just before the call
        base = _status_kb("VmRSS")
        start = time.perf_counter()
        out = func()
        seconds = time.perf_counter() - start
        return out, seconds, (_status_kb("VmHWM") - base) / 1024
    import psutil

    process, peak, done = psutil.Process(), [0], threading.Event()
    base = process.memory_info().rss

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    out = func()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return out, seconds, (max(peak[0], process.memory_info().rss) - base) / 2**20


# ---------------------------------------------------------------------------------------------------
# the engines (each builds a callable on the frame; the callable is what is timed)


def _duckdb_sql(frame: pd.DataFrame, freq_multiplier: float) -> pd.DataFrame:
    """The summary in DuckDB SQL: distinct (customer, day) with the day's spend, then per customer."""
    import duckdb

    query = f"""
        WITH days AS (
            SELECT customer_id, epoch_ns(date) // {NS_PER_DAY} AS day, sum(amount) AS spend
            FROM frame GROUP BY customer_id, day
        ), customers AS (
            SELECT customer_id, count(*) - 1 AS frequency, min(day) AS first_day, max(day) AS last_day,
                   sum(spend) - arg_min(spend, day) AS repeat_spend
            FROM days GROUP BY customer_id
        )
        SELECT customer_id, frequency,
               (last_day - first_day) / {freq_multiplier} AS recency,
               ((SELECT max(day) FROM days) - first_day) / {freq_multiplier} AS T,
               CASE WHEN frequency > 0 THEN repeat_spend / frequency ELSE 0.0 END AS monetary_value
        FROM customers ORDER BY customer_id
    """
    with duckdb.connect() as con:
        con.execute("SET threads TO 2")
        con.register("frame", frame)
        return con.execute(query).df().set_index("customer_id")


def _polars_floor(frame: pd.DataFrame) -> object:
    import polars as pl

    day = (pl.col("date").dt.epoch("ns") // NS_PER_DAY).alias("day")
    return (
        pl.from_pandas(frame).lazy().with_columns(day).group_by("customer_id")
        .agg((pl.col("day").n_unique() - 1).alias("frequency"), pl.col("day").min().alias("first_day"),
             pl.col("day").max().alias("last_day"), pl.col("amount").mean().alias("mean_spend"))
        .collect()
    )


def _engine(name: str, frame: pd.DataFrame, calibration_end: pd.Timestamp) -> Callable[[], object] | None:
    """The timed call of engine ``name`` on ``frame``, or None when the engine is not installed."""
    from crmlab import clv

    if name == "crmlab":
        return lambda: clv.rfm_summary(frame, monetary_col="amount", freq="D", freq_multiplier=7)
    if name == "crmlab calibration_holdout":
        return lambda: clv.calibration_holdout(frame, calibration_end, monetary_col="amount", freq="D",
                                               freq_multiplier=7)
    if name == "lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data

        return lambda: summary_data_from_transaction_data(frame, "customer_id", "date", monetary_value_col="amount",
                                                          freq="D", freq_multiplier=7)
    if name == "PyMC-Marketing":
        try:
            from pymc_marketing.clv.utils import rfm_summary
        except ImportError:
            return None
        return lambda: rfm_summary(frame, "customer_id", "date", monetary_value_col="amount", time_unit="D",
                                   time_scaler=7).set_index("customer_id")
    if name == "DuckDB SQL":
        return lambda: _duckdb_sql(frame, 7)
    if name == "polars floor":
        return lambda: _polars_floor(frame)
    raise ValueError(name)


def _frame(path: str, dtype: str) -> pd.DataFrame:
    frame = pd.read_parquet(path)  # integer ids as int64; text ids as pandas' default str dtype
    if dtype == "object":
        frame["customer_id"] = frame["customer_id"].astype(object)
    elif dtype == "category":
        frame["customer_id"] = frame["customer_id"].astype("category")
    elif dtype == "arrow large_string":
        import pyarrow as pa

        frame["customer_id"] = frame["customer_id"].astype(pd.ArrowDtype(pa.large_string()))
    return frame


def _measure(name: str, path: str, dtype: str, repeat: int, calibration_end: str) -> dict[str, object] | None:
    """One engine on one frame, in a fresh process: best time, peak memory, and the last result."""
    warnings.simplefilter("ignore")  # lifetimes' FutureWarnings, crmlab's look-alike id warnings
    frame = _frame(path, dtype)
    call = _engine(name, frame, pd.Timestamp(calibration_end))
    if call is None:
        return None
    best, peak, out = np.inf, 0.0, None
    for _ in range(repeat):
        out = None
        out, seconds, mb = run_with_peak(call)
        best, peak = min(best, seconds), max(peak, mb)
    if not isinstance(out, pd.DataFrame):  # the polars floor: rows only
        out = {"rows": len(out), "frequency": np.sort(out["frequency"].to_numpy())}
    return {"seconds": best, "peak_mb": peak, "result": out, "rows": len(frame)}


def measure(name: str, path: Path, dtype: str, args: argparse.Namespace, calibration_end: str) -> dict | None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_measure, name, str(path), dtype, args.repeat, calibration_end).result()


def agreement(name: str, result: object, reference: pd.DataFrame) -> str:
    """How an engine's output compares with crmlab's summary."""
    if name == "crmlab":
        return "reference"
    if name == "crmlab calibration_holdout":
        return f"{len(result):,} customers in the calibration period"
    if isinstance(result, dict):  # the polars floor
        same = result["rows"] == len(reference) and np.array_equal(result["frequency"],
                                                                   np.sort(reference["frequency"].to_numpy()))
        return "same customers and frequencies" if same else "DIFFERS from crmlab"
    theirs = result[SUMMARY].copy()
    theirs.index = theirs.index.astype(str)
    ours = reference[SUMMARY].copy()
    ours.index = ours.index.astype(str)
    try:
        pd.testing.assert_frame_equal(ours, theirs.loc[ours.index] if len(theirs) == len(ours) else theirs,
                                      check_dtype=False, check_index_type=False, check_names=False,
                                      check_exact=False, rtol=1e-9)
    except (AssertionError, KeyError) as error:
        return "DIFFERS from crmlab: " + str(error).splitlines()[0][:80]
    return "same output as crmlab" + (" (same order)" if theirs.index.equals(ours.index) else "")


def summary_table(kind: str, dtype: str, path: Path, args: argparse.Namespace, calibration_end: str,
                  engines: list[str]) -> dict[str, dict]:
    results = {}
    for name in engines:
        measured = measure(name, path, dtype, args, calibration_end)
        if measured is not None:
            results[name] = measured
    mine = results["crmlab"]
    reference = mine["result"]
    print(f"\n{kind} ids ({dtype}): {mine['rows']:,} transaction rows, {len(reference):,} customers; best of "
          f"{args.repeat}; ratio = engine time / crmlab rfm_summary time")
    print(f"{'engine':<30}{'seconds':>9}{'ratio':>8}{'peak MB':>10}  output")
    for name, measured in results.items():
        ratio = measured["seconds"] / mine["seconds"]
        print(f"{name:<30}{measured['seconds']:>9.2f}{ratio:>7.2f}x{measured['peak_mb']:>10,.0f}  "
              f"{agreement(name, measured['result'], reference)}")
    if "PyMC-Marketing" not in results and "PyMC-Marketing" in engines:
        print(f"{'PyMC-Marketing':<30}{'not installed (optional: pip install pymc-marketing)':>60}")
    floor = results.get("polars floor")
    if floor is not None:
        for name in ("crmlab", "crmlab calibration_holdout"):
            if name in results:
                print(f"  {name}: {results[name]['seconds'] / floor['seconds']:.2f}x the polars floor", end="")
                if "lifetimes" in results:
                    print(f", {results['lifetimes']['seconds'] / results[name]['seconds']:.1f}x faster than lifetimes",
                          end="")
                if "lifetimes" in results:
                    print(f", peak memory {results[name]['peak_mb'] / results['lifetimes']['peak_mb']:.2f}x lifetimes'",
                          end="")
                print()
    return results


# ---------------------------------------------------------------------------------------------------
# model fits (--fits)


def _fit_task(name: str, path: str, repeat: int, n_pareto: int, seed: int) -> dict[str, object]:
    warnings.simplefilter("ignore")  # lifetimes' FutureWarnings and autograd's overflow warnings
    from lifetimes import BetaGeoFitter, ParetoNBDFitter

    from crmlab import clv

    summary = pd.read_parquet(path)
    sub = summary if name.startswith("bgnbd") else summary.iloc[:n_pareto]
    x, t_x, T = sub["frequency"], sub["recency"], sub["T"]
    fits = {
        "bgnbd_crmlab": lambda: clv.fit(sub, "bgnbd"),
        "bgnbd_lifetimes": lambda: BetaGeoFitter().fit(x, t_x, T),
        "pareto_crmlab": lambda: clv.fit(sub, "pareto_nbd"),
        "pareto_lifetimes": lambda: (np.random.seed(seed), ParetoNBDFitter().fit(x, t_x, T))[1],
    }
    best = np.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fitter = fits[name]()
        best = min(best, time.perf_counter() - start)
    if name.endswith("crmlab"):
        errors, patterns = clv.parameter_table(fitter)["std_error"], len(fitter.data)
    else:  # lifetimes' Pareto/NBD has no standard errors
        errors, patterns = getattr(fitter, "standard_errors_", None), len(sub)
    return {"seconds": best, "params": fitter.params_, "se": errors, "patterns": patterns, "n": len(sub)}


def fits(summary_path: Path, args: argparse.Namespace) -> None:
    n_pareto = max(args.customers // 10, 1000)
    context = multiprocessing.get_context("spawn")

    def run(name: str) -> dict:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(_fit_task, name, str(summary_path), min(args.repeat, 2), n_pareto, args.seed).result()

    def max_relative_difference(a: pd.Series, b: pd.Series) -> float:
        return float(np.max(np.abs(a.to_numpy() / b[a.index].to_numpy() - 1)))

    print(f"\nmodel fits (best of {min(args.repeat, 2)}){'':<22}{'crmlab s':>10}{'lifetimes s':>13}{'speed-up':>10}")
    bg, ref = run("bgnbd_crmlab"), run("bgnbd_lifetimes")
    print(f"{'fit bgnbd vs BetaGeoFitter.fit':<52}{bg['seconds']:>10.2f}{ref['seconds']:>13.2f}"
          f"{ref['seconds'] / bg['seconds']:>9.1f}x")
    print(f"    {bg['n']:,} customers ({bg['patterns']:,} patterns); estimates agree to "
          f"{max_relative_difference(bg['params'], ref['params']):.1e} (relative), standard errors to "
          f"{max_relative_difference(bg['se'], ref['se']):.1e}")
    pn, ref = run("pareto_crmlab"), run("pareto_lifetimes")
    print(f"{'fit pareto_nbd vs ParetoNBDFitter.fit':<52}{pn['seconds']:>10.2f}{ref['seconds']:>13.2f}"
          f"{ref['seconds'] / pn['seconds']:>9.1f}x")
    print(f"    {pn['n']:,} customers ({pn['patterns']:,} patterns); estimates agree to "
          f"{max_relative_difference(pn['params'], ref['params']):.1e} (lifetimes: Nelder-Mead, tol 1e-4)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=20050401)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per engine; the best counts")
    parser.add_argument("--dtypes", action="store_true", help="also crmlab and the floor on object, category "
                        "and Arrow-backed text ids")
    parser.add_argument("--fits", action="store_true", help="also the BG/NBD and Pareto/NBD fits against lifetimes")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated subset of: {', '.join(ENGINES)} (crmlab is always run)")
    args = parser.parse_args()
    engines = ["crmlab"] + [e for e in ENGINES[1:] if e in args.engines.split(",")]
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")

    with tempfile.TemporaryDirectory() as tmp:
        tx = simulate(args.customers, args.weeks, args.seed)
        calibration_end = str(pd.Timestamp(START) + pd.Timedelta(weeks=args.weeks / 2))
        int_path, text_path = Path(tmp) / "integer.parquet", Path(tmp) / "text.parquet"
        tx.to_parquet(int_path)
        tx.assign(customer_id=text_ids(tx["customer_id"].to_numpy(), args.customers)).to_parquet(text_path)
        print(f"simulated {args.customers:,} customers, {len(tx):,} transactions over {args.weeks:g} weeks "
              f"(BG/NBD {BGNBD}, seed {args.seed}); calibration to {calibration_end[:10]}")
        del tx
        integer = summary_table("integer", "int64", int_path, args, calibration_end, engines)
        summary_table("text", "str", text_path, args, calibration_end, engines)
        if args.dtypes:
            for dtype in TEXT_DTYPES[1:]:
                summary_table("text", dtype, text_path, args, calibration_end,
                              [e for e in engines if e in ("crmlab", "crmlab calibration_holdout", "polars floor")])
        if args.fits:
            summary_path = Path(tmp) / "summary.parquet"
            integer["crmlab"]["result"].to_parquet(summary_path)
            fits(summary_path, args)
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
