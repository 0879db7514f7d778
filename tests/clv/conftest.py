"""Shared fixtures of the crmlab.clv tests: the CDNOW log, its published summary and the fits on them."""

from __future__ import annotations

import pandas as pd
import pytest

from crmlab import clv
from crmlab.datasets import load_cdnow_summary, load_cdnow_transactions
from crmlab.errors import CrmlabWarning

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="session")
def transactions() -> pd.DataFrame:
    return load_cdnow_transactions()


@pytest.fixture(scope="session")
def summary() -> pd.DataFrame:
    return load_cdnow_summary()


@pytest.fixture(scope="session")
def bgnbd(summary):
    return clv.fit(summary, "bgnbd")


@pytest.fixture(scope="session")
def exact_summary(transactions) -> pd.DataFrame:
    """The calibration summary rebuilt from the transactions (the shipped file rounds to 2 decimals)."""
    with pytest.warns(CrmlabWarning):
        return clv.rfm_summary(transactions, monetary_col="amount", freq="D", freq_multiplier=7,
                               observation_end=CAL_END)


@pytest.fixture(scope="session")
def pareto(exact_summary):
    return clv.fit(exact_summary, "pareto_nbd")


@pytest.fixture(scope="session")
def cal_holdout(transactions):
    return clv.calibration_holdout(transactions, CAL_END, OBS_END, freq="D", freq_multiplier=7)
