"""A small synthetic corpus with three clear themes, shared by the topics tests."""

import numpy as np
import pandas as pd

from analysis.topics import ENGINES as _ENGINES
from analysis.topics import label_topics

THEMES = {
    "ai": ["인공지능", "데이터", "AI", "기술", "산업", "디지털", "로봇", "플랫폼"],
    "japan": ["일본", "추월", "경제", "성장", "수출", "뛰어넘다", "경쟁", "격차"],
    "destiny": ["운명", "개척", "미래", "도전", "희망", "시대", "꿈", "세대"],
}
FILLERS = ["시장", "말하다"]  # in every unit, so max_df=0.9 prunes them
# The engines that need nothing but words; guided, dmr and gdmr are tested on their own.
ENGINES = sorted(e for e in _ENGINES if e not in ("guided", "dmr", "gdmr"))
FAST = {"tomotopy": {"iterations": 200}, "gensim": {"passes": 5}, "sklearn-lda": {}, "nmf": {}}
EMPTY_ROWS = [120, 121, 122]  # no tokens / only a term below min_df / None


def make_units(n_per_theme: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tokens, themes = [], []
    for i in range(n_per_theme * len(THEMES)):
        theme = list(THEMES)[i % len(THEMES)]
        tokens.append(FILLERS + rng.choice(THEMES[theme], 12).tolist())
        themes.append(theme)
    tokens += [[], ["희귀어"], None]
    themes += ["none"] * 3
    n = len(tokens)
    return pd.DataFrame(
        {
            "doc_id": np.arange(n) // 2,
            "sent_id": np.arange(n) % 2,
            "tokens": tokens,
            "text": [" ".join(t or []) for t in tokens],
            "theme": themes,
        }
    )


def theme_of_topics(model, topn=5):
    """For each topic, the theme containing all its top terms (or None)."""
    found = []
    for terms in label_topics(model, n=topn).groupby("topic")["term"].apply(list):
        matches = [name for name, words in THEMES.items() if set(terms) <= set(words)]
        found.append(matches[0] if matches else None)
    return found
