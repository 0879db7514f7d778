"""crmlab.clv.plots: every figure has a title and labelled axes."""

from __future__ import annotations

import pytest

from crmlab import clv
from crmlab.errors import (
    ParameterError,
)

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


@pytest.mark.parametrize("draw", ["tracking", "holdout", "heatmap", "path", "distribution", "concentration"])
def test_plots_have_titles_and_labels(draw, bgnbd, transactions, cal_holdout, summary):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    value = clv.expected_purchases(bgnbd, summary["frequency"], summary["recency"], summary["T"], 52)
    calls = {
        "tracking": lambda: clv.plot_tracking(clv.tracking(bgnbd, transactions, CAL_END, OBS_END), ax=ax),
        "holdout": lambda: clv.plot_holdout_by_frequency(clv.holdout_by_frequency(bgnbd, cal_holdout), ax=ax),
        "heatmap": lambda: clv.plot_frequency_recency(bgnbd, kind="expected", T=39, t=39, ax=ax),
        "path": lambda: clv.plot_alive_path(clv.alive_path(bgnbd, transactions, "1"), customer="1", ax=ax),
        "distribution": lambda: clv.plot_clv_distribution(value, ax=ax),
        "concentration": lambda: clv.plot_clv_concentration(value, ax=ax),
    }
    assert calls[draw]() is ax
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    if draw == "heatmap":
        with pytest.raises(ParameterError, match="kind="):
            clv.plot_frequency_recency(bgnbd, kind="clv", T=39)
