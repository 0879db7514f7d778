"""crmlab.segmentation: clusters recovered on seeded mixtures, silhouette and separation by hand,
profile-model coefficients recovered on simulated data, features checked against CDNOW, errors."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_score

from crmlab import clv, datasets, segmentation as seg, value
from crmlab.errors import DataValidationError, MissingColumnError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
CAL_END, OBS_END = "1997-09-30", "1998-06-30"


def mixture(n_per=300, seed=7):
    """Three seeded Gaussian blobs in four dimensions with known labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0, 0, 0], [4, 0, 2, 0], [0, 4, 0, -3]], dtype=float)
    X = np.vstack([rng.normal(c, 1.0, size=(n_per, 4)) for c in centres])
    truth = np.repeat([0, 1, 2], n_per)
    index = pd.Index([f"c{i}" for i in range(len(X))], name="customer_id")
    return pd.DataFrame(X, index=index, columns=list("abcd")), pd.Series(truth, index=index)


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_clusters_of_a_seeded_mixture_are_recovered(method):
    X, truth = mixture()
    fit = seg.fit_segments(X, 3, method, seed=1)
    assert adjusted_rand_score(truth, fit.labels) >= 0.9
    assert sorted(fit.labels.unique()) == [1, 2, 3] and fit.labels.index.equals(X.index)


def test_segments_are_numbered_by_the_order_by_value():
    X, truth = mixture()
    worth = pd.Series(truth.map({0: 5.0, 1: 50.0, 2: 20.0}), index=X.index)
    labels = seg.fit_segments(X, 3, seed=1, order_by=worth).labels
    # segment 1 is the blob with the highest value (truth 1), then truth 2, then truth 0
    assert pd.crosstab(labels, truth).idxmax(axis=1).tolist() == [1, 2, 0]


def test_choose_k_finds_the_three_blobs_by_silhouette_and_bic():
    X, _ = mixture()
    table = seg.choose_k(X, range(2, 6), seed=0)
    assert table["kmeans_silhouette"].idxmax() == 3
    assert table["gmm_bic"].idxmin() == 3
    assert table["kmeans_inertia"].is_monotonic_decreasing


def test_silhouette_by_hand():
    # A = {0, 2}, B = {6, 8, 13} on a line; a(i) own-segment and b(i) other-segment mean distances
    X = pd.DataFrame({"x": [0.0, 2.0, 6.0, 8.0, 13.0]})
    labels = pd.Series([1, 1, 2, 2, 2])
    s = [
        (9 - 2) / 9,            # 0: a = 2, b = (6 + 8 + 13) / 3 = 9
        (7 - 2) / 7,            # 2: a = 2, b = (4 + 6 + 11) / 3 = 7
        (5 - 4.5) / 5,          # 6: a = (2 + 7) / 2, b = (6 + 4) / 2
        (7 - 3.5) / 7,          # 8: a = (2 + 5) / 2, b = (8 + 6) / 2
        (12 - 6) / 12,          # 13: a = (7 + 5) / 2, b = (13 + 11) / 2
    ]
    by_hand = sum(s) / 5
    assert by_hand == pytest.approx(0.518413, abs=1e-6)
    assert seg.silhouette(X, labels) == pytest.approx(by_hand, rel=1e-12)
    assert silhouette_score(X, labels) == pytest.approx(by_hand, rel=1e-12)


def test_stability_is_perfect_on_separated_blobs_and_lower_on_noise():
    X, _ = mixture()
    table = seg.stability(X, 3, seeds=range(1, 4), n_bootstrap=5, n_init=3)
    assert list(table["kind"]) == ["seed"] * 3 + ["bootstrap"] * 5
    assert table.loc[table["kind"] == "seed", "ari"].min() > 0.999
    assert table.loc[table["kind"] == "bootstrap", "ari"].min() > 0.95
    noise = pd.DataFrame(np.random.default_rng(3).normal(size=(400, 4)))
    unstable = seg.stability(noise, 5, seeds=[], n_bootstrap=5, n_init=1)
    assert unstable["ari"].mean() < 0.9


def test_standardise_logs_then_z_scores():
    df = pd.DataFrame({"frequency": [0, 1, 3, 7], "p_alive": [0.1, 0.5, 0.9, 0.3]})
    z = seg.standardise(df, columns=["frequency", "p_alive"], log=["frequency"])
    logged = np.log1p(df["frequency"])
    expected = (logged - logged.mean()) / logged.std(ddof=0)
    np.testing.assert_allclose(z["frequency"], expected)
    np.testing.assert_allclose(z.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(ddof=0), 1)
    assert z.attrs["mean"]["frequency"] == pytest.approx(logged.mean())


def test_separation_by_hand():
    features = pd.DataFrame({"holdout_purchases": [1.0, 2, 3, 4], "holdout_spend": [10.0, 10, 30, 30]})
    groups = pd.Series(["a", "a", "b", "b"])
    out = seg.separation(features, {"g": groups})
    # SST = 5, SSW = 1, SSB = 4: eta2 = 0.8; MSW = 1 / (4 - 2): epsilon2 = (4 - 0.5) / 5
    assert out.loc["g", "holdout_purchases_eta2"] == pytest.approx(0.8)
    assert out.loc["g", "holdout_purchases_eta2_adj"] == pytest.approx(0.7)
    assert out.loc["g", "holdout_spend_eta2"] == pytest.approx(1.0)
    assert out.loc["g", "groups"] == 2


def test_holdout_comparison_by_hand():
    features = pd.DataFrame({"holdout_purchases": [0, 2, 1, 0], "holdout_spend": [0.0, 30, 10, 0]})
    out = seg.holdout_comparison(features, {"g": pd.Series(["a", "a", "b", "b"])})
    assert out.loc[("g", "a")].tolist() == pytest.approx([2, 0.5, 1.0, 15.0, 0.75])
    assert out.loc[("g", "b")].tolist() == pytest.approx([2, 0.5, 0.5, 5.0, 0.25])


def test_profiles_and_names():
    features = pd.DataFrame({"total_spend": [100.0, 300, 10, 10], "frequency": [3, 5, 0, 0],
                             "p_alive": [0.9, 0.7, 0.3, 0.35], "mean_spend": [25.0, 50, 10, 10]})
    labels = pd.Series([1, 1, 2, 2])
    prof = seg.segment_profiles(features, labels)
    assert prof["customers"].tolist() == [2, 2]
    assert prof["value_share"].tolist() == pytest.approx([400 / 420, 20 / 420])
    assert prof.loc[1, "mean_spend"] == pytest.approx(37.5)
    # overall mean basket (37.5 + 10) / 2 = 23.75: 37.5 is >= 1.25 x, 10 is < 0.75 x
    assert seg.name_segments(prof).tolist() == ["active frequent buyers, big-basket",
                                                "lapsing one-time buyers, small-basket"]


def test_treatment_plan_follows_the_cost_value_rule():
    expected_value = pd.Series([400.0, 400.0, 50.0, 50.0, 2.0])
    segments = pd.Series([1, 1, 2, 2, 3])
    plan = seg.treatment_plan(expected_value, segments, max_cost_share=0.2)
    # 20% of 400 = 80 >= 15: one-to-one; 20% of 50 = 10 >= 2.5: by region; 20% of 2 = 0.4 < 0.5: low-cost
    assert plan["treatment"].tolist() == ["one_to_one", "one_to_many_by_region", "low_cost"]
    assert plan["cost"].tolist() == [30.0, 5.0, 0.5]
    assert plan["cost_share_of_value"].tolist() == pytest.approx([30 / 800, 5 / 100, 0.5 / 2])
    dear = seg.TREATMENTS.assign(cost_per_customer=[100.0, 2.5, 0.5])
    assert seg.treatment_plan(expected_value, segments, treatments=dear)["treatment"].iloc[0] == "one_to_many_by_region"


def simulate_profiles(n=20000, seed=11):
    """Customers with two profile variables and a segment drawn from a known multinomial logit."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "west"], size=n)
    channel = rng.choice(["shop", "web"], size=n)
    x = np.column_stack([np.ones(n), region == "south", region == "west", channel == "web"]).astype(float)
    beta = {2: [0.3, 0.8, -0.5, 0.0], 3: [-0.4, 0.0, 0.6, 1.2]}  # segment 1 is the reference
    eta = np.column_stack([np.zeros(n), x @ beta[2], x @ beta[3]])
    p = np.exp(eta) / np.exp(eta).sum(axis=1, keepdims=True)
    segment = 1 + (p.cumsum(axis=1) < rng.random(n)[:, None]).sum(axis=1)
    profiles = pd.DataFrame({"region": region, "channel": channel})
    return profiles, pd.Series(segment, index=profiles.index), beta


def test_profile_model_recovers_the_simulated_coefficients():
    profiles, segments, beta = simulate_profiles()
    pm = seg.profile_model(profiles, segments, ["region", "channel"])
    terms = ["intercept", "region=south", "region=west", "channel=web"]
    for s, true in beta.items():
        estimate = pm.coefficients.loc[s, "coef"].reindex(terms).to_numpy()
        # standard errors are about 0.04-0.05 at n = 20,000: within 3 of them
        np.testing.assert_allclose(estimate, true, atol=0.15)
    assert pm.coefficients.loc[(3, "channel=web"), "odds_ratio"] == pytest.approx(np.exp(1.2), rel=0.15)
    assert pm.accuracy > pm.baseline_accuracy and 0 < pm.pseudo_r2 < 1
    assert abs(pm.cv_accuracy - pm.accuracy) < 0.02


def test_profile_model_equals_statsmodels_mnlogit():
    import statsmodels.api as sm

    profiles, segments, _ = simulate_profiles(n=3000, seed=5)
    pm = seg.profile_model(profiles, segments, ["region", "channel"])
    X = sm.add_constant(pd.get_dummies(profiles, prefix_sep="=", drop_first=True, dtype=float))
    ref = sm.MNLogit(segments - 1, X).fit(disp=False)
    ours = pm.coefficients["coef"].unstack(0)
    np.testing.assert_allclose(ours.loc[["intercept", "region=south", "region=west", "channel=web"]].to_numpy(),
                               ref.params.loc[["const", "region=south", "region=west", "channel=web"]].to_numpy(),
                               atol=1e-4)


# ----------------------------------------------------------------------------------------------
# CDNOW features


@pytest.fixture(scope="module")
def cdnow_features():
    return seg.behaviour_features(datasets.load_cdnow_transactions(), CAL_END, OBS_END)


def test_features_agree_with_the_published_summary_and_the_log(cdnow_features):
    f = cdnow_features
    published = datasets.load_cdnow_summary()
    assert len(f) == 2357
    np.testing.assert_array_equal(f.loc[published.index, "frequency"], published["frequency"])
    np.testing.assert_allclose(f.loc[published.index, "recency"], published["recency"], atol=0.005)
    tx = datasets.load_cdnow_transactions()
    assert f["total_spend"].sum() == pytest.approx(tx.loc[tx["date"] <= CAL_END, "amount"].sum())
    assert f["holdout_spend"].sum() == pytest.approx(tx.loc[tx["date"] > CAL_END, "amount"].sum())
    one_time = f["frequency"] == 0
    assert (f.loc[one_time, "interpurchase_time"] == f.loc[one_time, "T"]).all()
    assert f.loc["1", "interpurchase_time"] == pytest.approx(30.43 / 2, abs=0.005)
    assert f.attrs["model"] == "pareto_nbd" and f.attrs["horizon"] == 39.0


def test_features_p_alive_and_expectations_are_the_models(cdnow_features):
    f = cdnow_features
    cal = clv.calibration_holdout(datasets.load_cdnow_transactions(), CAL_END, OBS_END, freq="D", freq_multiplier=7)
    model = clv.fit(cal, "pareto_nbd")
    assert f.loc["1000", "p_alive"] == pytest.approx(float(clv.probability_alive(model, 4, f.loc["1000", "recency"],
                                                                                  f.loc["1000", "T"])))
    # BG/NBD's P(alive) = 1 for one-time buyers is the reason for the Pareto/NBD default
    assert f.loc[f["frequency"] == 0, "p_alive"].max() < 0.5
    # expected purchases over a period as long as the 39-week holdout
    assert f.loc["1000", "expected_purchases"] == pytest.approx(float(
        clv.expected_purchases(model, 4, f.loc["1000", "recency"], f.loc["1000", "T"], 39)))


def test_cdnow_segments_are_stable_and_differ_in_the_holdout(cdnow_features):
    X = seg.standardise(cdnow_features)
    fit = seg.fit_segments(X, 4, seed=0, order_by=cdnow_features["total_spend"])
    volume = value.volume_groups(cdnow_features["total_spend"])
    sep = seg.separation(cdnow_features, {"k-means": fit.labels, "volume": volume})
    assert (sep["holdout_spend_kruskal_p"] < 1e-10).all()
    comparison = seg.holdout_comparison(cdnow_features, {"k-means": fit.labels})
    assert comparison.loc[("k-means", "1"), "holdout_purchases"] > comparison.loc[("k-means", "4"), "holdout_purchases"]


# ----------------------------------------------------------------------------------------------
# errors name the column, the rows and the fix


def test_missing_and_bad_columns_are_named():
    df = pd.DataFrame({"frequency": [1.0, np.nan, 3.0], "p_alive": [0.1, 0.2, 0.3]})
    with pytest.raises(MissingColumnError, match="no column 'mean_spend'"):
        seg.standardise(df, columns=["frequency", "mean_spend"], log=[])
    with pytest.raises(DataValidationError, match=r"column 'frequency': missing or not a number\n1 offending row"):
        seg.standardise(df, columns=["frequency", "p_alive"], log=[])
    with pytest.raises(DataValidationError, match="column 'frequency': negative value cannot be log"):
        seg.standardise(df.fillna(-1.0), columns=["frequency", "p_alive"], log=["frequency"])
    with pytest.raises(ParameterError, match="names columns that are not clustered"):
        seg.standardise(df, columns=["p_alive"], log=["frequency"])


def test_parameters_and_alignment_are_checked():
    X, truth = mixture(n_per=20)
    with pytest.raises(ParameterError, match="k = 1 must be a whole number of segments from 2"):
        seg.fit_segments(X, 1)
    with pytest.raises(ParameterError, match="method = 'ward'"):
        seg.fit_segments(X, 2, "ward")
    with pytest.raises(ParameterError, match="reg_covar=-0.1 must be a finite number >= 0"):
        seg.fit_segments(X, 2, "gmm", reg_covar=-0.1)
    with pytest.raises(ParameterError, match="max_cost_share=0 must be a finite number > 0"):
        seg.treatment_plan(pd.Series([1.0, 2.0]), pd.Series([1, 2]), max_cost_share=0)
    with pytest.raises(DataValidationError, match="column 'labels': customers without a value of labels"):
        seg.silhouette(X, truth.iloc[:10])
    with pytest.raises(ParameterError, match="the silhouette needs 2 to n - 1 segments"):
        seg.silhouette(X, pd.Series(1, index=X.index))
    with pytest.raises(MissingColumnError, match="no column 'household'"):
        seg.profile_model(pd.DataFrame({"region": ["a", "b"]}), pd.Series([1, 2]), ["household"])
    with pytest.raises(DataValidationError, match="column 'region': missing profile value"):
        seg.profile_model(pd.DataFrame({"region": ["a", None, "b"]}), pd.Series([1, 2, 1]), ["region"])


# ----------------------------------------------------------------------------------------------
# the synthetic profile data


def test_profiles_generator_is_byte_identical(tmp_path):
    out = tmp_path / "profiles.csv"
    subprocess.run([sys.executable, str(ROOT / "datasets" / "make_customer_profiles.py"), "--output", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == (ROOT / "crmlab" / "datasets" / "data" / "customer_profiles.csv").read_bytes()


def test_profiles_loader_and_its_assumed_effects():
    profiles = datasets.load_customer_profiles()
    assert profiles.shape == (2357, 5) and profiles.attrs["synthetic"] is True
    assert profiles.attrs["licence"] == "CC BY 4.0 (crmlab)"
    assert set(profiles.index) == set(datasets.load_cdnow_transactions()["customer_id"])
    # the generator's design: referral customers buy more often, gender has no effect
    rfm = value.rfm_table(datasets.load_cdnow_transactions().query("date <= @CAL_END"), CAL_END)
    repeat = (rfm["frequency"] > 1).reindex(profiles.index)
    by_channel = repeat.groupby(profiles["channel"], observed=True).mean()
    assert by_channel["referral"] > by_channel["portal_ad"] + 0.1
    by_gender = repeat.groupby(profiles["gender"], observed=True).mean()
    assert abs(by_gender["male"] - by_gender["female"]) < 0.05


def test_new_customers_are_assigned_on_the_same_scale():
    X, truth = mixture()
    raw = X.assign(a=np.expm1(X["a"].clip(lower=0)))  # a count-like column to log-transform
    Z = seg.standardise(raw, columns=list("abcd"), log=["a"])
    fit = seg.fit_segments(Z, 3, seed=1)
    again = seg.standardise_like(raw.iloc[:50], Z)
    np.testing.assert_allclose(again.to_numpy(), Z.iloc[:50].to_numpy())
    assert fit.predict(again).tolist() == fit.labels.iloc[:50].tolist()
    with pytest.raises(ParameterError, match="reference must be the output of standardise"):
        seg.standardise_like(raw, X)


def test_every_plot_has_a_title_and_labelled_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmlab.course.notebook import figure_problems

    X, truth = mixture(n_per=40)
    table = seg.choose_k(X, range(2, 5), n_init=2, gmm_n_init=1)
    labels = seg.fit_segments(X, 3, seed=1).labels
    features = pd.DataFrame({"holdout_purchases": truth * 1.0, "holdout_spend": truth * 10.0}, index=X.index)
    comparison = seg.holdout_comparison(features, {"k-means": labels, "truth": truth})
    drawings = [
        lambda ax: seg.plot_k_selection(table, "silhouette", ax=ax),
        lambda ax: seg.plot_k_selection(table, "bic", ax=ax),
        lambda ax: seg.plot_segment_heatmap(X.groupby(labels).mean(), names=pd.Series({1: "a", 2: "b", 3: "c"}), ax=ax),
        lambda ax: seg.plot_stability(seg.stability(X, 3, seeds=[1], n_bootstrap=2, n_init=1), ax=ax),
        lambda ax: seg.plot_holdout_comparison(comparison, ax=ax),
    ]
    for draw in drawings:
        fig, ax = plt.subplots()
        assert draw(ax) is ax
        assert figure_problems(fig) == []
        plt.close(fig)
    with pytest.raises(ParameterError, match="criterion = 'aic'"):
        seg.plot_k_selection(table, "aic")
