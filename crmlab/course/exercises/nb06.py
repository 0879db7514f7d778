"""Exercises and self-check questions of notebook 06, customer analysis and segmentation
(answers computed with :mod:`crmlab.segmentation`)."""

from __future__ import annotations

import functools

import pandas as pd

from crmlab import segmentation as seg
from crmlab import value
from crmlab.datasets import load_cdnow_transactions
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
K = 3

#: The customer of exercise 06.1 (not in CDNOW), in the units of behaviour_features (weeks, US$).
NEW_CUSTOMER = {"frequency": 1, "time_since_last": 20.0, "interpurchase_time": 10.0, "mean_spend": 30.0,
                "p_alive": 0.45, "expected_purchases": 0.5}


@functools.cache
def _features() -> pd.DataFrame:
    return seg.behaviour_features(load_cdnow_transactions(), CALIBRATION_END, OBSERVATION_END)


@functools.cache
def _standardised() -> pd.DataFrame:
    return seg.standardise(_features())


@functools.cache
def _fit() -> seg.SegmentFit:
    return seg.fit_segments(_standardised(), K, seed=0, order_by=_features()["total_spend"])


def _new_customer_segment(logged: bool = True) -> int:
    new = pd.DataFrame([NEW_CUSTOMER], index=pd.Index(["new"], name="customer_id"))
    if logged:
        z = seg.standardise_like(new, _standardised())
    else:  # the mistake: raw values put on the scale of the logged features
        ref = _standardised().attrs
        z = (new[list(ref["mean"])] - pd.Series(ref["mean"])) / pd.Series(ref["scale"])
    return int(_fit().predict(z).iloc[0])


def _three_feature_silhouette() -> float:
    columns = ("frequency", "time_since_last", "mean_spend")
    X = seg.standardise(_features(), columns=columns, log=("frequency", "mean_spend"))
    return seg.silhouette(X, seg.fit_segments(X, K, seed=0).labels)


def _agreement_with_volume(adjusted: bool = True) -> float:
    from sklearn.metrics import adjusted_rand_score, rand_score

    volume = value.volume_groups(_features()["total_spend"]).astype(str)
    score = adjusted_rand_score if adjusted else rand_score
    return float(score(volume, _fit().labels))


def _pyramid_separation(column: str) -> float:
    tiers = value.customer_pyramid(_features()["total_spend"])
    return float(seg.separation(_features(), {"pyramid": tiers}).loc["pyramid", column])


def _plan_cost(one_to_one: float) -> float:
    treatments = seg.TREATMENTS.copy()
    treatments.loc["one_to_one", "cost_per_customer"] = one_to_one
    f = _features()
    plan = seg.treatment_plan(f["expected_purchases"] * f["mean_spend"], _fit().labels, treatments=treatments)
    return float(plan["cost"].sum())


EXERCISES = [
    Exercise(
        id="06.1",
        prompt={
            "en": (
                "A customer who is not in CDNOW has 1 repeat purchase, 20 weeks since the last purchase, a mean "
                "inter-purchase time of 10 weeks, US$ 30 per purchase, P(alive) 0.45 and 0.5 expected purchases. "
                "Put this customer on the scale of the notebook's standardised features and give the k-means "
                "segment (1-3) it belongs to."
            ),
            "zh": (
                "一位不在 CDNOW 中的客户有 1 次重复购买，距上次购买已过去 20 周，平均购买间隔时间为 10 周，"
                "每次购买消费 US$ 30，P(alive) 为 0.45，预期购买次数为 0.5。请把这位客户放到本笔记本标准化特征的"
                "尺度上，并给出其所属的 K 均值细分群（1-3）。"
            ),
        },
        expected=lambda: _new_customer_segment(),
        decimals=0,
        unit={"en": "as a segment number", "zh": "细分群编号"},
        hints=(
            {"en": "the new customer must be transformed exactly like the clustered ones: the same logs, the same "
                   "means and standard deviations; then the nearest centroid decides.",
             "zh": "新客户必须与已聚类的客户经过完全相同的变换：相同的对数变换、相同的均值和标准差；"
                   "然后由最近的聚类中心决定其归属。"},
            {"en": "seg.standardise_like(new_customer_frame, X), then km.predict(...) with the notebook's fit.",
             "zh": "先用 seg.standardise_like(new_customer_frame, X)，再用本笔记本的拟合结果调用 km.predict(...)。"},
        ),
        mistakes=[
            (lambda: _new_customer_segment(logged=False),
             {"en": "the raw values were z-scored without the log transform that the clustered features had.",
              "zh": "原始数值被直接转换成了 Z 分数，缺少已聚类特征所做的对数变换。"}),
        ],
    ),
    Exercise(
        id="06.2",
        prompt={
            "en": (
                "Cluster the CDNOW customers on three features only: frequency, time since the last purchase and "
                "mean spend (logs of frequency and mean spend, then z-scores), with k-means, k = 3, seed 0. "
                "What is the mean silhouette width?"
            ),
            "zh": (
                "只用三个特征——购买频次、距上次购买的时间和平均消费额（对购买频次和平均消费额取对数，再计算 Z 分数）——"
                "以 K 均值（k = 3，种子 0）对 CDNOW 客户进行聚类。平均轮廓系数是多少？"
            ),
        },
        expected=_three_feature_silhouette,
        decimals=3,
        unit={"en": "as a width between -1 and 1", "zh": "无量纲，取值在 -1 到 1 之间"},
        hints=(
            {"en": "the silhouette compares each customer's distance to its own segment with the distance to the "
                   "nearest other segment; recompute it on the new feature set.",
             "zh": "轮廓系数把每位客户到本细分群的距离与到最近的另一个细分群的距离相比较；请在新的特征集上重新计算。"},
            {"en": "seg.standardise(features, columns=[...], log=[...]), seg.fit_segments(X3, 3, seed=0), "
                   "seg.silhouette(X3, fit.labels).",
             "zh": "依次调用 seg.standardise(features, columns=[...], log=[...])、seg.fit_segments(X3, 3, seed=0) 和 "
                   "seg.silhouette(X3, fit.labels)。"},
        ),
        mistakes=[
            (lambda: seg.silhouette(_standardised(), _fit().labels),
             {"en": "that is the silhouette of the six-feature segmentation of the notebook; use the three features.",
              "zh": "这是本笔记本中六个特征的细分所对应的轮廓系数；请只用那三个特征。"}),
        ],
    ),
    Exercise(
        id="06.3",
        prompt={
            "en": (
                "How well do the k = 3 k-means segments agree with the rule-based volume groups (large, "
                "small-medium, scattered by calibration spend) of notebook 01? Give the adjusted Rand index."
            ),
            "zh": (
                "k = 3 的 K 均值细分群与笔记本 01 中基于规则的交易量分组（按校准期消费额分为大客户、中小客户和"
                "零散客户）的一致程度如何？请给出调整兰德指数。"
            ),
        },
        expected=lambda: _agreement_with_volume(),
        decimals=3,
        unit={"en": "as an index between -1 and 1", "zh": "无量纲，取值在 -1 到 1 之间"},
        hints=(
            {"en": "agreement between two partitions of the same customers, corrected for chance: the adjusted "
                   "Rand index.",
             "zh": "同一批客户的两种划分之间、经过机会校正的一致程度：调整兰德指数。"},
            {"en": "value.volume_groups(features['total_spend']) and "
                   "sklearn.metrics.adjusted_rand_score(volume, km.labels).",
             "zh": "先用 value.volume_groups(features['total_spend'])，再用 "
                   "sklearn.metrics.adjusted_rand_score(volume, km.labels)。"},
        ),
        mistakes=[
            (lambda: _agreement_with_volume(adjusted=False),
             {"en": "that is the plain Rand index, which is high even for unrelated partitions; adjust it for chance.",
              "zh": "这是未经调整的兰德指数，即使两个划分毫不相关，它也很高；请对其作机会校正。"}),
        ],
    ),
    Exercise(
        id="06.4",
        prompt={
            "en": (
                "Group the customers into the customer pyramid of notebook 01 (platinum, gold, iron, lead by "
                "calibration spend, 10/20/30/40%). What share of the variance of holdout purchases does the "
                "pyramid explain, adjusted for its number of groups (epsilon squared)?"
            ),
            "zh": (
                "把客户分入笔记本 01 的客户金字塔（按校准期消费额分为铂金层、黄金层、铁层和铅层，依次占 10/20/30/40%）。"
                "按组数调整后（epsilon 平方），客户金字塔能解释检验期购买次数方差的多大比例？"
            ),
        },
        expected=lambda: _pyramid_separation("holdout_purchases_eta2_adj"),
        decimals=3,
        unit="share",
        hints=(
            {"en": "the between-group share of the variance of the holdout measure, less what that many groups "
                   "would explain by chance.",
             "zh": "检验期指标的方差中组间差异所占的比例，再减去同样数目的分组凭机会所能解释的部分。"},
            {"en": "value.customer_pyramid(features['total_spend']), then seg.separation(features, {'pyramid': tiers}) "
                   "and its column holdout_purchases_eta2_adj.",
             "zh": "先用 value.customer_pyramid(features['total_spend'])，再用 "
                   "seg.separation(features, {'pyramid': tiers})，取其 holdout_purchases_eta2_adj 列。"},
        ),
        mistakes=[
            (lambda: _pyramid_separation("holdout_purchases_eta2"),
             {"en": "that is eta squared without the adjustment for the number of groups.",
              "zh": "这是未按组数调整的 eta 平方。"}),
            (lambda: _pyramid_separation("holdout_spend_eta2_adj"),
             {"en": "that is for holdout spend; the question asks about holdout purchases.",
              "zh": "这是检验期消费额的结果；题目问的是检验期购买次数。"}),
        ],
    ),
    Exercise(
        id="06.5",
        prompt={
            "en": (
                "Suppose one-to-one care costs US$ 20 per customer over the planning period instead of 15, "
                "everything else as in the notebook's treatment plan. What is the total cost of the plan?"
            ),
            "zh": (
                "假设在规划期内“一对一”关怀的成本为每位客户 US$ 20，而不是 15，其余一切与本笔记本的对待方案相同。"
                "该方案的总成本是多少？"
            ),
        },
        expected=lambda: _plan_cost(20.0),
        decimals=0,
        unit={"en": "US$", "zh": "美元"},
        hints=(
            {"en": "a dearer treatment may no longer fit within 20% of a segment's expected value, so the plan can "
                   "change, not only its price.",
             "zh": "更贵的对待方式可能不再能控制在细分群预期价值的 20% 以内，因此改变的可能不只是价格，还有方案本身。"},
            {"en": "copy seg.TREATMENTS, set the one_to_one cost, pass treatments= to seg.treatment_plan and sum "
                   "the cost column.",
             "zh": "复制 seg.TREATMENTS，修改 one_to_one 的成本，把它作为 treatments= 传给 seg.treatment_plan，"
                   "再对 cost 列求和。"},
        ),
        mistakes=[
            (lambda: _plan_cost(15.0),
             {"en": "that is the plan at the default cost of 15; change the cost first.",
              "zh": "这是默认成本 15 下的方案；请先修改成本。"}),
        ],
    ),
]


QUESTIONS = [
    Question(
        "06.q1",
        {"en": "Why are the features log-transformed and standardised before k-means?",
         "zh": "为什么在进行 K 均值聚类之前要对特征取对数并标准化？"},
        [
            Option({"en": "So that every segment ends up with the same number of customers.",
                    "zh": "为了让每个细分群最终拥有相同数量的客户。"}, False,
                   {"en": "k-means does not balance segment sizes; on CDNOW they range from 411 to 1,411 customers.",
                    "zh": "K 均值并不平衡各细分群的规模；在 CDNOW 上，各细分群的规模从 411 位到 1,411 位客户不等。"}),
            Option({"en": "Because a Euclidean distance adds squared differences in each feature's own unit, so "
                          "the feature with the largest spread (and a few extreme buyers) would decide the "
                          "clusters.",
                    "zh": "因为欧氏距离把各特征在其自身单位下的平方差相加，离散程度最大的特征（以及少数极端的购买者）"
                          "就会决定聚类结果。"}, True,
                   {"en": "the z-score puts every feature in standard deviations and the log pulls in the long "
                          "right tail of counts and money, so each feature counts about equally.",
                    "zh": "Z 分数让每个特征都以标准差计量，对数变换则收拢了次数和金额的长右尾，因此每个特征的作用大致相当。"}),
            Option({"en": "Because k-means assumes normally distributed features.",
                    "zh": "因为 K 均值假定特征服从正态分布。"}, False,
                   {"en": "k-means assumes no distribution: it minimises squared distances. The Gaussian mixture "
                          "is the model that assumes normal components.",
                    "zh": "K 均值不假定任何分布：它最小化的是平方距离。假定各成分服从正态分布的是高斯混合模型。"}),
        ],
    ),
    Question(
        "06.q2",
        {"en": "The mean silhouette is highest at k = 2 (0.530), yet the notebook uses k = 3 (0.521). Which "
               "reason is sound?",
         "zh": "平均轮廓系数在 k = 2 时最高（0.530），但本笔记本采用 k = 3（0.521）。哪个理由站得住脚？"},
        [
            Option({"en": "The silhouette hardly changes from 2 to 3 and drops at 4, the mixture's BIC falls steeply "
                          "from 2 to 3 and is nearly flat after, and k = 3 separates groups a manager treats "
                          "differently.",
                    "zh": "轮廓系数从 2 到 3 几乎不变、到 4 才下降，混合模型的 BIC 从 2 到 3 急剧下降、此后几乎持平，"
                          "而且 k = 3 区分出了管理者会区别对待的客户群。"}, True,
                   {"en": "the silhouette rules out k >= 4 and BIC rules out k = 2; the choice is then made on "
                          "usefulness, and the segments must prove stable and valid on the holdout.",
                    "zh": "轮廓系数排除了 k >= 4，BIC 排除了 k = 2；剩下的选择依据有用性做出，而这些细分群还必须证明"
                          "自己是稳定的，并在检验期上有效。"}),
            Option({"en": "More segments are always better because the within-segment sum of squares falls.",
                    "zh": "细分群越多总是越好，因为细分群内平方和会下降。"}, False,
                   {"en": "the sum of squares falls with every k, down to 0 at one customer per segment; it cannot "
                          "choose k on its own.",
                    "zh": "细分群内平方和随 k 的每次增大而下降，直到每个细分群只有一位客户时降为 0；仅凭它无法选择 k。"}),
            Option({"en": "The k with the lowest BIC is always the right one.",
                    "zh": "BIC 最低的 k 总是正确的。"}, False,
                   {"en": "BIC's minimum (k = 5) is less than 1% below its value at k = 3, and on data with many "
                          "tied one-time buyers a mixture's likelihood rewards extra components; BIC is evidence, "
                          "not a rule.",
                    "zh": "BIC 的最小值（k = 5）只比 k = 3 时低不到 1%，而且在有大量取值相同的一次性购买者的数据上，"
                          "混合模型的似然会奖励额外的成分；BIC 是证据，而不是规则。"}),
        ],
    ),
    Question(
        "06.q3",
        {"en": "Refitting k-means on bootstrap samples gives a mean adjusted Rand index of about 0.97 with the "
               "reference segmentation. What does that tell you?",
         "zh": "在自助样本上重新拟合 K 均值，与参照细分之间的平均调整兰德指数约为 0.97。这说明了什么？"},
        [
            Option({"en": "About 97% of customers are in their correct segment.",
                    "zh": "约 97% 的客户处于其正确的细分群中。"}, False,
                   {"en": "there is no 'correct' segment to compare with; the ARI measures chance-corrected "
                          "agreement between two partitions, not accuracy.",
                    "zh": "并不存在可供比较的“正确”细分群；ARI 衡量的是两个划分之间经机会校正的一致程度，而不是准确率。"}),
            Option({"en": "The partition is reproducible: customers drawn again fall into nearly the same groups.",
                    "zh": "该划分具有可重复性：重新抽取的客户会落入几乎相同的分组。"},
                   True,
                   {"en": "stability across resamples means the segments are a feature of the data, not of one "
                          "sample or one random start.",
                    "zh": "在多次重抽样之间保持稳定，说明这些细分群是数据本身的特征，而不是某一个样本或某一次随机初始值的产物。"}),
            Option({"en": "The segments will differ in future purchases.",
                    "zh": "这些细分群在未来的购买上会有差异。"}, False,
                   {"en": "that is validity, checked separately on the holdout period; a stable partition can still "
                          "be useless for prediction.",
                    "zh": "那是有效性，需要在检验期上另行检验；一个稳定的划分仍可能对预测毫无用处。"}),
        ],
    ),
    Question(
        "06.q4",
        {"en": "The profile logit predicts the segment correctly for about 62% of customers, against 60% for "
               "always guessing the largest segment (the one-time buyers). What follows?",
         "zh": "基于客户画像的 Logit 模型对约 62% 的客户预测对了细分群，而始终猜测最大的细分群（一次性购买者）的"
               "正确率为 60%。由此可以得出什么结论？"},
        [
            Option({"en": "Profiles are useless for CRM.",
                    "zh": "客户画像对客户关系管理毫无用处。"}, False,
                   {"en": "they shift the odds clearly (referral customers are far more often active frequent "
                          "buyers) and are all a firm knows about a prospect before the first purchase.",
                    "zh": "客户画像明显改变了优势（经推荐而来的客户成为活跃高频客户的情形要多得多），而且在潜在客户"
                          "首次购买之前，企业对其所知的也只有客户画像。"}),
            Option({"en": "Profiles help target prospects and new customers, but once customers have bought, their "
                          "behaviour segments them far better.",
                    "zh": "客户画像有助于针对潜在客户和新客户进行目标定位，但客户一旦购买，用其行为来细分要好得多。"}, True,
                   {"en": "this is the usual finding in segmentation research: descriptors such as age or region "
                          "explain little of the variation in behaviour (Wedel & Kamakura 2000).",
                    "zh": "这是细分研究中常见的发现：年龄、地区等描述变量对行为差异的解释力很小（Wedel 与 Kamakura 2000）。"}),
            Option({"en": "The logit shows that referrals cause customers to buy more.",
                    "zh": "该 Logit 模型表明，推荐会导致客户购买更多。"}, False,
                   {"en": "a logit on observational data shows association, not cause; and here the profiles are "
                          "synthetic, generated with that association built in.",
                    "zh": "基于观察数据的 Logit 模型显示的是关联，而不是因果；而且这里的客户画像是合成的，"
                          "这种关联是在生成时设定进去的。"}),
        ],
    ),
]
