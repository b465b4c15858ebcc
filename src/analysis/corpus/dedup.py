"""Find exact and near-duplicate documents: syndicated wire stories, press releases,
second copies.

Model: a document is the set of its character shingles (5-character windows of the
text with all white space removed, so line breaks and spacing do not matter). Two
documents are duplicates when the Jaccard similarity of their shingle sets reaches a
threshold. MinHash signatures (datasketch), banded as datasketch's LSH bands them, propose
candidate pairs without comparing all pairs; each candidate is then confirmed with the
exact Jaccard similarity, so the threshold means what it says. Only the signatures (512
bytes a document) and the shingles of documents in candidate pairs are ever held, so the
corpus's texts need not be (:mod:`analysis.corpus.stream`).

Clusters are built greedily in canonical order (earliest ``published`` first, undated
last, then the smallest ``doc_id`` in natural order): a document joins the most
similar earlier canonical document it matches, otherwise it becomes canonical itself.
Every duplicate is therefore at least ``threshold``-similar to its own canonical copy
(no chaining), and the result does not depend on input order.

Example
-------
>>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "published": ["2021-03-04", "2021-03-03", ""],
...                      "text": ["광주시는 인공지능 중심 도시를 만들겠다고 밝혔다. 예산은 천억 원이다.",
...                               "광주시는 인공지능 중심 도시를 만들겠다고 밝혔다. 예산은 천억 원이다.",
...                               "대구시는 스마트시티 사업을 시작한다."]})
>>> find_duplicates(docs).to_dict("records")
[{'doc_id': 'a', 'duplicate_of': 'b', 'similarity': 1.0}]
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

DEDUP_THRESHOLD = 0.8
SHINGLE = 5
NUM_PERM = 128
SCHEME = "affine32"  # datasketch 2.0's 32-bit permutations (its default), named so a signature can be rebuilt
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads polynomial hashes over all 64 bits (wraps mod 2**64)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def hash_shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    """The sorted, unique 64-bit hashes of a text's k-character shingles (white space removed).

    Deterministic across runs and machines (no Python ``hash``), and vectorised, because
    a corpus of 10k speeches has tens of millions of shingles.

    Example
    -------
    >>> len(hash_shingles("가나다라마바")), len(hash_shingles("가나 다라\\n마바"))
    (2, 2)
    >>> bool((hash_shingles("가나다라마바") == hash_shingles("가나 다라\\n마바")).all())
    True
    """
    compact = "".join(text.split())
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:  # a text shorter than one shingle is its own single shingle
        codes = np.concatenate([codes, np.zeros(k - len(codes), dtype=np.uint64)])
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):  # polynomial hash of each window, base 2**21 + 23 (> any code point)
            h = h * np.uint64(2_097_175) + codes[j: j + n]
    # Sort-based unique: numpy 2.4's hash-based np.unique is far slower on uint64.
    h = np.sort(_mix64(h))
    return h[np.concatenate(([True], h[1:] != h[:-1]))]


def compute_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays.

    Example
    -------
    >>> compute_jaccard(np.array([1, 2, 3], dtype=np.uint64), np.array([2, 3, 4], dtype=np.uint64))
    0.5
    """
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 1.0


def sort_key_natural(doc_id: str) -> tuple:
    """Sort key that orders ``doc-9`` before ``doc-10`` (digit runs compare as numbers).

    Example
    -------
    >>> sorted(["a10", "a9", "b1"], key=sort_key_natural)
    ['a9', 'a10', 'b1']
    """
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", doc_id) if part)


# People and places a headline names: a name before an office (이용섭 광주시장), or a
# place with its administrative suffix (대구시, 광주광역시).
_TITLE_PERSON = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s+[가-힣]{0,6}?(?:시장|도지사|지사|군수|구청장|의장|장관|대통령|총리|위원장|교육감)")
# Three-syllable names take 시 or 군 (의정부시, 서귀포시, 남양주시, 울릉군); 구 stays
# two-syllable (공동연구 is no district), provinces are named (올해도 is no province), and
# a "place" ending in 도시 (중심도시, 혁신도시) is a common noun.
_PROVINCES = "경기도|강원도|충청북도|충청남도|전라북도|전라남도|경상북도|경상남도|제주도|충북|충남|전북|전남|경북|경남"
_TITLE_PLACE = re.compile(r"(?<![가-힣])([가-힣]{2,3}(?:특별시|광역시|특별자치시|특별자치도|시|군)|[가-힣]{2}구|"
                          rf"{_PROVINCES})(?![가-힣])")


def find_title_entities(title: str) -> set[str]:
    """The people and places a headline names (see :func:`find_duplicates`).

    Example
    -------
    >>> sorted(find_title_entities('이용섭 광주시장 "AI 중심도시"')), sorted(find_title_entities("대구시, AI 선포"))
    (['이용섭'], ['대구시'])
    >>> sorted(find_title_entities("의정부시·서귀포시 스마트시티 선정, 올해도 공동연구"))
    ['서귀포시', '의정부시']
    """
    title = str(title or "")
    places = {place for place in _TITLE_PLACE.findall(title) if not place.endswith("도시")}  # 중심도시 is no city's name
    return set(_TITLE_PERSON.findall(title)) | places


def sign_text(text: str, *, num_perm: int = NUM_PERM, shingle: int = SHINGLE) -> np.ndarray:
    """A text's MinHash signature over its shingles (``num_perm`` values, each < 2**32).

    Small (4 bytes per permutation) and all that :func:`cluster_duplicates` needs of a
    document until a candidate pair has to be confirmed.

    Example
    -------
    >>> a, b = sign_text("광주시는 인공지능 중심 도시를 만든다"), sign_text("광주시는  인공지능 중심 도시를 만든다")
    >>> a.dtype.name, len(a), bool((a == b).all())
    ('uint32', 128, True)
    """
    mine = hash_shingles(text, shingle)
    signature = _empty_signature(num_perm).copy()
    # datasketch's 32-bit scheme takes 32-bit hash values; fold the 64-bit ones.
    signature.update_batch(((mine >> np.uint64(32)) ^ (mine & np.uint64(0xFFFFFFFF))).tolist())
    return signature.hashvalues.astype(np.uint32)


@functools.lru_cache(maxsize=4)
def _empty_signature(num_perm: int):
    """One MinHash per setting to copy from, as datasketch's ``MinHash.generator`` does: a
    new MinHash draws its permutations afresh, which took a sixth of an import's time."""
    from datasketch import MinHash  # here, not at import: it pulls in scipy.integrate (0.3 s)

    return MinHash(num_perm=num_perm, seed=1, hashfunc=int, scheme=SCHEME)


def order_canonically(doc_ids: list[str], dates: list[str]) -> list[int]:
    """Positions in canonical order: earliest date first, undated last, then natural doc_id."""
    return sorted(range(len(doc_ids)), key=lambda i: (dates[i] == "", dates[i], sort_key_natural(doc_ids[i])))


def find_candidate_pairs(signatures: np.ndarray, threshold: float = DEDUP_THRESHOLD) -> np.ndarray:
    """Pairs of rows (``[[i, j], ...]``, ``i < j``, sorted) that LSH proposes as possible
    duplicates: they share a band of their signatures (datasketch's banding for
    ``threshold - 0.2``, which lets through pairs somewhat below the threshold), and their
    signatures estimate a similarity of at least ``threshold - 0.2``.

    Arrays, not an index: about 150 bytes per document for the bands, 16 per pair.
    The estimate misses a pair whose true similarity reaches the threshold with odds
    below 1e-8 (at 0.8 with 128 permutations the estimate's sd is 0.035; 0.2 is 5.7 sd).
    """
    from datasketch import MinHashLSH  # here, not at import: it pulls in scipy.integrate (0.3 s)

    n, num_perm = signatures.shape
    floor = max(0.3, threshold - 0.2)
    ranges = MinHashLSH(threshold=floor, num_perm=num_perm).hashranges
    pairs = []
    with np.errstate(over="ignore"):
        for first, last in ranges:
            key = np.zeros(n, dtype=np.uint64)  # equal bands give equal keys (a 64-bit mix of the band)
            for column in signatures[:, first:last].T.astype(np.uint64):
                key = _mix64(key * np.uint64(0x100000001B3) + column)
            order = np.argsort(key, kind="stable")
            cut = np.flatnonzero(np.diff(key[order]) != 0) + 1
            for group in np.split(order, cut):
                if len(group) > 1:
                    group = np.sort(group)
                    a, b = np.triu_indices(len(group), k=1)
                    pairs.append(np.stack([group[a], group[b]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(pairs).astype(np.int64), axis=0)
    same = np.concatenate([(signatures[pairs[k:k + 100_000, 0]] == signatures[pairs[k:k + 100_000, 1]]).mean(axis=1)
                           for k in range(0, len(pairs), 100_000)])
    return pairs[same >= floor]


def cluster_duplicates(doc_ids: list[str], dates: list[str], titles: list[set[str]], signatures: np.ndarray,
                       measure_pairs, threshold: float = DEDUP_THRESHOLD) -> pd.DataFrame:
    """The clustering of :func:`find_duplicates`, from each document's signature
    (:func:`sign_text`, one row per document) and the headline entities of
    :func:`find_title_entities`; ``measure_pairs(pairs)`` returns the exact Jaccard
    similarity (:func:`compute_jaccard` of :func:`hash_shingles`) of each row of an
    ``(m, 2)`` array of positions: only candidate pairs are measured, so the texts need
    never all be in memory, nor all the shingles of the documents LSH pairs.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"dedup threshold must be in (0, 1], got {threshold}")
    columns = ["doc_id", "duplicate_of", "similarity"]
    if len(doc_ids) < 2:
        return pd.DataFrame(columns=columns).astype({"similarity": float})
    order = order_canonically(doc_ids, dates)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    pairs = [(i, j) for i, j in find_candidate_pairs(signatures, threshold).tolist()
             # headlines that name different people or places: different documents
             if not (titles[i] and titles[j] and not titles[i] & titles[j])]
    similarities = measure_pairs(np.array(pairs, dtype=np.int64).reshape(-1, 2)) if pairs else []
    earlier_of: dict[int, list[tuple[int, float]]] = {}
    for (i, j), similarity in zip(pairs, similarities):
        later, earlier = (i, j) if rank[i] > rank[j] else (j, i)
        earlier_of.setdefault(later, []).append((earlier, float(similarity)))
    # Greedy, in canonical order: a document joins the most similar earlier canonical copy
    # it reaches the threshold with (ties to the earlier), else it is canonical itself.
    canonical, found = np.ones(len(order), dtype=bool), []
    for i in order:
        best = None
        for j, similarity in earlier_of.get(i, ()):
            if not canonical[j]:
                continue
            if similarity >= threshold and (best is None or (similarity, -rank[j]) > (best[1], -rank[best[0]])):
                best = (j, similarity)
        if best is not None:
            canonical[i] = False
            # 1.0 is kept for identical shingle sets, so "exact" is never a rounding artefact.
            found.append((doc_ids[i], doc_ids[best[0]], 1.0 if best[1] == 1 else min(round(best[1], 3), 0.999)))
    result = pd.DataFrame(found, columns=columns).astype({"similarity": float})
    return result.sort_values("doc_id", key=lambda s: s.map(sort_key_natural), ignore_index=True)


def find_duplicates(documents: pd.DataFrame, threshold: float = DEDUP_THRESHOLD, *, num_perm: int = NUM_PERM,
                    shingle: int = SHINGLE) -> pd.DataFrame:
    """Find duplicates among ``documents`` (columns ``doc_id``, ``text``, optional
    ``published`` and ``title``).

    Two documents are copies when their bodies are near-identical and their titles do
    not name different people or places: press releases that share a body but whose
    titles name another mayor or city (이용섭 광주시장 … / 강기정 광주시장 …) are different
    documents; a copy whose headline was shortened or prefixed ([속보]) is still a copy.

    Returns one row per duplicate: ``doc_id``, ``duplicate_of`` (its canonical copy) and
    ``similarity`` (exact Jaccard of shingles with that copy, to 3 places; 1.0 only when
    the two texts are the same apart from white space).
    ``doc_id`` must be unique.

    Example
    -------
    >>> find_duplicates(pd.DataFrame({"doc_id": ["x"], "text": ["한 문서"]})).empty
    True
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"dedup threshold must be in (0, 1], got {threshold}")
    if len(documents) < 2:
        return cluster_duplicates([], [], [], np.zeros((0, num_perm), np.uint32), dict, threshold)
    ids = documents["doc_id"].tolist()
    dates = documents["published"].tolist() if "published" in documents else [""] * len(ids)
    texts = documents["text"].tolist()
    titles = [find_title_entities(t) for t in documents["title"]] if "title" in documents else [set()] * len(ids)
    signatures = np.stack([sign_text(t, num_perm=num_perm, shingle=shingle) for t in texts])

    def measure(pairs: np.ndarray) -> list[float]:
        shingles = {j: hash_shingles(texts[j], shingle) for j in np.unique(pairs).tolist()}
        return [compute_jaccard(shingles[i], shingles[j]) for i, j in pairs.tolist()]

    return cluster_duplicates(ids, dates, titles, signatures, measure, threshold)
