"""Exercises and self-check questions of notebook 05, CRM adoption by firm size (answers from :mod:`crmlab.adoption`).

Five of the seven exercises apply a method of the notebook to inputs it does not print: another
variable, another group of firms, another threshold, another pair of years. 05.1 and 05.3 read back two
numbers the notebook prints, to practise the methods behind them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crmlab import adoption
from crmlab.datasets import (
    load_adoption_statistics,
    load_firm_survey,
    load_readiness_cases,
    load_readiness_instrument,
)
from crmlab.course.exercises import Exercise, Option, Question

if TYPE_CHECKING:
    from statsmodels.discrete.discrete_model import BinaryResultsWrapper


def _wilson(size_class: str | None, confidence: float = 0.95) -> list[float]:
    survey = load_firm_survey()
    part = survey if size_class is None else survey[survey["size_class"] == size_class]
    low, high = adoption.wilson_interval(int(part["adopted"].sum()), len(part), confidence)
    return [float(low), float(high)]


def _association(column: str, statistic: str) -> float:
    return float(adoption.chi2_independence(load_firm_survey(), column, "adopted")[statistic])


def _adoption_logit() -> BinaryResultsWrapper:
    return adoption.fit_adoption_logit(load_firm_survey())


def _ame_log_employees() -> float:
    return float(adoption.average_marginal_effects(_adoption_logit()).loc["np.log(employees)", "ame"])


def _coef_log_employees() -> float:
    return float(_adoption_logit().params["np.log(employees)"])


CONDITIONS = ("V2", "O1", "O3", "T1")  # the supply-chain paper's four conditions on the instrument


def _distributor(column: str, practices: tuple[str, ...] | None = CONDITIONS) -> float:
    instrument = load_readiness_instrument()
    table = adoption.gap_table(load_readiness_cases(), instrument, by="practice_id")
    firm = table.xs("Mid-size distributor", level="firm")
    if practices is None:  # all nine factors and conditions
        practices = tuple(instrument.loc[instrument["source_factor"] != "", "practice_id"])
    return float(firm.loc[list(practices), column].mean())


def _weighted_share(offering: str | None, weighted: bool = True) -> float:
    survey = load_firm_survey()
    part = survey if offering is None else survey[survey["offering"] == offering]
    return float(np.average(part["adopted"], weights=part["weight"] if weighted else None))


def _exposed(threshold: int) -> dict[str, int]:
    diagnostic = adoption.failure_diagnostic(load_readiness_cases(), load_readiness_instrument(), threshold)
    return {str(k): int(v) for k, v in diagnostic.groupby("firm", sort=False)["exposed"].sum().items()}


def _growth(kind: str) -> float:
    stats = load_adoption_statistics()
    if kind == "annual":
        return adoption.series_growth(stats, "crm_software_revenue", 2011, 2015)
    rows = adoption.market_figures(stats).query("indicator == 'crm_software_revenue' and not forecast")
    values = rows.set_index("year")["value"]
    total = float(values[2015] / values[2011] - 1)
    return total if kind == "total" else total / 4


EXERCISES = [
    Exercise(
        id="05.1",
        prompt={"en": ("Give the 95% Wilson interval [low, high] for the CRM adoption rate of medium firms "
                       "(50-249 employees) in the synthetic survey."),
                "zh": "请给出合成调查中中型企业（50-249 人）CRM采用率的 95% Wilson 置信区间 [low, high]。"},
        expected=lambda: _wilson("50-249"),
        decimals=3,
        unit="share",
        hints=({"en": ("Count the adopters x and the firms n of the 50-249 class; the Wilson interval inverts the "
                       "score test around x/n."),
                "zh": "数出 50-249 人这一等级的采用者数 x 和企业数 n；Wilson 区间是围绕 x/n 对得分检验反解得到的。"},
               {"en": ("adoption.wilson_interval(x, n) returns (low, high); or read the class's row of "
                       "adoption.adoption_by_size(survey)."),
                "zh": ("adoption.wilson_interval(x, n) 返回 (low, high)；也可以读取 "
                       "adoption.adoption_by_size(survey) 中该等级的那一行。")}),
        mistakes=[
            (lambda: _wilson(None), {"en": "That interval pools all 1,500 firms: keep the 50-249 class only.",
                                     "zh": "这个区间把全部 1,500 家企业合在一起计算了：只保留 50-249 人这一等级。"}),
            (lambda: _wilson("50-249", 0.90),
             {"en": "That is a 90% interval; the question asks for 95% (confidence=0.95).",
              "zh": "这是 90% 区间；题目要求的是 95%（confidence=0.95）。"}),
        ],
    ),
    Exercise(
        id="05.2",
        prompt={"en": ("How strongly is the sector associated with CRM adoption? Give Cramér's V of sector by "
                       "adoption."),
                "zh": "行业与CRM采用之间的关联有多强？请给出行业与采用情况的 Cramér's V。"},
        expected=lambda: _association("sector", "cramers_v"),
        decimals=3,
        unit={"en": "as Cramér's V between 0 and 1", "zh": "Cramér's V（取值在 0 到 1 之间）"},
        hints=({"en": ("Cross-tabulate sector against adopted, compute Pearson's X² and scale it: "
                       "V = √(X² / (n (min(r, c) − 1)))."),
                "zh": "将 sector 与 adopted 作交叉表，计算 Pearson 的 X²，再加以缩放：V = √(X² / (n (min(r, c) − 1)))。"},
               {"en": "adoption.chi2_independence(survey, 'sector', 'adopted')['cramers_v'].",
                "zh": "用 adoption.chi2_independence(survey, 'sector', 'adopted')['cramers_v'] 计算。"}),
        mistakes=[
            (lambda: _association("sector", "chi2"),
             {"en": "That is the chi-squared statistic X²; Cramér's V is √(X² / (n (min(r, c) − 1))).",
              "zh": "这是卡方统计量 X²；Cramér's V 是 √(X² / (n (min(r, c) − 1)))。"}),
            (lambda: _association("size_class", "cramers_v"),
             {"en": "That is Cramér's V of size class, printed in section 4; the question asks about sector.",
              "zh": "这是规模等级的 Cramér's V，第 4 节已经打印过；题目问的是行业。"}),
        ],
    ),
    Exercise(
        id="05.3",
        prompt={"en": ("Fit the default adoption logit and give the average marginal effect of ln(employees) "
                       "on the probability of using CRM."),
                "zh": "拟合默认的采用 Logit 模型，给出 ln(employees) 对使用CRM概率的平均边际效应。"},
        expected=_ame_log_employees,
        decimals=3,
        unit={"en": "as a change in probability per unit of ln(employees)",
              "zh": "ln(employees) 每增加一个单位时概率的变化"},
        hints=({"en": ("An average marginal effect averages β·p̂(1 − p̂) over the firms: the change in probability, "
                       "not in log-odds."),
                "zh": "平均边际效应是 β·p̂(1 − p̂) 在所有企业上的平均值：它是概率的变化，而不是对数优势的变化。"},
               {"en": ("adoption.average_marginal_effects(adoption.fit_adoption_logit(survey)), row "
                       "'np.log(employees)', column 'ame'."),
                "zh": ("adoption.average_marginal_effects(adoption.fit_adoption_logit(survey))，取 "
                       "'np.log(employees)' 行、'ame' 列。")}),
        mistakes=[(_coef_log_employees,
                   {"en": ("That is the logit coefficient (log-odds per unit of ln employees); the AME is on the "
                           "probability scale: average β·p(1−p) over firms."),
                    "zh": ("这是 Logit 系数（ln employees 每增加一个单位时对数优势的变化）；AME 位于概率尺度上："
                           "对所有企业的 β·p(1−p) 求平均。")})],
    ),
    Exercise(
        id="05.4",
        prompt={"en": ("Across the supply-chain paper's four conditions (top-management support, a capable team, "
                       "staff training, suitable software and hardware), what is the mid-size distributor's mean "
                       "intention − reality gap?"),
                "zh": ("在供应链一文的四项条件（高层管理者支持、一支得力的团队、员工培训、合适的软硬件）上，"
                       "中型分销商的意图 − 现实平均差距是多少？")},
        expected=lambda: _distributor("gap"),
        decimals=2,
        unit={"en": "score points", "zh": "分"},
        hints=({"en": ("Find the practice that measures each condition (the success-factor map), take the "
                       "distributor's gap on each, and average the four."),
                "zh": "找出衡量每项条件的实践（成功因素对应表），取分销商在每项上的差距，再对这四项求平均。"},
               {"en": ("adoption.gap_table(scores, instrument, by='practice_id'), rows ('Mid-size distributor', "
                       "pid) for pid in V2, O1, O3, T1, column 'gap', then .mean()."),
                "zh": ("adoption.gap_table(scores, instrument, by='practice_id')，取 pid 为 V2、O1、O3、T1 的 "
                       "('Mid-size distributor', pid) 各行、'gap' 列，再用 .mean()。")}),
        mistakes=[
            (lambda: _distributor("reality"),
             {"en": "That is the mean reality score; the gap is intention − reality.",
              "zh": "这是现实得分的平均值；差距是意图 − 现实。"}),
            (lambda: _distributor("gap", None),
             {"en": "That averages all nine factors and conditions; keep the supply-chain paper's four.",
              "zh": "这是对全部九项因素和条件求的平均；只保留供应链一文的四项条件。"}),
        ],
    ),
    Exercise(
        id="05.5",
        prompt={"en": ("Estimate the share of all service-providing enterprises (offering == 'services', 10+ "
                       "persons employed) that use CRM, from the over-sampled survey."),
                "zh": ("利用这份过度抽样的调查，估计所有提供服务的企业（offering == 'services'，就业人数 10 人及以上）"
                       "中使用CRM的比例。")},
        expected=lambda: _weighted_share("services"),
        decimals=3,
        unit="share",
        hints=({"en": "Keep the services firms, then weight each by its design weight: large firms are over-sampled.",
                "zh": "只保留服务类企业，再用各自的设计权重加权：大型企业被过度抽样了。"},
               {"en": ("np.average(part['adopted'], weights=part['weight']) with part = survey[survey['offering'] "
                       "== 'services']."),
                "zh": ("np.average(part['adopted'], weights=part['weight'])，其中 "
                       "part = survey[survey['offering'] == 'services']。")}),
        mistakes=[
            (lambda: _weighted_share("services", weighted=False),
             {"en": "That is the unweighted sample share: large firms are over-represented, so use the `weight` "
                    "column.",
              "zh": "这是未加权的样本比例：大型企业的代表性过高，请使用 `weight` 列加权。"}),
            (lambda: _weighted_share(None),
             {"en": "That is the weighted share of all firms; keep the services firms.",
              "zh": "这是全部企业的加权比例；只保留服务类企业。"}),
        ],
    ),
    Exercise(
        id="05.6",
        prompt={"en": ("Run the failure diagnostic with a stricter threshold: a firm is exposed to a problem when "
                       "the detecting practice's reality score is 3 or less. How many of the six problems is each "
                       "case firm exposed to? Give a dict {firm: count}."),
                "zh": ("用更严格的阈值运行失败诊断：当识别某个问题的实践的现实得分小于或等于 3 时，即认为企业面临该问题。"
                       "每家案例企业面临六个问题中的几个？请给出字典 {firm: count}。")},
        expected=lambda: _exposed(3),
        decimals=0,
        unit={"en": "problems", "zh": "个"},
        hints=({"en": ("The threshold decides when a practice counts as not in place; count, per firm, the problems "
                       "whose detecting practice scores at or below it."),
                "zh": "阈值决定一项实践何时算作未到位；按企业统计识别实践得分小于或等于阈值的问题个数。"},
               {"en": "adoption.failure_diagnostic(scores, instrument, threshold=3).groupby('firm')['exposed'].sum().",
                "zh": ("用 adoption.failure_diagnostic(scores, instrument, threshold=3).groupby('firm')['exposed'].sum() "
                       "计算。")}),
        mistakes=[(lambda: _exposed(2),
                   {"en": "Those are the counts at the default threshold 2; use threshold=3.",
                    "zh": "这是默认阈值 2 下的计数；请使用 threshold=3。"})],
    ),
    Exercise(
        id="05.7",
        prompt={"en": ("By how much a year did Gartner's total CRM software revenue grow on average from 2011 to "
                       "2015 (compound annual growth)?"),
                "zh": "2011 至 2015 年间，Gartner 统计的CRM软件总收入平均每年增长多少（复合年增长率）？"},
        expected=lambda: _growth("annual"),
        decimals=3,
        unit="share",
        hints=({"en": "Compound annual growth is (v₁ / v₀)^(1/n) − 1 over n years; here n = 4.",
                "zh": "n 年间的复合年增长率为 (v₁ / v₀)^(1/n) − 1；这里 n = 4。"},
               {"en": ("adoption.series_growth(stats, 'crm_software_revenue', 2011, 2015), or "
                       "adoption.growth_rate(16, 26.3, 4)."),
                "zh": ("adoption.series_growth(stats, 'crm_software_revenue', 2011, 2015)，或 "
                       "adoption.growth_rate(16, 26.3, 4)。")}),
        mistakes=[
            (lambda: _growth("total"),
             {"en": "That is the growth over all four years; the annual rate is its fourth root, (v₁ / v₀)^(1/4) − 1.",
              "zh": "这是整整四年的总增长；年增长率是它的四次方根：(v₁ / v₀)^(1/4) − 1。"}),
            (lambda: _growth("simple"),
             {"en": "That divides the four-year growth by 4; growth compounds: take the fourth root of v₁ / v₀ "
                    "instead.",
              "zh": "这是把四年的增长除以 4；增长是复利式的：应取 v₁ / v₀ 的四次方根。"}),
        ],
    ),
]


QUESTIONS = [
    Question(
        id="05.q1",
        prompt={"en": "Eurostat's EU-27 share of enterprises using CRM was 33% in 2019 and 25.8% in 2023. What does "
                      "the comparison show?",
                "zh": "Eurostat 统计的欧盟 27 国使用CRM的企业比例，2019 年为 33%，2023 年为 25.8%。这一比较说明了什么？"},
        options=[
            Option({"en": "CRM use fell by about 7 percentage points.",
                    "zh": "CRM的使用下降了约 7 个百分点。"}, False,
                   {"en": "the 2023 figure answers a new question on CRM software; a break in the series means the "
                          "two numbers measure different things, so their difference is not a change.",
                    "zh": "2023 年的数字回答的是一个关于CRM软件的新问题；序列断点意味着两个数字测量的是不同的东西，"
                          "所以二者之差并不是变化。"}),
            Option({"en": "Nothing about the change: the question changed in 2023, so the series breaks.",
                    "zh": "说明不了变化：2023 年问题变了，序列出现了断点。"}, True,
                   {"en": "a change can only be read within one definition; compare 2023 with later years asked the "
                          "same way.",
                    "zh": "只有在同一定义之内才能读出变化；应把 2023 年与以同样方式提问的后续年份相比较。"}),
            Option({"en": "The 2023 figure must be a typing error.",
                    "zh": "2023 年的数字一定是录入错误。"}, False,
                   {"en": "it is flagged as not verified against Eurostat's table, but a lower figure is what a "
                          "narrower question would give; the break, not an error, explains it.",
                    "zh": "它被标注为尚未与 Eurostat 的数据表核对，但范围更窄的问题本来就会得出更低的数字；"
                          "能解释它的是序列断点，而不是错误。"}),
        ],
    ),
    Question(
        id="05.q2",
        prompt={"en": "The 2017 EU share (34%) is drawn as 'derived from a primary source'. What can you say about "
                      "the 2017 share?",
                "zh": "2017 年的欧盟比例（34%）在图中被标为“由原始文献推算”。关于 2017 年的比例，你能得出什么结论？"},
        options=[
            Option({"en": "It was exactly 34%.", "zh": "它恰好是 34%。"}, False,
                   {"en": "no source prints 34%: it is 33% minus the stated one-point decline, and both are rounded.",
                    "zh": "没有任何来源印出 34%：它是由 33% 和文中所说的下降一个百分点推算出来的，而这两个数都经过了四舍五入。"}),
            Option({"en": "It was about 34%, give or take a point: 33% and the one-point decline are both rounded.",
                    "zh": "它约为 34%，上下浮动约一个百分点：33% 和下降的一个百分点都是四舍五入后的数。"}, True,
                   {"en": "a figure derived from rounded figures inherits their rounding, so it is an approximation of "
                          "the real share, not a printed statistic.",
                    "zh": "由四舍五入后的数字推算出的数字会继承它们的舍入误差，所以它只是真实比例的近似值，"
                          "而不是公开发布的统计数字。"}),
            Option({"en": "Nothing: without the table the figure is useless.",
                    "zh": "什么也说不了：没有数据表，这个数字毫无用处。"}, False,
                   {"en": "the article's statement does pin it down approximately; 'derived' says how it was obtained, "
                          "so the reader can judge its precision.",
                    "zh": "文章的表述确实能大致确定它；“推算”说明了它是怎样得到的，读者据此可以判断其精度。"}),
        ],
    ),
    Question(
        id="05.q3",
        prompt={"en": "The supply-chain paper forecast a US$67 bn CRM market for 2004; Gartner put CRM new-licence "
                      "revenue in 2004 at about US$3.5 bn. What follows?",
                "zh": ("供应链一文预测 2004 年CRM市场规模为 670 亿美元（US$67 bn）；Gartner 统计的 2004 年CRM新许可"
                       "收入约为 35 亿美元（US$3.5 bn）。由此可以得出什么结论？")},
        options=[
            Option({"en": "The forecast was about 19 times too high.",
                    "zh": "该预测过高，约为实际值的 19 倍。"}, False,
                   {"en": "the two numbers measure different things (the paper's undefined market vs licence sales "
                          "only); a forecast can only be scored against an outcome of the same measure.",
                    "zh": "这两个数字测量的是不同的东西（该文未加界定的市场与单纯的许可销售额）；"
                          "预测只能与同一口径的实际结果相比较。"}),
            Option({"en": "The forecast cannot be scored, because its measure is undefined; where a measure is "
                          "defined, Gartner's own one- and two-year forecasts were 18-29% too high: read market "
                          "forecasts sceptically.",
                    "zh": ("该预测无法评估，因为其口径未加界定；在口径明确之处，Gartner 自己提前一年和两年的预测"
                           "高估了 18-29%：对市场预测应持怀疑态度。")}, True,
                   {"en": "matching the measure first is the rule; the like-for-like comparisons that can be made "
                          "show forecasts made in a boom overshooting.",
                    "zh": "先对齐口径是基本规则；能够进行的同口径比较表明，繁荣时期作出的预测都偏高了。"}),
            Option({"en": "The CRM market collapsed after 2000.",
                    "zh": "2000 年以后CRM市场崩溃了。"}, False,
                   {"en": "licence sales dipped in 2001-2002, but total CRM software revenue grew to US$26 bn by 2015; "
                          "nothing here shows a collapse of the paper's (undefined) market.",
                    "zh": ("许可销售额在 2001-2002 年有所下滑，但CRM软件总收入到 2015 年增长到 260 亿美元"
                           "（US$26 bn）；这里没有任何证据表明该文所说的（未加界定的）市场崩溃了。")}),
        ],
    ),
    Question(
        id="05.q4",
        prompt={"en": "The large retailer has suitable software in place (T1 reality 5) but is exposed to blind "
                      "adoption, a culture at odds with CRM and flawed processes. What should come first?",
                "zh": ("大型零售商已具备合适的软件（T1 现实得分 5），却面临盲目采用、企业文化与CRM不相适应以及"
                       "业务流程存在缺陷等问题。应当首先做什么？")},
        options=[
            Option({"en": "An upgrade of the CRM suite.", "zh": "升级CRM套件。"}, False,
                   {"en": "technology is the one part already in place; more of it leaves the exposed problems "
                          "untouched and adds cost.",
                    "zh": "技术恰恰是已经到位的那一部分；再增加技术投入，面临的问题依然如故，还会增加成本。"}),
            Option({"en": "The countermeasures for the exposed problems: a stated need and business case, customer-"
                          "centred incentives, and outside-in redesign of the processes.",
                    "zh": "针对所面临问题的对策：明确需求并进行业务论证，以客户为中心设计激励，由外而内地重新设计流程。"},
                   True,
                   {"en": "the paper answers each problem with its countermeasure; the diagnostic points at "
                          "organisation and process, as Rigby, Reichheld & Schefter (2002) warn: technology before "
                          "strategy fails.",
                    "zh": ("该论文对每个问题都给出了对策；诊断结果指向组织和流程，正如 Rigby、Reichheld 与 Schefter"
                           "（2002）所警告的：技术先于战略，必然失败。")}),
            Option({"en": "Dropping CRM, since it has not paid.",
                    "zh": "既然CRM没有带来回报，就放弃它。"}, False,
                   {"en": "the diagnostic shows why it has not paid and what to change; abandoning it wastes the part "
                          "that works.",
                    "zh": "诊断说明了它为什么没有带来回报、需要改变什么；放弃它会浪费已经在发挥作用的部分。"}),
        ],
    ),
]
