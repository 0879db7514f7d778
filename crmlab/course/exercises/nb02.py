"""Exercises and self-check questions of notebook 02, value-chain mapping (answers from :mod:`crmlab.valuechain`).

Every exercise applies a method of the notebook to inputs it does not print: another margin rate,
another set of initiatives, another share of the expected effects, another lead time of the channel
partner.
"""

from __future__ import annotations

from crmlab import valuechain
from crmlab.datasets import DATA_DIR, load_valuechain_case, load_valuechain_template
from crmlab.course.exercises import Exercise, Option, Question

NEW_MARGIN_RATE = 0.08
TWO_INITIATIVES = ["site_performance", "web_self_service"]
EFFECT_SCALE = 0.6


def _service_cost(margin_rate: float, of: str = "cost") -> float:
    case = load_valuechain_case()
    share = float(valuechain.cost_structure(case).loc["service", "cost_share"])
    base = case.revenue * (1 - margin_rate) if of == "cost" else case.revenue
    return share * base


def _largest_gap(initiatives: list[str] | None) -> float:
    case = load_valuechain_case()
    chain = case if initiatives is None else valuechain.to_be(case, initiatives)
    return float(valuechain.touchpoint_gaps(chain)["gap"].max())


def _paying() -> list[str]:
    summary = valuechain.initiative_summary(load_valuechain_case())
    return list(summary.index[summary["margin_change"] >= 0])


def _margin_change(only_paying: bool, effect_scale: float) -> float:
    case = load_valuechain_case()
    keep = _paying() if only_paying else None
    return valuechain.to_be(case, keep, effect_scale=effect_scale).margin - case.margin


def _template_margin(effect_scale: float | None) -> float:
    template = load_valuechain_template()
    return template.margin if effect_scale is None else valuechain.to_be(template, effect_scale=effect_scale).margin


def _system() -> valuechain.ValueSystem:
    return valuechain.read_value_system(DATA_DIR / "valuesystem_case_ecommerce.yaml")


def _retailer_orders(marketplace_lead_time: float, columns: tuple[str, str] = ("ratio_not_shared", "ratio_shared"),
                     chain: str = "retailer") -> list[float]:
    table = valuechain.value_system_bullwhip(_system(), lead_times={"marketplace": marketplace_lead_time})
    return [float(table.loc[chain, c]) for c in columns]


EXERCISES = [
    Exercise(
        id="02.1",
        prompt={
            "en": ("Suppose the case firm earned an 8% margin rate instead of 5%, with the same revenue and cost "
                   "shares. What would its service activity cost a year?"),
            "zh": "假设案例企业的利润率为 8% 而不是 5%，收入和各项成本份额保持不变。它的服务活动每年的成本是多少？",
        },
        expected=lambda: _service_cost(NEW_MARGIN_RATE),
        decimals=2,
        unit={"en": "CNY million", "zh": "百万元"},
        hints=(
            {"en": "Total activity cost is revenue x (1 - margin rate); each activity takes its cost share of it.",
             "zh": "活动总成本等于收入 x (1 - 利润率)；每项活动按其成本份额分摊这一总成本。"},
            {"en": "vc.cost_structure(case).loc['service', 'cost_share'] x case.revenue x (1 - 0.08).",
             "zh": "计算式：vc.cost_structure(case).loc['service', 'cost_share'] x case.revenue x (1 - 0.08)。"},
        ),
        mistakes=[
            (lambda: _service_cost(0.05),
             {"en": "That is the service cost at the case's own 5% margin; use 8%.",
              "zh": "这是案例自身 5% 利润率下的服务成本；请使用 8%。"}),
            (lambda: _service_cost(NEW_MARGIN_RATE, of="revenue"),
             {"en": "The cost shares are shares of total cost, not of revenue: multiply by revenue x (1 - 0.08).",
              "zh": "成本份额是占总成本的份额，而不是占收入的份额：应乘以收入 x (1 - 0.08)。"}),
        ],
    ),
    Exercise(
        id="02.2",
        prompt={
            "en": ("If the firm implemented only the site speed and search optimisation and the web self-service "
                   "centre, what would the largest importance - performance gap among its touchpoints be?"),
            "zh": ("如果企业只实施“网站速度与搜索优化”和“网上自助服务中心”这两项举措，其各个触点中最大的"
                   "重要性-绩效差距是多少？"),
        },
        expected=lambda: _largest_gap(TWO_INITIATIVES),
        decimals=1,
        unit={"en": "scale points", "zh": "量表分"},
        hints=(
            {"en": "Apply just those two initiatives to the chain, then recompute every touchpoint's gap.",
             "zh": "只把这两项举措应用到价值链上，然后重新计算每个触点的差距。"},
            {"en": "vc.touchpoint_gaps(vc.to_be(case, ['site_performance', 'web_self_service']))['gap'].max().",
             "zh": "计算式：vc.touchpoint_gaps(vc.to_be(case, ['site_performance', 'web_self_service']))['gap'].max()。"},
        ),
        mistakes=[
            (lambda: _largest_gap(None),
             {"en": "That is the largest as-is gap (site speed); apply the two initiatives "
                    "first with vc.to_be(case, [...]).",
              "zh": "这是现状下的最大差距（网站速度）；请先用 vc.to_be(case, [...]) 实施这两项举措。"}),
            (lambda: _largest_gap(list(load_valuechain_case().initiatives.index)),
             {"en": "That is the largest gap with all seven initiatives; keep the two named.",
              "zh": "这是实施全部七项举措后的最大差距；只保留题中指定的两项。"}),
        ],
    ),
    Exercise(
        id="02.3",
        prompt={
            "en": ("The firm implements only the initiatives whose own margin change is zero or positive, and only "
                   "60% of their expected revenue effects come true. By how much does its margin change?"),
            "zh": ("企业只实施自身利润变化为零或为正的举措，且这些举措的预期收入效果只兑现 60%。"
                   "企业的利润变化多少？"),
        },
        expected=lambda: _margin_change(True, EFFECT_SCALE),
        decimals=3,
        unit={"en": "CNY million", "zh": "百万元"},
        hints=(
            {"en": ("Keep the initiatives with margin_change >= 0 and shrink every revenue effect to 60%: the costs "
                    "stay, the gains shrink."),
             "zh": "保留 margin_change >= 0 的举措，并把每项收入效果缩小到 60%：成本不变，收益缩小。"},
            {"en": ("vc.to_be(case, paying, effect_scale=0.6).margin - case.margin, with paying from "
                    "vc.initiative_summary(case)."),
             "zh": "计算式：vc.to_be(case, paying, effect_scale=0.6).margin - case.margin，其中 paying 取自 "
                   "vc.initiative_summary(case)。"},
        ),
        mistakes=[
            (lambda: _margin_change(True, 1.0),
             {"en": "That assumes the full expected effects (effect_scale 1); only 60% "
                    "come true.",
              "zh": "这假定预期效果完全兑现（effect_scale 为 1）；实际只兑现 60%。"}),
            (lambda: _margin_change(False, EFFECT_SCALE),
             {"en": "That is with all seven initiatives; leave out those "
                    "whose margin_change is negative.",
              "zh": "这是实施全部七项举措的结果；请去掉 margin_change 为负的举措。"}),
        ],
    ),
    Exercise(
        id="02.4",
        prompt={
            "en": ("Read the value-chain template as shipped (crmlab/datasets/data/valuechain_template.yaml). What is the margin "
                   "of its to-be chain if only half of its initiative's expected revenue effect comes true?"),
            "zh": ("读取按原样提供的价值链模板（crmlab/datasets/data/valuechain_template.yaml）。如果其举措的预期收入效果只兑现"
                   "一半，其目标价值链的利润是多少？"),
        },
        expected=lambda: _template_margin(0.5),
        decimals=3,
        unit={"en": "EUR million", "zh": "百万欧元"},
        hints=(
            {"en": "The template is a chain like the case: read it, apply its initiative at half strength.",
             "zh": "模板和案例一样是一条价值链：读取它，再以一半的强度实施其举措。"},
            {"en": "vc.to_be(vc.read_value_chain(DATA_DIR / 'valuechain_template.yaml'), effect_scale=0.5).margin.",
             "zh": ("计算式：vc.to_be(vc.read_value_chain(DATA_DIR / 'valuechain_template.yaml'), "
                    "effect_scale=0.5).margin。")},
        ),
        mistakes=[
            (lambda: _template_margin(1.0),
             {"en": "That is the to-be margin with the full expected effect; use "
                    "effect_scale=0.5.",
              "zh": "这是预期效果完全兑现时的目标利润；请使用 effect_scale=0.5。"}),
            (lambda: _template_margin(None),
             {"en": "That is the as-is margin: apply the initiative with vc.to_be first.",
              "zh": "这是现状利润：请先用 vc.to_be 实施举措。"}),
        ],
    ),
    Exercise(
        id="02.5",
        prompt={
            "en": ("The channel partner (the marketplace) switches to a carrier with a 2-week replenishment lead time "
                   "instead of 1 week. What is the variance of the retailer's orders to the makers relative to the "
                   "households' demand, [without, with] the marketplace sharing its daily sales?"),
            "zh": ("渠道伙伴（电商平台）改用一家补货提前期为 2 周而不是 1 周的承运商。零售商向制造商所下订单的方差"
                   "与家庭需求方差之比是多少？请按 [without, with] 的顺序给出电商平台不共享和共享其每日销售数据"
                   "两种情况下的值。"),
        },
        expected=lambda: _retailer_orders(2.0),
        decimals=2,
        unit={"en": "as ratios of variances", "zh": "方差之比"},
        hints=(
            {"en": ("Each stocking stage amplifies the variance it sees; sharing the customer demand turns the "
                    "multiplication into a sum of lead times. Change only the marketplace's lead time."),
             "zh": ("每个持有库存的层级都会放大它所看到的方差；共享客户需求会把逐级相乘变为提前期相加。"
                    "只改变电商平台的提前期。")},
            {"en": ("vc.value_system_bullwhip(system, lead_times={'marketplace': 2}).loc['retailer', "
                    "['ratio_not_shared', 'ratio_shared']]."),
             "zh": ("计算式：vc.value_system_bullwhip(system, lead_times={'marketplace': 2}).loc['retailer', "
                    "['ratio_not_shared', 'ratio_shared']]。")},
        ),
        mistakes=[
            (lambda: _retailer_orders(1.0),
             {"en": "Those are the ratios with the marketplace's current 1-week lead time; "
                    "set it to 2.",
              "zh": "这是电商平台当前 1 周提前期下的比值；请把提前期设为 2。"}),
            (lambda: _retailer_orders(2.0, ("lower_bound_not_shared", "ratio_shared")),
             {"en": ("The first value is Chen et al.'s lower bound (the product of the stages' factors); the exact "
                     "variance ratio without sharing is ratio_not_shared."),
              "zh": "第一个值是 Chen 等人给出的下界（各级放大系数的乘积）；不共享时精确的方差比是 ratio_not_shared。"}),
            (lambda: _retailer_orders(2.0, chain="marketplace"),
             {"en": ("Those are the marketplace's own orders; the question asks for the retailer's orders to the "
                     "makers."),
              "zh": "这是电商平台自己的订单；题目问的是零售商向制造商所下的订单。"}),
        ],
    ),
]


QUESTIONS = [
    Question(
        id="02.q1",
        prompt={"en": "Procurement creates only 0.53 of value per unit of cost on the case. Should the firm cut it?",
                "zh": "在本案例中，采购每单位成本只创造 0.53 的价值。企业应该削减这项活动吗？"},
        options=[
            Option({"en": "Yes: an activity that costs more than the value it creates should be cut.",
                    "zh": "应该：成本高于其所创造价值的活动就应当削减。"}, False,
                   {"en": ("support activities create value through the primary ones (supplier choice sets the "
                           "quality the buyer receives), and the value shares are a judgement; a low ratio is a "
                           "question, not a verdict."),
                    "zh": ("辅助活动通过基本活动创造价值（供应商的选择决定了买方得到的质量），而价值份额出自判断；"
                           "比值低只是提出了一个问题，而不是定论。")}),
            Option({"en": "Not on this number alone: look at its linkages and how the value shares were set.",
                    "zh": "不能只凭这个数字下结论：要看它的联系，以及价值份额是如何设定的。"}, True,
                   {"en": ("Porter's linkages carry value from one activity to another, and the ratio moves with the "
                           "attributed value shares; check both before acting."),
                    "zh": ("波特所说的联系把价值从一项活动传递到另一项活动，而比值会随归属给各活动的价值份额而变；"
                           "采取行动之前，两者都要核查。")}),
            Option({"en": "Yes, and move its budget to the activity with the highest ratio.",
                    "zh": "应该，并把它的预算转给比值最高的活动。"}, False,
                   {"en": ("ranking by value per cost ignores linkages and scale: technology development's high ratio "
                           "does not mean more money there creates value at the same rate."),
                    "zh": ("按单位成本价值排序忽略了联系和规模：技术开发的比值高，并不意味着在那里多投入资金"
                           "也能以同样的比率创造价值。")}),
        ],
    ),
    Question(
        id="02.q2",
        prompt={"en": "The phone contact's gap is −0.4 before the initiatives and −0.6 after them. What does it mean?",
                "zh": "电话联络的差距在实施举措之前为 −0.4，实施之后为 −0.6。这意味着什么？"},
        options=[
            Option({"en": "Customers are unhappy with the phone line.",
                    "zh": "客户对电话热线不满意。"}, False,
                   {"en": ("a negative gap means performance exceeds importance: customers get more than they need "
                           "there."),
                    "zh": "差距为负意味着绩效高于重要性：客户在这里得到的比他们需要的更多。"}),
            Option({"en": "The firm over-serves the phone line, and the initiatives add to the over-service.",
                    "zh": "企业对电话热线服务过度，而这些举措又加剧了服务过度。"}, True,
                   {"en": ("importance minus performance below zero is over-service; growing more negative, it "
                           "signals resources spent where customers care least."),
                    "zh": "重要性减去绩效小于零即为服务过度；差距变得更负，说明资源被花在了客户最不在意的地方。"}),
            Option({"en": "The gap is too small to matter, whatever its sign.",
                    "zh": "无论正负，这个差距都太小，无关紧要。"}, False,
                   {"en": ("both the sign and the direction of change are informative: here the initiatives move "
                           "effort the wrong way for this touchpoint."),
                    "zh": "差距的符号和变化方向都包含信息：在这里，这些举措使这一触点上的投入朝着错误的方向移动。"}),
        ],
    ),
    Question(
        id="02.q3",
        prompt={"en": ("With all seven initiatives the margin rises from 10.00 to 10.31 (CNY million), but the margin "
                       "rate falls from 5.0% to 4.8%. Why?"),
                "zh": "实施全部七项举措后，利润从 10.00 升至 10.31（百万元），利润率却从 5.0% 降至 4.8%。为什么？"},
        options=[
            Option({"en": ("Extra revenue brings only its contribution (revenue minus variable cost), while the "
                           "initiatives add fixed costs, so margin grows more slowly than revenue."),
                    "zh": ("新增收入只带来其边际贡献（收入减去变动成本），而这些举措增加的是固定成本，"
                           "因此利润的增长慢于收入的增长。")}, True,
                   {"en": ("revenue rises 7.5% but the margin only 3.1%: the contribution ratio is about 0.25 and the "
                           "new spending is fixed."),
                    "zh": "收入增长 7.5%，利润却只增长 3.1%：边际贡献率约为 0.25，而新增支出是固定的。"}),
            Option({"en": "Prices were cut to win the extra customers.",
                    "zh": "为了赢得新增客户而降低了价格。"}, False,
                   {"en": "the model has no price change: revenue grows by the initiatives' revenue effects.",
                    "zh": "模型中没有价格变化：收入的增长来自各项举措的收入效果。"}),
            Option({"en": "It is a rounding artefact.",
                    "zh": "这是四舍五入造成的假象。"}, False,
                   {"en": "0.050 against 0.048 is a real difference of the two computed rates, not rounding.",
                    "zh": "0.050 对 0.048 是两个计算所得比率之间的真实差异，而不是四舍五入的结果。"}),
        ],
    ),
    Question(
        id="02.q4",
        prompt={"en": ("When the marketplace shares its daily sales with the retailer and the makers, why do the "
                       "makers' orders swing less?"),
                "zh": "当电商平台与零售商和制造商共享其每日销售数据时，为什么制造商订单的波动会变小？"},
        options=[
            Option({"en": "Households buy more steadily.",
                    "zh": "家庭的购买变得更稳定了。"}, False,
                   {"en": "customer demand is the same in both cases; only what each stage forecasts from changes.",
                    "zh": "两种情况下的客户需求相同；变化的只是每一级据以预测的信息。"}),
            Option({"en": ("Each stage no longer forecasts from the already amplified orders of the stage below: the "
                           "amplification grows with the sum of the lead times instead of multiplying stage by stage."),
                    "zh": ("每一级不再依据下游已被放大的订单进行预测：放大效应随各级提前期之和增长，"
                           "而不再逐级相乘。")},
                   True,
                   {"en": ("that is Chen et al.'s (2000) result: centralised demand information removes the "
                           "compounding (10.6 instead of 30.7 for the makers on the case)."),
                    "zh": ("这正是 Chen 等人（2000）的结论：集中共享的需求信息消除了逐级叠加的放大"
                           "（在本案例中，制造商的倍数为 10.6 而不是 30.7）。")}),
            Option({"en": "The marketplace holds more safety stock.",
                    "zh": "电商平台持有更多的安全库存。"}, False,
                   {"en": "nothing in the model changes the stock policy; the difference comes from the demand signal.",
                    "zh": "模型中没有任何改变库存策略的内容；差异来自需求信号。"}),
        ],
    ),
]
