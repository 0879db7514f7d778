"""A survey study from notebook parameters: the data, its questionnaire and path model, and the
defaults that depend on the instrument (scale, target constructs, loyalty grouping).

Notebook 04 runs on the ECSI mobile-phone survey by default and on a researcher's own survey when
``survey_csv`` is given: any construct and item names, any integer scale (1–5, 1–7, 0–10, 1–10, …).
:func:`survey_study` turns the notebook's parameters into a validated :class:`SurveyStudy`;
everything that depends on the scale is derived from it (:func:`loyalty_level_edges`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crmlab.errors import CrmlabError, DataFileError, SpecificationError, require_columns
from crmlab.survey.drivers import construct_performance, importance_performance
from crmlab.survey.likert import Questionnaire, mobi_questionnaire
from crmlab.survey.pls import ECSI_POSITIONS, PathModel, PLSResult, ecsi_model

#: Loyalty levels of the ordinal model, as cut points on the 0–1 position of an answer on its scale:
#: low up to 0.6, mid up to 0.8, high above. On 0–10 this is exactly the NPS grouping (0–6, 7–8, 9–10);
#: on 1–10 it is 1–6, 7–8, 9–10; on 1–7: 1–4, 5, 6–7; on 1–5: 1–3, 4, 5.
LEVEL_CUTS: tuple[float, float] = (0.6, 0.8)
LEVEL_LABELS: tuple[str, str, str] = ("low", "mid", "high")


@dataclass(frozen=True)
class SurveyStudy:
    """Everything notebook 04 needs to analyse one survey (built by :func:`survey_study`).

    Attributes
    ----------
    data : pandas.DataFrame
        The answers as read, one row per respondent and one column per item.
    questionnaire : Questionnaire
        Every item with its scale, block, reverse keying and wording.
    model : PathModel
        The blocks (construct -> items) and structural paths.
    scale : tuple of int
        ``(low, high)`` of every item.
    satisfaction, loyalty : str
        The construct whose drivers are ranked; the construct the importance–performance map explains.
    loyalty_item : str
        The ordered item of the ordinal model.
    loyalty_levels : list of float
        Four bin edges of its low / mid / high levels (right-closed).
    name : str
        The survey's name (the CSV's stem, or ``"ECSI mobile phone"``).
    positions : mapping or None
        Construct -> (x, y) of the path diagram for the ECSI model, else ``None`` (automatic layout).
    """

    data: pd.DataFrame
    questionnaire: Questionnaire
    model: PathModel
    scale: tuple[int, int]
    satisfaction: str
    loyalty: str
    loyalty_item: str
    loyalty_levels: list[float]
    name: str
    positions: Mapping[str, tuple[float, float]] | None

    def describe(self) -> str:
        """Two lines saying what is analysed: the survey's size and scale, and the derived targets.

        Returns
        -------
        str
            ``"<name>: <n> respondents, <k> items in <b> blocks, scale <low>-<high>"`` and, on a second
            line, the satisfaction and loyalty constructs, the ordinal item and its level edges.

        Examples
        --------
        >>> print(survey_study().describe())
        ECSI mobile phone: 250 respondents, 24 items in 7 blocks, scale 1-10
        drivers ranked for Satisfaction; importance-performance map for Loyalty; ordinal item CUSL1 in levels [0, 6, 8, 10]
        """
        low, high = self.scale
        return (f"{self.name}: {len(self.data)} respondents, {len(self.questionnaire.names)} items in "
                f"{len(self.questionnaire.blocks)} blocks, scale {low}-{high}\n"
                f"drivers ranked for {self.satisfaction}; importance-performance map for {self.loyalty}; "
                f"ordinal item {self.loyalty_item} in levels {self.loyalty_levels}")

    def loyalty_groups(self, data: pd.DataFrame | None = None) -> pd.Series:
        """The loyalty item grouped into ordered low / mid / high levels (``pd.cut`` on ``loyalty_levels``).

        Parameters
        ----------
        data
            Answers holding the column ``loyalty_item`` (e.g. after ``clean_responses``); default the
            study's own ``data``.

        Returns
        -------
        pandas.Series
            Ordered categorical with categories ``low < mid < high``, indexed like ``data``; an answer
            outside the edges (or missing) is NaN.

        Examples
        --------
        >>> study = survey_study()
        >>> study.loyalty_groups().value_counts(sort=False).to_dict()
        {'low': 68, 'mid': 77, 'high': 105}
        """
        data = self.data if data is None else data
        return pd.cut(data[self.loyalty_item], bins=self.loyalty_levels, labels=list(LEVEL_LABELS),
                      ordered=True)

    def importance_performance(self, fit: PLSResult, data: pd.DataFrame | None = None) -> pd.DataFrame:
        """The importance–performance table of the drivers of ``loyalty`` (IPMA; Ringle & Sarstedt 2016).

        The importance of a construct is its total effect on ``loyalty`` in ``fit`` (every construct with
        a route to it); its performance is the ACSI index :math:`100\\,\\bar x_w` of its items rescaled
        to 0–100 on the study's scale with the unstandardised outer weights
        (:func:`~crmlab.survey.construct_performance`); quadrants split at the means
        (:func:`~crmlab.survey.importance_performance`, Martilla & James 1977).

        Parameters
        ----------
        fit
            The PLS estimate of the study's ``model`` (:func:`~crmlab.survey.pls_path_model`).
        data
            The answers whose performance is indexed; default the answers ``fit`` was estimated on
            (``fit.data``).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``attribute`` (the drivers, in the order of the total-effects table), columns
            ``importance``, ``performance`` (0–100) and ``quadrant``.

        Raises
        ------
        CrmlabError
            ``fit`` estimates another model than the study's (other blocks or paths).

        Examples
        --------
        >>> from crmlab.survey import pls_path_model
        >>> study = survey_study()
        >>> ipa = study.importance_performance(pls_path_model(study.data, study.model))
        >>> ipa[["importance", "performance"]].round(3).loc["Satisfaction"].tolist(), ipa.loc["Value", "quadrant"]
        ([0.521, 72.543], 'Low priority')
        """
        def shape(model: PathModel) -> tuple:
            return ({k: list(v) for k, v in model.blocks.items()}, sorted(tuple(p) for p in model.paths))

        if shape(fit.model) != shape(self.model):
            raise CrmlabError(f"the PLS fit estimates another model than the study {self.name!r} (constructs "
                              f"{fit.model.latent}, not {self.model.latent}, or other paths); pass "
                              "survey.pls_path_model(data, study.model)")
        data = fit.data if data is None else data
        total = fit.total_effects.query("target == @self.loyalty").set_index("source")["estimate"]
        drivers = {lv: self.model.blocks[lv] for lv in total.index}
        performance = construct_performance(data, drivers, fit.outer_weights, scale=self.scale)
        return importance_performance(total, performance)


def loyalty_level_edges(scale: Sequence[int]) -> list[float]:
    """Bin edges grouping answers on ``scale`` into low, mid and high loyalty (right-closed bins).

    An answer :math:`x` on the scale :math:`[l, h]` sits at :math:`u = (x - l)/(h - l)`; it is *low*
    when :math:`u \\le 0.6`, *mid* when :math:`0.6 < u \\le 0.8`, *high* above. On the 0–10 recommend
    scale these are Reichheld's (2003) detractors, passives and promoters; on the ECSI 1–10 scale the
    grouping 1–6, 7–8, 9–10 of notebook 04.

    Parameters
    ----------
    scale
        ``[low, high]``, two integers with ``low < high``.

    Returns
    -------
    list of int
        ``[low - 1, last low answer, last mid answer, high]``, for ``pd.cut(..., bins=edges)``.

    Raises
    ------
    CrmlabError
        A scale that is not two increasing integers, or too short for three levels (e.g. 1–3).

    Examples
    --------
    >>> loyalty_level_edges((1, 10)), loyalty_level_edges((0, 10)), loyalty_level_edges((1, 7))
    ([0, 6, 8, 10], [-1, 6, 8, 10], [0, 4, 5, 7])
    >>> loyalty_level_edges((1, 5))
    [0, 3, 4, 5]
    """
    low, high = _scale(scale, "scale")
    points = range(low, high + 1)
    position = {x: (x - low) / (high - low) for x in points}
    cut_low = max(x for x in points if position[x] <= LEVEL_CUTS[0] + 1e-12)
    cut_mid = max(x for x in points if position[x] <= LEVEL_CUTS[1] + 1e-12)
    if not low <= cut_low < cut_mid < high:
        raise CrmlabError(f"scale {low}..{high} is too short for three loyalty levels; give loyalty_levels "
                          "yourself (bin edges, e.g. [0, 1, 2, 3]) or use an ordinal item with 4 or more points")
    return [low - 1, cut_low, cut_mid, high]


def _scale(scale: object, name: str) -> tuple[int, int]:
    ok = (isinstance(scale, Sequence) and not isinstance(scale, str) and len(scale) == 2
          and all(isinstance(v, int) and not isinstance(v, bool) for v in scale) and scale[0] < scale[1])
    if not ok:
        raise CrmlabError(f"parameter {name!r} must be [low, high], two integers with low < high (e.g. [1, 7]); "
                          f"got {scale!r}")
    return int(scale[0]), int(scale[1])


def _suggest_blocks(columns: Sequence[str]) -> str:
    """A blocks mapping guessed from item names sharing a prefix (sat1, sat2 -> sat), for an error message."""
    groups: dict[str, list[str]] = {}
    for col in columns:
        match = re.match(r"^(.*?)[_\-.]?\d+$", str(col))
        if match and match.group(1):
            groups.setdefault(match.group(1), []).append(str(col))
    groups = {k: v for k, v in groups.items() if len(v) >= 2}
    if not groups:
        return "{Construct: [item1, item2, item3], ...}"
    return "{" + ", ".join(f"{k}: [{', '.join(v)}]" for k, v in groups.items()) + "}"


def _default_satisfaction(model: PathModel) -> str:
    counts = {lv: len(model.antecedents(lv)) for lv in model.latent}
    most = max(counts.values())
    best = [lv for lv, n in counts.items() if n == most]
    if most == 0 or len(best) > 1:
        raise CrmlabError(f"parameter 'satisfaction' is needed: the constructs {best} have equally many "
                          f"antecedents ({most}); name the one whose drivers to rank, e.g. -p satisfaction {best[0]}")
    return best[0]


def _default_loyalty(model: PathModel) -> str:
    sources = {s for s, _ in model.paths}
    sinks = [lv for lv in model.endogenous if lv not in sources]
    if len(sinks) != 1:
        raise CrmlabError(f"parameter 'loyalty' is needed: the model ends in {sinks}; name the construct the "
                          f"importance-performance map explains, e.g. -p loyalty {sinks[0] if sinks else 'Loyalty'}")
    return sinks[0]


def survey_study(
    survey_csv: str | Path | None = None,
    blocks: Mapping[str, Sequence[str]] | None = None,
    paths: Sequence[Sequence[str]] | None = None,
    scale: Sequence[int] | None = None,
    reverse_items: Sequence[str] = (),
    satisfaction: str | None = None,
    loyalty: str | None = None,
    loyalty_item: str | None = None,
    loyalty_levels: Sequence[float] | None = None,
) -> SurveyStudy:
    """The survey of notebook 04 from its parameters, validated, with its scale-dependent defaults.

    Parameters
    ----------
    survey_csv
        A CSV with one row per respondent and one column per item; ``None`` for the ECSI mobile-phone
        survey (Tenenhaus et al. 2005), whose blocks, paths and 1–10 scale are then the defaults.
    blocks, paths, scale
        Construct -> its items; structural paths ``[source, target]``; the response scale
        ``[low, high]`` of every item. Required with ``survey_csv`` (the error names each one missing).
    reverse_items
        Reverse-keyed items, recoded :math:`x \\mapsto l + h - x` by ``clean_responses``.
    satisfaction
        The construct whose drivers are ranked; default the construct with the most antecedents.
    loyalty
        The construct the importance–performance map explains; default the model's final construct
        (the one endogenous construct with no outgoing path).
    loyalty_item, loyalty_levels
        The ordered item of the ordinal model (default the first item of the ``loyalty`` block) and the
        bin edges of its low/mid/high levels (default :func:`loyalty_level_edges` of the scale).

    Returns
    -------
    SurveyStudy
        The raw answers, the questionnaire (the ECSI wording for the default survey), the path model,
        the scale and every default resolved.

    Raises
    ------
    CrmlabError
        A missing required parameter (named, with an example built from the file's columns), a value of
        the wrong shape, or a construct/item that is not in the model or the data.

    Examples
    --------
    With no parameters, the ECSI survey and the published model:

    >>> study = survey_study()
    >>> study.scale, study.satisfaction, study.loyalty, study.loyalty_item, study.loyalty_levels
    ((1, 10), 'Satisfaction', 'Loyalty', 'CUSL1', [0, 6, 8, 10])

    Another model on the same answers: the defaults follow the model (the construct with most
    antecedents, the final construct, the first item of its block):

    >>> small = survey_study(blocks={"Image": ["IMAG1", "IMAG2"], "Quality": ["PERQ1", "PERQ2"],
    ...                              "Satisfaction": ["CUSA1", "CUSA2"], "Loyalty": ["CUSL3", "CUSL1"]},
    ...                      paths=[["Image", "Satisfaction"], ["Quality", "Satisfaction"],
    ...                             ["Satisfaction", "Loyalty"]])
    >>> small.satisfaction, small.loyalty, small.loyalty_item, small.positions is None
    ('Satisfaction', 'Loyalty', 'CUSL3', True)
    """
    for name, value in (("blocks", blocks), ("paths", paths), ("scale", scale), ("loyalty_levels", loyalty_levels)):
        if isinstance(value, str):
            raise CrmlabError(f"parameter {name!r} arrived as the text {value!r}; give it as a list or mapping "
                              f"(on the command line crmlab run reads JSON/YAML: -p {name} \"[...]\")")
    if survey_csv is None:
        raw = _ecsi_data()
        ecsi = ecsi_model()
        custom_model = blocks is not None or paths is not None
        blocks = {k: list(v) for k, v in (blocks or ecsi.blocks).items()}
        paths = paths if paths is not None else ecsi.paths
        scale = (1, 10) if scale is None else scale
        name = "ECSI mobile phone"
    else:
        path = Path(survey_csv)
        if not path.is_file():
            raise DataFileError(f"parameter 'survey_csv': no such file {str(path)!r}; give the path of your survey CSV")
        raw = pd.read_csv(path)
        missing = [n for n, v in (("blocks", blocks), ("paths", paths), ("scale", scale)) if v is None]
        if missing:
            example = {
                "blocks": f'-p blocks "{_suggest_blocks(list(raw.columns))}"',
                "paths": '-p paths "[[Quality, Satisfaction], [Satisfaction, Loyalty]]"',
                "scale": '-p scale "[1, 7]"',
            }
            raise SpecificationError(
                f"notebook parameters for the survey {path.name}",
                [f"parameter {n!r} is required with survey_csv: {example[n]}" for n in missing],
                fix="give the constructs with their items (blocks), the structural paths between constructs "
                    "(paths) and the response scale of the items (scale)",
            )
        custom_model = True
        name = path.stem
    low, high = _scale(scale, "scale")
    if not isinstance(blocks, Mapping) or not all(
            isinstance(v, Sequence) and not isinstance(v, str) for v in blocks.values()):
        raise CrmlabError(f"parameter 'blocks' must map each construct to a list of items, e.g. "
                          f"{{Satisfaction: [s1, s2, s3]}}; got {blocks!r}")
    if not all(isinstance(p, Sequence) and not isinstance(p, str) and len(p) == 2 for p in paths):
        raise CrmlabError(f"parameter 'paths' must be a list of [source, target] pairs, e.g. "
                          f"[[Quality, Satisfaction]]; got {paths!r}")
    blocks = {str(k): [str(i) for i in v] for k, v in blocks.items()}
    model = PathModel(blocks=blocks, paths=[(str(s), str(t)) for s, t in paths])
    require_columns(raw, model.items, what=f"the survey {name!r} (items named in 'blocks')")
    if survey_csv is None and not custom_model:
        questionnaire = mobi_questionnaire()
    else:
        questionnaire = Questionnaire.from_blocks(blocks, low, high, reverse=list(reverse_items or ()), name=name)
    for param, value in (("satisfaction", satisfaction), ("loyalty", loyalty)):
        if value is not None and value not in model.blocks:
            raise CrmlabError(f"parameter {param!r}: {value!r} is not a construct of the model; the constructs "
                              f"are {model.latent}")
    satisfaction = satisfaction or _default_satisfaction(model)
    loyalty = loyalty or _default_loyalty(model)
    if not model.antecedents(satisfaction):
        raise CrmlabError(f"parameter 'satisfaction': {satisfaction!r} has no antecedents in 'paths', so it has "
                          "no drivers to rank; name an endogenous construct")
    loyalty_item = loyalty_item or model.blocks[loyalty][0]
    if loyalty_item not in raw.columns:
        raise CrmlabError(f"parameter 'loyalty_item': {loyalty_item!r} is not a column of the survey; "
                          f"choose an item of {loyalty!r}: {model.blocks[loyalty]}")
    if loyalty_levels is None:
        edges = loyalty_level_edges((low, high))
    else:
        try:
            edges = [int(e) if float(e).is_integer() else float(e) for e in loyalty_levels]
        except (TypeError, ValueError):
            edges = []
        if len(edges) != 4 or sorted(edges) != edges or len(set(edges)) != 4 or edges[0] >= low or edges[-1] < high:
            raise CrmlabError(f"parameter 'loyalty_levels' must be 4 increasing bin edges from below {low} to "
                              f"{high} or more (low, mid, high: (e0, e1], (e1, e2], (e2, e3]); got {loyalty_levels!r}; "
                              f"the default for this scale is {loyalty_level_edges((low, high))}")
    positions = ECSI_POSITIONS if survey_csv is None and not custom_model else None
    return SurveyStudy(raw, questionnaire, model, (low, high), satisfaction, loyalty, loyalty_item, edges,
                       name, positions)


def _ecsi_data() -> pd.DataFrame:
    from crmlab.datasets import load_ecsi_mobi

    return load_ecsi_mobi()
