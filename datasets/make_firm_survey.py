"""Generate ``crm_firm_survey.csv``: a SYNTHETIC survey of 1,500 firms on CRM adoption.

Run ``.venv/bin/python datasets/make_firm_survey.py`` (options ``--seed``, ``--output``); it writes the
CSV next to this script. The same seed gives a byte-identical file (a test checks it).

No real firm is in this file. It is a teaching dataset whose marginal figures are calibrated to the
published levels in ``crm_adoption_statistics.csv``; everything else is an assumption, listed here.

Sample design
-------------
1. 1,500 firms stratified by Eurostat size class (persons employed): 800 small (10-49), 450 medium
   (50-249), 250 large (250+). Larger firms are over-sampled, as business surveys do, so that every
   class has enough firms. ``weight`` = population share / sample share, with an ASSUMED population mix
   of 84% small, 13% medium and 3% large (roughly the mix of EU enterprises with 10+ persons employed);
   weighted means estimate population shares, unweighted means describe the sample.
2. ``employees``: log-uniform within the class, 10-49, 50-249 and 250-5,000 (integers).
3. ``sector`` (assumed shares): manufacturing 22%, construction 13%, wholesale_retail 25%,
   accommodation_food 10%, information_communication 8%, professional_services 22%.
   ``offering`` is "goods" with an assumed sector-specific probability (0.90, 0.70, 0.80, 0.20, 0.15,
   0.05 in the same order), "services" otherwise, so the two vary within sectors.
4. ``regions_served``: 1 + Poisson(0.8 ln(employees / 10)) — bigger firms serve more regions.
5. ``tier_segment``: the CRM product tier the source documents assign to such a firm
   (:func:`crmlab.adoption.crm_tier`: SME CRM under 200 employees, mid-market CRM for 200+, enterprise
   CRM for 1,000+ employees serving 5+ regions).

CRM adoption
------------
6. ``adopted`` ~ Bernoulli(p) with logit(p) = delta_class + 0.6 (ln employees - class mean of
   ln employees) + sector effect + 0.3 [services]. Sector effects (log-odds, assumed): manufacturing 0,
   construction -0.6, wholesale_retail 0.3, accommodation_food -0.4, information_communication 0.8,
   professional_services 0.3. ``delta_class`` is solved so that the EXPECTED adoption rate of each size
   class equals ``ADOPTION_TARGETS`` = 30% / 46% / 60% (small / medium / large). These class levels are
   ASSUMPTIONS: Eurostat's CRM figures by size class were not seen. They reproduce the verified EU-27
   2019 level (33% of enterprises with 10+ persons employed) under the assumed population mix
   (0.84 x 30 + 0.13 x 46 + 0.03 x 60 = 33.0) with a small-to-large gap like the verified ERP gap
   (30% vs 80%). Realised rates differ from the targets by sampling noise only.
7. ``crm_status``: "adopted"; otherwise "considering" with probability 0.35 (assumed), else
   "not_considering".
8. ``crm_tier_used`` (adopters only): the firm's ``tier_segment`` with probability 0.8; otherwise a
   neighbouring tier (SME-segment firms over-buy mid-market CRM; mid-market firms pick SME or
   enterprise CRM with equal chance; enterprise-segment firms pick mid-market CRM).

Barriers (multi-select, asked of adopters and considerers; empty for the others)
---------------------------------------------------------------------------------
9. ``barrier_cost``, ``barrier_consulting``, ``barrier_skills``, ``barrier_long_implementation``: the
   number of firms citing each barrier is fixed at round(share x firms asked) with the source documents'
   shares ``BARRIER_TARGETS`` (37%, 24%, 8%, 5%), so the shares match them to the nearest firm. Which
   firms cite a barrier is drawn without replacement with assumed size-class weights
   (small / medium / large): cost 1.4 / 1.0 / 0.5, consulting 1.2 / 1.0 / 0.8, skills 1.3 / 1.0 / 0.7,
   long implementation 0.7 / 1.0 / 1.6 — small firms find CRM dear, large firms find projects long.

Success factors and outcome (adopters only; empty for the others)
-----------------------------------------------------------------
10. Nine scores on a 1-5 scale: the source documents' five success factors (``sf_vision``,
    ``sf_assessment``, ``sf_touchpoints``, ``sf_outside_in``, ``sf_change_management``) and four
    conditions (``cond_top_management``, ``cond_team``, ``cond_training``, ``cond_software``). Each is
    round(3 + 1.1 z) clipped to 1-5, z = 0.6 r + 0.8 e with a firm-level readiness
    r ~ N(size shift, 1) (size shift 0 / 0.15 / 0.3) and item noise e ~ N(0, 1).
11. ``met_expectations`` ~ Bernoulli(q), logit(q) = c + sum_k b_k (score_k - 3) with ``OUTCOME_COEFS``
    (per scale point): change management 0.5, top-management support 0.45, touchpoints 0.35,
    outside-in re-engineering 0.3, training 0.25, vision 0.2, and 0 for e-CRM assessment, team and
    software/hardware. The intercept c is solved so that the expected share meeting expectations is 50%
    — deliberately NOT the unverified "25-30%" claim, which the notebook examines instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit

from crmlab.adoption import crm_tier
from crmlab.datasets.schema.adoption import BARRIERS, SIZE_CLASSES, SUCCESS_FACTORS

SEED = 20240502
OUTPUT = Path(__file__).resolve().parents[1] / "crmlab" / "datasets" / "data" / "crm_firm_survey.csv"

SAMPLE_SIZES = {"10-49": 800, "50-249": 450, "250+": 250}
POPULATION_SHARES = {"10-49": 0.84, "50-249": 0.13, "250+": 0.03}
EMPLOYEE_RANGES = {"10-49": (10, 49), "50-249": (50, 249), "250+": (250, 5000)}
ADOPTION_TARGETS = {"10-49": 0.30, "50-249": 0.46, "250+": 0.60}

SECTORS = {  # sector: (share of firms, P(goods), adoption log-odds effect)
    "manufacturing": (0.22, 0.90, 0.0),
    "construction": (0.13, 0.70, -0.6),
    "wholesale_retail": (0.25, 0.80, 0.3),
    "accommodation_food": (0.10, 0.20, -0.4),
    "information_communication": (0.08, 0.15, 0.8),
    "professional_services": (0.22, 0.05, 0.3),
}
SLOPE_LOG_EMPLOYEES = 0.6
SERVICES_EFFECT = 0.3
P_CONSIDERING = 0.35
P_SEGMENT_TIER = 0.8

#: Shares among firms asked (adopters and considerers), from the source documents.
BARRIER_TARGETS = {
    "barrier_cost": 0.37,
    "barrier_consulting": 0.24,
    "barrier_skills": 0.08,
    "barrier_long_implementation": 0.05,
}
BARRIER_SIZE_WEIGHTS = {
    "barrier_cost": (1.4, 1.0, 0.5),
    "barrier_consulting": (1.2, 1.0, 0.8),
    "barrier_skills": (1.3, 1.0, 0.7),
    "barrier_long_implementation": (0.7, 1.0, 1.6),
}
READINESS_SHIFT = {"10-49": 0.0, "50-249": 0.15, "250+": 0.3}
OUTCOME_COEFS = {
    "sf_vision": 0.2,
    "sf_assessment": 0.0,
    "sf_touchpoints": 0.35,
    "sf_outside_in": 0.3,
    "sf_change_management": 0.5,
    "cond_top_management": 0.45,
    "cond_team": 0.0,
    "cond_training": 0.25,
    "cond_software": 0.0,
}
MET_EXPECTATIONS_TARGET = 0.5


def _calibrated_shift(eta: np.ndarray, target: float) -> float:
    """The constant d such that mean(expit(eta + d)) equals ``target``."""
    return float(brentq(lambda d: expit(eta + d).mean() - target, -20.0, 20.0))


def generate(seed: int = SEED) -> pd.DataFrame:
    """The synthetic survey as a DataFrame (one row per firm); see the module docstring."""
    rng = np.random.default_rng(seed)
    classes = np.repeat(SIZE_CLASSES, [SAMPLE_SIZES[c] for c in SIZE_CLASSES])
    n = classes.size
    low = np.array([EMPLOYEE_RANGES[c][0] for c in classes], dtype=float)
    high = np.array([EMPLOYEE_RANGES[c][1] for c in classes], dtype=float) + 1.0
    employees = np.floor(np.exp(rng.uniform(np.log(low), np.log(high)))).astype(int)

    names = list(SECTORS)
    sector = rng.choice(names, size=n, p=[SECTORS[s][0] for s in names])
    p_goods = np.array([SECTORS[s][1] for s in sector])
    offering = np.where(rng.uniform(size=n) < p_goods, "goods", "services")
    regions = 1 + rng.poisson(0.8 * np.log(employees / 10.0))
    segment = np.array([crm_tier(e, r) for e, r in zip(employees, regions, strict=True)])

    log_emp = np.log(employees)
    eta = np.array([SECTORS[s][2] for s in sector]) + SERVICES_EFFECT * (offering == "services")
    for c in SIZE_CLASSES:
        idx = classes == c
        eta[idx] += SLOPE_LOG_EMPLOYEES * (log_emp[idx] - log_emp[idx].mean())
        eta[idx] += _calibrated_shift(eta[idx], ADOPTION_TARGETS[c])
    adopted = (rng.uniform(size=n) < expit(eta)).astype(int)
    considering = (adopted == 0) & (rng.uniform(size=n) < P_CONSIDERING)
    status = np.where(adopted == 1, "adopted", np.where(considering, "considering", "not_considering"))

    tier_used = np.full(n, "", dtype=object)
    keep = rng.uniform(size=n) < P_SEGMENT_TIER
    coin = rng.uniform(size=n) < 0.5
    neighbour = {
        "SME CRM": np.full(n, "mid-market CRM"),
        "mid-market CRM": np.where(coin, "SME CRM", "enterprise CRM"),
        "enterprise CRM": np.full(n, "mid-market CRM"),
    }
    for i in np.flatnonzero(adopted == 1):
        tier_used[i] = segment[i] if keep[i] else neighbour[segment[i]][i]

    out = pd.DataFrame(
        {
            "firm_id": [f"F{i + 1:04d}" for i in range(n)],
            "employees": employees,
            "size_class": classes,
            "sector": sector,
            "offering": offering,
            "regions_served": regions,
            "tier_segment": segment,
            "crm_status": status,
            "adopted": adopted,
            "crm_tier_used": tier_used,
        }
    )

    asked = np.flatnonzero(status != "not_considering")
    class_pos = {c: k for k, c in enumerate(SIZE_CLASSES)}
    for col in BARRIERS:
        weights = np.array([BARRIER_SIZE_WEIGHTS[col][class_pos[c]] for c in classes[asked]])
        k = round(BARRIER_TARGETS[col] * asked.size)
        chosen = rng.choice(asked, size=k, replace=False, p=weights / weights.sum())
        values = np.full(n, np.nan)
        values[asked] = 0.0
        values[chosen] = 1.0
        out[col] = pd.array(values, dtype="Int64")

    adopters = np.flatnonzero(adopted == 1)
    readiness = rng.normal(np.array([READINESS_SHIFT[c] for c in classes[adopters]]), 1.0)
    linear = np.zeros(adopters.size)
    for col in SUCCESS_FACTORS:
        z = 0.6 * readiness + 0.8 * rng.normal(size=adopters.size)
        score = np.clip(np.round(3 + 1.1 * z), 1, 5)
        values = np.full(n, np.nan)
        values[adopters] = score
        out[col] = pd.array(values, dtype="Int64")
        linear += OUTCOME_COEFS[col] * (score - 3)
    linear += _calibrated_shift(linear, MET_EXPECTATIONS_TARGET)
    met = np.full(n, np.nan)
    met[adopters] = (rng.uniform(size=adopters.size) < expit(linear)).astype(float)
    out["met_expectations"] = pd.array(met, dtype="Int64")

    out["weight"] = [round(POPULATION_SHARES[c] * n / SAMPLE_SIZES[c], 6) for c in classes]
    return out


def write(path: Path = OUTPUT, seed: int = SEED) -> Path:
    """Generate the survey and write it as CSV (``\\n`` line endings, so the bytes are reproducible)."""
    generate(seed).to_csv(path, index=False, lineterminator="\n")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    print(f"wrote {write(args.output, args.seed)}")
