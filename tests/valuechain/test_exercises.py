"""Notebook 02's exercises: expected answers, known mistakes and a hand check of the channel-partner exercise."""

import copy
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.patches import Circle, FancyArrowPatch

from crmlab import datasets
from crmlab import valuechain as vc
from crmlab.course.exercises import check, exercises
from crmlab.errors import CrmlabError, CrmlabWarning, DataFileError, ParameterError, SpecificationError


def test_exercises_expected_answers_and_mistakes():
    bank = {k: v for k, v in exercises().items() if k.startswith("02.")}
    assert len(bank) >= 3
    for ex in bank.values():
        assert check(ex.id, ex.expected()).correct
        for wrong, hint in ex.mistakes:
            feedback = check(ex.id, wrong())
            english = hint["en"] if isinstance(hint, dict) else hint  # hints may come in English and Chinese
            assert not feedback.correct and feedback.message == english


def test_channel_partner_exercise_by_hand():
    from crmlab.course.exercises import check

    # marketplace and retailer both at L/p = 2/4: factor 2.5 each; exact 2.5^2 + 1.5^2 / 2 = 7.375,
    # shared: echelon lead time 4, 1 + 2 + 2 = 5
    assert check("02.5", [7.38, 5.00]).correct
    assert "lower bound" in check("02.5", [6.25, 5.0]).message
    assert check("02.1", 7.36).correct  # 0.04 x 200 x 0.92
    assert "5% margin" in check("02.1", 7.6).message
