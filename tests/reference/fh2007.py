"""Fader & Hardie (2007), "How to project customer retention", Journal of Interactive Marketing 21(1),
76-90: survivors of two cohorts of 1,000 customers ("regular" and "high end") at the start of years
0-12 (Table 1, p. 3), and the sBG estimates the paper reports for a fit to years 0-7 (p. 7).

Both are quoted, with those pages, in PyMC-Marketing's tests/clv/models/test_shifted_beta_geo.py (an
older version of that file had 0.688 for the regular cohort's gamma; the maximum-likelihood estimate of
these data is 0.7041, the printed 0.704). The high-end cohort's data also appear in the examples of the
R package foretell.
"""

from crmlab.clv.published import retention_cohorts

#: Customers still active at the start of years 0..12, per 1,000 acquired (FH 2007), as the package
#: ships them (crmlab.clv.published).
REGULAR = retention_cohorts()["regular"].tolist()
HIGH_END = retention_cohorts()["high_end"].tolist()

#: Years used for fitting (0..7); the rest is the holdout the projection is judged on.
FITTED_YEARS = 7

#: sBG maximum-likelihood estimates on years 0-7, as printed (3 decimals).
ESTIMATES = {
    "regular": {"gamma": 0.704, "delta": 1.182},
    "high_end": {"gamma": 0.668, "delta": 3.806},
}
