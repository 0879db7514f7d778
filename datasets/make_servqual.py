"""Generate ``servqual_ecommerce.csv``: a SYNTHETIC SERVQUAL survey of an online retailer's customers.

No public SERVQUAL microdata can ship with the course, so this seeded script simulates one. Run
``python datasets/make_servqual.py`` (optionally ``--out DIR``) to rewrite the file byte for byte.

Design (every number below is an assumption of the simulation, not an estimate from real data):

* 400 customers of a fictional e-commerce retailer; ``segment`` is "new" (first order in the last 12
  months, 40 %) or "repeat" (60 %); ``channel`` is "app" (45 %) or "web" (55 %), independent of segment.
* The 22 SERVQUAL items of Parasuraman, Zeithaml & Berry (1988), reworded for online retail, each asked
  twice on a 1-7 agreement scale: expectation ``E01``-``E22`` ("an excellent online retailer would ...")
  and perception ``P01``-``P22`` ("this retailer does ..."). Dimensions: tangibles 1-4 (site, app,
  packaging), reliability 5-9 (orders right, on time), responsiveness 10-13, assurance 14-17,
  empathy 18-22 (``crmlab.datasets.schema.survey.SERVQUAL_DIMENSIONS``, the one description of the
  instrument).
* Expectations: population mean 6.0 on every item, a respondent "demandingness" effect N(0, 0.45) and
  item noise N(0, 0.7). Perceptions: population mean = 6.0 + true gap of the dimension, with true gaps
  tangibles -0.15, reliability -0.95 (late and wrong deliveries), responsiveness -0.65, assurance -0.25,
  empathy -0.45; repeat customers perceive +0.35 more on every item (those who stay are happier); a
  respondent overall-perception effect N(0, 0.6), a respondent-by-dimension effect N(0, 0.35) and item
  noise N(0, 0.75). Answers are rounded and clipped to 1-7 (clipping shrinks gaps near the ceiling, as
  in real SERVQUAL data).
* Importance weights ``W_tangibles`` ... ``W_empathy``: 100 points allocated across the five dimensions,
  drawn from a Dirichlet distribution with mean (11, 32, 22, 19, 16) % — close to the average
  allocation reported by Zeithaml, Parasuraman & Berry (1990, *Delivering Quality Service*) — and
  concentration 20, rounded to integers summing to 100 (largest remainder).
* ``recommend`` (0-10, "How likely are you to recommend us to a friend?"): 7.6 + 1.5 x the respondent's
  weighted perception-minus-expectation gap + 0.4 (repeat) + N(0, 1.6), rounded and clipped to 0-10.

Licence: CC BY 4.0 (crmlab), as the catalogue says. Seed: 20260401.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from crmlab.datasets.schema.survey import SERVQUAL_DIMENSIONS

SEED = 20260401
N_RESPONDENTS = 400
#: The five dimensions and their item numbers: the instrument as described in the schema leaf.
DIMENSIONS = SERVQUAL_DIMENSIONS
TRUE_GAP = {"tangibles": -0.15, "reliability": -0.95, "responsiveness": -0.65, "assurance": -0.25, "empathy": -0.45}
WEIGHT_MEAN = {"tangibles": 0.11, "reliability": 0.32, "responsiveness": 0.22, "assurance": 0.19, "empathy": 0.16}
OUTPUT = "servqual_ecommerce.csv"


def _points(shares: np.ndarray) -> np.ndarray:
    """Integer points summing to 100 per row (largest-remainder rounding)."""
    raw = shares * 100
    base = np.floor(raw).astype(int)
    short = 100 - base.sum(axis=1)
    order = np.argsort(-(raw - base), axis=1, kind="stable")
    for i, k in enumerate(short):
        base[i, order[i, :k]] += 1
    return base


def generate(n: int = N_RESPONDENTS, seed: int = SEED) -> pd.DataFrame:
    """The simulated survey (see the module docstring for every assumption)."""
    rng = np.random.default_rng(seed)
    repeat = rng.random(n) < 0.60
    app = rng.random(n) < 0.45
    demanding = rng.normal(0, 0.45, n)
    overall = rng.normal(0, 0.6, n)
    out = {
        "respondent_id": [f"R{i:04d}" for i in range(1, n + 1)],
        "segment": np.where(repeat, "repeat", "new"),
        "channel": np.where(app, "app", "web"),
    }
    expectations, perceptions = {}, {}
    for dim, items in DIMENSIONS.items():
        dim_effect = rng.normal(0, 0.35, n)
        for i in items:
            e = 6.0 + demanding + rng.normal(0, 0.7, n)
            p = 6.0 + TRUE_GAP[dim] + 0.35 * repeat + overall + dim_effect + rng.normal(0, 0.75, n)
            expectations[f"E{i:02d}"] = np.clip(np.rint(e), 1, 7).astype(int)
            perceptions[f"P{i:02d}"] = np.clip(np.rint(p), 1, 7).astype(int)
    out |= expectations | perceptions
    mean = np.array(list(WEIGHT_MEAN.values()))
    points = _points(rng.dirichlet(20 * mean, n))
    for k, dim in enumerate(DIMENSIONS):
        out[f"W_{dim}"] = points[:, k]
    gaps = np.column_stack([
        np.mean([perceptions[f"P{i:02d}"] - expectations[f"E{i:02d}"] for i in items], axis=0)
        for items in DIMENSIONS.values()
    ])
    weighted_gap = (gaps * points).sum(axis=1) / 100
    recommend = 7.6 + 1.5 * weighted_gap + 0.4 * repeat + rng.normal(0, 1.6, n)
    out["recommend"] = np.clip(np.rint(recommend), 0, 10).astype(int)
    return pd.DataFrame(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "crmlab" / "datasets" / "data", help="output directory")
    args = parser.parse_args()
    path = args.out / OUTPUT
    generate().to_csv(path, index=False, lineterminator="\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
