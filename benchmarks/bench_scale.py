"""The customer summary beyond memory: pandas vs DuckDB vs Dask vs lifetimes, in one run; prints ratios.

Data (seeded, written once to ``_build/bench/transactions_<rows>/part-NNN.parquet``, 5 M rows per file
in row groups of 1 M rows, one block of customers at a time, so the 50 M-row log is never in memory):
a retail-like "buy till you die" customer base observed for two years from 2022-01-01. Customer i
makes a first purchase at a uniform time in the first year, then buys as a Poisson process with rate
lambda_i ~ Gamma(1.5, rate 30) per day (one purchase every 20 days on average) and leaves after each
repeat purchase with probability p_i ~ Beta(1, 20); spend per purchase is Gamma(6, rate nu_i) with
nu_i ~ Gamma(3.7, rate 15) (Gamma-Gamma), rounded to cents. About 16 rows per customer, so 50 M rows
hold about 3.1 M customers. Columns: ``customer_id`` (int64), ``date`` (timestamp, seconds),
``amount`` (float64); rows of a block are shuffled.

Engines, each in a fresh subprocess so that its peak resident memory is its own (the larger of the
process's own high-water mark, VmHWM, and the RSS of the process and its children, e.g. Dask's worker
processes, polled every 20 ms); peaks include the interpreter and its imports (about 150 MB); the summary is
``rfm_summary(..., monetary_col="amount", freq="D", freq_multiplier=7)`` (times in weeks):

* ``pandas``    ``pd.read_parquet`` of the folder, then ``crmlab.clv.rfm_summary`` on the DataFrame;
* ``duckdb``    ``crmlab.clv.scale.rfm_summary_duckdb`` on the glob (``memory_limit`` 1GB, 2 threads);
* ``dask``      ``dd.read_parquet`` on a ``LocalCluster`` of 2 worker processes (1 thread each), then
                ``crmlab.clv.scale.rfm_summary_dask`` (cluster start-up not timed);
* ``lifetimes`` ``pd.read_parquet``, then ``summary_data_from_transaction_data`` (only up to 5 M rows:
                beyond, it needs several times the memory of the pandas path);
* ``fit+predict`` (largest size) BG/NBD and Gamma-Gamma ``fit`` on the DuckDB summary, then
                ``predict_to_parquet`` for every customer in chunks of 250 k.

Every engine's summary is checked against the pandas one (counts and times exactly, spend to 1e-9).
The run fails if DuckDB's peak RSS on the largest log reaches 2 GB.

Run: ``.venv/bin/python benchmarks/bench_scale.py`` (5 M and 50 M rows; about 6 minutes on 2 cores,
plus 40 s to write the 620 MB of data the first time) or ``--quick`` (200 k rows, about 20 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "_build" / "bench"
START = np.datetime64("2022-01-01T00:00:00", "s")
DAYS = 730
ROWS_PER_FILE, ROW_GROUP = 5_000_000, 1_000_000
LIFETIMES_MAX_ROWS = 5_000_000
RSS_LIMIT_MB = 2048
SUMMARY = {"monetary_col": "amount", "freq": "D", "freq_multiplier": 7}
ENGINES = ["pandas", "duckdb", "dask", "lifetimes"]


# ---------------------------------------------------------------------------------------------------
# data


def _block(rng: np.random.Generator, first_id: int, n: int) -> pa.Table:
    """Transactions of customers ``first_id .. first_id + n - 1`` (see the module docstring).

    While alive, purchases after the first form a Poisson process: given M ~ Poisson(lambda (730 - birth))
    events, they are M uniform times; the customer leaves right after the J-th repeat, J ~ Geometric(p)
    (BG/NBD: a customer can leave after any repeat purchase, with probability p).
    """
    birth = rng.random(n) * 365.0
    lam = rng.gamma(1.5, 1 / 30, n)
    n_events = rng.poisson(lam * (DAYS - birth))
    n_repeat = np.minimum(n_events, rng.geometric(rng.beta(1.0, 20.0, n)))
    owner = np.repeat(np.arange(n), n_events)
    when = birth[owner] + rng.random(owner.size) * (DAYS - birth[owner])
    order = np.lexsort((when, owner))
    owner, when = owner[order], when[order]
    rank = np.arange(owner.size) - np.repeat(np.cumsum(n_events) - n_events, n_events)
    keep = rank < n_repeat[owner]
    customer = np.r_[np.arange(n), owner[keep]]
    days = np.r_[birth, when[keep]]
    nu = rng.gamma(3.7, 1 / 15, n)
    amount = np.round(rng.gamma(6.0, 1 / nu[customer]), 2)
    shuffle = rng.permutation(len(customer))
    return pa.table({
        "customer_id": (customer[shuffle] + first_id).astype("int64"),
        "date": pa.array(START + (days[shuffle] * 86_400).astype("int64").astype("timedelta64[s]"), pa.timestamp("s")),
        "amount": amount[shuffle],
    })


def generate(rows: int, seed: int = 20240101) -> Path:
    """Write a seeded log of exactly ``rows`` rows (cached: a manifest records what was written)."""
    folder = BENCH / f"transactions_{rows}"
    manifest = BENCH / f"transactions_{rows}.json"
    wanted = {"rows": rows, "seed": seed, "version": 1}
    if manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    rng = np.random.default_rng(seed)
    written, next_id, part, writer, in_file = 0, 0, 0, None, 0
    started = time.perf_counter()
    while written < rows:
        table = _block(rng, next_id, 100_000)
        next_id += 100_000
        if len(table) > rows - written:  # the last block: whole customers (and the first rows of one)
            order = np.lexsort((table["date"].to_numpy(), table["customer_id"].to_numpy()))
            keep = np.zeros(len(table), dtype=bool)
            keep[order[: rows - written]] = True
            table = table.filter(pa.array(keep))
        while len(table):
            if writer is None:
                writer = pq.ParquetWriter(folder / f"part-{part:03d}.parquet", table.schema)
            take = table.slice(0, ROWS_PER_FILE - in_file)
            writer.write_table(take, row_group_size=ROW_GROUP)
            in_file += len(take)
            written += len(take)
            table = table.slice(len(take))
            if in_file == ROWS_PER_FILE:
                writer.close()
                writer, in_file, part = None, 0, part + 1
    if writer is not None:
        writer.close()
    manifest.write_text(json.dumps(wanted))
    print(f"wrote {rows:,} rows to {folder.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


# ---------------------------------------------------------------------------------------------------
# one engine, in a subprocess


def run_engine(engine: str, folder: Path, out: Path) -> None:
    """Summarise (or fit and predict) and print one JSON line with the timings; then save the result."""
    import warnings

    warnings.simplefilter("ignore")
    timings: dict[str, float] = {}
    if engine in ("pandas", "lifetimes"):
        if engine == "pandas":
            from crmlab.clv import rfm_summary

            def summarise(log: pd.DataFrame) -> pd.DataFrame:
                return rfm_summary(log, **SUMMARY)
        else:
            from lifetimes.utils import summary_data_from_transaction_data

            def summarise(log: pd.DataFrame) -> pd.DataFrame:
                return summary_data_from_transaction_data(
                    log, "customer_id", "date", monetary_value_col="amount", freq="D", freq_multiplier=7
                )
        t0 = time.perf_counter()
        log = pd.read_parquet(folder)
        timings["read"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        summary = summarise(log)
        timings["summarise"] = time.perf_counter() - t1
    elif engine == "duckdb":
        from crmlab.clv.scale import rfm_summary_duckdb

        t0 = time.perf_counter()
        summary = rfm_summary_duckdb(str(folder / "part-*.parquet"), **SUMMARY, memory_limit="1GB", threads=2)
        timings["summarise"] = time.perf_counter() - t0
    elif engine == "dask":
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        from crmlab.clv.scale import rfm_summary_dask

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="6GiB",
                               dashboard_address=None)
        client = Client(cluster)
        t0 = time.perf_counter()
        summary = rfm_summary_dask(dd.read_parquet(str(folder / "part-*.parquet")), **SUMMARY)
        timings["summarise"] = time.perf_counter() - t0
    else:  # fit + predict on the DuckDB summary
        from crmlab.clv import fit
        from crmlab.clv.scale import predict_to_parquet

        summary = pd.read_parquet(out.parent / "summary_duckdb.parquet")
        t0 = time.perf_counter()
        bgnbd, spend = fit(summary, "bgnbd"), fit(summary, "gamma_gamma")
        timings["fit"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        predict_to_parquet(summary, bgnbd, out, t=52, spend_model=spend, period_length=52 / 12,
                           chunk_size=250_000)
        timings["predict"] = time.perf_counter() - t1
        timings["customers"] = len(summary)
        timings["params"] = {k: round(float(v), 4) for k, v in bgnbd.params_.items()}
    timings["self_peak_mb"] = _high_water_mb()
    print("DONE " + json.dumps(timings), flush=True)  # the parent stops measuring memory here
    if engine != "fit+predict":
        summary.to_parquet(out)
    if engine == "dask":
        client.close()
        cluster.close()


def _high_water_mb() -> float:
    """This process's peak RSS since it started (VmHWM; unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(engine: str, folder: Path, out: Path) -> dict[str, object]:
    """Run ``engine`` in a fresh interpreter; its timings and the peak RSS of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--run", engine, "--data", str(folder), "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    root = psutil.Process(child.pid)
    peak, done, result = 0, threading.Event(), {}

    def read() -> None:
        for line in child.stdout:
            if line.startswith("DONE "):
                result.update(json.loads(line[5:]))
                done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while child.poll() is None and not done.is_set():
        try:
            rss = root.memory_info().rss + sum(p.memory_info().rss for p in root.children(recursive=True))
        except psutil.Error:
            rss = 0
        peak = max(peak, rss)
        time.sleep(0.02)
    child.wait()
    reader.join()
    if child.returncode != 0 or not result:
        raise RuntimeError(f"{engine} failed:\n{child.stderr.read()[-3000:]}")
    result["wall"] = time.perf_counter() - started
    result["peak_mb"] = max(peak / 2**20, result["self_peak_mb"])
    return result


# ---------------------------------------------------------------------------------------------------
# the comparison


def same_summary(reference: pd.DataFrame, other: pd.DataFrame) -> str:
    other = other.sort_index()
    if len(other) != len(reference) or not np.array_equal(other.index.to_numpy(), reference.index.to_numpy()):
        return "NO (customers differ)"
    exact = all(np.array_equal(other[c].to_numpy(dtype=float), reference[c].to_numpy(dtype=float))
                for c in ("frequency", "recency", "T"))
    close = np.allclose(other["monetary_value"], reference["monetary_value"], rtol=1e-9, atol=0)
    return "yes" if exact and close else "NO"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 k rows only (a minute)")
    parser.add_argument("--sizes", default="5000000,50000000", help="comma-separated numbers of rows")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_engine(args.run, Path(args.data), Path(args.out))
        return 0

    sizes = [200_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    print(f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"summary: rfm_summary(monetary_col='amount', freq='D', freq_multiplier=7)", flush=True)
    rows, failed = [], False
    for size in sizes:
        folder = generate(size)
        results = BENCH / f"results_{size}"
        results.mkdir(exist_ok=True)
        measured: dict[str, dict[str, object]] = {}
        for engine in ENGINES:
            if engine == "lifetimes" and size > LIFETIMES_MAX_ROWS:
                continue
            measured[engine] = measure(engine, folder, results / f"summary_{engine}.parquet")
            print(f"  {size:>11,} rows  {engine:<10} {measured[engine]['summarise']:8.1f} s  "
                  f"{measured[engine]['peak_mb']:8.0f} MB", flush=True)
        reference = pd.read_parquet(results / "summary_pandas.parquet").sort_index()
        base = measured["pandas"]
        base_time = base["read"] + base["summarise"]
        for engine, m in measured.items():
            total = m.get("read", 0.0) + m["summarise"]
            rows.append({
                "rows": f"{size:,}", "engine": engine, "customers": f"{len(reference):,}",
                "read s": round(m.get("read", 0.0), 1), "summarise s": round(m["summarise"], 1),
                "total s": round(total, 1), "peak RSS MB": round(m["peak_mb"]),
                "time / pandas": round(total / base_time, 2), "RSS / pandas": round(m["peak_mb"] / base["peak_mb"], 2),
                "same result": "reference" if engine == "pandas" else same_summary(
                    reference, pd.read_parquet(results / f"summary_{engine}.parquet")),
            })
            failed |= rows[-1]["same result"].startswith("NO")
        if size == max(sizes):
            duck = measured["duckdb"]["peak_mb"]
            verdict = "under" if duck < RSS_LIMIT_MB else "OVER"
            failed |= duck >= RSS_LIMIT_MB
            fitted = measure("fit+predict", folder, results / "predictions.parquet")
    table = pd.DataFrame(rows).set_index(["rows", "engine"])
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print()
        print(table.to_string())
    print(f"\nDuckDB on {max(sizes):,} rows: peak RSS {duck:.0f} MB, {verdict} the {RSS_LIMIT_MB} MB limit")
    print(f"fit BG/NBD + Gamma-Gamma on {fitted['customers']:,} customers: {fitted['fit']:.1f} s "
          f"(BG/NBD {fitted['params']}; simulated r=1.5, alpha={30 / 7:.2f}, a=1, b=20)")
    print(f"predict_to_parquet (250 k customers per chunk): {fitted['predict']:.1f} s; "
          f"peak RSS of fit + predict {fitted['peak_mb']:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
