"""Notebook 04 on any instrument: parameters to a survey study, scale-dependent defaults, the action list,
and the notebook run through ``crmlab run`` on generated 5- and 7-point surveys with their own names."""

import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmlab import datasets, survey
from crmlab.errors import CrmlabError, MissingColumnError, SpecificationError
from crmlab.survey.study import loyalty_level_edges, survey_study

BLOCKS = {
    "Servicio": ["sv_1", "sv_2", "sv_3"],
    "Preis": ["pr_1", "pr_2"],
    "Zufriedenheit": ["zu_1", "zu_2", "zu_3"],
    "Treue": ["tr_1", "tr_2", "tr_3"],
}
PATHS = [["Servicio", "Preis"], ["Servicio", "Zufriedenheit"], ["Preis", "Zufriedenheit"],
         ["Zufriedenheit", "Treue"]]


def generated_survey(low: int, high: int, n: int = 240, seed: int = 13) -> pd.DataFrame:
    """Items = latent score + noise, cut into the scale's categories at the normal quantiles."""
    rng = np.random.default_rng(seed)
    service = rng.normal(size=n)
    price = 0.5 * service + rng.normal(scale=0.85, size=n)
    satisfaction = 0.5 * service + 0.3 * price + rng.normal(scale=0.7, size=n)
    loyalty = 0.7 * satisfaction + rng.normal(scale=0.7, size=n)
    latent = {"Servicio": service, "Preis": price, "Zufriedenheit": satisfaction, "Treue": loyalty}
    k = high - low + 1
    cuts = np.quantile(rng.normal(size=100_000) * 1.2 + 0.3, np.linspace(0, 1, k + 1)[1:-1])
    out = {}
    for construct, items in BLOCKS.items():
        z = latent[construct] / latent[construct].std()
        for item in items:
            out[item] = low + np.searchsorted(cuts, z + rng.normal(scale=0.6, size=n))
    return pd.DataFrame(out)


@pytest.mark.parametrize("scale, edges, groups", [
    ((1, 10), [0, 6, 8, 10], {1: "low", 6: "low", 7: "mid", 8: "mid", 9: "high", 10: "high"}),
    ((0, 10), [-1, 6, 8, 10], {0: "low", 6: "low", 7: "mid", 8: "mid", 9: "high"}),  # the NPS groups
    ((1, 7), [0, 4, 5, 7], {4: "low", 5: "mid", 6: "high", 7: "high"}),
    ((1, 5), [0, 3, 4, 5], {3: "low", 4: "mid", 5: "high"}),
])
def test_loyalty_levels_follow_the_scale(scale, edges, groups):
    assert loyalty_level_edges(scale) == edges
    cut = pd.cut(pd.Series(list(groups)), bins=edges, labels=["low", "mid", "high"])
    assert list(cut.astype(str)) == list(groups.values())
    with pytest.raises(CrmlabError, match="too short for three loyalty levels"):
        loyalty_level_edges((1, 3))


def test_ecsi_defaults_reproduce_the_published_setting():
    study = survey_study()
    assert study.scale == (1, 10) and study.loyalty_levels == [0, 6, 8, 10]
    assert (study.satisfaction, study.loyalty, study.loyalty_item) == ("Satisfaction", "Loyalty", "CUSL1")
    assert study.positions is survey.ECSI_POSITIONS and study.questionnaire.name == "ECSI mobile phone"
    assert study.loyalty_groups().value_counts().to_dict() == {"high": 105, "mid": 77, "low": 68}


def test_own_survey_any_names_and_scale(tmp_path):
    path = tmp_path / "klant.csv"
    generated_survey(1, 7).to_csv(path, index=False)
    study = survey_study(str(path), BLOCKS, PATHS, [1, 7])
    # defaults derived from the model: most antecedents -> Zufriedenheit; the final construct -> Treue
    assert (study.satisfaction, study.loyalty, study.loyalty_item) == ("Zufriedenheit", "Treue", "tr_1")
    assert study.loyalty_levels == [0, 4, 5, 7] and study.positions is None and study.name == "klant"
    assert study.questionnaire["sv_1"].high == 7


def test_missing_and_malformed_parameters_are_named(tmp_path):
    path = tmp_path / "s.csv"
    generated_survey(1, 5).to_csv(path, index=False)
    with pytest.raises(SpecificationError) as err:
        survey_study(str(path))
    message = str(err.value)
    for name in ("'blocks'", "'paths'", "'scale'"):
        assert f"parameter {name} is required with survey_csv" in message
    assert "sv: [sv_1, sv_2, sv_3]" in message  # blocks suggested from the file's item names
    with pytest.raises(CrmlabError, match="parameter 'blocks' arrived as the text"):
        survey_study(str(path), "{A: [a]}", PATHS, [1, 5])
    with pytest.raises(CrmlabError, match=r"parameter 'scale' must be \[low, high\]"):
        survey_study(str(path), BLOCKS, PATHS, [5, 1])
    with pytest.raises(CrmlabError, match="parameter 'loyalty': 'Loyalty' is not a construct"):
        survey_study(str(path), BLOCKS, PATHS, [1, 5], loyalty="Loyalty")
    with pytest.raises(CrmlabError, match="parameter 'loyalty_levels' must be 4 increasing"):
        survey_study(str(path), BLOCKS, PATHS, [1, 5], loyalty_levels=[0, 6, 8, 10, 12])
    with pytest.raises(CrmlabError, match="parameter 'loyalty_levels' must be 4 increasing"):
        survey_study(str(path), BLOCKS, PATHS, [1, 5], loyalty_levels=[0, "low", 4, 5])
    with pytest.raises(MissingColumnError):
        survey_study(str(path), {**BLOCKS, "Treue": ["tr_1", "tr_9"]}, PATHS, [1, 5])
    with pytest.raises(CrmlabError, match="no such file"):
        survey_study(str(tmp_path / "none.csv"), BLOCKS, PATHS, [1, 5])


def test_action_priorities_rank_within_each_source():
    ipa = pd.DataFrame({"importance": [0.4, 0.1, 0.3], "performance": [55.0, 80.0, 60.0],
                        "quadrant": ["Concentrate here", "Possible overkill", "Concentrate here"]},
                       index=["Quality", "Image", "Value"])
    sq = datasets.load_servqual_survey()
    dims = survey.dimension_gaps(sq, weights={d: f"W_{d}" for d in survey.SERVQUAL_DIMENSIONS})
    nps = survey.nps_by_segment(sq, "recommend", "segment")
    actions = survey.action_priorities(ipa, dims, nps)
    # hand-checked: 0.4 x 45 = 18 and 0.3 x 40 = 12
    first = actions[actions["source"] == "ECSI importance-performance"]
    assert first["subject"].tolist() == ["Quality", "Value"] and first["priority"].tolist() == pytest.approx([18, 12])
    gaps = actions[actions["source"] == "SERVQUAL gap x weight"].set_index("subject")
    significant = dims[dims["ci_high"] < 0]
    assert list(gaps.index) == list((-significant["gap"] * significant["weight"]).sort_values(ascending=False).index)
    assert gaps.loc["reliability", "priority"] == pytest.approx(-dims.loc["reliability", "gap"] * dims.loc["reliability", "weight"])
    assert gaps["rank"].tolist() == list(range(1, len(gaps) + 1))
    segment = actions[actions["source"] == "NPS by segment"]
    assert segment["subject"].tolist() == ["new"] and segment["priority"].iloc[0] == pytest.approx(-nps.loc["new", "nps"])
    assert survey.action_priorities().empty and list(survey.action_priorities().columns)[-1] == "rank"


def test_study_describes_itself_and_maps_importance_against_performance():
    study = survey_study()
    assert study.describe() == (
        "ECSI mobile phone: 250 respondents, 24 items in 7 blocks, scale 1-10\n"
        "drivers ranked for Satisfaction; importance-performance map for Loyalty; ordinal item CUSL1 in "
        "levels [0, 6, 8, 10]")
    fit = survey.pls_path_model(study.data, study.model)
    ipa = study.importance_performance(fit)
    # the values notebook 04 prints
    assert ipa.round(3).to_dict("index") == {
        "Image": {"importance": 0.399, "performance": 73.521, "quadrant": "Keep up the good work"},
        "Expectation": {"importance": 0.218, "performance": 72.471, "quadrant": "Possible overkill"},
        "Quality": {"importance": 0.323, "performance": 74.985, "quadrant": "Keep up the good work"},
        "Value": {"importance": 0.100, "performance": 62.298, "quadrant": "Low priority"},
        "Satisfaction": {"importance": 0.521, "performance": 72.543, "quadrant": "Keep up the good work"},
        "Complaints": {"importance": 0.071, "performance": 67.422, "quadrant": "Low priority"},
    }
    # importance = total effect: Satisfaction reaches Loyalty directly and through Complaints
    b = fit.path_coefficients.set_index(["source", "target"])["estimate"]
    assert ipa.loc["Satisfaction", "importance"] == pytest.approx(
        b[("Satisfaction", "Loyalty")] + b[("Satisfaction", "Complaints")] * b[("Complaints", "Loyalty")])
    # performance of a one-item construct is its rescaled mean: Complaints = CUSCO on 1-10
    assert ipa.loc["Complaints", "performance"] == pytest.approx(100 * (study.data["CUSCO"].mean() - 1) / 9)
    # a fit of another model is refused rather than mapped against the wrong blocks
    other = survey.pls_path_model(study.data, survey.PathModel(
        blocks={k: study.model.blocks[k] for k in ("Quality", "Satisfaction", "Loyalty")},
        paths=[("Quality", "Satisfaction"), ("Satisfaction", "Loyalty")]))
    with pytest.raises(CrmlabError, match="estimates another model than the study 'ECSI mobile phone'"):
        study.importance_performance(other)


def test_ipa_on_a_7_point_survey_uses_its_scale(tmp_path):
    path = tmp_path / "k.csv"
    data = generated_survey(1, 7)
    data.to_csv(path, index=False)
    study = survey_study(str(path), BLOCKS, PATHS, [1, 7])
    ipa = study.importance_performance(survey.pls_path_model(data, study.model))
    assert list(ipa.index) == ["Servicio", "Preis", "Zufriedenheit"]  # everything with a route to Treue
    assert ipa["performance"].between(0, 100).all()
    # performance is a weighted mean of the items rescaled by (x - 1)/6, so it lies between their extremes
    for construct in ipa.index:
        rescaled = 100 * (data[BLOCKS[construct]].mean() - 1) / 6
        assert rescaled.min() - 1e-9 <= ipa.loc[construct, "performance"] <= rescaled.max() + 1e-9


def test_action_list_of_the_bundled_surveys_as_notebook_04_prints_it():
    study = survey_study()
    fit = survey.pls_path_model(study.data, study.model)
    sq = datasets.load_servqual_survey()
    dims = survey.dimension_gaps(sq, weights={d: f"W_{d}" for d in survey.SERVQUAL_DIMENSIONS})
    actions = survey.action_priorities(study.importance_performance(fit), dims,
                                       survey.nps_by_segment(sq, "recommend", "segment"), target=study.loyalty)
    # no ECSI driver is in the concentrate-here quadrant, so the list holds three gaps and one segment
    assert actions[["source", "subject", "rank"]].values.tolist() == [
        ["SERVQUAL gap x weight", "reliability", 1], ["SERVQUAL gap x weight", "responsiveness", 2],
        ["SERVQUAL gap x weight", "empathy", 3], ["NPS by segment", "new", 1]]
    assert actions["priority"].round(2).tolist() == [21.96, 7.96, 4.03, 26.38]
    assert actions.loc[3, "action"] == "detractor recovery programme for new customers"


def test_action_priorities_hand_checked_and_refusals():
    ipa = pd.DataFrame({"importance": [0.3, 0.4, 0.5], "performance": [50.0, 55.0, 80.0],
                        "quadrant": ["Concentrate here", "Concentrate here", "Keep up the good work"]},
                       index=["Quality", "Value", "Image"])
    gaps = pd.DataFrame({"gap": [-0.5, -0.9, -0.1], "ci_high": [-0.2, -0.7, 0.1], "weight": [40.0, 30.0, 30.0]},
                        index=["empathy", "reliability", "tangibles"])
    nps = pd.DataFrame({"nps": [-20.0, -35.5, 15.0]}, index=["new", "lapsed", "repeat"])
    table = survey.action_priorities(ipa, gaps, nps, target="retention")
    # 0.4 x 45 = 18 > 0.3 x 50 = 15; 0.9 x 30 = 27 > 0.5 x 40 = 20; -(-35.5) > -(-20)
    assert table[["subject", "priority", "rank"]].values.tolist() == [
        ["Value", 18.0, 1], ["Quality", 15.0, 2], ["reliability", 27.0, 1], ["empathy", 20.0, 2],
        ["lapsed", 35.5, 1], ["new", 20.0, 2]]
    assert table.loc[0, "action"] == "raise the performance of Value (high impact on retention)"
    with pytest.raises(MissingColumnError, match="weight"):
        survey.action_priorities(gaps=gaps.drop(columns="weight"))


def _run(*args):
    return subprocess.run([sys.executable, "-m", "crmlab.cli", "run", "04", *args], capture_output=True, text=True,
                          timeout=600)


def _text(path) -> str:
    nb = nbformat.read(path, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0]
    return "\n".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("low, high", [(1, 5), (1, 7)])
def test_notebook_04_runs_on_a_generated_survey(tmp_path, low, high):
    data = generated_survey(low, high, seed=low + high)
    path = tmp_path / f"survey_{high}pt.csv"
    data.to_csv(path, index=False)
    out = tmp_path / "04-run.ipynb"
    result = _run("-p", "survey_csv", str(path), "-p", "scale", f"[{low}, {high}]",
                  "-p", "blocks", "{" + ", ".join(f"{k}: [{', '.join(v)}]" for k, v in BLOCKS.items()) + "}",
                  "-p", "paths", str(PATHS).replace("'", ""), "-p", "n_boot", "20", "--output", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Passed unknown parameter" not in result.stderr and "Unable to parse" not in result.stderr
    text = _text(out)
    edges = loyalty_level_edges((low, high))
    assert f"survey_{high}pt: {len(data)} respondents, 11 items in 4 blocks, scale {low}-{high}" in text
    assert f"drivers ranked for Zufriedenheit; importance-performance map for Treue; ordinal item tr_1 in " \
           f"levels {edges}" in text
    counts = pd.cut(data["tr_1"], bins=edges, labels=["low", "mid", "high"]).value_counts(sort=False).to_dict()
    assert str(counts) in text  # the ordinal model saw the levels derived from the scale


def test_notebook_04_names_the_missing_parameters(tmp_path):
    path = tmp_path / "my_survey.csv"
    generated_survey(1, 5).to_csv(path, index=False)
    result = _run("-p", "survey_csv", str(path), "--output", str(tmp_path / "out.ipynb"))
    assert result.returncode == 2
    assert "parameter 'blocks' is required" in result.stderr and "parameter 'scale' is required" in result.stderr
    assert "AttributeError" not in result.stderr and "Traceback" not in result.stderr
