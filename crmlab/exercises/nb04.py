"""Exercises of notebook 04 (satisfaction surveys)."""

from crmlab import datasets, survey
from crmlab.exercises import Exercise


def _alpha_image() -> float:
    return float(survey.cronbach_alpha(datasets.load_ecsi_mobi(), datasets.MOBI_BLOCKS["Image"])["alpha"])


def _alpha_image_std() -> float:
    mobi = datasets.load_ecsi_mobi()
    return float(survey.cronbach_alpha(mobi, datasets.MOBI_BLOCKS["Image"], standardized=True)["alpha"])


def _total_quality_loyalty() -> float:
    fit = survey.pls_path_model(datasets.load_ecsi_mobi(), survey.ecsi_model(), scheme="centroid")
    total = fit.total_effects.set_index(["source", "target"])["estimate"]
    return float(total[("Quality", "Loyalty")])


def _quality_satisfaction_path() -> float:
    fit = survey.pls_path_model(datasets.load_ecsi_mobi(), survey.ecsi_model(), scheme="centroid")
    paths = fit.path_coefficients.set_index(["source", "target"])["estimate"]
    return float(paths[("Quality", "Satisfaction")])


def _nps_new() -> float:
    data = datasets.load_servqual_survey()
    return float(survey.net_promoter_score(data.loc[data["segment"] == "new", "recommend"])["nps"])


def _nps_new_wrong_cut() -> float:
    scores = datasets.load_servqual_survey().query("segment == 'new'")["recommend"]
    return float(100 * ((scores >= 8).mean() - (scores <= 6).mean()))


def _nps_all() -> float:
    return float(survey.net_promoter_score(datasets.load_servqual_survey()["recommend"])["nps"])


def _empathy_gap() -> float:
    return float(survey.dimension_gaps(datasets.load_servqual_survey()).loc["empathy", "gap"])


def _empathy_item_sum_gap() -> float:
    data = datasets.load_servqual_survey()
    items = survey.SERVQUAL_DIMENSIONS["empathy"]
    return float(sum((data[f"P{i:02d}"] - data[f"E{i:02d}"]).mean() for i in items))


EXERCISES = [
    Exercise(
        id="04.1",
        prompt="What is Cronbach's alpha (raw item scores) of the five Image items of the ECSI survey?",
        expected=_alpha_image,
        hint="`survey.cronbach_alpha(mobi, MOBI_BLOCKS['Image'])['alpha']`.",
        mistakes=[(_alpha_image_std, "That is the standardised alpha (computed on correlations); the question "
                                     "asks for alpha on the raw 1-10 scores (standardized=False).")],
    ),
    Exercise(
        id="04.2",
        prompt="In the ECSI model (centroid scheme), what is the total effect of perceived Quality on Loyalty?",
        expected=_total_quality_loyalty,
        hint="Quality has no direct path to Loyalty: its effect runs through Value, Satisfaction and Complaints. "
             "Read it from `fit.total_effects`.",
        mistakes=[(_quality_satisfaction_path, "That is the direct path Quality -> Satisfaction; the total effect "
                                               "on Loyalty multiplies along every route and adds them up."),
                  (lambda: 0.0, "There is no direct path, but there are indirect ones: use the total effects.")],
    ),
    Exercise(
        id="04.3",
        prompt="What is the Net Promoter Score of the *new* customers in the SERVQUAL survey (in NPS points)?",
        expected=_nps_new,
        hint="Filter `segment == 'new'` and pass `recommend` to `survey.net_promoter_score`.",
        mistakes=[(_nps_new_wrong_cut, "Promoters answer 9 or 10 only; 7 and 8 are passives."),
                  (_nps_all, "That is the NPS of every customer: keep only the new ones.")],
    ),
    Exercise(
        id="04.4",
        prompt="What is the mean SERVQUAL gap (perception - expectation) of the empathy dimension?",
        expected=_empathy_gap,
        hint="Average the five empathy items per respondent for E and P, then the gap P - E: "
             "`survey.dimension_gaps(data)`.",
        mistakes=[(_empathy_item_sum_gap, "You summed the item gaps: a dimension score is their mean.")],
    ),
]
