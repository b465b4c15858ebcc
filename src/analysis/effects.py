"""Effects of covariates on frame rates and topic shares, with intervals at the document level.

A claim such as "mayor A frames AI as overtaking Japan more than mayor B" or "the
tech-future frame rose from 2017 to 2019" is a regression on documents, the
independent units (stm's ``estimateEffect`` is the model):

- **frame rates**: a Poisson regression (log link) of a document's hits of a frame on
  the covariates, with the document's tokens as exposure, so an effect is a ratio of
  rates; sandwich (robust) standard errors make it hold when hits cluster within
  documents (over-dispersion), and ``cluster`` makes them robust to a coarser unit
  (outlet, speaker);
- **topic shares**: a linear regression of a document's share of a topic, with robust
  standard errors; with ``concentration`` (e.g. each document's token count) the
  topic model's own uncertainty is carried in as in stm's "method of composition":
  shares are drawn from a Beta around each estimate, the model refitted per draw, and
  the draws pooled.

Covariates are a formula's right-hand side (patsy, as in statsmodels): categories
``C(speaker)``, numbers, a smooth of time ``bs(year, df=3)``, interactions ``a:b``.
Predictions, contrasts and coefficient tables come from seeded draws of the
coefficients (``n_sims``), so every interval is a percentile of the same draws.
The coverage of these intervals is measured by simulation in the test suite
(``tests/test_effects.py``): about 95% at the document level, far less when sentences
are resampled as if independent.

Example
-------
>>> docs = pd.DataFrame({"kind": ["a"] * 40 + ["b"] * 40, "tokens": 1000,
...                      "hits": [2, 3, 1, 2] * 10 + [4, 6, 5, 5] * 10})
>>> fit = estimate_effects(docs, "hits", "C(kind)", exposure="tokens", seed=1)
>>> fit.predict(pd.DataFrame({"kind": ["a", "b"]}))[["kind", "estimate"]].round(2).values.tolist()
[['a', 2.0], ['b', 5.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import InputError

__all__ = ["Effects", "estimate_effects", "tabulate_frame_counts"]


@dataclass
class Effects:
    """A fitted effect model: coefficient draws and what is needed to predict from them."""

    outcome: str
    formula: str
    kind: str  # "rate" (per 1,000 tokens) or "share"
    design_info: object
    coef_draws: np.ndarray  # n_sims x p
    coef: np.ndarray
    names: list[str]
    n_documents: int
    method: str
    ci: float

    def coefficients(self) -> pd.DataFrame:
        """One row per coefficient: estimate, low, high (a rate ratio for rates)."""
        low, high = np.quantile(self.coef_draws, [(1 - self.ci) / 2, (1 + self.ci) / 2], axis=0)
        table = pd.DataFrame({"term": self.names, "estimate": self.coef, "low": low, "high": high})
        if self.kind == "rate":
            table[["estimate", "low", "high"]] = np.exp(table[["estimate", "low", "high"]])
            table["scale"] = "rate ratio"
        else:
            table["scale"] = "difference in share"
        return table.assign(n_documents=self.n_documents, interval=self.method)

    def _values(self, newdata: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        from patsy import build_design_matrices

        X = np.asarray(build_design_matrices([self.design_info], newdata)[0])
        draws, point = self.coef_draws @ X.T, X @ self.coef
        if self.kind == "rate":  # per 1,000 tokens
            return np.exp(draws) * 1000, np.exp(point) * 1000
        return draws, point

    def predict(self, newdata: pd.DataFrame) -> pd.DataFrame:
        """The expected rate or share at each row of ``newdata``, with its interval."""
        draws, point = self._values(newdata)
        low, high = np.quantile(draws, [(1 - self.ci) / 2, (1 + self.ci) / 2], axis=0)
        return newdata.reset_index(drop=True).assign(estimate=point, low=low, high=high,
                                                     n_documents=self.n_documents, interval=self.method)

    def contrast(self, a: dict, b: dict) -> pd.DataFrame:
        """Expected value at ``a`` minus at ``b`` (each a dict of covariate values), and for
        rates also their ratio, with intervals from the same draws."""
        draws, point = self._values(pd.DataFrame([a, b]))
        diff, diff_point = draws[:, 0] - draws[:, 1], point[0] - point[1]
        q = [(1 - self.ci) / 2, (1 + self.ci) / 2]
        rows = [{"measure": "difference", "estimate": diff_point, **dict(zip(("low", "high"), np.quantile(diff, q)))}]
        if self.kind == "rate":
            ratio = draws[:, 0] / draws[:, 1]
            rows.append({"measure": "ratio", "estimate": point[0] / point[1],
                         **dict(zip(("low", "high"), np.quantile(ratio, q)))})
        return pd.DataFrame(rows).assign(a=str(a), b=str(b), n_documents=self.n_documents, interval=self.method)


def estimate_effects(data: pd.DataFrame, outcome: str, formula: str, *, seed: int, exposure: str | None = None,
                     cluster: str | None = None, concentration: str | None = None, n_compositions: int = 25,
                     n_sims: int = 2000, ci: float = 0.95) -> Effects:
    """Regress a document-level outcome on covariates; see the module docstring.

    ``data`` has one row per document (or per cluster's documents). With ``exposure``
    (tokens) the outcome is a count and the model a Poisson rate model; without, the
    outcome is a share in [0, 1] and the model linear. ``cluster`` names a column whose
    values group documents that are not independent. ``concentration`` (shares only)
    names a column of each document's token count (or any measure of how precisely its
    share is known), which turns on the method of composition with ``n_compositions``
    draws. ``n_sims`` coefficient draws in all, from ``numpy.random.default_rng(seed)``.
    """
    import statsmodels.api as sm
    from patsy import dmatrices

    needed = [outcome] + [c for c in (exposure, cluster, concentration) if c]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise InputError(f"effects: column(s) {missing} not in the table (columns: {', '.join(map(str, data.columns))})")
    data = data.dropna(subset=needed).reset_index(drop=True)
    y, X = dmatrices(f"Q('{outcome}') ~ {formula}", data, return_type="dataframe", NA_action="raise")
    names, design_info = list(X.columns), X.design_info
    rng = np.random.default_rng(seed)
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(data[cluster])[0]}} if cluster else {
        "cov_type": "HC1"}
    unit = f"{cluster} clusters" if cluster else "documents"
    if exposure:
        model = sm.GLM(y, X, family=sm.families.Poisson(), exposure=data[exposure].astype(float)).fit(**cov)
        coef = model.params.to_numpy()
        draws = rng.multivariate_normal(coef, model.cov_params().to_numpy(), size=n_sims, method="svd")
        method = f"Poisson rate model, robust SEs over {unit}, {ci:.0%}"
        kind = "rate"
    else:
        shares = y.iloc[:, 0].to_numpy(float)
        if concentration is None or n_compositions < 1:
            fits = [sm.OLS(shares, X).fit(**cov)]
            method = f"linear model, robust SEs over {unit}, {ci:.0%}"
        else:
            # Method of composition: draw shares from the topic model's uncertainty,
            # refit, and pool coefficient draws from every refit.
            c = data[concentration].to_numpy(float) + 2
            p = np.clip(shares, 1e-6, 1 - 1e-6)
            fits = [sm.OLS(rng.beta(c * p, c * (1 - p)), X).fit(**cov) for _ in range(n_compositions)]
            method = f"linear model, robust SEs over {unit}, method of composition ({n_compositions} draws), {ci:.0%}"
        per_fit = -(-n_sims // len(fits))
        draws = np.vstack([rng.multivariate_normal(f.params, f.cov_params(), size=per_fit, method="svd")
                           for f in fits])[:n_sims]
        coef = sm.OLS(shares, X).fit().params.to_numpy()
        kind = "share"
    return Effects(outcome, formula, kind, design_info, draws, coef, names, len(data), method, ci)


def tabulate_frame_counts(hits: pd.DataFrame, morphemes: pd.DataFrame, documents: pd.DataFrame,
                          frames: list[str] | None = None, voice: str | None = None) -> pd.DataFrame:
    """One row per document: its columns in ``documents``, ``n_tokens`` (words, no
    punctuation) and ``hits_<frame>`` per frame, ready for :func:`estimate_effects`.

    ``voice`` (``quote`` or ``narration``) keeps only hits in that voice; tokens are
    still the whole document's.

    Example
    -------
    >>> m = pd.DataFrame({"doc_id": ["a", "a", "b"], "tag": ["NNG", "SF", "NNG"]})
    >>> h = pd.DataFrame({"doc_id": ["a"], "frame": ["f"], "voice": ["quote"]})
    >>> tabulate_frame_counts(h, m, pd.DataFrame({"doc_id": ["a", "b"]}), frames=["f"]).values.tolist()
    [['a', 1, 1], ['b', 1, 0]]
    """
    from analysis.settings import NON_TOKEN_TAGS

    frames = sorted(hits["frame"].unique()) if frames is None else list(frames)
    words = morphemes[~morphemes["tag"].astype(str).str.startswith(NON_TOKEN_TAGS)]
    tokens = words.groupby("doc_id").size().rename("n_tokens")
    h = hits if voice is None else hits[hits["voice"] == voice]
    counts = h.groupby(["doc_id", "frame"]).size().unstack(fill_value=0).reindex(columns=frames, fill_value=0)
    table = documents.merge(tokens, left_on="doc_id", right_index=True, how="left")
    table = table.merge(counts.add_prefix("hits_"), left_on="doc_id", right_index=True, how="left")
    columns = ["n_tokens"] + [f"hits_{f}" for f in frames]
    table[columns] = table[columns].fillna(0).astype(np.int64)
    return table.reset_index(drop=True)
