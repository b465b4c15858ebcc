"""One set of defaults shared by the command line, the notebooks and the functions."""

import inspect

import pytest

from analysis import DEFAULTS, Settings, Tokenizer, TopicModel
from analysis.cli import build_parser


def test_functions_and_the_command_line_take_their_defaults_from_settings():
    tokenizer = DEFAULTS.make_tokenizer()
    assert (tokenizer.pos, tokenizer.min_len) == (DEFAULTS.pos, DEFAULTS.min_len)
    assert inspect.signature(Tokenizer).parameters["min_len"].default == DEFAULTS.min_len
    assert inspect.signature(TopicModel).parameters["min_df"].default == DEFAULTS.min_df
    args = build_parser().parse_args(["topics", "x.csv", "--k", "3", "--seed", "1", "--out", "o"])
    assert (args.unit, args.min_df) == (DEFAULTS.unit, DEFAULTS.min_df)


def test_none_keeps_the_default_and_auto_picks_the_unit_by_corpus_size():
    assert DEFAULTS.replace(min_len=None, min_df=3) == Settings(min_df=3)
    assert DEFAULTS.replace(stopwords="my_stopwords.txt").stopwords == "my_stopwords.txt"
    assert DEFAULTS.resolve_unit(DEFAULTS.min_documents - 1) == "paragraph"
    assert DEFAULTS.resolve_unit(DEFAULTS.min_documents) == "document"
    assert Settings(unit="sentence").resolve_unit(10_000) == "sentence"
    with pytest.raises(ValueError, match="unit must be"):
        Settings(unit="chapter")


def test_the_engine_names_the_command_line_offers_are_the_engines():
    from analysis.settings import DEFAULT_ENGINE_NAME, ENGINE_NAMES
    from analysis.topics import DEFAULT_ENGINE, ENGINES

    assert tuple(sorted(ENGINES)) == ENGINE_NAMES and DEFAULT_ENGINE == DEFAULT_ENGINE_NAME
