"""Schema of the synthetic customer profiles of the CDNOW sample (data layer): the categories of each
profile variable, base category first. Used by :func:`crmlab.datasets.load_customer_profiles` and the
generator ``datasets/make_customer_profiles.py``.
"""

from __future__ import annotations

#: Categories of each profile variable, base category first.
PROFILE_CATEGORIES: dict[str, list[str]] = {
    "age_band": ["18-24", "25-34", "35-49", "50+"],
    "gender": ["female", "male"],
    "region": ["Northeast", "Midwest", "South", "West"],
    "channel": ["portal_ad", "search", "referral"],
    "household": ["single", "couple", "family"],
}
