"""Fixtures of the adoption tests: the bundled survey, statistics, instrument and case scorecards."""

import pandas as pd
import pytest

from crmlab import datasets


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return datasets.load_firm_survey()


@pytest.fixture(scope="module")
def statistics() -> pd.DataFrame:
    return datasets.load_adoption_statistics()


@pytest.fixture(scope="module")
def instrument() -> pd.DataFrame:
    return datasets.load_readiness_instrument()


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return datasets.load_readiness_cases()
