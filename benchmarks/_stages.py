"""Benchmark stages, each run alone in a fresh interpreter by ``_harness.run_isolated``.

A stage reads its inputs from parquet files in the work folder, runs one timed
section, writes its outputs there and returns a dict of figures. The runner at the
bottom adds what only the process can tell: peak resident memory (``ru_maxrss`` of
the process and of any child it waited for), CPU seconds and the load average.

Run by hand: ``python _stages.py STAGE '{"n": 1000, "work": "..."}' out.json``.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import analysis  # noqa: F401  before pandas, as in the command line: it picks Arrow's allocator
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = {}
SEED = 2024
K = 20
# One vocabulary for every engine: drop terms in fewer than 5 speeches (typos, rare
# names) so that all engines fit the same matrix; nothing is dropped for being common.
VOCAB = {"min_df": 5}
TIMER: dict = {}


def register(name):
    def wrap(function):
        STAGES[name] = function
        return function
    return wrap


def corpus_name(n) -> str:
    """``all``, a speech count, or ``a<count>`` for article-sized documents (see ``stage_sample``)."""
    if isinstance(n, str) and n[:1] == "a" and n[1:].isdigit():
        return f"a{int(n[1:])}"
    return "all" if n in (None, 0, "all") else str(int(n))


def path_in(work, kind: str, n, suffix: str = ".parquet") -> Path:
    return Path(work) / f"{kind}-{corpus_name(n)}{suffix}"


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mb() -> float:
    """Resident memory now (Linux), not the peak so far."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


@contextmanager
def timed():
    """Time the stage's own work, apart from imports and reading inputs.

    Resident memory is also read five times a second, and a row gives its highest value in
    each fifth of the work (``rss_by_fifth_mb``): a stage whose memory grows with the
    corpus climbs from fifth to fifth, one whose memory is bounded by its batch does not."""
    TIMER["rss_before_mb"] = peak_mb()
    samples, done = [], threading.Event()

    def sample():
        while not done.wait(0.2):
            samples.append((time.perf_counter(), current_mb()))

    sampler = threading.Thread(target=sample, daemon=True)
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    sampler.start()
    try:
        yield
    finally:
        TIMER["seconds"] = time.perf_counter() - t0
        TIMER["cpu_seconds"] = time.process_time() - cpu0
        done.set()
        sampler.join()
    fifths = [[mb for at, mb in samples if i <= 5 * (at - t0) / TIMER["seconds"] < i + 1] for i in range(5)]
    TIMER["rss_by_fifth_mb"] = " ".join(str(round(max(f))) if f else "-" for f in fifths)


# --------------------------------------------------------------------------- stages


@register("sample")
def stage_sample(n=None, work="."):
    """Benchmark set-up, not timed: write the ``n`` sampled speeches as a parquet table;
    with ``n = "a<count>"``, that many article-sized documents cut from the speeches."""
    from _speeches import select_speeches

    Path(work).mkdir(parents=True, exist_ok=True)
    if re.fullmatch(r"a\d+", corpus_name(n)):  # "a<count>": not "all", not a speech count
        from _speeches import cut_into_articles

        raw = cut_into_articles(int(corpus_name(n)[1:]))
        raw.to_parquet(path_in(work, "speeches", n), index=False)
        return {"inputs": len(raw)}
    raw = select_speeches(None if corpus_name(n) == "all" else int(n))
    raw.to_parquet(path_in(work, "speeches", n), index=False)
    return {"inputs": len(raw)}


@register("import")
def stage_import(n=None, work="."):
    """Corpus import: ``n`` speeches as a parquet table -> ``analysis.corpus.stream_corpus``
    (decode, NFC, tidy, dates, near-duplicate merging, report; a batch of documents in
    memory at a time) -> documents."""
    import pyarrow.parquet as pq

    from analysis.corpus import Columns
    from analysis.corpus.stream import stream_corpus

    raw_path = path_in(work, "speeches", n)
    if not raw_path.exists():
        stage_sample(n, work)
    folder = path_in(work, "corpus", n, "")
    shutil.rmtree(folder, ignore_errors=True)
    columns = Columns(text="speech_text", id="division_number", date="date", title="title", speaker="president")
    with timed():
        corpus = stream_corpus([raw_path], folder, columns=columns)
    os.replace(corpus.documents_path, path_in(work, "documents", n))  # read a row group at a time downstream
    included = corpus.report.status.eq("included")
    return {"inputs": pq.ParquetFile(raw_path).metadata.num_rows, "docs": corpus.n_documents,
            "chars": int(corpus.report.loc[included, "n_chars_clean"].sum()), "importer": "analysis.corpus.stream_corpus"}


def read_documents(work, n) -> pd.DataFrame:
    path = path_in(work, "documents", n)
    if not path.exists():
        stage_import(n=n, work=work)
    return pd.read_parquet(path)


# What a news site wraps around an article: a byline, the copyright line, a "most read"
# list and a photo credit, all lines the page cleaner removes (and audits).
PAGE_BOILERPLATE = ["홍길동 기자 hong@example.com", "<저작권자 © 광주일보 무단전재 및 재배포 금지>", "많이 본 뉴스",
                    "1. 광주시, 인공지능 중심도시 선포", "2. 시장 신년사 전문", "사진=연합뉴스"]


@register("import_pages")
def stage_import_pages(n=None, work="."):
    """Corpus import from a folder of scraped pages, one ``.txt`` a document: the
    article-sized speech pieces, each with its title, a dateline and
    ``PAGE_BOILERPLATE`` around its text (written before the timer starts). Every page
    goes through the page cleaner, so the import also keeps the cleaning audit."""
    from analysis.corpus.stream import stream_corpus

    raw_path = path_in(work, "speeches", n)
    if not raw_path.exists():
        stage_sample(n, work)
    pages = path_in(work, "pages", n, "")
    n_pages = _write_pages(raw_path, pages)  # in a function: the texts are freed before the timer starts
    folder = path_in(work, "corpus-pages", n, "")
    shutil.rmtree(folder, ignore_errors=True)
    with timed():
        corpus = stream_corpus([pages], folder)
    audit_rows = sum(1 for _ in open(folder / "cleaning_audit.csv", encoding="utf-8")) - 1
    return {"inputs": n_pages, "docs": corpus.n_documents, "audit_rows": audit_rows}


def _write_pages(raw_path: Path, pages: Path) -> int:
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    raw = pd.read_parquet(raw_path, columns=["title", "date", "speech_text"])
    for i, (title, date, text) in enumerate(raw.itertuples(index=False)):
        page = "\n".join([title or "", f"입력 {date or ''} 10:00", "", text or "", "", *PAGE_BOILERPLATE])
        (pages / f"{i:06d}.txt").write_text(page, encoding="utf-8")
    return len(raw)


@register("kiwi_bare")
def stage_kiwi_bare(n=None, work=".", workers=1):
    """Bare ``Kiwi.tokenize`` on the documents' texts with ``workers`` threads.

    The Kiwi gets the project's user dictionary, so it analyses the same way the
    pipeline's does; model loading is inside the timed section, as it is for the
    pipeline.
    """
    from kiwipiepy import Kiwi

    texts = read_documents(work, n)["text"].tolist()
    with timed():
        kiwi = Kiwi(num_workers=int(workers))
        add_userdict(kiwi)
        n_tokens = sum(len(tokens) for tokens in kiwi.tokenize(texts))
    return {"docs": len(texts), "chars": sum(map(len, texts)), "tokens": n_tokens}


def add_userdict(kiwi) -> None:
    try:
        from analysis.text.lexicons import read_userdict
    except ImportError:
        return
    for word in read_userdict():
        kiwi.add_user_word(word.form, word.tag, word.score)


@register("analyse")
def stage_analyse(n=None, work=".", workers=1, cache=False, keep=True):
    """The project's pipeline: ``analysis.text.analyse_documents``.

    ``cache=True`` analyses into a cache folder; run it twice to time the rerun.
    """
    from analysis import text

    docs = read_documents(work, n)
    cache_dir = path_in(work, "cache", n, "") if cache else None
    tokenizer = text.Tokenizer(num_workers=int(workers))
    with timed():
        tables = text.analyse_documents(docs, tokenizer=tokenizer, cache_dir=cache_dir, progress=False)
    if keep:
        tables.sentences.to_parquet(path_in(work, "sentences", n), index=False)
        tables.morphemes.to_parquet(path_in(work, "morphemes", n), index=False)
        tables.quotes.to_parquet(path_in(work, "quotes", n), index=False)
    return {"docs": len(docs), "chars": int(docs["text"].str.len().sum()),
            "sentences": len(tables.sentences), "morphemes": len(tables.morphemes)}


@register("analyse_dataset")
def stage_analyse_dataset(n=None, work=".", workers=1, reverse=False):
    """The text layer for a large corpus: ``analysis.text.analyse_corpus`` into a cache
    folder (one chunk of documents in memory at a time); the handle is saved for the
    later stages, which read the tables back in batches. ``reverse=True`` analyses the
    documents in reverse order (run stage ``reverse`` first; a cache of its own, nothing
    saved): if memory follows particular documents, its high point moves; if it
    accumulates, it does not."""
    from analysis import text

    source = path_in(work, "documents", n)
    if not source.exists():
        stage_import(n=n, work=work)
    if reverse:  # the reversed file is written by stage "reverse", in its own process
        reversed_source = path_in(work, "documents-reversed", n)
        shutil.rmtree(path_in(work, "cache-reversed", n, ""), ignore_errors=True)
        with timed():
            data = text.analyse_corpus(reversed_source, path_in(work, "cache-reversed", n, ""),
                                       tokenizer=text.Tokenizer(num_workers=int(workers)), progress=False)
        return {"docs": len(data.parts)}
    tokenizer = text.Tokenizer(num_workers=int(workers))
    shutil.rmtree(path_in(work, "cache", n, ""), ignore_errors=True)  # a cold run
    with timed():
        # The documents file itself, read a row group at a time: no whole table in memory.
        data = text.analyse_corpus(source, path_in(work, "cache", n, ""), tokenizer=tokenizer, progress=False)
    data.save(path_in(work, "dataset", n, ".json"))
    return {"docs": len(data.parts)}


@register("kiwi_bare")
def stage_kiwi_bare(n=None, work=".", workers=1):
    """Kiwi alone over the documents the text layer analyses: the same paragraphs (a
    document's non-blank lines), the same call (``split_into_sents`` with tokens), the same
    500 documents at a time and workers, every result dropped. What Kiwi's own memory does
    as a corpus streams through it, to set beside ``analyse_dataset``'s."""
    import pyarrow.parquet as pq
    from kiwipiepy import Kiwi

    source = path_in(work, "documents", n)
    if not source.exists():
        stage_import(n=n, work=work)
    docs = sentences = 0
    with timed():  # the model's load included, as in analyse_dataset (where the Tokenizer loads it on first use)
        kiwi = Kiwi(num_workers=int(workers))
        for batch in pq.ParquetFile(source).iter_batches(batch_size=500, columns=["text"]):
            paragraphs = [line for text in batch.column(0).to_pylist() for line in (text or "").split("\n") if line.strip()]
            for found in kiwi.split_into_sents(paragraphs, return_tokens=True, return_sub_sents=False):
                sentences += len(found)
            docs += batch.num_rows
    return {"docs": docs, "sentences": sentences}


@register("reverse")
def stage_reverse(n=None, work="."):
    """Set-up for ``analyse_dataset`` with ``reverse``, not timed: the documents file in
    reverse order, written by its own process so the timed run starts with clean memory."""
    source = path_in(work, "documents", n)
    if not source.exists():
        stage_import(n=n, work=work)
    documents = pd.read_parquet(source)
    documents.iloc[::-1].to_parquet(path_in(work, "documents-reversed", n), index=False, row_group_size=2000)
    return {"docs": len(documents)}


@register("tokens_dataset")
def stage_tokens_dataset(n=None, work="."):
    """Token lists per document, batch by batch from the dataset (lemma and tag columns only)."""
    from analysis import text

    import pyarrow as pa
    import pyarrow.parquet as pq

    data = text.TextDataset.load(path_in(work, "dataset", n, ".json"))
    docs = tokens = 0
    schema = pa.schema([("doc_id", pa.string()), ("tokens", pa.list_(pa.string()))])
    with timed(), pq.ParquetWriter(path_in(work, "tokens", n), schema) as writer:
        # Written a batch at a time: the token lists of the whole corpus are never in memory.
        for batch in data.iter_batches(tables=("morphemes",),
                                       columns={"morphemes": ["para_id", "sent_id", "lemma", "tag"]}):
            units = text.tokens_by_unit(batch.morphemes, unit="document")
            writer.write_table(pa.Table.from_pandas(units[["doc_id", "tokens"]], schema=schema, preserve_index=False))
            docs, tokens = docs + len(units), tokens + int(units["n_tokens"].sum())
    return {"docs": docs, "tokens": tokens}


@register("frames_dataset")
def stage_frames_dataset(n=None, work="."):
    """The default frame detector (voices from the quotes), batch by batch from the dataset."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analysis import text
    from analysis.frames import DETECTOR_COLUMNS, detect_frames

    data = text.TextDataset.load(path_in(work, "dataset", n, ".json"))
    counts = {"sentences": 0, "morphemes": 0, "hits": 0}
    columns = [*DETECTOR_COLUMNS, "sentence_voice"]  # one schema for every batch
    writer = None
    with timed():
        # Hits written a batch at a time, so memory holds one batch's tables and hits.
        for batch in data.iter_batches():
            found = detect_frames(batch.sentences, batch.morphemes, quotes=batch.quotes)
            counts["sentences"] += len(batch.sentences)
            counts["morphemes"] += len(batch.morphemes)
            counts["hits"] += len(found)
            if not len(found):  # an empty table's columns carry no types to write
                continue
            hits = pa.Table.from_pandas(found.reindex(columns=columns), preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path_in(work, "hits", n), hits.schema)
            writer.write_table(hits.cast(writer.schema))
        if writer is not None:
            writer.close()
    return counts


@register("dask_dataset")
def stage_dask_dataset(n=None, work=".", workers=2):
    """``analysis.distributed.analyse_corpus_dask`` with frame matching on a LocalCluster of
    ``workers`` single-threaded processes, into its own cache folder. Reports the client's
    own peak memory (the workers are other processes) and the workers' largest, then
    checks, batch by batch, that the dataset and the hits equal the single-machine ones
    (the ``analyse_dataset`` stage's dataset, matched here)."""
    from distributed import Client, LocalCluster

    from analysis import text
    from analysis.distributed import analyse_corpus_dask
    from analysis.frames import load_frames, match_frames

    # The documents file, as a cluster would share it: the client reads only the texts'
    # lengths to cut partitions, and each worker reads its own rows.
    source = path_in(work, "documents", n)
    if not source.exists():
        stage_import(n=n, work=work)
    cache = path_in(work, "cache-dask", n, "")
    shutil.rmtree(cache, ignore_errors=True)
    frames = load_frames()
    with LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        with timed():
            data, hits = analyse_corpus_dask(source, cache, frames=frames, client=client)
        worker_peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    client_peak = peak_mb()
    local = text.TextDataset.load(path_in(work, "dataset", n, ".json"))
    same = data.doc_ids == local.doc_ids
    local_hits = []
    # The same documents in each pair of batches (the two caches cut their chunks differently).
    for mine, theirs in zip(data.iter_batches(docs_per_batch=2000), local.iter_batches(docs_per_batch=2000)):
        for name in ("sentences", "morphemes", "quotes"):
            same = same and getattr(mine, name).equals(getattr(theirs, name))
        local_hits.append(match_frames(theirs.sentences, theirs.morphemes, frames))
    local_hits = pd.concat(local_hits, ignore_index=True).sort_values(["doc_id", "sent_id", "start"], kind="stable",
                                                                       ignore_index=True)
    from analysis.distributed import _text_lengths

    return {"docs": len(data.doc_ids), "chars": int(_text_lengths(source).sum()), "hits": len(hits),
            "client_peak_mb": round(client_peak, 1), "worker_peak_mb": round(max(worker_peaks.values()), 1),
            "chunks": len({chunk for chunk, _ in data.parts}),
            "identical_tables": bool(same), "identical_hits": bool(hits.equals(local_hits))}


@register("tokens")
def stage_tokens(n=None, work="."):
    """Token lists per document for the topic models (the default Tokenizer's filter)."""
    from analysis import text

    morphemes = pd.read_parquet(path_in(work, "morphemes", n))
    with timed():
        units = text.tokens_by_unit(morphemes, unit="document")
    units[["doc_id", "tokens"]].to_parquet(path_in(work, "tokens", n), index=False)
    return {"docs": len(units), "tokens": int(units["tokens"].map(len).sum())}


def read_units(work, n, speaker=None) -> pd.DataFrame:
    """The tokens table; with ``speaker``, only that speaker's documents. Token lists
    share one str per distinct token, as ``tokens_by_unit`` builds them in the package
    (read naively, 5M tokens would be 5M separate strings)."""
    import numpy as np
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path_in(work, "tokens", n))
    lists = table.column("tokens").combine_chunks()
    encoded = pc.dictionary_encode(lists.flatten())
    distinct = np.asarray([sys.intern(t) for t in encoded.dictionary.to_pylist()], dtype=object)
    flat = distinct[encoded.indices.to_numpy(zero_copy_only=False)].tolist()
    offsets = (lists.offsets.to_numpy() - lists.offsets[0].as_py()).tolist()
    units = pd.DataFrame({"doc_id": table.column("doc_id").to_pylist(),
                          "tokens": [flat[a:b] for a, b in zip(offsets[:-1], offsets[1:])]})
    if speaker:
        docs = read_documents(work, n)
        units = units[units["doc_id"].isin(docs.loc[docs["speaker"] == speaker, "doc_id"])]
    return units.reset_index(drop=True)


def subset_name(n, speaker=None) -> str:
    return corpus_name(n) + (f"-{speaker}" if speaker else "")


@register("topics")
def stage_topics(n=None, work=".", engine="tomotopy", k=K, speaker=None):
    """Fit one engine at K topics; write its top-10 terms for the coherence stage.

    The engines that see only the document-term matrix (NMF, scikit-learn LDA) get it
    built from the tokens file a row group at a time (``count_terms``, ``fit_counts``: the
    same model); the others get every unit's token list."""
    import pyarrow.parquet as pq

    from analysis.topics import TopicModel, label_topics
    from analysis.topics.model import COUNT_ENGINES, count_terms

    if engine in COUNT_ENGINES and not speaker:
        file = pq.ParquetFile(path_in(work, "tokens", n))
        with timed():
            X, vocabulary = count_terms(batch.column("tokens").to_pylist()
                                        for batch in file.iter_batches(batch_size=2000, columns=["tokens"]))
            model = TopicModel(engine, int(k), seed=SEED, **VOCAB).fit_counts(X, vocabulary)
        tokens = range(X.shape[0])
    else:
        units = read_units(work, n, speaker)
        tokens = units["tokens"].tolist()
        with timed():
            model = TopicModel(engine, int(k), seed=SEED, **VOCAB).fit(tokens)
    terms = label_topics(model, n=10)
    terms.insert(0, "engine", engine)
    terms.to_csv(Path(work) / f"topterms-{engine}-{subset_name(n, speaker)}.csv", index=False)
    return {"docs": len(tokens), "tokens": int(model.doc_lengths_.sum()), "vocabulary": len(model.vocabulary_),
            "options": json.dumps(model.options_, sort_keys=True, default=str)}


@register("coherence")
def stage_coherence(n=None, work=".", engines=("gensim", "tomotopy", "sklearn-lda", "nmf"), speaker=None):
    """NPMI of every engine's top-10 terms in one call: same texts, same window.

    The reference texts are the token lists the models were fitted on; gensim's
    ``c_npmi`` uses a sliding window of 10 tokens.
    """
    from analysis.topics import score_coherence

    texts = [list(t) for t in read_units(work, n, speaker)["tokens"]]
    tables = [pd.read_csv(Path(work) / f"topterms-{e}-{subset_name(n, speaker)}.csv") for e in engines]
    topics = [group.sort_values("rank")["term"].astype(str).tolist()
              for table in tables for _, group in table.groupby("topic", sort=True)]
    with timed():
        scores = score_coherence(topics, texts, measures=("c_npmi",), topn=10)
    out, start = {}, 0
    for engine, table in zip(engines, tables):
        count = table["topic"].nunique()
        out[f"npmi_{engine}"] = float(scores["c_npmi"].iloc[start:start + count].mean())
        start += count
    return out


@register("frames")
def stage_frames(n=None, work="."):
    """Frame lexicon matching over all sentences."""
    from analysis.frames import load_frames, match_frames

    sentences = pd.read_parquet(path_in(work, "sentences", n))
    morphemes = pd.read_parquet(path_in(work, "morphemes", n))
    frames = load_frames()
    with timed():
        hits = match_frames(sentences, morphemes, frames)
    hits.to_parquet(path_in(work, "hits", n), index=False)
    return {"sentences": len(sentences), "morphemes": len(morphemes), "hits": len(hits)}


@register("detect")
def stage_detect(n=None, work="."):
    """The default frame detector (what the frames command and notebook 04 run), with voices."""
    from analysis.frames import detect_frames

    sentences = pd.read_parquet(path_in(work, "sentences", n))
    morphemes = pd.read_parquet(path_in(work, "morphemes", n))
    quotes = pd.read_parquet(path_in(work, "quotes", n)) if path_in(work, "quotes", n).exists() else None
    with timed():
        hits = detect_frames(sentences, morphemes, quotes=quotes)
    return {"sentences": len(sentences), "morphemes": len(morphemes), "hits": len(hits)}


def find_candidates(sentences, morphemes) -> pd.DataFrame:
    """The sentences the learned model would see: those with any frame's cue (doc_id, sent_id, text)."""
    from analysis.frames.matcher import find_cue_sentences

    cues = find_cue_sentences(morphemes)
    return cues[["doc_id", "sent_id"]].drop_duplicates().merge(sentences[["doc_id", "sent_id", "text"]])


@register("score")
def stage_score(n=None, work="."):
    """The shipped classifier (character n-grams) on every candidate sentence (a frame
    cue) of the corpus: what a detector whose every frame used the model would add."""
    from analysis.frames.detector import load_detector

    sentences = pd.read_parquet(path_in(work, "sentences", n))
    morphemes = pd.read_parquet(path_in(work, "morphemes", n))
    classifier = load_detector().classifier
    with timed():
        candidates = find_candidates(sentences, morphemes)
        classifier.predict_proba(candidates["text"].tolist())
    return {"sentences": len(sentences), "candidates": len(candidates),
            "sentences_per_second": round(len(candidates) / TIMER["seconds"], 1)}


@register("embed")
def stage_embed(n=None, work=".", sample=3000, seed=1):
    """What the learned model would cost: candidate sentences (a frame cue) counted, a
    seeded sample of them embedded and timed, the whole set's time extrapolated."""
    import numpy as np

    from analysis.frames.classifier import embed_sentences

    sentences = pd.read_parquet(path_in(work, "sentences", n))
    morphemes = pd.read_parquet(path_in(work, "morphemes", n))
    t0 = time.perf_counter()
    candidates = find_candidates(sentences, morphemes)
    cue_seconds = time.perf_counter() - t0
    picked = candidates.iloc[np.sort(np.random.default_rng(seed).permutation(len(candidates))[:sample])]
    embed_sentences(["준비"])  # the encoder's load is not part of the per-sentence cost
    with timed():
        embed_sentences(picked["text"].tolist())
    rate = len(picked) / TIMER["seconds"]
    return {"sentences": len(sentences), "candidates": len(candidates), "cue_seconds": round(cue_seconds, 2),
            "embedded": len(picked), "sentences_per_second": round(rate, 1),
            "extrapolated_seconds_all_candidates": round(len(candidates) / rate, 1)}


# --------------------------------------------------------------------------- runner


def hash_package() -> str:
    """Short sha256 of the package's source files, so each row names the code it timed."""
    import hashlib

    import analysis

    digest = hashlib.sha256()
    root = Path(analysis.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def main(argv: list[str]) -> None:
    stage, params, out = argv[0], json.loads(argv[1]), Path(argv[2])
    load_before = os.getloadavg()[0]
    wall0 = time.perf_counter()
    figures = STAGES[stage](**params)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    row = {"stage": stage, **params, **figures, **TIMER,
           "process_seconds": time.perf_counter() - wall0,
           "peak_rss_mb": max(peak_mb(), children),
           "load_before": load_before, "load_after": os.getloadavg()[0], "code": hash_package()}
    out.write_text(json.dumps(row, default=str), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
