"""crmlab.clv.fitters: the one import of lifetimes leaves the process's global state alone."""

from __future__ import annotations

import subprocess
import sys


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
