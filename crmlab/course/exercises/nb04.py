"""Exercises and self-check questions of notebook 04 (satisfaction surveys).

Every exercise applies a method of the notebook to inputs the notebook does not print: another item
block, another target construct, another customer group.
"""

from __future__ import annotations

import functools

from crmlab import datasets, survey
from crmlab.course.exercises import Exercise, Option, Question

IMAGE_WITHOUT_IMAG3 = [item for item in datasets.MOBI_BLOCKS["Image"] if item != "IMAG3"]


def _alpha(items: list[str], standardized: bool = False) -> float:
    return float(survey.cronbach_alpha(datasets.load_ecsi_mobi(), items, standardized=standardized)["alpha"])


@functools.cache
def _ecsi_fit() -> survey.PLSResult:
    return survey.pls_path_model(datasets.load_ecsi_mobi(), survey.ecsi_model(), scheme="centroid")


def _total(source: str, target: str) -> float:
    return float(_ecsi_fit().total_effects.set_index(["source", "target"]).loc[(source, target), "estimate"])


def _direct(source: str, target: str) -> float:
    return float(_ecsi_fit().path_coefficients.set_index(["source", "target"]).loc[(source, target), "estimate"])


def _nps(channel: str | None) -> float:
    data = datasets.load_servqual_survey()
    scores = data["recommend"] if channel is None else data.loc[data["channel"] == channel, "recommend"]
    return float(survey.net_promoter_score(scores)["nps"])


def _nps_wrong_cut(channel: str) -> float:
    scores = datasets.load_servqual_survey().query("channel == @channel")["recommend"]
    return float(100 * ((scores >= 8).mean() - (scores <= 6).mean()))


def _empathy_gap(segment: str | None) -> float:
    data = datasets.load_servqual_survey()
    data = data if segment is None else data[data["segment"] == segment]
    return float(survey.dimension_gaps(data).loc["empathy", "gap"])


def _empathy_item_sum_gap(segment: str) -> float:
    data = datasets.load_servqual_survey().query("segment == @segment")
    return float(sum((data[f"P{i:02d}"] - data[f"E{i:02d}"]).mean() for i in survey.SERVQUAL_DIMENSIONS["empathy"]))


EXERCISES = [
    Exercise(
        id="04.1",
        prompt={"en": "Cronbach's alpha (raw 1-10 scores) of the ECSI Image block without item IMAG3 (social "
                      "contribution).",
                "zh": "ECSI 形象（Image）区块去掉题项 IMAG3（社会贡献）之后的克朗巴哈 α 系数（基于 1-10 原始得分）。"},
        expected=lambda: _alpha(IMAGE_WITHOUT_IMAG3),
        decimals=3,
        hints=(
            {"en": "Alpha compares the sum of the item variances with the variance of the total score, for the "
                   "four items that remain (IMAG1, IMAG2, IMAG4, IMAG5).",
             "zh": "α 系数比较的是各题项方差之和与总分的方差；这里只用剩下的四个题项（IMAG1、IMAG2、IMAG4、IMAG5）。"},
            {"en": "survey.cronbach_alpha(mobi, ['IMAG1', 'IMAG2', 'IMAG4', 'IMAG5'])['alpha'].",
             "zh": "调用 survey.cronbach_alpha(mobi, ['IMAG1', 'IMAG2', 'IMAG4', 'IMAG5'])['alpha']。"},
        ),
        mistakes=[
            (lambda: _alpha(IMAGE_WITHOUT_IMAG3, standardized=True),
             {"en": "That is the standardised alpha (computed on correlations); the question asks for alpha on the "
                    "raw 1-10 scores (standardized=False).",
              "zh": "这是标准化 α 系数（基于相关系数计算）；本题要求的是基于 1-10 原始得分的 α 系数"
                    "（standardized=False）。"}),
            (lambda: _alpha(datasets.MOBI_BLOCKS["Image"]),
             {"en": "That is alpha of all five Image items: leave IMAG3 out.",
              "zh": "这是全部五个形象题项的 α 系数：请去掉 IMAG3。"}),
        ],
    ),
    Exercise(
        id="04.2",
        prompt={"en": "In the ECSI model (centroid scheme), the total effect of Image on Satisfaction.",
                "zh": "ECSI 模型（重心加权方案）中形象（Image）对满意度（Satisfaction）的总效应。"},
        expected=lambda: _total("Image", "Satisfaction"),
        decimals=3,
        hints=(
            {"en": "A total effect adds the direct path to every indirect route (Image -> Expectation -> Quality -> "
                   "Satisfaction, ...), each route the product of its path coefficients.",
             "zh": "总效应等于直接路径加上每一条间接路径（Image -> Expectation -> Quality -> Satisfaction 等），"
                   "每条间接路径的效应是其上各路径系数的乘积。"},
            {"en": "fit.total_effects, a table of source, target and estimate: select source 'Image', target "
                   "'Satisfaction'.",
             "zh": "fit.total_effects 是一张含 source、target 和 estimate 三列的表：选取 source 为 'Image'、"
                   "target 为 'Satisfaction' 的那一行。"},
        ),
        mistakes=[
            (lambda: _direct("Image", "Satisfaction"),
             {"en": "That is the direct path Image -> Satisfaction only; the total effect also adds the routes "
                    "through Expectation, Quality and Value.",
              "zh": "这只是 Image -> Satisfaction 的直接路径；总效应还要加上经由期望（Expectation）、质量（Quality）"
                    "和价值（Value）的间接路径。"}),
            (lambda: _total("Image", "Loyalty"),
             {"en": "That is the total effect of Image on Loyalty; the question asks about Satisfaction.",
              "zh": "这是形象对忠诚度（Loyalty）的总效应；本题问的是对满意度（Satisfaction）的总效应。"}),
        ],
    ),
    Exercise(
        id="04.3",
        prompt={"en": "The Net Promoter Score of the customers who answered in the app (channel == 'app') in the "
                      "SERVQUAL survey.",
                "zh": "服务质量差距模型（SERVQUAL）调查中，通过 App 作答的客户（channel == 'app'）的净推荐值。"},
        expected=lambda: _nps("app"),
        decimals=1,
        unit={"en": "NPS points", "zh": "分"},
        hints=(
            {"en": "NPS = 100 x (share of promoters, 9-10) - 100 x (share of detractors, 0-6), among the app "
                   "customers only.",
             "zh": "NPS = 100 x 推荐者（9-10 分）所占比例 - 100 x 贬损者（0-6 分）所占比例，只在 App 客户中计算。"},
            {"en": "survey.net_promoter_score(sq.loc[sq['channel'] == 'app', 'recommend'])['nps'].",
             "zh": "调用 survey.net_promoter_score(sq.loc[sq['channel'] == 'app', 'recommend'])['nps']。"},
        ),
        mistakes=[
            (lambda: _nps_wrong_cut("app"),
             {"en": "Promoters answer 9 or 10 only; 7 and 8 are passives.",
              "zh": "只有回答 9 或 10 的才是推荐者；回答 7 和 8 的属于被动者。"}),
            (lambda: _nps(None),
             {"en": "That is the NPS of every customer: keep only those who answered in the app.",
              "zh": "这是全体客户的 NPS：请只保留通过 App 作答的客户。"}),
        ],
    ),
    Exercise(
        id="04.4",
        prompt={"en": "The mean SERVQUAL gap (perception - expectation) of the empathy dimension among repeat "
                      "customers.",
                "zh": "老客户（segment 为 'repeat'）在移情性维度上的平均 SERVQUAL 差距（感知 - 期望）。"},
        expected=lambda: _empathy_gap("repeat"),
        decimals=3,
        unit={"en": "scale points", "zh": "量表分"},
        hints=(
            {"en": "Keep the repeat customers; for each, average the five empathy items of P and of E; the "
                   "dimension gap is the mean of P - E.",
             "zh": "只保留老客户；对每位客户，分别求移情性五个题项在 P 和 E 上的平均分；维度差距就是 P - E 的均值。"},
            {"en": "survey.dimension_gaps(sq[sq['segment'] == 'repeat']).loc['empathy', 'gap'].",
             "zh": "调用 survey.dimension_gaps(sq[sq['segment'] == 'repeat']).loc['empathy', 'gap']。"},
        ),
        mistakes=[
            (lambda: _empathy_item_sum_gap("repeat"),
             {"en": "You summed the item gaps: a dimension score is their mean.",
              "zh": "你把各题项的差距加总了：维度得分应取它们的均值。"}),
            (lambda: _empathy_gap(None),
             {"en": "That is the gap of every customer: keep only the repeat customers.",
              "zh": "这是全体客户的差距：请只保留老客户。"}),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="04.q1",
        prompt={"en": "Expectation has the lowest Cronbach's alpha of the ECSI blocks (about 0.43). What is the most "
                      "likely reason?",
                "zh": "在 ECSI 的各个区块中，期望（Expectation）的克朗巴哈 α 系数最低（约 0.43）。最可能的原因是什么？"},
        options=[
            Option({"en": "Too few respondents answered the Expectation items.",
                    "zh": "回答期望题项的受访者太少。"}, False,
                   {"en": "All 250 respondents answered them, the same as every other block; and alpha does not "
                          "depend on the sample size, only its confidence interval does.",
                    "zh": "全部 250 名受访者都回答了这些题项，与其他区块一样；而且 α 系数本身并不取决于样本量，"
                          "受样本量影响的只是它的置信区间。"}),
            Option({"en": "Its three items share little variance: CUEX3 (how often things could go wrong) correlates "
                          "weakly with the two items on overall expectations.",
                    "zh": "它的三个题项共同的方差很少：CUEX3（预期出错的频率）与另外两个关于总体期望的题项相关性很弱。"},
                   True,
                   {"en": "alpha grows with the inter-item correlations and the number of items. With three items "
                          "and a corrected item-total correlation of about 0.2 for CUEX3, alpha stays low; deleting "
                          "CUEX3 would raise it (the item analysis shows it).",
                    "zh": "α 系数随题项间相关系数和题项数的增加而增大。该区块只有三个题项，而 CUEX3 的校正题项-总分"
                          "相关系数只有约 0.2，所以 α 系数偏低；删除 CUEX3 反而会使它上升（题项分析显示了这一点）。"}),
            Option({"en": "Expectation has only a weak path to Satisfaction.",
                    "zh": "期望到满意度的路径很弱。"}, False,
                   {"en": "Alpha is a property of the items of one block, computed before any structural path; a "
                          "weak path says nothing about how consistent the items are.",
                    "zh": "α 系数是一个区块内部各题项的性质，在估计任何结构路径之前就已算出；路径弱并不能说明"
                          "题项之间是否一致。"}),
            Option({"en": "The items are on a 1-10 scale.",
                    "zh": "这些题项采用 1-10 量表。"}, False,
                   {"en": "Every ECSI item is on the same 1-10 scale, and Quality's items reach an alpha of 0.87 on "
                          "it.",
                    "zh": "ECSI 的所有题项都采用同一个 1-10 量表，而质量（Quality）的题项在该量表上的 α 系数达到 0.87。"}),
        ],
    ),
    Question(
        id="04.q2",
        prompt={"en": "The ECSI model reports R² = 0.68 for Satisfaction. What does it say?",
                "zh": "ECSI 模型报告满意度（Satisfaction）的 R² = 0.68。它说明了什么？"},
        options=[
            Option({"en": "Satisfaction explains about two thirds of the variance of Loyalty.",
                    "zh": "满意度解释了忠诚度约三分之二的方差。"}, False,
                   {"en": "R² belongs to the endogenous construct it is reported for: Loyalty's own R² (about 0.46) "
                          "says how much of Loyalty its antecedents explain.",
                    "zh": "R² 属于报告它的那个内生构念：忠诚度自己的 R²（约 0.46）才说明它的前因变量解释了"
                          "忠诚度多少方差。"}),
            Option({"en": "Image, Expectation, Quality and Value together explain about two thirds of the variance of "
                          "the Satisfaction scores.",
                    "zh": "形象、期望、质量和价值共同解释了满意度得分约三分之二的方差。"}, True,
                   {"en": "R² is the share of the variance of Satisfaction's scores reproduced by the regression "
                          "on its antecedents in the model.",
                    "zh": "R² 是满意度得分的方差中，由模型里满意度对其前因变量的回归所再现的那一部分所占的比例。"}),
            Option({"en": "68% of the customers are satisfied.",
                    "zh": "68% 的客户感到满意。"}, False,
                   {"en": "R² is a share of variance, not of customers; the share who score 8 or more is a different "
                          "number (notebook 00).",
                    "zh": "R² 是方差的比例，而不是客户的比例；打 8 分及以上的客户所占比例是另一个数字（见 notebook 00）。"}),
        ],
    ),
    Question(
        id="04.q3",
        prompt={"en": "The reliability dimension of the SERVQUAL survey has a mean gap of about -0.7 with a 95% "
                      "interval entirely below 0. What does it mean for the retailer?",
                "zh": "在服务质量差距模型（SERVQUAL）调查中，可靠性（reliability，指服务可靠，并非量表的信度）维度的平均差距约为 -0.7，"
                      "其 95% 置信区间完全位于 0 以下。这对该零售商意味着什么？"},
        options=[
            Option({"en": "Customers rate the retailer's reliability below what they expect of an excellent online "
                          "retailer: a shortfall to fix first where customers give the dimension a large weight.",
                    "zh": "客户对该零售商可靠性的评价低于他们对一家卓越在线零售商的期望：这是一项不足，"
                          "客户赋予该维度的权重越大，越应优先弥补。"}, True,
                   {"en": "the gap is perception minus expectation; a negative gap whose interval excludes 0 is a "
                          "significant shortfall, and the importance weights say how much it matters.",
                    "zh": "差距等于感知减去期望；差距为负且区间不含 0，说明存在显著的不足，而重要性权重说明它有多要紧。"}),
            Option({"en": "Customers are dissatisfied with the retailer overall.",
                    "zh": "客户对该零售商总体上不满意。"}, False,
                   {"en": "A gap compares perception with an ideal on one dimension; gaps are negative in most "
                          "SERVQUAL studies, and overall satisfaction is measured separately.",
                    "zh": "差距是在单个维度上把感知与理想水平相比较；在大多数 SERVQUAL 研究中差距都是负的，"
                          "总体满意度则需要另行测量。"}),
            Option({"en": "The retailer should lower its customers' expectations.",
                    "zh": "该零售商应当降低客户的期望。"}, False,
                   {"en": "Expectations are of an excellent retailer in the industry; the firm can manage what it "
                          "promises, but a lasting gap is closed by performing better.",
                    "zh": "这里的期望是对行业中卓越零售商的期望；企业可以管理自己的承诺，但持久的差距只能靠"
                          "更好的绩效来弥合。"}),
        ],
    ),
    Question(
        id="04.q4",
        prompt={"en": "The NPS of 400 customers rises from -10 to -5 between two monthly surveys. What do you report?",
                "zh": "在相邻两个月的调查中，400 名客户的 NPS 从 -10 升至 -5。你应当如何报告？"},
        options=[
            Option({"en": "A real improvement of 5 points.",
                    "zh": "NPS 真实地提高了 5 分。"}, False,
                   {"en": "With 400 answers the 95% interval of each NPS is about ±8 points; a change of 5 is well "
                          "within the noise of two independent samples.",
                    "zh": "有 400 份回答时，每个 NPS 的 95% 置信区间约为 ±8 分；5 分的变化完全落在两个独立样本的"
                          "抽样噪声之内。"}),
            Option({"en": "A change too small to tell from sampling noise; compare the two with a test.",
                    "zh": "这一变化太小，无法与抽样噪声区分开；应当用统计检验来比较两次结果。"}, True,
                   {"en": "the standard error of a difference of two NPS adds both variances, so a 5-point change "
                          "needs far more than 400 answers per survey to be distinguishable from zero.",
                    "zh": "两个 NPS 之差的标准误要把两者的方差相加，因此要让 5 分的变化能与零区分开，"
                          "每次调查需要远多于 400 份回答。"}),
        ],
    ),
]
