"""Readiness scorecards: a practice-level instrument on Gartner's eight building blocks of CRM, each
practice scored for *intention* and *reality* (QCi's CMAT); gap tables, radar charts, the recommended
CRM tier with first steps, the source papers' success factors and conditions mapped onto the
instrument, and the failure diagnostic after 刘莹莹 (Liu Yingying). Part of :mod:`crmlab.adoption`;
the instrument and scorecards are validated by :mod:`crmlab.datasets.schema.adoption`.
"""

from __future__ import annotations

import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from crmlab.adoption.firms import crm_tier
from crmlab.adoption.style import HIGHLIGHT, VERIFIED_COLOUR, new_axes
from crmlab.datasets.schema.adoption import (
    BUILDING_BLOCKS,
    SCORE_RANGE,
    validate_instrument,
    validate_scorecard,
)
from crmlab.errors import CrmlabWarning, DataValidationError, ParameterError, SpecificationError, require_columns

#: The course's source papers used in this module, to cite by title (author as published; no year is
#: printed on the e-commerce and supply-chain papers).
SOURCE_PAPERS = {
    "ecommerce": ('《电子商务环境下客户关系管理(CRM)成功的五大要素》 ("Five success factors of CRM in e-commerce"), '
                  "an e-commerce graduation paper, posted 2022-10-08"),
    "firm_size": ('刘莹莹 (Liu Yingying), 渤海大学管理学院, 《我国企业客户关系管理现状及对策》 ("Customer '
                  'relationship management in Chinese enterprises: current state and countermeasures"), '
                  "bachelor's thesis"),
    "supply_chain": ('《浅析供应链环境下的客户关系管理》 ("A brief analysis of CRM in the supply-chain environment"), '
                     "uploaded 2018-09-05"),
}

#: Which paper names each success factor or condition of the readiness instrument (``source_factor``):
#: the e-commerce paper's five success factors and the supply-chain paper's four conditions.
FACTOR_SOURCES = {
    "e-business vision": "ecommerce",
    "e-CRM assessment": "ecommerce",
    "touchpoint understanding": "ecommerce",
    "outside-in process re-engineering": "ecommerce",
    "change management": "ecommerce",
    "top-management support": "supply_chain",
    "capable team": "supply_chain",
    "staff training": "supply_chain",
    "suitable software and hardware": "supply_chain",
}

#: The problems of CRM in Chinese firms listed by 刘莹莹 (Liu Yingying; ``SOURCE_PAPERS["firm_size"]``),
#: each with a symptom to look for, the readiness practice that detects it and the countermeasure that
#: answers it. Problems and countermeasures follow the paper's list; the symptoms and the wording are
#: crmlab's.
FAILURE_MODES = (
    {"problem_id": "blind_adoption", "problem": "blind adoption",
     "symptom": "CRM bought because competitors have it or a vendor pressed; no stated need, costed case or fitting tier",
     "practice_id": "S3",
     "countermeasure": "start from the customer strategy and a stated need; choose the tier that fits the firm; "
                       "build a costed case and implement in stages"},
    {"problem_id": "culture_mismatch", "problem": "culture at odds with the CRM strategy",
     "symptom": "departments guard their own customers and targets; staff see CRM as extra reporting",
     "practice_id": "O4",
     "countermeasure": "build a customer-centred culture: management's example, incentives on customer outcomes, "
                       "internal customers (staff) served first"},
    {"problem_id": "poor_data", "problem": "poor customer data",
     "symptom": "duplicate, outdated or incomplete records in private spreadsheets; nobody owns data quality",
     "practice_id": "I2",
     "countermeasure": "one shared customer record with an owner; data standards, cleaning and regular checks "
                       "before any analysis"},
    {"problem_id": "flawed_processes", "problem": "CRM laid over flawed processes",
     "symptom": "old departmental processes automated as they are; customers still passed between departments",
     "practice_id": "P1",
     "countermeasure": "re-engineer the customer processes outside-in before configuring the system"},
    {"problem_id": "single_method", "problem": "a single method",
     "symptom": "every customer managed one way (only discounts, or only sales visits) whatever their value or channel",
     "practice_id": "C3",
     "countermeasure": "combine methods by customer class: key accounts one-to-one, small and medium customers by "
                       "region, scattered customers through low-cost channels; mine the data to target"},
    {"problem_id": "ignoring_experience", "problem": "ignoring the customer's experience",
     "symptom": "CRM used for internal control and selling; satisfaction and complaints at the touchpoints not measured",
     "practice_id": "C4",
     "countermeasure": "measure the experience at every touchpoint, act on complaints, and judge CRM by customer "
                       "outcomes"},
)


def gap_table(scores: pd.DataFrame, instrument: pd.DataFrame, by: str = "building_block") -> pd.DataFrame:
    """Mean intention, reality and gap (intention − reality) per firm and ``by`` (a block or practice).

    ``by="building_block"`` gives Gartner's eight blocks in order; ``by="practice_id"`` one row per
    practice with its text.

    Parameters
    ----------
    scores : pandas.DataFrame
        Intention/reality scores (validated against ``instrument``).
    instrument : pandas.DataFrame
        The readiness instrument.
    by : {"building_block", "practice_id", "source_factor"}
        What to average over.

    Returns
    -------
    pandas.DataFrame
        Index (``firm``, ``by``): ``intention``, ``reality``, ``gap``.

    Examples
    --------
    >>> from crmlab.datasets import load_readiness_cases, load_readiness_instrument
    >>> scores, instrument = load_readiness_cases(), load_readiness_instrument()
    >>> gap_table(scores, instrument).loc[("Large retailer", "vision")].tolist()
    [5.0, 3.5, 1.5]
    """
    if by not in ("building_block", "practice_id", "source_factor"):
        raise ParameterError(f"by must be 'building_block', 'practice_id' or 'source_factor', got {by!r}")
    scores = validate_scorecard(scores, instrument)
    merged = scores.merge(validate_instrument(instrument), on="practice_id", how="left")
    if by == "source_factor":
        merged = merged[merged["source_factor"] != ""]
    table = merged.groupby(["firm", by], sort=False)[["intention", "reality"]].mean()
    table["gap"] = table["intention"] - table["reality"]
    if by == "building_block":
        firms = list(dict.fromkeys(scores["firm"]))
        table = table.reindex(pd.MultiIndex.from_product([firms, BUILDING_BLOCKS], names=["firm", by]))
    elif by == "practice_id":
        table = table.join(instrument.set_index("practice_id")[["building_block", "practice"]], on=by)
    return table


def plot_radar(gaps: pd.DataFrame, firm: str, ax: Axes | None = None, scale_max: int = SCORE_RANGE[1]) -> Axes:
    """Radar (spider) chart of intention vs reality over Gartner's eight blocks for one firm.

    ``gaps`` is :func:`gap_table` by building block; ``ax`` must be a polar axis (created if None).

    Parameters
    ----------
    gaps : pandas.DataFrame
        :func:`gap_table` by building block.
    firm : str
        One of its firms.
    ax : matplotlib.axes.Axes, optional
        A polar axis (a new figure when ``None``).
    scale_max : int, default 5
        Top of the score scale.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_readiness_cases, load_readiness_instrument
    >>> scores, instrument = load_readiness_cases(), load_readiness_instrument()
    >>> plot_radar(gap_table(scores, instrument), "Small design studio").get_title()
    'Small design studio: intention vs reality (score 0-5)'
    >>> plt.close("all")
    """
    if ax is None:
        _, ax = plt.subplots(subplot_kw={"projection": "polar"})
    if ax.name != "polar":
        raise ParameterError("plot_radar needs a polar axis: plt.subplots(subplot_kw={'projection': 'polar'})")
    firms = gaps.index.get_level_values("firm")
    if firm not in set(firms):
        raise ParameterError(f"no firm {firm!r} in the gap table; the firms are {list(dict.fromkeys(firms))}")
    part = gaps.xs(firm, level="firm").loc[list(BUILDING_BLOCKS)]
    angles = np.linspace(0, 2 * np.pi, len(BUILDING_BLOCKS), endpoint=False)
    closed = np.append(angles, angles[0])
    for col, colour in (("intention", VERIFIED_COLOUR), ("reality", HIGHLIGHT)):
        values = np.append(part[col].to_numpy(), part[col].iloc[0])
        ax.plot(closed, values, color=colour, label=col)
        ax.fill(closed, values, color=colour, alpha=0.15)
    ax.set_xticks(angles, [b.replace(" ", "\n", 1) for b in BUILDING_BLOCKS], fontsize=8)
    ax.set_ylim(0, scale_max)
    ax.set_yticks(range(1, scale_max + 1))
    ax.set_rlabel_position(180 / len(BUILDING_BLOCKS))
    ax.set_title(f"{firm}: intention vs reality (score 0-{scale_max})", pad=18)
    ax.legend(loc="upper right", bbox_to_anchor=(1.3, 1.1), fontsize=8)
    return ax


def recommend(
    firms: pd.DataFrame, scores: pd.DataFrame, instrument: pd.DataFrame, n_steps: int = 3
) -> pd.DataFrame:
    """Recommended CRM tier and first steps for each firm.

    The tier follows :func:`crm_tier` (employees, regions served). The first steps are the ``n_steps``
    practices with the largest intention − reality gap (ties: the lower reality first, then instrument
    order) — close the gaps the firm itself says matter before buying more technology.
    Readiness is mean reality as a % of the maximum score.

    Parameters
    ----------
    firms : pandas.DataFrame
        Profiles: ``firm``, ``employees``, ``regions_served``.
    scores : pandas.DataFrame
        Intention/reality scores.
    instrument : pandas.DataFrame
        The readiness instrument.
    n_steps : int, default 3
        First steps per firm.

    Returns
    -------
    pandas.DataFrame
        Index ``firm``: ``employees``, ``regions_served``, ``recommended_tier``, ``intention_pct``,
        ``readiness_pct``, ``first_steps``.

    Examples
    --------
    >>> from crmlab.datasets import load_readiness_cases, load_readiness_instrument
    >>> scores, instrument = load_readiness_cases(), load_readiness_instrument()
    >>> profiles = load_readiness_cases(profiles=True)
    >>> recommend(profiles, scores, instrument, n_steps=1)["recommended_tier"].tolist()
    ['enterprise CRM', 'mid-market CRM', 'SME CRM']
    """
    require_columns(firms, ["firm", "employees", "regions_served"], what="the firm profiles")
    if n_steps < 1:
        raise ParameterError(f"n_steps must be at least 1, got {n_steps}")
    practices = gap_table(scores, instrument, by="practice_id").reset_index()
    order = {pid: i for i, pid in enumerate(instrument["practice_id"])}
    practices["_order"] = practices["practice_id"].map(order)
    missing = sorted(set(practices["firm"]) - set(firms["firm"]))
    if missing:
        raise DataValidationError(f"no profile for firm(s) {missing}", column="firm",
                                  fix="add a row per firm with employees and regions_served")
    unscored = [f for f in firms["firm"] if f not in set(practices["firm"])]
    if unscored:
        warnings.warn(f"{len(unscored)} firm profile(s) have no scores and get no recommendation: {unscored}",
                      CrmlabWarning, stacklevel=2)
    rows = []
    for profile in firms[~firms["firm"].isin(unscored)].itertuples(index=False):
        part = practices[practices["firm"] == profile.firm]
        top = part.sort_values(["gap", "reality", "_order"], ascending=[False, True, True]).head(n_steps)
        rows.append({
            "firm": profile.firm, "employees": profile.employees, "regions_served": profile.regions_served,
            "recommended_tier": crm_tier(profile.employees, profile.regions_served),
            "intention_pct": 100 * part["intention"].mean() / SCORE_RANGE[1],
            "readiness_pct": 100 * part["reality"].mean() / SCORE_RANGE[1],
            "first_steps": "; ".join(f"{r.practice} [{r.building_block}, gap {r.gap:g}]" for r in top.itertuples()),
        })
    return pd.DataFrame(rows).set_index("firm")


def success_factor_map(instrument: pd.DataFrame, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """The e-commerce paper's five success factors and the supply-chain paper's four conditions, each
    with the readiness practice that measures it (:data:`FACTOR_SOURCES`, :data:`SOURCE_PAPERS`).

    Parameters
    ----------
    instrument : pandas.DataFrame
        The readiness instrument; its ``source_factor`` column tags one practice per factor.
    scores : pandas.DataFrame, optional
        Intention/reality scores (:func:`validate_scorecard`); adds one column of reality scores (0-5)
        per firm.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``paper`` and ``factor`` (the five factors, then the four conditions):
        ``practice_id``, ``building_block``, ``practice`` and, with scores, the firms' reality.

    Examples
    --------
    >>> from crmlab.datasets import load_readiness_instrument
    >>> success_factor_map(load_readiness_instrument())["practice_id"].size
    9
    """
    instrument = validate_instrument(instrument)
    tagged = instrument[instrument["source_factor"].isin(list(FACTOR_SOURCES))]
    missing = sorted(set(FACTOR_SOURCES) - set(tagged["source_factor"]))
    if missing:
        raise SpecificationError("the readiness instrument", [f"no practice measures {m!r}" for m in missing],
                                 fix="tag one practice per factor in the source_factor column")
    table = pd.DataFrame({
        "paper": tagged["source_factor"].map(lambda f: "five success factors (e-commerce paper)"
                                             if FACTOR_SOURCES[f] == "ecommerce"
                                             else "four conditions (supply-chain paper)"),
        "factor": tagged["source_factor"], "practice_id": tagged["practice_id"],
        "building_block": tagged["building_block"], "practice": tagged["practice"],
    })
    table["_order"] = table["factor"].map({f: i for i, f in enumerate(FACTOR_SOURCES)})
    table = table.sort_values("_order").drop(columns="_order").set_index(["paper", "factor"])
    if scores is not None:
        scored = validate_scorecard(scores, instrument)
        wide = scored.pivot(index="practice_id", columns="firm", values="reality")
        wide = wide[list(dict.fromkeys(scored["firm"]))]
        table = table.join(wide, on="practice_id")
    return table


def failure_modes() -> pd.DataFrame:
    """:data:`FAILURE_MODES` as a table indexed by ``problem_id``.

    Returns
    -------
    pandas.DataFrame
        Index ``problem_id``: ``problem``, ``symptom``, ``practice_id``, ``countermeasure``.

    Examples
    --------
    >>> failure_modes()["practice_id"].tolist()
    ['S3', 'O4', 'I2', 'P1', 'C3', 'C4']
    """
    return pd.DataFrame(list(FAILURE_MODES)).set_index("problem_id")


def failure_diagnostic(scores: pd.DataFrame, instrument: pd.DataFrame, threshold: int = 2) -> pd.DataFrame:
    """Which of the failure problems each firm is exposed to, read off the readiness practice that detects it.

    The problems are those of 刘莹莹 (Liu Yingying, :data:`SOURCE_PAPERS` ``"firm_size"``):
    :data:`FAILURE_MODES`. A firm is ``exposed`` to a problem when the reality score of its detecting
    practice is at most ``threshold``.

    Parameters
    ----------
    scores : pandas.DataFrame
        Intention/reality scores of one or more firms on every practice of ``instrument``.
    instrument : pandas.DataFrame
        The readiness instrument; it must hold every detecting practice (S3, O4, I2, P1, C3, C4).
    threshold : int, default 2
        Whole score from 0 to 5; 2 means "partly in place at best".

    Returns
    -------
    pandas.DataFrame
        Indexed by ``firm`` and ``problem_id``: ``problem``, ``practice_id``, ``intention``,
        ``reality``, ``exposed``, ``symptom``, ``countermeasure``.

    Examples
    --------
    >>> from crmlab.datasets import load_readiness_cases, load_readiness_instrument
    >>> scores, instrument = load_readiness_cases(), load_readiness_instrument()
    >>> failure_diagnostic(scores, instrument)["exposed"].groupby("firm", sort=False).sum().tolist()
    [3, 4, 3]
    """
    low, high = SCORE_RANGE
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or not low <= threshold <= high:
        raise ParameterError(f"threshold must be a whole score from {low} to {high}, got {threshold!r}")
    instrument = validate_instrument(instrument)
    modes = failure_modes()
    missing = sorted(set(modes["practice_id"]) - set(instrument["practice_id"]))
    if missing:
        raise SpecificationError("the readiness instrument", [
            f"practice {pid!r} (detects {modes.index[modes['practice_id'] == pid][0]!r}) is missing" for pid in missing],
            fix="use the instrument shipped with crmlab (crmlab.datasets.load_readiness_instrument()), "
                "which has every detecting practice")
    scored = validate_scorecard(scores, instrument).set_index(["firm", "practice_id"])
    rows = []
    for firm in dict.fromkeys(scored.index.get_level_values("firm")):
        for pid, mode in modes.iterrows():
            s = scored.loc[(firm, mode["practice_id"])]
            rows.append({"firm": firm, "problem_id": pid, "problem": mode["problem"],
                         "practice_id": mode["practice_id"], "intention": int(s["intention"]),
                         "reality": int(s["reality"]), "exposed": bool(s["reality"] <= threshold),
                         "symptom": mode["symptom"], "countermeasure": mode["countermeasure"]})
    return pd.DataFrame(rows).set_index(["firm", "problem_id"])


def plot_failure_diagnostic(diagnostic: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Heat map of the detecting practices' reality scores, problems by firms; exposed cells are outlined
    in red (from :func:`failure_diagnostic`).

    Parameters
    ----------
    diagnostic : pandas.DataFrame
        From :func:`failure_diagnostic`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (a new figure when ``None``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_readiness_cases, load_readiness_instrument
    >>> scores, instrument = load_readiness_cases(), load_readiness_instrument()
    >>> plot_failure_diagnostic(failure_diagnostic(scores, instrument)).get_title()
    'Failure diagnostic: where each firm is exposed (red frame: reality at or below the threshold)'
    >>> plt.close("all")
    """
    ax = new_axes(ax)
    reality = diagnostic["reality"].unstack("firm")
    problems = list(dict.fromkeys(diagnostic.index.get_level_values("problem_id")))
    firms = list(dict.fromkeys(diagnostic.index.get_level_values("firm")))
    reality = reality.loc[problems, firms]
    image = ax.imshow(reality.to_numpy(dtype=float), cmap="RdYlGn", vmin=SCORE_RANGE[0], vmax=SCORE_RANGE[1],
                      aspect="auto")
    names = diagnostic.reset_index().drop_duplicates("problem_id").set_index("problem_id")
    for (i, problem), (j, firm) in ((a, b) for a in enumerate(problems) for b in enumerate(firms)):
        row = diagnostic.loc[(firm, problem)]
        ax.text(j, i, f"{row['practice_id']}: {row['reality']}", ha="center", va="center", fontsize=8)
        if row["exposed"]:
            ax.add_patch(plt.Rectangle((j - 0.48, i - 0.48), 0.96, 0.96, fill=False, edgecolor=HIGHLIGHT,
                                       linewidth=2.2, gid=f"{firm}|{problem}"))
    ax.set_xticks(range(len(firms)), firms, fontsize=8)
    ax.set_yticks(range(len(problems)), [textwrap.fill(names.loc[p, "problem"], 26) for p in problems], fontsize=8)
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, label="reality score of the detecting practice (0-5)")
    ax.set(title="Failure diagnostic: where each firm is exposed (red frame: reality at or below the threshold)",
           xlabel="case firm", ylabel="problem (Liu Yingying)")
    return ax
