"""From survey results to a prioritised CRM action list (importance–performance, SERVQUAL gaps, NPS).

Each source answers its own management question and scores its candidates on its own scale, so the
list ranks actions *within* each source and never compares priorities across sources:

* importance–performance (Martilla & James 1977; Ringle & Sarstedt 2016): a driver in the
  *Concentrate here* quadrant, priority = importance × (100 − performance), the loyalty a driver could
  still gain if it performed perfectly;
* SERVQUAL (Parasuraman, Zeithaml & Berry 1988, 1991): a dimension whose gap interval lies entirely
  below 0, priority = −gap × mean importance weight (points of 100);
* Net Promoter Score (Reichheld 2003): a segment with a negative NPS, priority = −NPS.
"""

from __future__ import annotations

import pandas as pd

from crmlab.errors import require_columns

SOURCES = ("ECSI importance-performance", "SERVQUAL gap x weight", "NPS by segment")


def action_priorities(ipa: pd.DataFrame | None = None, gaps: pd.DataFrame | None = None,
                      nps: pd.DataFrame | None = None, *, target: str = "loyalty") -> pd.DataFrame:
    """The CRM action list: one row per action, ranked within its source.

    Parameters
    ----------
    ipa
        :func:`~crmlab.survey.importance_performance` table (``importance``, ``performance`` 0–100,
        ``quadrant``), indexed by driver.
    gaps
        :func:`~crmlab.survey.dimension_gaps` table with ``weights`` given (``gap``, ``ci_high``,
        ``weight``), indexed by dimension.
    nps
        :func:`~crmlab.survey.nps_by_segment` table (``nps``), indexed by segment.
    target
        What the importance–performance map explains, for the wording of its actions.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``subject``, ``action``, ``priority`` and ``rank`` (1 = first within its
        source), sorted by source then rank. Empty (with these columns) when nothing calls for action.

    Examples
    --------
    Only a significant shortfall calls for action: tangibles' interval reaches above 0, so only
    reliability is listed, with priority 0.9 × 30 = 27:

    >>> gaps = pd.DataFrame({"gap": [-0.9, -0.1], "ci_high": [-0.7, 0.1], "weight": [30.0, 20.0]},
    ...                     index=pd.Index(["reliability", "tangibles"], name="dimension"))
    >>> action_priorities(gaps=gaps)[["subject", "priority", "rank"]].to_dict("records")
    [{'subject': 'reliability', 'priority': 27.0, 'rank': 1}]

    All three sources: Value (0.4 × (100 − 55) = 18) before Quality (0.3 × (100 − 50) = 15); Image
    performs above average and is not listed; the segment with NPS −20 gets priority 20:

    >>> ipa = pd.DataFrame({"importance": [0.3, 0.4, 0.5], "performance": [50.0, 55.0, 80.0],
    ...                     "quadrant": ["Concentrate here", "Concentrate here", "Keep up the good work"]},
    ...                    index=["Quality", "Value", "Image"])
    >>> nps = pd.DataFrame({"nps": [-20.0, 15.0]}, index=["new", "repeat"])
    >>> table = action_priorities(ipa, gaps, nps)
    >>> table[["subject", "priority", "rank"]].values.tolist()
    [['Value', 18.0, 1], ['Quality', 15.0, 2], ['reliability', 27.0, 1], ['new', 20.0, 1]]
    >>> table.loc[0, "action"]
    'raise the performance of Value (high impact on loyalty)'
    """
    parts = []
    if ipa is not None:
        require_columns(ipa, ["importance", "performance", "quadrant"], what="the importance-performance table")
        hit = ipa[ipa["quadrant"] == "Concentrate here"]
        parts.append(pd.DataFrame({
            "source": SOURCES[0], "subject": hit.index.astype(str),
            "action": [f"raise the performance of {s} (high impact on {target})" for s in hit.index.astype(str)],
            "priority": (hit["importance"] * (100 - hit["performance"])).to_numpy(dtype=float),
        }))
    if gaps is not None:
        require_columns(gaps, ["gap", "ci_high", "weight"], what="the SERVQUAL dimension table (weights given)")
        hit = gaps[gaps["ci_high"] < 0]
        parts.append(pd.DataFrame({
            "source": SOURCES[1], "subject": hit.index.astype(str),
            "action": [f"close the {s} gap (significant shortfall)" for s in hit.index.astype(str)],
            "priority": (-hit["gap"] * hit["weight"]).to_numpy(dtype=float),
        }))
    if nps is not None:
        require_columns(nps, ["nps"], what="the NPS-by-segment table")
        hit = nps[nps["nps"] < 0]
        parts.append(pd.DataFrame({
            "source": SOURCES[2], "subject": hit.index.astype(str),
            "action": [f"detractor recovery programme for {s} customers" for s in hit.index.astype(str)],
            "priority": (-hit["nps"]).to_numpy(dtype=float),
        }))
    columns = ["source", "subject", "action", "priority", "rank"]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["rank"] = out.groupby("source")["priority"].rank(ascending=False, method="first").astype(int)
    out["order"] = out["source"].map({s: i for i, s in enumerate(SOURCES)})
    return out.sort_values(["order", "rank"]).drop(columns="order").reset_index(drop=True)[columns]
