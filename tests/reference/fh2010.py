"""Fader & Hardie (2010), "Customer-base valuation in a contractual setting: the perils of ignoring
heterogeneity", Marketing Science 29(1), 85-93: DERL of a customer who has made 0, 1, 2, 3, 4 renewals
(the paper's n - 1 = 0..4), discount rate 10% per period, for the paper's two segments with the same mean
churn probability 0.2. Table 3, as quoted (with its page and table) in PyMC-Marketing's
tests/clv/models/test_shifted_beta_geo.py.

Case 1 is printed as gamma = 3.80, delta = 15.20. Case 2 is printed as gamma = 0.067, delta = 0.267; the
DERLs printed follow, to the last digit, from gamma = 1/15, delta = 4/15 (mean 0.2 and polarization
1/(gamma + delta + 1) = 0.75), which the printed parameters round.
"""

DISCOUNT_RATE = 0.10
RENEWALS = [0, 1, 2, 3, 4]

CASE_1 = {"gamma": 3.80, "delta": 15.20}
CASE_2_PRINTED = {"gamma": 0.067, "delta": 0.267}
CASE_2 = {"gamma": 1 / 15, "delta": 4 / 15}

#: DERL, 2 decimals as printed
DERL_CASE_1 = [3.31, 3.45, 3.59, 3.72, 3.84]
DERL_CASE_2 = [7.68, 9.46, 9.86, 10.06, 10.19]
