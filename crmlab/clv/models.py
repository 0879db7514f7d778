"""The registry of models crmlab fits: names, labels, parameters, the columns each reads and its likelihood.

* ``"bgnbd"``       BG/NBD, Fader, Hardie & Lee (2005a), *Marketing Science* 24(2)
* ``"pareto_nbd"``  Pareto/NBD, Schmittlein, Morrison & Colombo (1987)
* ``"mbgnbd"``      MBG/NBD, Batislam, Denizel & Filiztekin (2007), *IJRM* 24(3)
* ``"gamma_gamma"`` Gamma-Gamma spend model, Fader, Hardie & Lee (2005b), *JMR* 42(4)
* ``"bgbb"``        BG/BB for discrete opportunities, Fader, Hardie & Shang (2010), *Marketing Science* 29(6)
* ``"sbg"``         shifted-beta-geometric contractual retention, Fader & Hardie (2007) (:mod:`crmlab.clv.contractual`)

The fitted objects are lifetimes' fitter classes (:mod:`crmlab.clv.fitters`), so that their own methods
keep working; the likelihoods are :mod:`crmlab.clv.likelihoods`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from crmlab.clv import fitters as lt
from crmlab.clv.contractual import ShiftedBetaGeometricModel, sbg_loglik
from crmlab.clv.likelihoods import (
    ArrayLike,
    Patterns,
    bgbb_loglik,
    bgnbd_loglik,
    bgnbd_weighted,
    gamma_gamma_loglik,
    mbgnbd_loglik,
    pareto_log_a0,
    pareto_loglik,
    pareto_weighted,
)
from crmlab.errors import DataValidationError, ParameterError

#: The non-contractual count models (they predict purchases and P(alive)).
BTYD_MODELS = ("bgnbd", "pareto_nbd", "mbgnbd", "bgbb")


class StableParetoNBDFitter(lt.ParetoNBDFitter):
    """lifetimes' Pareto/NBD fitter with the log-likelihood, A_0 and P(alive) computed in log space.

    lifetimes returns NaN for heavy buyers with t_x = T (a signed logsumexp of terms above 709);
    every prediction method of this subclass stays finite.

    Parameters
    ----------
    penalizer_coef : float, default 0.0
        As lifetimes' ``ParetoNBDFitter`` (crmlab's :func:`crmlab.clv.fit` uses none).

    Examples
    --------
    >>> model = StableParetoNBDFitter()
    >>> model.params_ = pd.Series({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
    >>> round(float(model.conditional_probability_alive(200, 38.0, 38.0)), 6)
    1.0
    """

    _log_A_0 = staticmethod(pareto_log_a0)
    _conditional_log_likelihood = staticmethod(pareto_loglik)

    def conditional_probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
        """P(alive | x, t_x, T), Fader & Hardie's note eq. (36), as a logistic of a log-odds."""
        r, alpha, s, beta = self._unload_params("r", "alpha", "s", "beta")
        x, t_x, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        log_odds_dead = (
            np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            + pareto_log_a0((r, alpha, s, beta), x, t_x, T)
        )
        return expit(-log_odds_dead)


@dataclass(frozen=True)
class ModelSpec:
    """What crmlab knows of one model.

    Parameters
    ----------
    name, label : str
        Registry name (``"bgnbd"``) and display label (``"BG/NBD"``).
    fitter : type
        The class of the fitted object.
    params : tuple of str
        Parameter names in the model's natural order.
    columns : tuple of str
        The data columns its likelihood reads, in order.
    loglik : callable
        Log-likelihood per row, ``loglik(params, *columns)``.
    weighted : callable, optional
        Log-likelihood summed over :class:`~crmlab.clv.likelihoods.Patterns` (and its gradient, or ``None``).
    analytic_gradient : bool, default False
        Whether ``weighted`` returns a gradient.

    Examples
    --------
    >>> MODELS["bgnbd"].label, MODELS["bgnbd"].params
    ('BG/NBD', ('r', 'alpha', 'a', 'b'))
    """

    name: str
    label: str
    fitter: type
    params: tuple[str, ...]
    columns: tuple[str, ...]
    loglik: Callable[..., np.ndarray]
    weighted: Callable[[np.ndarray, Patterns], tuple[float, np.ndarray | None]] | None = None
    analytic_gradient: bool = False


#: Every model :func:`crmlab.clv.fit` fits, by name.
MODELS: dict[str, ModelSpec] = {
    m.name: m
    for m in (
        ModelSpec("bgnbd", "BG/NBD", lt.BetaGeoFitter, ("r", "alpha", "a", "b"),
                  ("frequency", "recency", "T"), bgnbd_loglik, bgnbd_weighted, analytic_gradient=True),
        ModelSpec("pareto_nbd", "Pareto/NBD", StableParetoNBDFitter, ("r", "alpha", "s", "beta"),
                  ("frequency", "recency", "T"), pareto_loglik, pareto_weighted),
        ModelSpec("mbgnbd", "MBG/NBD", lt.ModifiedBetaGeoFitter, ("r", "alpha", "a", "b"),
                  ("frequency", "recency", "T"), mbgnbd_loglik),
        ModelSpec("gamma_gamma", "Gamma-Gamma", lt.GammaGammaFitter, ("p", "q", "v"),
                  ("frequency", "monetary_value"), gamma_gamma_loglik),
        ModelSpec("bgbb", "BG/BB", lt.BetaGeoBetaBinomFitter, ("alpha", "beta", "gamma", "delta"),
                  ("frequency", "recency", "n_periods"), bgbb_loglik),
        ModelSpec("sbg", "sBG", ShiftedBetaGeometricModel, ("gamma", "delta"), ("period", "alive"), sbg_loglik),
    )
}
_BY_CLASS = {lt.ParetoNBDFitter: "pareto_nbd", lt.ModifiedBetaGeoFitter: "mbgnbd"} | {
    m.fitter: m.name for m in MODELS.values()
}


def model_spec(model: object) -> ModelSpec:
    """The registry entry of a fitted model.

    Parameters
    ----------
    model : fitted model
        From :func:`crmlab.clv.fit`, or a fitted lifetimes fitter.

    Returns
    -------
    ModelSpec

    Raises
    ------
    crmlab.errors.ParameterError
        For anything else.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model_spec(fit([1000, 631, 468, 382], model="sbg")).label
    'sBG'
    """
    name = getattr(model, "model_name_", None) or _BY_CLASS.get(type(model))
    if name is None or not hasattr(model, "params_"):
        raise ParameterError(
            f"expected a model fitted with crmlab.clv.fit (or a fitted lifetimes fitter), got "
            f"{type(model).__name__}; fit one with crmlab.clv.fit(summary, model='bgnbd')"
        )
    return MODELS[name]


def model_name(model: object) -> str:
    """The registry name of a fitted model.

    Parameters
    ----------
    model : fitted model

    Returns
    -------
    str
        ``"bgnbd"``, ``"pareto_nbd"``, ``"mbgnbd"``, ``"gamma_gamma"``, ``"bgbb"`` or ``"sbg"``; a
        :class:`~crmlab.errors.ParameterError` for anything else.

    Examples
    --------
    >>> from crmlab.clv import fit
    >>> model_name(fit([1000, 631, 468, 382], model="sbg"))
    'sbg'
    """
    return model_spec(model).name


def require_model(spec: ModelSpec, allowed: Sequence[str], what: str) -> None:
    """Refuse a model that ``what`` is not defined for, naming the ones it is.

    Parameters
    ----------
    spec : ModelSpec
    allowed : sequence of str
        The model names ``what`` is defined for.
    what : str
        The function, for the message.

    Returns
    -------
    None

    Examples
    --------
    >>> require_model(MODELS["bgnbd"], BTYD_MODELS, "expected_purchases")
    """
    if spec.name not in allowed:
        labels = ", ".join(MODELS[name].label for name in allowed)
        raise ParameterError(f"{what} is defined for {labels}, not for the {spec.label} model; pass one of those")


def columns_for(summary: pd.DataFrame, spec: ModelSpec) -> dict[str, str]:
    """Map the model's column names to the summary's (plain, ``_cal`` suffixed, or ``periods``).

    Parameters
    ----------
    summary : pandas.DataFrame
    spec : ModelSpec

    Returns
    -------
    dict of str to str
        The model's column name -> the summary's.

    Examples
    --------
    >>> columns_for(pd.DataFrame(columns=["frequency_cal", "recency_cal", "T_cal"]), MODELS["bgnbd"])
    {'frequency': 'frequency_cal', 'recency': 'recency_cal', 'T': 'T_cal'}
    """
    if not isinstance(summary, pd.DataFrame):
        raise DataValidationError(
            f"expected a DataFrame summary, got {type(summary).__name__}",
            fix="build one with crmlab.clv.rfm_summary(transactions, ...)",
        )
    found, missing = {}, []
    for col in spec.columns:
        options = [col, f"{col}_cal"] + (["periods"] if col == "n_periods" else [])
        hit = next((c for c in options if c in summary.columns), None)
        found[col] = hit
        if hit is None:
            missing.append(col)
    if missing:
        raise DataValidationError(
            f"the {spec.label} model needs the column(s) {missing}",
            column=missing[0],
            fix=f"the summary has {list(summary.columns)}; build it with crmlab.clv.rfm_summary"
            + (" with monetary_col=... for the Gamma-Gamma model" if spec.name == "gamma_gamma" else ""),
        )
    return found
