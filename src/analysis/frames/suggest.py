"""Suggest terms for a frame from its seeds: Kiwi's word model and the corpus itself.

A researcher extending a frame starts from a few seed lemmas (뛰어넘다, 추월하다) and
asks what else the corpus says in their place. Two sources answer, and nothing is
downloaded:

- **Kiwi's CoNg model** (shipped in ``kiwipiepy_model``): morphemes whose embeddings are
  closest to the seed's (``Kiwi.most_similar_morphemes``). It mixes meaning with
  slot-fillers (추월 -> 앞지르다, but also 전속력), and knows nothing of words outside its
  vocabulary, so every candidate is shown with its corpus count and example lines;
- **the corpus**: lemmas standing next to a seed (within ``window`` morphemes), ranked by
  how often they do.

The researcher accepts or rejects each candidate; accepted ones become rules in their
copy of ``frames.yaml`` (and examples, which the test suite then checks).

Example
-------
>>> from analysis.text import analyse_texts
>>> t = analyse_texts(["우리는 일본을 추월해야 한다.", "이제 일본을 앞질러야 한다.", "중국을 앞지른 기업이 있다."])
>>> table = suggest_frame_terms(["추월하다"], t.morphemes, t.sentences, top_n=30)
>>> table.loc[table.candidate == "앞지르다", ["source", "corpus_count", "n_documents"]].values.tolist()
[['kiwi', 2, 2]]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.frames.lexicon import FrameSet, ensure_frameset, list_frame_lemmas
from analysis.settings import CONTENT_TAGS

__all__ = ["suggest_frame_terms"]

_VERB_TAGS = ("VV", "VA")


def _to_kiwi_morpheme(lemma: str, tag: str) -> tuple[str, str]:
    """Our lemma (뛰어넘다, 개척하다) as Kiwi's morpheme (뛰어넘/VV, 개척/NNG)."""
    if tag in _VERB_TAGS and lemma.endswith("다"):
        stem = lemma[:-1]
        # 개척하다 is one row here but 개척/NNG + 하/XSV for Kiwi: ask about the noun.
        return (stem[:-1], "NNG") if stem.endswith("하") and len(stem) > 1 else (stem, tag)
    return lemma, tag


def _to_lemma(form: str, tag: str) -> str:
    return form + "다" if tag.split("-")[0] in _VERB_TAGS else form


def _collect_frame_terms(frame) -> list[str]:
    """A frame's rule terms as ``lemma/TAG`` seeds; a bare tag prefix (N, V) as its commonest tag."""
    full = {"N": "NNG", "V": "VV"}
    terms = {f"{t.lemma}/{full.get(t.tag, t.tag)}" if t.tag else t.lemma
             for rule in frame.rules for pattern in rule.match + tuple(p for c in rule.near for p in c.patterns)
             for slot in pattern.slots for t in slot if t.lemma}
    return sorted(terms)


def _resolve_seeds(seeds, morphemes: pd.DataFrame) -> list[tuple[str, str]]:
    """Seeds as (lemma, tag): ``lemma/TAG``, or a bare lemma with its commonest tag in the corpus."""
    resolved = []
    for seed in seeds:
        lemma, _, tag = str(seed).partition("/")
        if not tag:
            tags = morphemes.loc[morphemes["lemma"] == lemma, "tag"]
            tag = tags.value_counts().index[0] if len(tags) else ("VV" if lemma.endswith("다") else "NNG")
        resolved.append((lemma, tag))
    return resolved


def _neighbours(morphemes: pd.DataFrame, lemma: str, window: int) -> pd.Series:
    """Counts of content lemmas within ``window`` morphemes of ``lemma`` in the same sentence."""
    m = morphemes.reset_index(drop=True)
    at = m.index[m["lemma"] == lemma].to_numpy()
    found = []
    for offset in range(-window, window + 1):
        if offset == 0:
            continue
        other = at + offset
        other = other[(other >= 0) & (other < len(m))]
        source = other - offset
        same = (m["doc_id"].to_numpy()[other] == m["doc_id"].to_numpy()[source]) & (
            m["sent_id"].to_numpy()[other] == m["sent_id"].to_numpy()[source])
        found.append(m.iloc[other[same]])
    near = pd.concat(found) if found else m.iloc[:0]
    near = near[near["tag"].astype(str).str.startswith(CONTENT_TAGS) & (near["lemma"] != lemma)]
    return near["lemma"].value_counts()


def suggest_frame_terms(seeds: Sequence[str] | str, morphemes: pd.DataFrame, sentences: pd.DataFrame, *,
                        frames: FrameSet | str | None = None, top_n: int = 20, window: int = 2,
                        n_examples: int = 3, width: int = 25, kiwi=None) -> pd.DataFrame:
    """Candidate terms for a frame, with corpus counts and example lines to judge them by.

    ``seeds`` are lemmas (``추월하다``), ``lemma/TAG`` terms, or a frame id, whose rule
    lemmas then serve as seeds. ``morphemes`` and ``sentences`` are the text layer's
    tables of the researcher's corpus; ``frames`` (default: the shipped lexicon) marks
    candidates the lexicon already names. ``kiwi`` defaults to the package's Kiwi.

    One row per (seed, candidate, source), best first: seed, candidate (a lemma), tag,
    source (``kiwi``: the word model's ``top_n`` nearest; ``corpus``: the ``top_n``
    commonest neighbours within ``window`` morphemes), similarity (kiwi only),
    corpus_count, n_documents, in_lexicon, examples (up to ``n_examples`` lines of
    context, `` ‖ ``-joined). Candidates the corpus never uses come last.
    """
    frameset = ensure_frameset(frames)
    known = set(list_frame_lemmas(frameset)["lemma"])
    from_frame = isinstance(seeds, str) and seeds in frameset.ids
    if from_frame:
        seeds = _collect_frame_terms(frameset[seeds])
    elif isinstance(seeds, str):
        seeds = [seeds]
    if kiwi is None:
        from analysis.text import load_kiwi

        kiwi = load_kiwi()
    resolved = _resolve_seeds(seeds, morphemes)
    if from_frame:  # a frame's rules also name particles and endings (일본을, 지지 않다): not seeds
        resolved = [(lemma, tag) for lemma, tag in resolved if tag.startswith(CONTENT_TAGS)]
    rows = []
    for lemma, tag in resolved:
        try:
            similar = kiwi.most_similar_morphemes(_to_kiwi_morpheme(lemma, tag), top_n=top_n)
        except (ValueError, IndexError, KeyError):  # a form the word model does not know
            similar = []
        for s in similar:
            base = s.tag.split("-")[0]
            if s.form.strip() and base.startswith(CONTENT_TAGS):
                rows.append((f"{lemma}/{tag}", _to_lemma(s.form, s.tag), base, "kiwi", round(float(s.score), 4)))
        for candidate, _ in _neighbours(morphemes, lemma, window).head(top_n).items():
            rows.append((f"{lemma}/{tag}", candidate, "", "corpus", float("nan")))
    table = pd.DataFrame(rows, columns=["seed", "candidate", "tag", "source", "similarity"])
    counts = morphemes.groupby("lemma").agg(corpus_count=("lemma", "size"), n_documents=("doc_id", "nunique"))
    table = table.join(counts, on="candidate")
    table[["corpus_count", "n_documents"]] = table[["corpus_count", "n_documents"]].fillna(0).astype("int64")
    table["in_lexicon"] = table["candidate"].isin(known)
    table["examples"] = [_find_examples(c, morphemes, sentences, n_examples, width) for c in table["candidate"]]
    table = table.sort_values(["seed", "source", "corpus_count", "similarity", "candidate"],
                              ascending=[True, False, False, False, True], kind="stable")
    table["_used"] = table["corpus_count"] > 0
    table = table.sort_values(["seed", "_used"], ascending=[True, False], kind="stable").drop(columns="_used")
    return table.drop_duplicates(["seed", "candidate", "source"]).reset_index(drop=True)


def _find_examples(lemma: str, morphemes: pd.DataFrame, sentences: pd.DataFrame, n: int, width: int) -> str:
    """Up to ``n`` lines of context around the first uses of ``lemma`` (one per sentence)."""
    hits = morphemes.loc[morphemes["lemma"] == lemma, ["doc_id", "sent_id", "start", "end"]]
    hits = hits.drop_duplicates(["doc_id", "sent_id"]).head(n)
    if hits.empty:
        return ""
    text = hits.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"], how="left")
    lines = [f"{t[max(0, s - width):s]}[{t[s:e]}]{t[e:e + width]}" for t, s, e in
             zip(text["text"], text["start"], text["end"])]
    return " ‖ ".join(lines)
