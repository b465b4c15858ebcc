"""Fixtures of the topics tests: the themed corpus and one fitted model per engine."""

import pytest
from topics_corpus import ENGINES, FAST, make_units

from analysis.topics import TopicModel


@pytest.fixture(scope="session")
def units():
    return make_units()


@pytest.fixture(scope="session")
def models(units):
    # Fixed seed: on a corpus this small LDA can settle in a local optimum
    # (two topics splitting one theme) for some seeds; seed 2 is not one.
    # Session scope: every test module reads the same fitted models, none changes them.
    return {
        engine: TopicModel(engine, 3, seed=2, min_df=2, max_df=0.9, options=FAST[engine]).fit(units)
        for engine in ENGINES
    }
