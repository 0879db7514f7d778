"""crmlab.datasets.schema.profiles: the categories of the synthetic profiles, shared by the generator and
the loader."""

import sys
from pathlib import Path

from crmlab import datasets
from crmlab.datasets.schema.profiles import PROFILE_CATEGORIES

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "datasets"))
import make_customer_profiles  # noqa: E402


def test_generator_draws_the_schema_categories_base_first():
    assert list(make_customer_profiles.DESIGN) == list(PROFILE_CATEGORIES)
    for variable, (categories, shares, *_effects) in make_customer_profiles.DESIGN.items():
        assert list(categories) == PROFILE_CATEGORIES[variable]
        assert len(shares) == len(categories) and abs(sum(shares) - 1) < 1e-12


def test_loaded_profiles_use_every_category_and_no_other():
    profiles = datasets.load_customer_profiles()
    assert len(profiles) == 2357
    for variable, categories in PROFILE_CATEGORIES.items():
        assert list(profiles[variable].cat.categories) == categories
        assert set(profiles[variable]) == set(categories) and profiles[variable].notna().all()
