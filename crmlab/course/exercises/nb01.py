"""Exercises and self-check questions of notebook 01, customer value theory (answers computed with
:mod:`crmlab.value` and :mod:`crmlab.clv`).

Five of the six exercises apply a method of the notebook to inputs it does not print: another
customer's margin, retention and discount rate, another shopper's weights, another pyramid, another
retention rate for the firm, another cohort.
"""

from __future__ import annotations

import functools

import pandas as pd

from crmlab import clv, value
from crmlab.datasets import load_cdnow_transactions, load_delivered_value_example
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"
EQUITY = {"current_customers": 1000, "new_customers": 100, "acquisition_cost": 50}
NARROW_PYRAMID = {"platinum": 0.05, "gold": 0.15, "iron": 0.30, "lead": 0.50}


def _weighted_delivered_value(weights: dict[str, float]) -> dict[str, float]:
    table = load_delivered_value_example()
    table["weight"] = table["dimension"].map(weights).fillna(1.0)
    out = value.delivered_value(table, weight_col="weight")["delivered_value"]
    return {str(k): float(x) for k, x in out.items()}


@functools.cache
def _cdnow_validation() -> pd.DataFrame:
    return value.rfm_holdout_validation(load_cdnow_transactions(), CALIBRATION_END, HOLDOUT_END)


def _top_rate_ratio(score: str) -> float:
    rates = value.holdout_response(_cdnow_validation(), score)["active_rate"]
    return float(rates.iloc[-1] / rates.iloc[0])


def _platinum_gold_share(spend: str, shares: dict[str, float] | None) -> float:
    if spend == "calibration":
        values = _cdnow_validation()["monetary"]
    else:
        values = load_cdnow_transactions().groupby("customer_id")["amount"].sum()
    tiers = value.customer_pyramid(values, shares) if shares else value.customer_pyramid(values)
    summary = value.tier_summary(values, tiers)
    return float(summary.loc[["platinum", "gold"], "value_share"].sum())


def _equity_gain(current_only: bool) -> float:
    if current_only:
        return value.clv_closed_form(100, 0.85, 0.1) * 1000 - value.clv_closed_form(100, 0.8, 0.1) * 1000
    after = value.customer_equity(100, 0.85, 0.1, **EQUITY)["customer_equity"]
    return float(after - value.customer_equity(100, 0.8, 0.1, **EQUITY)["customer_equity"])


@functools.cache
def _sbg(cohort: str):
    return clv.fit(clv.retention_cohorts()[cohort].iloc[:8], "sbg")


EXERCISES = [
    Exercise(
        id="01.1",
        prompt={
            "en": "A subscriber yields a margin of 50 per year, stays each year with probability 0.75, and the "
                  "firm discounts at 12% a year. What is the CLV (Gupta & Lehmann, margins from the end of year 1)?",
            "zh": "一位订阅用户每年带来 50 的利润，每年以 0.75 的概率留存，企业的年折现率为 12%。其 CLV 是多少"
                  "（Gupta 与 Lehmann 的公式，利润从第 1 年年末开始计）？",
        },
        expected=lambda: value.clv_closed_form(50, 0.75, 0.12),
        decimals=2,
        unit={"en": "currency units", "zh": "货币单位"},
        hints=(
            {"en": "Each year's margin arrives only if the customer is still there (probability r^t) and is worth "
                   "less the later it comes (1/(1+i)^t); the infinite sum has a closed form.",
             "zh": "每年的利润只有在客户仍然留存时才会到来（概率 r^t），而且来得越晚价值越低（1/(1+i)^t）；"
                   "这个无穷级数有闭式解。"},
            {"en": "CLV = m r / (1 + i - r): value.clv_closed_form(margin, retention, discount).",
             "zh": "CLV = m r / (1 + i - r)：调用 value.clv_closed_form(margin, retention, discount)。"},
        ),
        mistakes=[
            (lambda: 50 / (1 + 0.12 - 0.75),
             {"en": "The first margin only comes if the customer is retained once: multiply by r.",
              "zh": "第一笔利润只有在客户被保留一次之后才会到来：请乘以 r。"}),
            (lambda: 50 * (1 + 0.12) / (1 + 0.12 - 0.75),
             {"en": "That counts a margin today as well (m + m r/(1+i-r)); this CLV starts at the end of year 1.",
              "zh": "这把今天的一笔利润也算进去了（m + m r/(1+i-r)）；本题的 CLV 从第 1 年年末开始计。"}),
            (lambda: 50 * 0.75 / (1 - 0.75),
             {"en": "You forgot to discount: the denominator is 1 + i - r.",
              "zh": "你忘了折现：分母应为 1 + i - r。"}),
        ],
    ),
    Exercise(
        id="01.2",
        prompt={
            "en": "A busy, anxious shopper weighs time costs twice (weight 2) and psychic costs one and a half times "
                  "(weight 1.5); every other component keeps weight 1. Using the delivered-value example, give a dict "
                  "{'online': ..., 'offline': ...} of the two delivered values.",
            "zh": "一位忙碌而焦虑的购物者把时间成本按两倍计（权重 2），把心理成本按一倍半计（权重 1.5）；其余各项的"
                  "权重仍为 1。利用让渡价值的例子，以字典 {'online': ..., 'offline': ...} 给出两种让渡价值。",
        },
        expected=lambda: _weighted_delivered_value({"time": 2.0, "psychic": 1.5}),
        decimals=1,
        unit={"en": "currency units", "zh": "货币单位"},
        hints=(
            {"en": "Delivered value is total customer value minus total customer cost; the weights multiply the "
                   "time and psychic cost items before they are added up.",
             "zh": "让渡价值等于顾客总价值减去顾客总成本；权重在加总之前分别乘到时间成本和心理成本的各个项目上。"},
            {"en": "Set a 'weight' column from the dimension and call value.delivered_value(table, weight_col='weight').",
             "zh": "根据维度设置一列 'weight'，再调用 value.delivered_value(table, weight_col='weight')。"},
        ),
        mistakes=[
            (lambda: _weighted_delivered_value({}),
             {"en": "These are the unweighted values: apply the weights first.",
              "zh": "这是未加权的值：请先应用权重。"}),
            (lambda: _weighted_delivered_value({"time": 2.0}),
             {"en": "The psychic costs need weight 1.5 too.",
              "zh": "心理成本也需要乘以权重 1.5。"}),
        ],
    ),
    Exercise(
        id="01.3",
        prompt={
            "en": "Score CDNOW customers on the calibration period (to 1997-09-30) and look at the holdout (to "
                  "1998-06-30). How many times more likely to buy in the holdout is an R = 5 customer than an "
                  "R = 1 customer (ratio of the holdout purchase rates)?",
            "zh": "在校准期（至 1997-09-30）上给 CDNOW 客户打分，再看检验期（至 1998-06-30）。R = 5 的客户在检验期内"
                  "购买的可能性是 R = 1 客户的多少倍（二者检验期购买率之比）？",
        },
        expected=lambda: _top_rate_ratio("R"),
        decimals=1,
        unit={"en": "as a ratio", "zh": "倍"},
        hints=(
            {"en": "Each R quintile has a holdout active rate (the share who buy again); the question asks for the "
                   "top rate divided by the bottom one.",
             "zh": "每个 R 五分位都有一个检验期活跃率（再次购买者所占的比例）；题目要求的是最高五分位的活跃率除以最低"
                   "五分位的活跃率。"},
            {"en": "value.holdout_response(validation, 'R')['active_rate'], then rates[5] / rates[1].",
             "zh": "先取 value.holdout_response(validation, 'R')['active_rate']，再计算 rates[5] / rates[1]。"},
        ),
        mistakes=[(lambda: _top_rate_ratio("F"),
                   {"en": "That ratio is for the F score; the question asks about R.",
                    "zh": "这是 F 分数的比值；题目问的是 R。"})],
    ),
    Exercise(
        id="01.4",
        prompt={
            "en": "Build a narrower customer pyramid on CDNOW calibration-period spend: 5% platinum, 15% gold, 30% "
                  "iron, 50% lead. What share of calibration spend do the platinum and gold customers hold together?",
            "zh": "在 CDNOW 校准期的支出上构建一个更窄的客户金字塔：5% 铂金、15% 黄金、30% 铁、50% 铅。铂金客户和"
                  "黄金客户合计占校准期支出的多大比例？",
        },
        expected=lambda: _platinum_gold_share("calibration", NARROW_PYRAMID),
        decimals=3,
        unit="share",
        hints=(
            {"en": "Rank customers by spend; the top 5% are platinum and the next 15% gold; add their shares of "
                   "total spend.",
             "zh": "按支出对客户排序；前 5% 是铂金客户，其后的 15% 是黄金客户；把他们各自占总支出的份额相加。"},
            {"en": "value.customer_pyramid(spend, {'platinum': 0.05, 'gold': 0.15, 'iron': 0.30, 'lead': 0.50}), then "
                   "value.tier_summary(spend, tiers)['value_share'].",
             "zh": "先调用 value.customer_pyramid(spend, {'platinum': 0.05, 'gold': 0.15, 'iron': 0.30, 'lead': 0.50})，"
                   "再取 value.tier_summary(spend, tiers)['value_share']。"},
        ),
        mistakes=[
            (lambda: 0.2,
             {"en": "0.2 is their share of customers; the question asks for their share of spend.",
              "zh": "0.2 是他们占客户人数的比例；题目问的是他们占支出的比例。"}),
            (lambda: _platinum_gold_share("calibration", None),
             {"en": "That is the default pyramid (10/20/30/40%); use 5/15/30/50%.",
              "zh": "这是默认的客户金字塔（10/20/30/40%）；请使用 5/15/30/50%。"}),
            (lambda: _platinum_gold_share("whole period", NARROW_PYRAMID),
             {"en": "That uses spend over the whole period; use the calibration period only (to 1997-09-30).",
              "zh": "这用的是整个时期的支出；请只用校准期（至 1997-09-30）的支出。"}),
        ],
    ),
    Exercise(
        id="01.5",
        prompt={
            "en": "A firm has 1,000 customers (margin 100, retention 0.8, discount rate 10%) and acquires 100 new "
                  "customers a year at 50 each, for ever. By how much does its customer equity rise if retention "
                  "goes up to 0.85 for everybody?",
            "zh": "一家企业有 1,000 名客户（利润 100，保留率 0.8，折现率 10%），并且每年以每人 50 的成本获取 100 名"
                  "新客户，永续不断。如果所有客户的保留率都提高到 0.85，其客户资产增加多少？",
        },
        expected=lambda: _equity_gain(current_only=False),
        decimals=0,
        unit={"en": "currency units", "zh": "货币单位"},
        hints=(
            {"en": "Customer equity is today's customers plus every future cohort; better retention raises the value "
                   "of both, so compute the equity twice and subtract.",
             "zh": "客户资产等于现有客户加上未来的每一个客户队列；保留率提高会同时提升二者的价值，所以要把客户资产计算"
                   "两次再相减。"},
            {"en": "Difference of value.customer_equity(100, r, 0.10, current_customers=1000, new_customers=100, "
                   "acquisition_cost=50)['customer_equity'] at r = 0.85 and r = 0.8.",
             "zh": "计算 value.customer_equity(100, r, 0.10, current_customers=1000, new_customers=100, "
                   "acquisition_cost=50)['customer_equity'] 在 r = 0.85 与 r = 0.8 时的差。"},
        ),
        mistakes=[(lambda: _equity_gain(current_only=True),
                   {"en": "That is only the gain on today's customers; future cohorts are retained better too.",
                    "zh": "这只是现有客户的增益；未来的客户队列同样会得到更好的保留。"})],
    ),
    Exercise(
        id="01.6",
        prompt={
            "en": "Fit the sBG model to the high-end cohort of Fader & Hardie (2007), years 0-7. At a discount rate "
                  "of 10% a year, what is the discounted expected residual lifetime (DERL, in yearly payments) of a "
                  "high-end customer who has renewed 7 times?",
            "zh": "用 sBG 模型拟合 Fader 与 Hardie（2007）的高端队列第 0-7 年的数据。在 10% 的年折现率下，一位已续约"
                  " 7 次的高端客户的折现预期剩余生命期（DERL，以年度付款次数计）是多少？",
        },
        expected=lambda: float(clv.discounted_expected_residual_lifetime(_sbg("high_end"), 7, 0.10)),
        decimals=2,
        unit={"en": "yearly payments", "zh": "年度付款次数"},
        hints=(
            {"en": "Seven renewals tell you this customer's churn probability is probably low; the model updates "
                   "theta to Beta(gamma, delta + 7) and sums the discounted survival from the next renewal on.",
             "zh": "七次续约说明这位客户的流失概率很可能较低；模型把 theta 更新为 Beta(gamma, delta + 7)，并从下一次"
                   "续约起对折现后的存活概率求和。"},
            {"en": "clv.fit(clv.retention_cohorts()['high_end'].iloc[:8], 'sbg'), then "
                   "clv.discounted_expected_residual_lifetime(model, 7, 0.10).",
             "zh": "先调用 clv.fit(clv.retention_cohorts()['high_end'].iloc[:8], 'sbg')，再调用 "
                   "clv.discounted_expected_residual_lifetime(model, 7, 0.10)。"},
        ),
        mistakes=[
            (lambda: float(clv.discounted_expected_residual_lifetime(_sbg("regular"), 7, 0.10)),
             {"en": "That is the regular cohort; fit the high-end one.",
              "zh": "这是普通队列的结果；请拟合高端队列。"}),
            (lambda: clv.discounted_expected_lifetime(_sbg("high_end"), 0.10),
             {"en": "That is the DEL of a just-acquired customer; the question is about one with 7 renewals.",
              "zh": "这是刚获取的客户的 DEL；题目问的是已续约 7 次的客户。"}),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="01.q1",
        prompt={"en": "In Fader & Hardie's regular cohort the retention rate rises from 63% in year 1 to about 95% in "
                      "year 12, yet in the sBG model every customer's own retention rate never changes. How?",
                "zh": "在 Fader 与 Hardie 的普通队列中，客户保留率从第 1 年的 63% 上升到第 12 年的约 95%，然而在 sBG "
                      "模型中，每位客户自身的保留率从不改变。这是怎么回事？"},
        options=[
            Option({"en": "Customers become more loyal the longer they stay.",
                    "zh": "客户留得越久就越忠诚。"},
                   False,
                   {"en": "That would be duration dependence inside each customer; the sBG has none, and it still "
                          "reproduces the rising curve.",
                    "zh": "那是每位客户内部的时长依赖；sBG 模型中没有这种依赖，却仍然再现了上升的曲线。"}),
            Option({"en": "Customers with a high churn probability leave first, so each year the survivors are a more "
                          "loyal mix: the cohort's retention rises by selection.",
                    "zh": "流失概率高的客户先离开，因此每年留下的客户构成都更加忠诚：队列的保留率因筛选效应而上升。"},
                   True,
                   {"en": "with theta ~ Beta(gamma, delta), r_t = (delta + t - 1)/(gamma + delta + t - 1) rises with t "
                          "because the survivors' theta distribution shifts towards 0.",
                    "zh": "在 theta ~ Beta(gamma, delta) 之下，r_t = (delta + t - 1)/(gamma + delta + t - 1) 随 t 上升，"
                          "因为留存者的 theta 分布向 0 移动。"}),
            Option({"en": "The firm improved its service over the years.",
                    "zh": "企业逐年改进了服务。"},
                   False,
                   {"en": "Possible in real data, but not needed: the model fitted to years 0-7 with constant "
                          "individual rates already projects the rise.",
                    "zh": "在真实数据中有这种可能，但并不需要这样解释：个体流失率恒定的模型用第 0-7 年拟合后，"
                          "已经预测出了这种上升。"}),
        ],
    ),
    Question(
        id="01.q2",
        prompt={"en": "A firm values its long-standing customers with CLV = m r / (1 + i - r), using the retention rate "
                      "of its newest cohort. What goes wrong?",
                "zh": "一家企业用 CLV = m r / (1 + i - r) 为其老客户估值，所用的是其最新客户队列的客户保留率。"
                      "问题出在哪里？"},
        options=[
            Option({"en": "Nothing: one retention rate describes all customers.",
                    "zh": "没有问题：一个保留率就能描述所有客户。"},
                   False,
                   {"en": "Retention differs across customers; the customers still there after many years are the "
                          "loyal ones.",
                    "zh": "保留率因客户而异；多年之后仍然留下的客户正是忠诚的客户。"}),
            Option({"en": "It undervalues the existing customers: those who have renewed many times have a lower "
                          "churn probability than a new cohort's average (Fader & Hardie 2010, the perils of "
                          "ignoring heterogeneity).",
                    "zh": "它低估了现有客户的价值：续约多次的客户，其流失概率低于新队列的平均水平（Fader 与 Hardie "
                          "2010，忽视异质性的危险）。"},
                   True,
                   {"en": "DERL after n renewals uses theta | n ~ Beta(gamma, delta + n); in the regular cohort a "
                          "customer with 7 renewals is worth 622 per 100 of yearly margin, the constant rate says 135.",
                    "zh": "n 次续约之后的 DERL 使用 theta | n ~ Beta(gamma, delta + n)；在普通队列中，每年利润为 100 时，"
                          "一位已续约 7 次的客户价值 622，而恒定保留率给出的是 135。"}),
            Option({"en": "It overvalues them, because old customers are about to leave.",
                    "zh": "它高估了他们的价值，因为老客户即将离开。"},
                   False,
                   {"en": "Under the sBG nobody's churn probability rises with tenure; the survivors are, if "
                          "anything, the least likely to leave.",
                    "zh": "在 sBG 模型中，任何人的流失概率都不会随客户关系时长上升；留下来的客户反而是最不可能离开的。"}),
        ],
    ),
    Question(
        id="01.q3",
        prompt={"en": "At r = 0.8 and i = 10%, why does a 1% rise in retention raise CLV by about 3.7%, but a 1% rise "
                      "in margin by only 1%?",
                "zh": "在 r = 0.8、i = 10% 时，为什么保留率提高 1% 会使 CLV 提高约 3.7%，而利润提高 1% 只使 CLV 提高 1%？"},
        options=[
            Option({"en": "Margin enters CLV linearly, retention also through the denominator 1 + i - r, which is "
                          "small (0.3) and shrinks as r grows.",
                    "zh": "利润以线性方式进入 CLV，保留率还通过分母 1 + i - r 起作用，而这个分母很小（0.3），"
                          "并且随 r 增大而缩小。"},
                   True,
                   {"en": "d ln CLV / d ln r = 1 + r/(1 + i - r) = 1 + 0.8/0.3 = 3.67, while the margin's elasticity "
                          "is exactly 1.",
                    "zh": "d ln CLV / d ln r = 1 + r/(1 + i - r) = 1 + 0.8/0.3 = 3.67，而利润的弹性恰好为 1。"}),
            Option({"en": "Because retained customers also pay higher prices.",
                    "zh": "因为被保留的客户还会支付更高的价格。"},
                   False,
                   {"en": "The formula holds the margin fixed; the effect is pure arithmetic of survival.",
                    "zh": "公式中利润是固定的；这一效应纯粹来自存活概率的算术。"}),
            Option({"en": "Because retention is measured in percent.",
                    "zh": "因为保留率是以百分数度量的。"},
                   False,
                   {"en": "Elasticities are unit-free: they compare relative changes.",
                    "zh": "弹性与单位无关：它比较的是相对变化。"}),
        ],
    ),
    Question(
        id="01.q4",
        prompt={"en": "Peng Cong's paper groups customers by tenure into old, new and potential customers. Who are the "
                      "potential customers?",
                "zh": "彭聪的论文按客户关系时长把客户分为老客户、新客户和潜在客户。谁是潜在客户？"},
        options=[
            Option({"en": "Prospects who have not bought yet, for example people on a marketing list.",
                    "zh": "尚未购买的潜在顾客，例如营销名单上的人。"},
                   True,
                   {"en": "that is the paper's meaning, and the one value.tenure_groups uses; former buyers who "
                          "have gone quiet are a different group (notebook 03 calls them lapsing).",
                    "zh": "这正是论文的含义，也是 value.tenure_groups 所采用的含义；已经沉寂的老买家是另一类客户"
                          "（notebook 03 称之为 lapsing，即趋于流失的客户）。"}),
            Option({"en": "Repeat buyers whose probability of still being a customer has fallen below one half.",
                    "zh": "仍是客户的概率已降到一半以下的重复购买者。"},
                   False,
                   {"en": "Those have bought and may be lost: a win-back target, called lapsing in notebook 03, not "
                          "the paper's potential customers.",
                    "zh": "这些人已经购买过，并且可能正在流失：他们是客户赢回的对象，notebook 03 称之为 lapsing，"
                          "而不是论文所说的潜在客户。"}),
            Option({"en": "Customers in the lead tier of the pyramid.",
                    "zh": "客户金字塔中铅层的客户。"},
                   False,
                   {"en": "The pyramid ranks buyers by value; potential customers have no purchases to rank.",
                    "zh": "客户金字塔按价值给购买者排序；潜在客户没有可供排序的购买。"}),
        ],
    ),
]
