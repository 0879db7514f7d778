"""Fixtures of the value-chain tests: the hand example, the case firm and its value system."""

import pytest

from crmlab import datasets
from crmlab import valuechain as vc

from .specs import hand_spec


@pytest.fixture
def hand() -> vc.ValueChain:
    return vc.read_value_chain(hand_spec())


@pytest.fixture(scope="module")
def case() -> vc.ValueChain:
    return datasets.load_valuechain_case()


@pytest.fixture(scope="module")
def system() -> vc.ValueSystem:
    return datasets.load_valuesystem_case()
