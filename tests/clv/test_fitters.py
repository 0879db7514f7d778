"""crmlab.clv.fitters: the one import of lifetimes leaves the process's global state alone."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from crmlab import clv
from crmlab.clv.fitters import BetaGeoFitter, ModifiedBetaGeoFitter
from crmlab.datasets import load_cdnow_summary, load_cdnow_transactions, load_donations
from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    EmptyDataError,
    MissingColumnError,
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


# ---------------------------------------------------------------------------------------------------
# the lifetimes import


def test_importing_crmlab_clv_leaves_global_state_alone():
    code = (
        "import warnings, pandas as pd, scipy.special, scipy.optimize, autograd, dill\n"
        "before = list(warnings.filters)\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore'); opt = pd.get_option('mode.chained_assignment')\n"
        "import crmlab.clv\n"
        "assert list(warnings.filters) == before, 'warning filters changed'\n"
        "with warnings.catch_warnings():\n"
        "    warnings.simplefilter('ignore'); assert pd.get_option('mode.chained_assignment') == opt\n"
        "import sys; assert 'lifetimes.datasets' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
