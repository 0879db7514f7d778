"""crmlab.clv against lifetimes on a simulated BG/NBD customer base, in one run; prints the ratios.

Simulation (seeded): N customers make a first purchase on a uniformly random day of the first 12 weeks
of 1997 at a random time of day; while alive, customer i buys as a Poisson process with rate
lambda_i ~ Gamma(r, alpha) per week and dies right after each repeat purchase with probability
p_i ~ Beta(a, b); observation ends after ``--weeks`` weeks. Spend per purchase is Gamma(p, nu_i) with
nu_i ~ Gamma(q, gamma) (the Gamma-Gamma model). Parameters default to CDNOW-like values with a higher
purchase rate, so that 1 M customers make about 5 M transactions.

Comparisons (lifetimes 0.11.3 in the same run; every measurement in a fresh worker process on the same
Parquet input, so neither library inherits the other's memory state):
1. ``rfm_summary`` vs ``summary_data_from_transaction_data`` on every transaction (daily resolution,
   weeks, with spend): wall time, identical output, and peak traced memory (tracemalloc, after the
   timed runs).
2. ``fit(summary, "bgnbd")`` vs ``BetaGeoFitter().fit`` on every customer: time, estimates and standard
   errors compared to 6 significant digits.
3. ``fit(summary, "pareto_nbd")`` vs ``ParetoNBDFitter().fit`` on the first 100 k customers (10 k with
   ``--quick``): time, estimates and crmlab's standard errors (lifetimes has none).

Times are the best of ``--repeat`` runs (default 2) for both libraries.
Run: ``.venv/bin/python benchmarks/bench_clv.py`` (about 2 minutes on 2 cores) or ``--quick``.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab import clv
from crmlab.clv._lifetimes import BetaGeoFitter, ParetoNBDFitter

BGNBD = {"r": 0.6, "alpha": 4.4, "a": 0.8, "b": 2.4}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
START = np.datetime64("1997-01-01T00:00:00", "ns")


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


def timed(func: Callable[[], object], repeat: int) -> tuple[object, float]:
    """Result and best wall time of ``repeat`` runs (the machine may be shared: the best is the least
    disturbed run, for both libraries alike)."""
    best = np.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return out, best


def peak_memory(func: Callable[[], object]) -> float:
    """Peak traced allocation (MB) while ``func`` runs (numpy and pandas buffers are traced)."""
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def _task(name: str, path: str, repeat: int, n_pareto: int, seed: int) -> dict[str, object]:
    """One measurement, run in a fresh process on the Parquet file at ``path``.

    A fresh process per measurement keeps one library's leftovers from slowing the other: after
    lifetimes' summary (millions of small Period objects), numpy's large temporaries are measurably
    slower for the rest of the process.
    """
    warnings.simplefilter("ignore")  # lifetimes' FutureWarnings and autograd's overflow warnings
    data = pd.read_parquet(path)
    if name == "summary_crmlab":
        call = lambda: clv.rfm_summary(data, monetary_col="amount", freq="D", freq_multiplier=7)  # noqa: E731
    elif name == "summary_lifetimes":
        from lifetimes.utils import summary_data_from_transaction_data

        call = lambda: summary_data_from_transaction_data(  # noqa: E731
            data, "customer_id", "date", monetary_value_col="amount", freq="D", freq_multiplier=7)
    else:
        sub = data if name.startswith("bgnbd") else data.iloc[:n_pareto]
        x, t_x, T = sub["frequency"], sub["recency"], sub["T"]
        fits = {
            "bgnbd_crmlab": lambda: clv.fit(sub, "bgnbd"),
            "bgnbd_lifetimes": lambda: BetaGeoFitter().fit(x, t_x, T),
            "pareto_crmlab": lambda: clv.fit(sub, "pareto_nbd"),
            "pareto_lifetimes": lambda: (np.random.seed(seed), ParetoNBDFitter().fit(x, t_x, T))[1],
        }
        fitter, seconds = timed(fits[name], repeat)
        if name.endswith("crmlab"):
            errors, patterns = clv.parameter_table(fitter)["std_error"], len(fitter.data)
        else:  # lifetimes' Pareto/NBD has no standard errors
            errors, patterns = getattr(fitter, "standard_errors_", None), len(sub)
        return {"seconds": seconds, "params": fitter.params_, "se": errors, "patterns": patterns, "n": len(sub)}
    out, seconds = timed(call, repeat)
    return {"seconds": seconds, "summary": out, "peak_mb": peak_memory(call)}


def run(name: str, path: Path, args: argparse.Namespace, n_pareto: int) -> dict[str, object]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_task, name, str(path), args.repeat, n_pareto, args.seed).result()


def max_relative_difference(a: pd.Series, b: pd.Series) -> float:
    return float(np.max(np.abs(a.to_numpy() / b[a.index].to_numpy() - 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 k customers, 10 k for Pareto/NBD")
    parser.add_argument("--seed", type=int, default=20050401)
    parser.add_argument("--weeks", type=float, default=78.0)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per call; the best counts")
    args = parser.parse_args()
    n_customers = 100_000 if args.quick else 1_000_000
    n_pareto = 10_000 if args.quick else 100_000

    with tempfile.TemporaryDirectory() as tmp:
        tx_path, summary_path = Path(tmp) / "transactions.parquet", Path(tmp) / "summary.parquet"
        tx = simulate(n_customers, args.weeks, args.seed)
        tx.to_parquet(tx_path)
        print(f"simulated {n_customers:,} customers, {len(tx):,} transactions over {args.weeks:g} weeks "
              f"(BG/NBD {BGNBD}, seed {args.seed}); each measurement runs in a fresh process\n", flush=True)
        ours, theirs = (run(f"summary_{lib}", tx_path, args, n_pareto) for lib in ("crmlab", "lifetimes"))
        summary = ours["summary"]
        pd.testing.assert_frame_equal(summary, theirs["summary"], check_dtype=False, check_exact=False, rtol=1e-12)
        summary.to_parquet(summary_path)
        rows = [("rfm_summary vs summary_data_from_transaction_data", f"{len(tx):,} rows", ours["seconds"],
                 theirs["seconds"], f"identical output; peak memory {ours['peak_mb']:,.0f} MB vs "
                 f"{theirs['peak_mb']:,.0f} MB ({theirs['peak_mb'] / ours['peak_mb']:.1f}x less)")]
        del tx, theirs

        bg, ref = (run(f"bgnbd_{lib}", summary_path, args, n_pareto) for lib in ("crmlab", "lifetimes"))
        d_est = max_relative_difference(bg["params"], ref["params"])
        d_se = max_relative_difference(bg["se"], ref["se"])
        rows.append(("fit bgnbd vs BetaGeoFitter.fit", f"{bg['n']:,} customers ({bg['patterns']:,} patterns)",
                     bg["seconds"], ref["seconds"],
                     f"estimates agree to {d_est:.1e} (relative), standard errors to {d_se:.1e}"))

        pn, ref = (run(f"pareto_{lib}", summary_path, args, n_pareto) for lib in ("crmlab", "lifetimes"))
        d_est = max_relative_difference(pn["params"], ref["params"])
        rows.append(("fit pareto_nbd vs ParetoNBDFitter.fit", f"{pn['n']:,} customers ({pn['patterns']:,} patterns)",
                     pn["seconds"], ref["seconds"],
                     f"estimates agree to {d_est:.1e} (lifetimes: Nelder-Mead, tol 1e-4); "
                     f"crmlab standard errors {np.round(pn['se'].to_numpy(), 4).tolist()}"))

    print(f"{'comparison':<52}{'size':<36}{'crmlab s':>10}{'lifetimes s':>13}{'speed-up':>10}")
    for name, size, mine, peer, note in rows:
        print(f"{name:<52}{size:<36}{mine:>10.2f}{peer:>13.2f}{peer / mine:>9.1f}x")
        print(f"    {note}")
    print("\nBG/NBD estimates vs the simulation's true values (purchase times recorded to the day shift alpha):")
    print(pd.DataFrame({"true": pd.Series(BGNBD), "crmlab": bg["params"], "se": bg["se"]}).round(4))


if __name__ == "__main__":
    main()
