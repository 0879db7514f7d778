"""Generate ``customer_profiles.csv``: SYNTHETIC profiles (age band, gender, region, channel, household)
for the 2,357 customers of the CDNOW sample.

CDNOW records purchases only; nobody knows the age, region or household of its customers. The course
needs profiles to show how a profile predicts a behavioural segment (notebook 06), so this seeded
script invents them. Run ``.venv/bin/python datasets/make_customer_profiles.py`` (options ``--seed``,
``--output``); the same seed gives a byte-identical file (a test checks it).

Design (every number below is an assumption of the simulation, not a fact about CDNOW's customers):

* One row per CDNOW sample customer (``customer_id`` 1..2357, the ids of
  ``crmlab.datasets.load_cdnow_transactions()``).
* Two behavioural scores link the profiles to the real purchase log, both measured in the calibration
  period of the course (first purchase to 1997-09-30), with ``crmlab.value.rfm_table``:
  ``s`` = z-score of log(1 + total spend) and ``f`` = z-score of log(number of purchase days).
  Nothing from the holdout period (after 1997-09-30) is used.
* Each profile variable is drawn from a multinomial logit: P(category c) is proportional to
  exp(a_c + b_c s + g_c f), with the first category as the base (a = b = g = 0) and the intercepts a_c
  = log(share_c / share_base) of the stated base shares (the shares of a customer with s = f = 0):

  * ``age_band`` 18-24, 25-34, 35-49, 50+: base shares 0.22, 0.34, 0.30, 0.14; b = 0, 0.3, 0.6, 0.6; g = 0.
  * ``gender`` female, male: base shares 0.45, 0.55; b = g = 0.
  * ``region`` Northeast, Midwest, South, West: base shares 0.19, 0.22, 0.36, 0.23; b = 0;
    g = 0, 0, 0, 0.3.
  * ``channel`` (how the customer first came) portal_ad, search, referral: base shares 0.45, 0.35,
    0.20; b = 0; g = 0, 0.3, 0.7.
  * ``household`` single, couple, family: base shares 0.35, 0.30, 0.35; b = 0, 0.2, -0.3; g = 0.

  Read: older customers spend more; gender has no effect at all (a null the model should find);
  customers in the West buy slightly more often; customers who came through a referral (word of
  mouth) or a search buy more often than those from a portal advertisement; families spend less.
  Regions are the four US Census regions (CDNOW sold in the United States).

Licence: CC BY 4.0 (crmlab). Seed: 20260601.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab.datasets import load_cdnow_transactions
from crmlab.datasets.schema.profiles import PROFILE_CATEGORIES
from crmlab.value import rfm_table

SEED = 20260601
CALIBRATION_END = "1997-09-30"
OUTPUT = "customer_profiles.csv"

#: variable -> (categories, base shares, effect of the spend score s, effect of the frequency score f);
#: the categories, base first, are those of the schema leaf (crmlab.datasets.schema.profiles).
DESIGN: dict[str, tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], tuple[float, ...]]] = {
    "age_band": (tuple(PROFILE_CATEGORIES["age_band"]), (0.22, 0.34, 0.30, 0.14), (0, 0.3, 0.6, 0.6), (0, 0, 0, 0)),
    "gender": (tuple(PROFILE_CATEGORIES["gender"]), (0.45, 0.55), (0, 0), (0, 0)),
    "region": (tuple(PROFILE_CATEGORIES["region"]), (0.19, 0.22, 0.36, 0.23), (0, 0, 0, 0), (0, 0, 0, 0.3)),
    "channel": (tuple(PROFILE_CATEGORIES["channel"]), (0.45, 0.35, 0.20), (0, 0, 0), (0, 0.3, 0.7)),
    "household": (tuple(PROFILE_CATEGORIES["household"]), (0.35, 0.30, 0.35), (0, 0.2, -0.3), (0, 0, 0)),
}


def scores() -> pd.DataFrame:
    """The behavioural scores ``s`` (spend) and ``f`` (frequency) of every CDNOW sample customer."""
    tx = load_cdnow_transactions()
    rfm = rfm_table(tx[tx["date"] <= CALIBRATION_END], CALIBRATION_END)
    s = np.log1p(rfm["monetary"])
    f = np.log(rfm["frequency"].astype(float))
    out = pd.DataFrame({"s": (s - s.mean()) / s.std(ddof=0), "f": (f - f.mean()) / f.std(ddof=0)})
    return out.sort_index(key=lambda ids: ids.astype(int))


def draw(rng: np.random.Generator, s: np.ndarray, f: np.ndarray, shares, b, g) -> np.ndarray:
    """Category numbers from the multinomial logit exp(a_c + b_c s + g_c f) (inverse-CDF draws)."""
    a = np.log(np.asarray(shares) / shares[0])
    eta = a[None, :] + np.outer(s, b) + np.outer(f, g)
    p = np.exp(eta - eta.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = rng.random(len(s))
    return np.minimum((p.cumsum(axis=1) < u[:, None]).sum(axis=1), len(shares) - 1)


def generate(seed: int = SEED) -> pd.DataFrame:
    """The simulated profiles (see the module docstring for every assumption)."""
    rng = np.random.default_rng(seed)
    sc = scores()
    out = pd.DataFrame({"customer_id": sc.index.astype(str)})
    for variable, (categories, shares, b, g) in DESIGN.items():
        codes = draw(rng, sc["s"].to_numpy(), sc["f"].to_numpy(), shares, b, g)
        out[variable] = np.asarray(categories, dtype=object)[codes]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parents[1] / "crmlab" / "datasets" / "data" / OUTPUT)
    args = parser.parse_args()
    generate(args.seed).to_csv(args.output, index=False, lineterminator="\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
