"""Small published data series that the contractual and discrete-time models are taught and tested on,
held once here with their sources (``attrs`` carries the citation, as for :mod:`crmlab.datasets`).

* :func:`retention_cohorts`: Fader & Hardie (2007), "How to project customer retention", *Journal of
  Interactive Marketing* 21(1), 76-90: customers still active at the start of years 0-12 of two cohorts of
  1,000, "regular" and "high end".
* :func:`annual_donations`: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time
  noncontractual setting", *Marketing Science* 29(6): repeat donations per year, 1996-2006, of the
  11,104 first-time donors of 1995, as stored in the R package BTYD (``donationsSummary$annual.trans``).
  The six calibration years add up to the 24,615 repeat donations of the calibration summary
  (:func:`crmlab.datasets.load_donations`).
"""

from __future__ import annotations

import pandas as pd

_REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
_HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
_DONATIONS = [5652, 4674, 4019, 3552, 3555, 3163, 3110, 2938, 2703, 2573, 1936]


def retention_cohorts() -> pd.DataFrame:
    """Survivors of FH (2007)'s two cohorts: index ``year`` 0..12, columns ``regular`` and ``high_end``.

    Returns
    -------
    pandas.DataFrame
        Index ``year`` 0..12; columns ``regular`` and ``high_end``; ``attrs`` cites the source.

    Examples
    --------
    >>> retention_cohorts().loc[[0, 1, 12], "regular"].tolist()
    [1000, 631, 173]
    """
    table = pd.DataFrame({"regular": _REGULAR, "high_end": _HIGH_END}, index=pd.RangeIndex(13, name="year"))
    table.attrs.update(
        source='Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of '
               'Interactive Marketing 21(1), 76-90',
        description="customers still active at the start of each year, per 1,000 acquired in year 0",
    )
    return table


def annual_donations() -> pd.Series:
    """Repeat donations per year 1996..2006 of the donations cohort (FHS 2010; BTYD's donationsSummary).

    Returns
    -------
    pandas.Series
        Index ``year`` 1996..2006, named ``repeat_donations``.

    Examples
    --------
    >>> int(annual_donations().loc[1996:2001].sum())  # the calibration summary's 24,615
    24615
    """
    series = pd.Series(_DONATIONS, index=pd.RangeIndex(1996, 2007, name="year"), name="repeat_donations")
    series.attrs.update(
        source="Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). Customer-base analysis in a discrete-time "
               "noncontractual setting. Marketing Science 29(6), 1086-1108; values as stored in R package "
               "BTYD 2.4.3, data/donationsSummary.RData (annual.trans)",
        description="repeat donations per year by the 11,104 first-time donors of 1995 (calibration 1996-2001)",
    )
    return series
