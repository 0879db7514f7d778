"""Exercises and self-check questions of notebook 00 (start here).

Each exercise applies a first pandas step of the notebook to a question it has not answered: another
month, another period, another item, another dataset.
"""

from __future__ import annotations

from crmlab import datasets
from crmlab.course.exercises import Exercise, Option, Question


def _first_purchases_in_february(kind: str = "customers") -> int:
    tx = datasets.load_cdnow_transactions()
    in_feb = (tx["date"] >= "1997-02-01") & (tx["date"] < "1997-03-01")
    if kind == "rows":
        return int(in_feb.sum())
    if kind == "any":
        return int(tx.loc[in_feb, "customer_id"].nunique())
    first = tx.groupby("customer_id")["date"].min()
    return int(((first >= "1997-02-01") & (first < "1997-03-01")).sum())


def _revenue_1998(per: str = "buyer") -> float:
    tx = datasets.load_cdnow_transactions()
    y98 = tx[tx["date"] >= "1998-01-01"]
    if per == "transaction":
        return float(y98["amount"].mean())
    if per == "customer":
        return float(y98["amount"].sum() / tx["customer_id"].nunique())
    return float(y98["amount"].sum() / y98["customer_id"].nunique())


def _recommend_share(rule: str = ">=9") -> float:
    score = datasets.load_ecsi_mobi()["CUSL3"]
    return float({">=9": score >= 9, ">9": score > 9, ">=8": score >= 8}[rule].mean())


def _donors_three_years(kind: str = "weighted") -> float:
    d = datasets.load_donations()
    if kind == "rows":
        return float((d["frequency"] >= 3).mean())
    if kind == "more than 3":
        return float(d.loc[d["frequency"] > 3, "weights"].sum() / d["weights"].sum())
    return float(d.loc[d["frequency"] >= 3, "weights"].sum() / d["weights"].sum())


EXERCISES = [
    Exercise(
        id="00.1",
        prompt={"en": "How many CDNOW sample customers made their first purchase in February 1997?",
                "zh": "CDNOW 样本中有多少名客户在 1997 年 2 月完成了首次购买？"},
        expected=_first_purchases_in_february,
        decimals=0,
        unit={"en": "customers", "zh": "人"},
        hints=(
            {"en": "A customer's first purchase is the earliest date in their rows: find it per customer, then count "
                   "the customers whose first date falls in February 1997.",
             "zh": "客户的首次购买就是其各行中最早的日期：先求出每位客户的首次购买日期，再数出首次购买日期落在 "
                   "1997 年 2 月的客户。"},
            {"en": "tx.groupby('customer_id')['date'].min(), then compare with '1997-02-01' and '1997-03-01' and sum.",
             "zh": "tx.groupby('customer_id')['date'].min()，再与 '1997-02-01' 和 '1997-03-01' 比较并求和。"},
        ),
        mistakes=[
            (lambda: _first_purchases_in_february("rows"),
             {"en": "That counts transactions in February; count customers, once each.",
              "zh": "这数的是 2 月的交易笔数；应当数客户，每位客户只计一次。"}),
            (lambda: _first_purchases_in_february("any"),
             {"en": "That counts every customer who bought in February, including those who had first bought in "
                    "January: use each customer's first date.",
              "zh": "这数的是 2 月有购买的所有客户，包括 1 月就已首次购买的客户：应当使用每位客户的首次购买日期。"}),
        ],
    ),
    Exercise(
        id="00.2",
        prompt={"en": "Average revenue per buying customer in January-June 1998 (CDNOW sample).",
                "zh": "1998 年 1-6 月有购买的客户人均收入（CDNOW 样本）。"},
        expected=_revenue_1998,
        decimals=2,
        unit={"en": "US$", "zh": "美元"},
        hints=(
            {"en": "Keep the 1998 transactions; divide their total amount by the number of distinct customers among them.",
             "zh": "只保留 1998 年的交易；用它们的总金额除以其中不同客户的人数。"},
            {"en": "y98 = tx[tx['date'] >= '1998-01-01'], then y98['amount'].sum() / y98['customer_id'].nunique().",
             "zh": "y98 = tx[tx['date'] >= '1998-01-01']，再计算 y98['amount'].sum() / y98['customer_id'].nunique()。"},
        ),
        mistakes=[
            (lambda: _revenue_1998("transaction"),
             {"en": "That is the average per transaction: divide by customers, not rows.",
              "zh": "这是每笔交易的平均值：应当除以客户数，而不是行数。"}),
            (lambda: _revenue_1998("customer"),
             {"en": "That divides by all 2,357 customers; the question asks per customer who bought in 1998.",
              "zh": "这是除以全部 2,357 名客户；题目问的是 1998 年有购买的客户的人均值。"}),
        ],
    ),
    Exercise(
        id="00.3",
        prompt={"en": "Share of ECSI respondents who answer 9 or 10 to 'would you recommend your operator' (CUSL3).",
                "zh": "ECSI 受访者中对“你是否会推荐你的运营商”（CUSL3）回答 9 或 10 的比例。"},
        expected=_recommend_share,
        decimals=3,
        unit="share",
        hints=(
            {"en": "The share of a condition is the mean of a column of True/False values.",
             "zh": "满足某一条件的比例，就是一列 True/False 值的均值。"},
            {"en": "(mobi['CUSL3'] >= 9).mean().",
             "zh": "计算 (mobi['CUSL3'] >= 9).mean()。"},
        ),
        mistakes=[
            (lambda: _recommend_share(">9"),
             {"en": "Close: '9 or 10' includes 9 (use >= 9).",
              "zh": "接近了：“9 或 10”包括 9（请用 >= 9）。"}),
            (lambda: _recommend_share(">=8"),
             {"en": "That counts 8 too; the question asks for 9 or 10.",
              "zh": "这把 8 也算进去了；题目要求的是 9 或 10。"}),
        ],
    ),
    Exercise(
        id="00.4",
        prompt={"en": "Share of the 11,104 donors of the donations data who gave again in at least 3 of the six years.",
                "zh": "捐赠数据的 11,104 名捐赠者中，六年里至少有 3 年再次捐赠的人所占的比例。"},
        expected=_donors_three_years,
        decimals=3,
        unit="share",
        hints=(
            {"en": "Each row is a pattern shared by `weights` donors: count donors, not rows.",
             "zh": "每一行是 `weights` 名捐赠者共有的一种模式：应当数捐赠者，而不是行。"},
            {"en": "d.loc[d['frequency'] >= 3, 'weights'].sum() / d['weights'].sum().",
             "zh": "计算 d.loc[d['frequency'] >= 3, 'weights'].sum() / d['weights'].sum()。"},
        ),
        mistakes=[
            (lambda: _donors_three_years("rows"),
             {"en": "That is the share of rows (patterns); each row stands for `weights` donors.",
              "zh": "这是行（模式）所占的比例；每一行代表 `weights` 名捐赠者。"}),
            (lambda: _donors_three_years("more than 3"),
             {"en": "'At least 3' includes 3 (use >= 3).",
              "zh": "“至少 3 年”包括 3 年（请用 >= 3）。"}),
        ],
    ),
]

QUESTIONS = [
    Question(
        id="00.q1",
        prompt={"en": "The CDNOW purchases per week jump in the first three months of 1997 and then fall to a slow "
                      "decline. Why?",
                "zh": "CDNOW 的每周购买量在 1997 年的前三个月猛增，随后转为缓慢下降。为什么？"},
        options=[
            Option({"en": "Everyone in the sample made their first purchase in that quarter: the sample is a cohort "
                          "acquired in January-March 1997.",
                    "zh": "样本中的每个人都在这一季度完成了首次购买：该样本是 1997 年 1-3 月获取的一个客户队列。"},
                   True,
                   {"en": "The data follows the customers acquired in the first quarter of 1997, so every first "
                          "purchase falls in those weeks; afterwards only repeat purchases remain.",
                    "zh": "数据跟踪的是 1997 年第一季度获取的客户，所以每一次首次购买都落在这几周里；此后只剩下重复购买。"}),
            Option({"en": "CD sales are seasonal and peak after Christmas.",
                    "zh": "CD 销售具有季节性，在圣诞节后达到高峰。"},
                   False,
                   {"en": "Seasonality would return in early 1998, and it does not: the jump is a property of how the "
                          "sample was drawn, not of the market.",
                    "zh": "若是季节性，1998 年初应当再次出现高峰，但并没有：这次猛增源于样本的抽取方式，而不是市场本身。"}),
            Option({"en": "Many customers' records were lost after March 1997.",
                    "zh": "1997 年 3 月之后，许多客户的记录丢失了。"},
                   False,
                   {"en": "Nothing is lost: the customers are followed to June 1998; most of them simply never buy again, "
                          "which is what the models of notebook 03 describe.",
                    "zh": "没有任何记录丢失：这些客户一直被跟踪到 1998 年 6 月；他们中的大多数只是再也没有购买，"
                          "而这正是 notebook 03 中的模型所描述的。"}),
        ],
    ),
    Question(
        id="00.q2",
        prompt={"en": "The SERVQUAL survey of the catalogue is synthetic. What can you learn from it?",
                "zh": "数据目录中的服务质量差距模型（SERVQUAL）调查是合成数据。你能从中学到什么？"},
        options=[
            Option({"en": "How large the service gaps of real online retailers are.",
                    "zh": "真实在线零售商的服务差距有多大。"},
                   False,
                   {"en": "Its gaps were set by the simulation (documented in datasets/make_servqual.py), so they say "
                          "nothing about real firms.",
                    "zh": "它的差距是由模拟设定的（见 datasets/make_servqual.py 中的说明），因此对真实企业说明不了任何问题。"}),
            Option({"en": "How a gap analysis works and how to read its output, with a known truth to check the "
                          "methods against.",
                    "zh": "差距分析如何进行、如何解读其输出，并且有一个已知的真实值可用来检验方法。"},
                   True,
                   {"en": "Synthetic data teaches the method, and because the true gaps are known you can see whether the "
                          "method recovers them; findings about real firms need real data.",
                    "zh": "合成数据用来教授方法；由于真实的差距是已知的，你可以看出方法能否把它们还原出来。"
                          "关于真实企业的结论则需要真实数据。"}),
            Option({"en": "Nothing: synthetic data has no use in a course.",
                    "zh": "什么也学不到：合成数据在课程中毫无用处。"},
                   False,
                   {"en": "Where no public microdata exists, a labelled, seeded simulation is the honest way to practise "
                          "the method, as long as no conclusion is drawn about the real world.",
                    "zh": "在没有公开微观数据的地方，明确标注、设定随机种子的模拟是练习方法的诚实做法，"
                          "只要不据此对现实世界下结论即可。"}),
        ],
    ),
    Question(
        id="00.q3",
        prompt={"en": "read_transactions stops on a row with a negative amount (a refund). What should you do?",
                "zh": "read_transactions 遇到金额为负的行（一笔退款）时会停下来。你应该怎么做？"},
        options=[
            Option({"en": "Take the absolute value of the amount.",
                    "zh": "取金额的绝对值。"},
                   False,
                   {"en": "That turns a refund into a purchase: the customer would look more valuable than they are.",
                    "zh": "这会把退款变成购买：客户看起来会比实际更有价值。"}),
            Option({"en": "Decide what a refund means for the analysis, for example drop refunds from a purchase log, "
                          "and record how many rows were dropped.",
                    "zh": "先确定退款对本分析意味着什么，例如从购买记录中剔除退款，并记录剔除了多少行。"},
                   True,
                   {"en": "The error asks for a decision; making it explicit (and counting what was dropped) keeps the "
                          "analysis reproducible and honest.",
                    "zh": "这条错误信息要求你作出决定；把决定明确写出来（并统计剔除了多少），分析才能保持可复现、可信。"}),
            Option({"en": "Delete the file's bad rows by hand and run again.",
                    "zh": "手工删除文件中有问题的行，然后重新运行。"},
                   False,
                   {"en": "Hand edits leave no trace: nobody, including you later, can see what was changed or why.",
                    "zh": "手工修改不留痕迹：任何人（包括日后的你自己）都无法知道改了什么、为什么改。"}),
        ],
    ),
]
