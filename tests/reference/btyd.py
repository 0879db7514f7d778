"""Values printed by, or stored in, the R package BTYD (CRAN, version 2.4.3) and Hardie's notes.

BG/NBD P(X(t) = x) with the published CDNOW estimates r = 0.243, alpha = 4.414, a = 0.793, b = 2.426
(FHL 2005a): as quoted in lifetimes' tests/test_estimation.py
(test_probability_of_n_purchases_up_to_time_same_as_R_BTYD), which names BTYD's reference manual
(cran.r-project.org/web/packages/BTYD/BTYD.pdf) as the source.

Gamma-Gamma E[Z | x, mbar] of the first ten CDNOW sample customers (ids 1-10) under the CDNOW
estimates p = 6.25, q = 3.74, v = 15.44: Hardie's spreadsheet for note 025 ("The Gamma-Gamma model of
monetary value"), as quoted in lifetimes' tests/test_estimation.py
(test_conditional_expected_average_profit, "from Hardie spreadsheet http://brucehardie.com/notes/025/").

Annual repeat donations of the 11,104 first-time donors of 1995, years 1996-2006 (FHS 2010, the data of
their tracking figure): ``donationsSummary$annual.trans`` in BTYD's data/donationsSummary.RData
(read from the package file). The first six years sum to the 24,615 repeat donations of the
calibration summary that lifetimes ships (datasets/donations.csv).
"""

BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}

#: (x, t, P(X(t) = x)) as printed
BGNBD_PMF = [(10, 2.0, 1.07869e-07), (0, 39.0, 0.5737864)]
#: P(X(30) = x) for x = 11..20
BGNBD_PMF_T30 = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]

GAMMA_GAMMA_PUBLISHED = {"p": 6.25, "q": 3.74, "v": 15.44}
#: E[Z | x, mbar] for CDNOW customers "1".."10", to 2 decimals
GAMMA_GAMMA_EXPECTED_SPEND = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]

#: Repeat donations per year, 1996..2006 (the first 6 are the calibration period), as the package ships
#: them (crmlab.clv.published); checked here against the calibration summary in test_clv_predict.py.
from crmlab.clv.published import annual_donations  # noqa: E402

DONATIONS_ANNUAL = annual_donations().tolist()
