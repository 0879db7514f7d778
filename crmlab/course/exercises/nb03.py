"""Exercises and self-check questions of notebook 03, BG/NBD lifetime estimation (answers computed with
:mod:`crmlab.clv`).

Six of the seven exercises apply the notebook's methods to inputs it does not print: another
calibration end, another customer history, another horizon, another discount rate, another donor.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from crmlab import clv
from crmlab.datasets import load_cdnow_transactions, load_donations
from crmlab.course.exercises import Exercise, Option, Question

CALIBRATION_END, OBSERVATION_END = "1997-09-30", "1998-06-30"
HALF_YEAR_END = "1997-06-30"
WEEKS = {"freq": "D", "freq_multiplier": 7}
WEEKLY_10_PERCENT = 1.10 ** (1 / 52) - 1


@functools.cache
def _cal_holdout() -> pd.DataFrame:
    return clv.calibration_holdout(
        load_cdnow_transactions(), CALIBRATION_END, OBSERVATION_END, monetary_col="amount", **WEEKS
    )


@functools.cache
def _model(name: str):
    return clv.fit(_cal_holdout(), name)


@functools.cache
def _bgbb():
    return clv.fit(load_donations(), "bgbb")


def _no_repeat(kind: str) -> int:
    tx = load_cdnow_transactions()
    if kind == "days":
        summary = clv.calibration_holdout(tx, HALF_YEAR_END, OBSERVATION_END, **WEEKS)
        return int((summary["frequency_cal"] == 0).sum())
    if kind == "rows":
        rows = tx[tx["date"] <= HALF_YEAR_END].groupby("customer_id").size()
        return int((rows == 1).sum())
    return int((_cal_holdout()["frequency_cal"] == 0).sum())  # the 39-week calibration period


def _top_share(by: str) -> float:
    cal = _cal_holdout()
    value = _clv()
    ranking = value if by == "clv" else cal["monetary_value_cal"] * cal["frequency_cal"]
    top = ranking.sort_values(ascending=False, kind="stable").index[: int(np.ceil(0.2 * len(cal)))]
    return float(value.loc[top].sum() / value.sum())


@functools.cache
def _clv() -> pd.Series:
    cal = _cal_holdout()
    return clv.customer_lifetime_value(
        _model("bgnbd"), _model("gamma_gamma"), cal["frequency_cal"], cal["recency_cal"], cal["T_cal"],
        cal["monetary_value_cal"], horizon=12, period_length=52 / 12, discount_rate=0.01,
    )


def _dert(rate: float) -> float:
    return float(clv.dert(_model("bgnbd"), 4, 32, 39, rate))


def _pmf(x: int, t: float) -> float:
    return float(clv.purchase_count_pmf(_model("bgnbd"), x, t))


EXERCISES = [
    Exercise(
        id="03.1",
        prompt={
            "en": (
                "How many of the 2,357 CDNOW customers made no repeat purchase by the end of June 1997 (a "
                "calibration period ending 1997-06-30), counting purchases in days as the model summary does?"
            ),
            "zh": "若校准期截至 1997-06-30，并像模型汇总那样按“天”计算购买，2,357 位 CDNOW 客户中有多少位到 1997 年 "
                  "6 月底还没有任何重复购买？",
        },
        expected=lambda: _no_repeat("days"),
        decimals=0,
        unit={"en": "customers", "zh": "人"},
        hints=(
            {
                "en": "A repeat purchase is a purchase day after the first one; customers with x = 0 in a summary "
                      "that ends on 1997-06-30 made none.",
                "zh": "重复购买指首次购买之后的每一个购买日；在截至 1997-06-30 的汇总中，x = 0 的客户就是一次也没有"
                      "重复购买的客户。",
            },
            {
                "en": "clv.calibration_holdout(tx, '1997-06-30', '1998-06-30', freq='D', freq_multiplier=7), then "
                      "count frequency_cal == 0.",
                "zh": "先调用 clv.calibration_holdout(tx, '1997-06-30', '1998-06-30', freq='D', freq_multiplier=7)，"
                      "再统计 frequency_cal == 0 的客户数。",
            },
        ),
        mistakes=[
            (lambda: _no_repeat("rows"),
             {"en": "That counts customers with one transaction row: two rows on the same day are one purchase.",
              "zh": "这统计的是只有一行交易记录的客户：同一天的两行记录只算一次购买。"}),
            (lambda: _no_repeat("september"),
             {"en": "That is the count for the 39-week calibration period of the notebook (to 1997-09-30); end it "
                    "on 1997-06-30.",
              "zh": "这是本笔记本 39 周校准期（截至 1997-09-30）的人数；请让校准期在 1997-06-30 结束。"}),
        ],
    ),
    Exercise(
        id="03.2",
        prompt={
            "en": (
                "With the BG/NBD model fitted to the calibration period, how many purchases do you expect in the "
                "next 52 weeks from a customer with x = 4, t_x = 32 and T = 39 weeks?"
            ),
            "zh": "用在校准期上拟合的 BG/NBD模型，一位 x = 4、t_x = 32、T = 39 周的客户在未来 52 周内预期购买多少次？",
        },
        expected=lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 52)),
        decimals=2,
        unit={"en": "purchases", "zh": "次"},
        hints=(
            {
                "en": "Condition on the customer's own history (x, t_x, T): P(alive) times what an alive customer "
                      "with that purchase rate buys.",
                "zh": "以该客户自己的购买历史 (x, t_x, T) 为条件：P(alive) 乘以具有这一购买率的存活客户的购买量。",
            },
            {"en": "clv.expected_purchases(bgnbd, 4, 32, 39, 52).",
             "zh": "调用 clv.expected_purchases(bgnbd, 4, 32, 39, 52)。"},
        ),
        mistakes=[
            (lambda: float(clv.expected_repeat_purchases(_model("bgnbd"), 52)),
             {"en": "That is E[X(52)] for a brand-new customer; condition on this customer's history.",
              "zh": "这是一位全新客户的 E[X(52)]；请以这位客户的购买历史为条件。"}),
            (lambda: float(clv.expected_purchases(_model("bgnbd"), 4, 32, 39, 39)),
             {"en": "That is the next 39 weeks (the holdout length); the question asks for 52.",
              "zh": "这是未来 39 周（检验期的长度）的结果；题目问的是 52 周。"}),
        ],
    ),
    Exercise(
        id="03.3",
        prompt={
            "en": (
                "Same customer (x = 4, T = 39), but the last purchase was in week 10 (t_x = 10). What is the "
                "BG/NBD probability that this customer is still alive?"
            ),
            "zh": "同一位客户（x = 4，T = 39），但最近一次购买在第 10 周（t_x = 10）。按 BG/NBD模型，这位客户仍然存活的"
                  "概率是多少？",
        },
        expected=lambda: float(clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
        decimals=3,
        unit="share",
        hints=(
            {
                "en": "A customer who bought four times in ten weeks and then stayed silent for 29 weeks: silence that "
                      "long is unusual for someone that active, so the model thinks they probably died.",
                "zh": "这位客户十周内购买了四次，随后沉默了 29 周：对如此活跃的客户来说，这么长的沉默很反常，"
                      "所以模型认为他很可能已经流失。",
            },
            {"en": "clv.probability_alive(bgnbd, 4, 10, 39).",
             "zh": "调用 clv.probability_alive(bgnbd, 4, 10, 39)。"},
        ),
        mistakes=[
            (lambda: float(1 - clv.probability_alive(_model("bgnbd"), 4, 10, 39)),
             {"en": "That is the probability that the customer has dropped out.",
              "zh": "这是客户已经流失的概率。"}),
            (lambda: float(clv.probability_alive(_model("bgnbd"), 4, 32, 39)),
             {"en": "That uses t_x = 32; the last purchase was in week 10.",
              "zh": "这里用的是 t_x = 32；最近一次购买在第 10 周。"}),
        ],
    ),
    Exercise(
        id="03.4",
        prompt={
            "en": (
                "With the 12-month CLV of section 8, what share of the total do the top 20% of customers "
                "(ranked by predicted CLV) hold?"
            ),
            "zh": "使用第 8 节的 12 个月 CLV，按预测 CLV 排名前 20% 的客户占全部价值的比例是多少？",
        },
        expected=lambda: _top_share("clv"),
        decimals=2,
        unit="share",
        hints=(
            {
                "en": "Rank the customers by predicted CLV, keep the first fifth (rounded up), and divide their CLV "
                      "by the total.",
                "zh": "按预测 CLV 给客户排序，取前五分之一（向上取整），用他们的 CLV 之和除以总和。",
            },
            {"en": "value.sort_values(ascending=False); ranked.iloc[:ceil(0.2 * n)].sum() / ranked.sum().",
             "zh": "value.sort_values(ascending=False)；再计算 ranked.iloc[:ceil(0.2 * n)].sum() / ranked.sum()。"},
        ),
        mistakes=[
            (lambda: _top_share("past"),
             {"en": "That ranks customers by past calibration spend; rank them by the predicted CLV itself.",
              "zh": "这是按校准期的历史消费金额排序的；请直接按预测的 CLV 排序。"}),
        ],
    ),
    Exercise(
        id="03.5",
        prompt={
            "en": (
                "The firm discounts at 10% a year. What is the DERT (discounted expected residual transactions, "
                "BG/NBD) of the customer with x = 4, t_x = 32, T = 39 weeks?"
            ),
            "zh": "企业按每年 10% 的折现率折现。x = 4、t_x = 32、T = 39 周的那位客户，其 DERT（折现预期剩余交易次数，"
                  "BG/NBD）是多少？",
        },
        expected=lambda: _dert(WEEKLY_10_PERCENT),
        decimals=2,
        unit={"en": "discounted transactions", "zh": "折现交易次数"},
        hints=(
            {
                "en": "DERT adds every future transaction, each discounted to today, over the whole remaining lifetime; "
                      "the model is in weeks, so the yearly rate must become a weekly one: (1 + 0.10)^(1/52) - 1.",
                "zh": "DERT 把整个剩余生命周期内未来的每一次交易都折现到今天再相加；模型以周为时间单位，"
                      "因此要把年折现率换算为周折现率：(1 + 0.10)^(1/52) - 1。",
            },
            {"en": "clv.dert(bgnbd, 4, 32, 39, discount_rate=1.10 ** (1 / 52) - 1).",
             "zh": "调用 clv.dert(bgnbd, 4, 32, 39, discount_rate=1.10 ** (1 / 52) - 1)。"},
        ),
        mistakes=[
            (lambda: _dert(0.10),
             {"en": "You discounted at 10% a week: convert the yearly rate to the model's weeks.",
              "zh": "你按每周 10% 折现了：请把年折现率换算为模型所用的周折现率。"}),
            (lambda: _dert(0.10 / 52),
             {"en": "0.10 / 52 is a simple-interest weekly rate; the compounded one is 1.10 ** (1 / 52) - 1.",
              "zh": "0.10 / 52 是按单利换算的周利率；按复利换算应为 1.10 ** (1 / 52) - 1。"}),
        ],
    ),
    Exercise(
        id="03.6",
        prompt={
            "en": (
                "What is the probability that a just-acquired CDNOW customer makes no repeat purchase in their "
                "first 52 weeks (BG/NBD)?"
            ),
            "zh": "一位刚获取的 CDNOW 客户在最初 52 周内没有任何重复购买的概率是多少（BG/NBD模型）？",
        },
        expected=lambda: _pmf(0, 52.0),
        decimals=3,
        unit="share",
        hints=(
            {
                "en": "This is P(X(t) = x) for a new customer, with x = 0 and t = 52: no history to condition on.",
                "zh": "这是新客户的 P(X(t) = x)，其中 x = 0、t = 52：没有可供作为条件的购买历史。",
            },
            {"en": "clv.purchase_count_pmf(bgnbd, 0, 52).",
             "zh": "调用 clv.purchase_count_pmf(bgnbd, 0, 52)。"},
        ),
        mistakes=[
            (lambda: 1 - _pmf(0, 52.0),
             {"en": "That is the probability of at least one repeat purchase.",
              "zh": "这是至少有一次重复购买的概率。"}),
            (lambda: _pmf(0, 39.0),
             {"en": "That is the first 39 weeks; the question asks for 52.",
              "zh": "这是最初 39 周的结果；题目问的是 52 周。"}),
        ],
    ),
    Exercise(
        id="03.7",
        prompt={
            "en": (
                "BG/BB on the donations data: a donor of the 1995 cohort gave in 3 of the 6 years 1996-2001, the "
                "last time in 1999 (x = 3, t_x = 4, n = 6). What is the probability that they are alive in 2002, "
                "the next opportunity?"
            ),
            "zh": "捐赠数据上的 BG/BB模型：1995 年那批捐赠者中的一位，在 1996–2001 这 6 年中有 3 年捐过款，最近一次在 "
                  "1999 年（x = 3，t_x = 4，n = 6）。他在下一次机会即 2002 年仍然存活的概率是多少？",
        },
        expected=lambda: float(clv.probability_alive(_bgbb(), 3, 4, 6)),
        decimals=3,
        unit="share",
        hints=(
            {
                "en": "The donor must have survived every year since 1999 and also the step into 2002; P(alive at "
                      "the next opportunity) is what Fader, Hardie & Shang (2010) tabulate.",
                "zh": "这位捐赠者必须熬过 1999 年以来的每一年，还要熬过进入 2002 年的这一步；下一次机会时的 P(alive) "
                      "正是 Fader、Hardie 与 Shang（2010）列表给出的概率。",
            },
            {"en": "clv.probability_alive(bgbb, 3, 4, 6) (at='next', the default).",
             "zh": "调用 clv.probability_alive(bgbb, 3, 4, 6)（at='next'，即默认设置）。"},
        ),
        mistakes=[
            (lambda: float(clv.probability_alive(_bgbb(), 3, 4, 6, at="last")),
             {"en": "That is P(alive in 2001), the last year observed (at='last'); the question asks about 2002.",
              "zh": "这是 2001 年（最后一个观察年份）的存活概率（at='last'）；题目问的是 2002 年。"}),
            (lambda: float(1 - clv.probability_alive(_bgbb(), 3, 4, 6)),
             {"en": "That is the probability that the donor has lapsed.",
              "zh": "这是捐赠者已经流失的概率。"}),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="03.q1",
        prompt={
            "en": "Customer 1's P(alive) is 1.0 until the first repeat purchase (week 2.4) and falls to about "
                  "0.75 right at that purchase. Why does buying lower it?",
            "zh": "客户 1 的 P(alive) 在第一次重复购买（第 2.4 周）之前一直是 1.0，而恰在这次购买时降到约 0.75。"
                  "为什么购买反而使它下降？",
        },
        options=[
            Option(
                {"en": "The model punishes frequent buyers.",
                 "zh": "模型惩罚购买频繁的客户。"},
                False,
                {"en": "A purchase raises P(alive) whenever it ends a silence that looked like death; only at the "
                       "first repeat purchase does it fall, and for a reason that has nothing to do with frequency.",
                 "zh": "一次购买如果终结了一段看似“死亡”的沉默，就会提高 P(alive)；只有在第一次重复购买时它才会下降，"
                       "而原因与购买频次毫无关系。"},
            ),
            Option(
                {"en": "In the BG/NBD a customer can only die right after a repeat purchase. Before the first one "
                       "death was impossible; the purchase brings the first chance to die, a coin flip with "
                       "probability p, so P(alive) drops to 1 - E[p] = b / (a + b) = 0.75.",
                 "zh": "在 BG/NBD模型中，客户只能在某次重复购买之后立即“死亡”。第一次重复购买之前不可能死亡；"
                       "这次购买带来了第一次死亡的机会，即一次以概率 p 发生的“抛硬币”，因此 P(alive) 降到 "
                       "1 - E[p] = b / (a + b) = 0.75。"},
                True,
                {"en": "with x = 1 and t_x = T the formula 1 / (1 + a/(b + x - 1) ((alpha + T)/(alpha + t_x))^(r+x)) "
                       "is 1 / (1 + a/b) = b/(a + b); with a = 0.793, b = 2.426 that is 0.754.",
                 "zh": "当 x = 1 且 t_x = T 时，公式 1 / (1 + a/(b + x - 1) ((alpha + T)/(alpha + t_x))^(r+x)) "
                       "化为 1 / (1 + a/b) = b/(a + b)；代入 a = 0.793、b = 2.426，结果为 0.754。"},
            ),
            Option(
                {"en": "A numerical artefact of the hypergeometric function.",
                 "zh": "这是超几何函数造成的数值误差。"},
                False,
                {"en": "P(alive) of the BG/NBD is an elementary closed form with no hypergeometric function; the "
                       "drop is exactly b/(a + b).",
                 "zh": "BG/NBD模型的 P(alive) 是不含超几何函数的初等闭式解；下降后的值恰好是 b/(a + b)。"},
            ),
        ],
    ),
    Question(
        id="03.q2",
        prompt={
            "en": "All 1,411 CDNOW customers with no repeat purchase get P(alive) = 1.000 from the BG/NBD. What "
                  "does that tell you?",
            "zh": "在 BG/NBD模型下，CDNOW 中全部 1,411 位没有重复购买的客户都得到 P(alive) = 1.000。这说明了什么？",
        },
        options=[
            Option(
                {"en": "They are certainly still customers.",
                 "zh": "他们肯定仍然是我们的客户。"},
                False,
                {"en": "Many of them will never buy again: the holdout shows most stay silent. P(alive) = 1 is a "
                       "consequence of the model, not of the data.",
                 "zh": "他们中的许多人再也不会购买：检验期显示大多数人一直沉默。P(alive) = 1 是模型设定的结果，"
                       "而不是数据的结论。"},
            ),
            Option(
                {"en": "It is a BG/NBD assumption: dropout happens only after a repeat purchase, so a customer "
                       "who has not repurchased cannot have died. The MBG/NBD adds a death chance at the first "
                       "purchase and gives them P(alive) well below 1.",
                 "zh": "这是 BG/NBD模型的假设：流失只发生在重复购买之后，因此没有再次购买的客户不可能已经“死亡”。"
                       "MBG/NBD模型在首次购买时也加入了流失的可能，给这些客户的 P(alive) 远低于 1。"},
                True,
                {"en": "the model's story decides; the MBG/NBD (Batislam et al. 2007) fixes it with a coin flip "
                       "at time 0, and its P(alive) for x = 0 falls with the age T.",
                 "zh": "起决定作用的是模型的设定；MBG/NBD模型（Batislam 等 2007）在时刻 0 加入一次“抛硬币”来修正这一点，"
                       "其 x = 0 客户的 P(alive) 随观察时长 T 的增加而下降。"},
            ),
            Option(
                {"en": "The data are wrong: they should have frequency 1.",
                 "zh": "数据有误：他们的购买频次应当是 1。"},
                False,
                {"en": "x counts repeat purchases; the first purchase is the trial and is not counted, so x = 0 "
                       "is right for one-time buyers.",
                 "zh": "x 统计的是重复购买次数；首次购买属于试用性购买，不计入其中，因此只购买过一次的客户 x = 0 是正确的。"},
            ),
        ],
    ),
    Question(
        id="03.q3",
        prompt={
            "en": "The total DERT-based residual value of the cohort is several times the total 12-month CLV of "
                  "section 8. Which explanation is right?",
            "zh": "基于 DERT 计算的这批客户剩余价值总额，是第 8 节 12 个月 CLV 总额的数倍。哪一种解释是正确的？",
        },
        options=[
            Option(
                {"en": "DERT uses a lower discount rate.",
                 "zh": "DERT 使用了更低的折现率。"},
                False,
                {"en": "15% a year is higher than the 1% a month (12.7% a year) of the CLV; a higher rate makes "
                       "DERT smaller, not larger.",
                 "zh": "每年 15% 高于 CLV 所用的每月 1%（每年 12.7%）；折现率越高，DERT 越小，而不是越大。"},
            ),
            Option(
                {"en": "DERT counts every future purchase over the whole remaining lifetime, the 12-month CLV only "
                       "the next year; for customers who live long the later years add most of the value.",
                 "zh": "DERT 计入整个剩余生命周期内未来的每一次购买，而 12 个月 CLV 只计入下一年；"
                       "对于存活时间长的客户，以后各年贡献了大部分价值。"},
                True,
                {"en": "a residual-lifetime measure has no horizon; the discount rate and the death process are "
                       "what make the sum finite.",
                 "zh": "衡量剩余生命周期的指标没有期限；是折现率和流失过程使这一总和保持有限。"},
            ),
            Option(
                {"en": "DERT ignores that customers die.",
                 "zh": "DERT 忽略了客户会流失。"},
                False,
                {"en": "DERT is weighted by P(alive) and by the dropout process at every future date.",
                 "zh": "DERT 在未来的每一个时点都以 P(alive) 和流失过程加权。"},
            ),
        ],
    ),
    Question(
        id="03.q4",
        prompt={
            "en": "A BG/BB donor who gave in 2001, the last year observed, has P(alive) = 1 'at the last "
                  "opportunity' but about 0.93 'at the next opportunity'. Which one should a fundraiser use to "
                  "decide whom to ask in 2002?",
            "zh": "在 BG/BB模型中，一位在 2001 年（最后一个观察年份）捐过款的捐赠者，“最后一次机会时”的 P(alive) = 1，"
                  "而“下一次机会时”约为 0.93。募捐者在决定 2002 年向谁发出募捐请求时，应当使用哪一个？",
        },
        options=[
            Option(
                {"en": "The last opportunity: the donor certainly was alive in 2001.",
                 "zh": "最后一次机会时的概率：这位捐赠者在 2001 年肯定是存活的。"},
                False,
                {"en": "True but useless for 2002: death happens between opportunities, so being alive in 2001 "
                       "says nothing certain about 2002.",
                 "zh": "说法没错，但对 2002 年没有用：流失发生在两次机会之间，2001 年存活并不能确定 2002 年的情况。"},
            ),
            Option(
                {"en": "The next opportunity: it is the probability that the donor can still give in 2002, which "
                       "is what the decision is about and what Fader, Hardie & Shang (2010) tabulate.",
                 "zh": "下一次机会时的概率：它是捐赠者在 2002 年仍可能捐款的概率，这正是决策所关心的，"
                       "也是 Fader、Hardie 与 Shang（2010）列表给出的概率。"},
                True,
                {"en": "it multiplies in the chance of surviving one more step, (delta + n)/(gamma + delta + n) "
                       "for a donor who gave at n.",
                 "zh": "它还乘上了再存活一步的概率，对于在第 n 次机会捐过款的捐赠者，这一概率为 "
                       "(delta + n)/(gamma + delta + n)。"},
            ),
        ],
    ),
]
