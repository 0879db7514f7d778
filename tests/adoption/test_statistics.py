"""crmlab.adoption.statistics: published figures, the series break, size-class gaps, the CRM market."""

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


def test_series_break_in_2023(statistics):
    new = statistics[statistics["indicator"] == "crm_use_2023q"]
    assert (new["year"] == 2023).all() and new["break_in_series"].all()
    assert not statistics.loc[statistics["indicator"] == "crm_use", "break_in_series"].any()
    assert new.query("geography == 'EU27_2020'")["value"].item() == 25.8


def test_size_class_gaps(statistics):
    gaps = adoption.size_class_gaps(statistics).set_index(["geography", "year", "indicator"])
    assert gaps.loc[("EU27_2020", 2019, "erp_use"), "gap_pp"] == 50
    assert gaps.loc[("EU28", 2017, "website"), ["small", "large"]].tolist() == [74, 94]


def test_statistics_plots(statistics):
    for plot in (adoption.plot_eu_crm_level, adoption.plot_country_bars):
        ax = plot(statistics)
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        plt.close(ax.figure)
    ax = adoption.plot_size_gaps(adoption.size_class_gaps(statistics))
    assert ax.get_xlabel() == "% of enterprises"
    plt.close(ax.figure)
    with pytest.raises(DataValidationError, match="no rows"):
        adoption.plot_country_bars(statistics, indicator="crm_use", year=2030)


def test_eu_bars_are_drawn_by_provenance(statistics):
    ax = adoption.plot_eu_crm_level(statistics)
    bars = {int(float(t.get_text())): p for t, p in zip(ax.get_xticklabels(), ax.patches, strict=False)}
    assert bars[2017].get_gid() == "derived" and bars[2017].get_hatch() == ".."
    assert bars[2019].get_gid() == "primary" and not bars[2019].get_hatch()
    assert bars[2023].get_gid() == "secondary" and bars[2023].get_hatch() == "//"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["primary source seen", "derived from a primary source", "not verified"]
    plt.close(ax.figure)


def test_supply_chain_paper_market_figures_are_unsourced_claims(statistics):
    market = adoption.market_figures(statistics)
    paper = market[market["indicator"] == "crm_market_revenue"].set_index("year")
    assert paper["value"].to_dict() == {1999: 7.6, 2000: 12.0, 2004: 67.0}
    assert (paper["provenance"] == "unsourced").all() and paper.loc[2004, "forecast"]
    assert not paper.loc[[1999, 2000], "forecast"].any()
    later = market[market["indicator"] != "crm_market_revenue"]
    assert (later["provenance"] == "secondary").all() and len(later) >= 10
    raw = statistics[statistics["unit"] == adoption.MARKET_UNIT]
    assert raw["url_or_citation"].where(raw["indicator"] != "crm_market_revenue", "http").str.startswith("http").all()


def test_growth_rates_by_hand(statistics):
    assert adoption.growth_rate(100, 121, 2) == pytest.approx(0.1)
    assert adoption.growth_rate(12, 67, 4) == pytest.approx((67 / 12) ** 0.25 - 1)  # 53.7% a year
    assert adoption.series_growth(statistics, "crm_software_revenue", 2008, 2015) == pytest.approx(
        (26.3 / 9.15) ** (1 / 7) - 1)  # 16.3% a year
    with pytest.raises(ParameterError):
        adoption.growth_rate(0, 1, 1)
    with pytest.raises(ParameterError):
        adoption.growth_rate(1, 2, 0)
    with pytest.raises(DataValidationError, match="no measured 'crm_software_revenue' figure for \\[2009\\]"):
        adoption.series_growth(statistics, "crm_software_revenue", 2009, 2015)


def test_forecast_vs_outcome(statistics):
    table = adoption.forecast_vs_outcome(statistics).set_index(["indicator", "year"])
    licence = table.loc[("crm_software_new_licence_revenue", 2002)]
    assert licence["forecast"] == 3.6 and licence["outcome"] == 2.8
    assert licence["error"] == pytest.approx(3.6 / 2.8 - 1)  # 28.6% too high
    assert table.loc[("crm_software_new_licence_revenue", 2003), "error"] == pytest.approx(4.0 / 3.387 - 1)
    paper = table.loc[("crm_market_revenue", 2004)]
    assert np.isnan(paper["outcome"]) and np.isnan(paper["error"])
    assert paper["nearest"] == "crm_software_new_licence_revenue 3.456"  # another measure, not its outcome


def test_market_plot(statistics):
    ax = adoption.plot_market_figures(statistics)
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "US$ billion (log scale)" and ax.get_xlabel() == "year"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "10" in labels and not any("^" in t or "times" in t for t in labels)
    assert any(t.get_text() == "forecast 67" for t in ax.texts)
    plt.close(ax.figure)
