"""Prediction functions of crmlab.clv on a large simulated customer base, timed against
``expected_purchases`` in one run; prints the ratios.

Simulation (seeded): N customers of a BG/NBD with CDNOW-like parameters, first purchases on a uniformly
random day of the first 12 weeks, observed to the end of week 39 at daily resolution (recency and T in
weeks, whole days / 7, as ``rfm_summary(freq="D", freq_multiplier=7)`` gives them). Given lambda, p and
the age T: the purchases while alive are the first min(n, K) of n ~ Poisson(lambda T) uniform times,
K ~ Geometric(p) the purchase after which the customer dies; t_x is the x-th of the n sorted times.
Spend per customer: the mean of x Gamma(p, nu) amounts, nu ~ Gamma(q, gamma) (Gamma-Gamma).

Timed on every customer (no deduplication by the caller), best of ``--repeat`` runs:

* ``expected_purchases(bgnbd, x, t_x, T, 52)``: the reference (one Gauss hypergeometric function per
  customer);
* ``dert(bgnbd, ...)`` and ``dert(pareto_nbd, ...)`` at 15% a year;
* ``purchase_count_pmf(bgnbd, x, T)``: each customer's own P(X(T) = x);
* ``expected_spend(gamma_gamma, x, mbar)``;
* ``probability_alive(bgnbd, ...)`` for scale.

Run: ``.venv/bin/python benchmarks/bench_clv_predict.py`` (1 M customers) or ``--customers 100000``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from crmlab import clv

BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
WEEKLY_15_PERCENT = 1.15 ** (1 / 52) - 1


def simulate(n_customers: int, seed: int) -> pd.DataFrame:
    """A seeded calibration summary: ``frequency``, ``recency``, ``T`` (weeks), ``monetary_value``."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(BGNBD["r"], 1 / BGNBD["alpha"], n_customers)
    p = rng.beta(BGNBD["a"], BGNBD["b"], n_customers)
    birth_day = rng.integers(0, 84, n_customers)
    T = (273 - birth_day) / 7.0
    n = rng.poisson(lam * T)
    x = np.minimum(n, rng.geometric(p))
    # the x-th smallest of n uniform times on (0, T): Beta(x, n - x + 1) T, in whole days
    t_x = np.where(x > 0, np.floor(rng.beta(np.maximum(x, 1), np.maximum(n - x + 1, 1)) * T * 7) / 7, 0.0)
    nu = rng.gamma(SPEND["q"], 1 / SPEND["gamma"], n_customers)
    mean_spend = np.where(x > 0, rng.gamma(SPEND["p"] * np.maximum(x, 1), 1.0) / (np.maximum(x, 1) * nu), 0.0)
    return pd.DataFrame({"frequency": x, "recency": t_x, "T": T, "monetary_value": mean_spend})


def best_of(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    summary = simulate(args.customers, args.seed)
    x, t_x, T, m = (summary[c].to_numpy() for c in ("frequency", "recency", "T", "monetary_value"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bgnbd = clv.fit(summary, "bgnbd")
        pareto = clv.fit(summary.iloc[:100_000], "pareto_nbd", initial_params=list(bgnbd.params_))
        spend = clv.fit(summary, "gamma_gamma")
    patterns = len(summary.drop_duplicates(["frequency", "recency", "T"]))
    print(f"{args.customers:,} customers, {patterns:,} distinct (x, t_x, T), "
          f"{len(summary.drop_duplicates(['frequency', 'T'])):,} distinct (x, T); "
          f"BG/NBD estimates {dict(bgnbd.params_.round(3))}")

    calls = {
        "expected_purchases (BG/NBD, reference)": lambda: clv.expected_purchases(bgnbd, x, t_x, T, 52.0),
        "dert (BG/NBD)": lambda: clv.dert(bgnbd, x, t_x, T, WEEKLY_15_PERCENT),
        "dert (Pareto/NBD)": lambda: clv.dert(pareto, x, t_x, T, WEEKLY_15_PERCENT),
        "purchase_count_pmf (BG/NBD)": lambda: clv.purchase_count_pmf(bgnbd, x, T),
        "expected_spend (Gamma-Gamma)": lambda: clv.expected_spend(spend, x, m),
        "probability_alive (BG/NBD)": lambda: clv.probability_alive(bgnbd, x, t_x, T),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times = {name: best_of(call, args.repeat) for name, call in calls.items()}
    reference = times["expected_purchases (BG/NBD, reference)"]
    print(f"\n{'function':42s} {'seconds':>9s} {'ratio':>7s}")
    for name, seconds in times.items():
        print(f"{name:42s} {seconds:9.3f} {seconds / reference:7.2f}")
    print("\nratio = time / time of expected_purchases on the same customers (target: <= about 2)")


if __name__ == "__main__":
    main()
