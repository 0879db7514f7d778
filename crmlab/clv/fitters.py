"""The one place crmlab imports :mod:`lifetimes`, undoing the global changes its import makes.

Importing lifetimes sets ``pd.options.mode.chained_assignment = None`` (deprecated, and a warning,
under pandas 3) and calls ``warnings.simplefilter("ignore", FutureWarning)`` for the whole process.
Both are restored right after the import. ``lifetimes.datasets`` is never imported (it needs
``pkg_resources``); the data files are read by :mod:`crmlab.datasets`.
"""

from __future__ import annotations

import warnings

import pandas as pd

with warnings.catch_warnings():  # restores every warning filter on exit
    warnings.simplefilter("ignore")
    try:
        _chained_assignment = pd.get_option("mode.chained_assignment")
    except (KeyError, pd.errors.OptionError):  # the option is gone (pandas >= 4)
        _chained_assignment = None
    from lifetimes import (
        BetaGeoBetaBinomFitter,
        BetaGeoFitter,
        GammaGammaFitter,
        ModifiedBetaGeoFitter,
        ParetoNBDFitter,
    )
    from lifetimes.fitters import BaseFitter

    if _chained_assignment is not None:
        pd.set_option("mode.chained_assignment", _chained_assignment)

__all__ = [
    "BaseFitter",
    "BetaGeoBetaBinomFitter",
    "BetaGeoFitter",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "ParetoNBDFitter",
]
