"""Which metadata a corpus can compare: group columns and the two groups of a comparison.

Notebooks compare groups (prevalence by speaker, keyness of one city against another),
and a corpus decides which comparisons it supports: five mayors' articles have
speakers and cities; speeches have presidents and years; a scrape without a manifest
has nothing to compare. Defaults are derived from the data, and a comparison the data
cannot support comes back with the reason and the parameter to set.

Example
-------
>>> docs = pd.DataFrame({"doc_id": list("abcd"), "speaker": ["김", "김", "이", "박"], "city": ["광주"] * 4})
>>> find_group_columns(docs)
['speaker']
>>> choose_comparison(docs).reason
'keyness compares speaker: 김 (2 documents) against 박 (1 documents); set KEYNESS_GROUP, KEYNESS_TARGET, KEYNESS_REFERENCE to choose'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["GROUP_COLUMNS", "GROUP_NAMES", "Comparison", "choose_comparison", "find_group_columns"]

# Metadata columns worth comparing, in the order a default is picked.
GROUP_COLUMNS = ("speaker", "city", "outlet", "year")
# How figures name them (the column, never a role such as "mayor").
GROUP_NAMES = {"speaker": "발화자", "city": "도시", "outlet": "매체", "year": "연도", "doc_id": "문서",
               "source_type": "자료 유형"}


def _values(documents: pd.DataFrame, column: str) -> pd.Series:
    values = documents[column].astype(str).str.strip() if column in documents else pd.Series(dtype=str)
    return values[(values != "") & (values.str.lower() != "nan")]


def find_group_columns(documents: pd.DataFrame, candidates=GROUP_COLUMNS, min_groups: int = 2) -> list[str]:
    """The candidate columns whose non-empty values form at least ``min_groups`` groups."""
    return [c for c in candidates if _values(documents, c).nunique() >= min_groups]


@dataclass(frozen=True)
class Comparison:
    """A comparison of two groups of one column, or ``column=None`` with the reason why not."""

    column: str | None
    target: str | None
    reference: str | None
    reason: str
    n_target: int = 0  # documents in each group (for figure captions)
    n_reference: int = 0


def choose_comparison(documents: pd.DataFrame, column: str | None = None, target: str | None = None,
                      reference: str | None = None, candidates=GROUP_COLUMNS,
                      parameters: tuple[str, str, str] = ("KEYNESS_GROUP", "KEYNESS_TARGET", "KEYNESS_REFERENCE")
                      ) -> Comparison:
    """Two groups to compare: ``column`` (default: the first candidate with two or more
    groups), ``target`` (default: its largest group by documents) and ``reference``
    (default: the second largest; ``"rest"`` means all the other documents).
    """
    names = ", ".join(parameters)
    if column is None:
        found = find_group_columns(documents, candidates)
        if not found:
            return Comparison(None, None, None, f"no comparison: none of {', '.join(candidates)} has two or more "
                                                f"groups in this corpus; set {names} to compare other columns")
        column = found[0]
    values = _values(documents, column)
    sizes = values.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    if len(sizes) < 2:
        return Comparison(None, None, None, f"no comparison: {column!r} has fewer than two groups; set {parameters[0]}")
    target = str(target) if target is not None else str(sizes.index[0])
    if reference is None:
        reference = next(str(g) for g in sizes.index if str(g) != target)
    missing = [g for g in (target, reference) if g != "rest" and g not in sizes.index]
    if missing:
        return Comparison(None, None, None, f"no comparison: {column!r} has no group {missing[0]!r} "
                                            f"(groups: {', '.join(map(str, sizes.index[:10]))}); set {names}")
    count = lambda g: int(sizes.drop(target).sum()) if g == "rest" else int(sizes[g])  # noqa: E731
    return Comparison(column, target, reference,
                      f"keyness compares {column}: {target} ({count(target)} documents) against {reference} "
                      f"({count(reference)} documents); set {names} to choose", count(target), count(reference))
