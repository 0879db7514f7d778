"""Notebook 05's exercises at the precision they state."""

import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import expit

from crmlab import adoption, datasets
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    MissingColumnError,
    ParameterError,
    SpecificationError,
)


def test_exercises_accept_answers_copied_at_the_printed_precision():
    from crmlab.course.exercises import check

    # the Wilson interval as the table prints it; at 3 decimals it equals the Wald interval, which must
    # therefore be accepted, not diagnosed as a mistake
    fb = check("05.1", [0.425, 0.517])
    assert fb.correct, fb.message
    assert check("05.3", 0.085).correct  # the AME as printed
    assert not check("05.3", 0.393).correct and "logit coefficient" in check("05.3", 0.393).message


def test_exercise_diagnoses_at_the_stated_precision(survey):
    from crmlab.course.exercises import check

    services = survey[survey["offering"] == "services"]
    unweighted = round(float(services["adopted"].mean()), 3)
    assert "unweighted" in check("05.5", unweighted).message
    assert check("05.5", round(float(np.average(services["adopted"], weights=services["weight"])), 3)).correct
    assert check("05.6", {"Large retailer": 5, "Mid-size distributor": 6, "Small design studio": 5}).correct
    assert "default threshold 2" in check("05.6", {"Large retailer": 3, "Mid-size distributor": 4,
                                                   "Small design studio": 3}).message
    assert check("05.7", 0.132).correct  # (26.3 / 16) ** 0.25 - 1 = 0.1323
    assert "fourth root" in check("05.7", 0.644).message
