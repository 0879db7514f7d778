"""Shared fixtures of the survey tests: the ECSI mobi data and its centroid PLS fit."""

import pandas as pd
import pytest

from crmlab import survey
from crmlab.datasets import load_ecsi_mobi


@pytest.fixture(scope="module")
def mobi() -> pd.DataFrame:
    return load_ecsi_mobi()


@pytest.fixture(scope="module")
def centroid(mobi: pd.DataFrame) -> survey.PLSResult:
    return survey.pls_path_model(mobi, survey.ecsi_model(), scheme="centroid")
