"""Which groups a corpus can compare, derived from its metadata."""

import pandas as pd

from analysis.groups import choose_comparison, find_group_columns


def test_group_columns_are_those_with_two_groups():
    docs = pd.DataFrame({"doc_id": list("abcd"), "speaker": ["김", "김", "이", ""], "city": ["광주"] * 4,
                         "year": ["2019", "2020", "2020", "nan"]})
    assert find_group_columns(docs) == ["speaker", "year"]
    assert find_group_columns(docs.drop(columns=["speaker", "year"])) == []


def test_a_comparison_defaults_to_the_two_largest_groups_and_says_why_not():
    docs = pd.DataFrame({"doc_id": list("abcde"), "city": ["광주", "광주", "대구", "대구", "부산"], "speaker": ""})
    c = choose_comparison(docs)
    assert (c.column, c.target, c.reference) == ("city", "광주", "대구")
    assert "2 documents" in c.reason and "KEYNESS_GROUP" in c.reason
    rest = choose_comparison(docs, "city", "부산", "rest")
    assert (rest.target, rest.reference) == ("부산", "rest") and "(4 documents)" in rest.reason
    assert (rest.n_target, rest.n_reference) == (1, 4) and (c.n_target, c.n_reference) == (2, 2)
    none = choose_comparison(docs[["doc_id"]])
    assert none.column is None and none.reason.startswith("no comparison") and "KEYNESS_GROUP" in none.reason
    missing = choose_comparison(docs, "city", "서울")
    assert missing.column is None and "'서울'" in missing.reason
