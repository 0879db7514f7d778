"""Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual setting",
Marketing Science 29(6), 1086-1108: the BG/BB on the donations data (11,104 donors of 1995, six yearly
opportunities 1996-2001).

Published estimates: alpha 1.204, beta 0.750, gamma 0.657, delta 2.783. Expected repeat donations of a new donor in the first n = 1..11 opportunities,
E[X(n)]: Hardie's spreadsheet for note 010 ("Implementing the BG/BB model for customer-base analysis in
Excel"), sheet "Tracking Plot", cells B7:B17, as quoted in PyMC-Marketing's
tests/clv/models/test_beta_geo_beta_binom.py (test_expected_purchases_new_customer).
"""

ESTIMATES = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}

#: E[X(n)], n = 1..11, printed to 4 decimals
EXPECTED_REPEAT_DONATIONS = [0.4985, 0.9233, 1.2969, 1.6323, 1.9381, 2.2202, 2.4826, 2.7285, 2.9603, 3.1798, 3.3887]
