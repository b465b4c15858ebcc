"""Command line: ``python -m analysis corpus | topics | frames | reproduce``.

Each subcommand is a thin wrapper over the functions the notebooks call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.corpus import load_corpus, write_corpus
from analysis.errors import InputError, OutputError
from analysis.io import SET_FILE, read_table_set
from analysis.settings import DEFAULT_ENGINE_NAME, DEFAULTS, ENGINE_NAMES, UNITS

if TYPE_CHECKING:  # only for annotations: the heavy imports wait until a command needs them
    import pandas as pd

    from analysis.frames import FrameSet

DEFAULT_CACHE = ".cache/text"


def _cmd_corpus(args: argparse.Namespace) -> int:
    from analysis.corpus import Columns

    columns = Columns(text=args.text_col, id=args.id_col, date=args.date_col, title=args.title_col,
                      speaker=args.speaker_col)
    from analysis.corpus.stream import stream_corpus

    def text_tables(documents: Path) -> dict:
        import pandas as pd

        from analysis.text import analyse_corpus, analyse_documents

        tokenizer = _read_settings(args).make_tokenizer()
        # With a cache, the text layer is a dataset read from the documents file and written
        # out a batch at a time (bounded memory); without one, it is built in memory.
        if args.cache_dir:
            data = analyse_corpus(documents, args.cache_dir, tokenizer=tokenizer)
            return {f"{name}.parquet": (lambda tmp, name=name: data.write_table(name, tmp))
                    for name in ("sentences", "morphemes", "quotes")}
        tables = analyse_documents(pd.read_parquet(documents), tokenizer=tokenizer)
        return {f"{name}.parquet": getattr(tables, name) for name in ("sentences", "morphemes", "quotes")}

    # Documents are read, judged and written a batch at a time; the tables are one set, so a
    # run killed halfway leaves nothing a later command would read as whole.
    corpus = stream_corpus(args.sources, args.out, manifest=args.manifest, columns=columns, clean=args.clean,
                           dedup=args.dedup, dedup_threshold=args.dedup_threshold, max_mb=args.max_mb,
                           source_type=args.source_type, text=text_tables if args.text else None)
    text = args.text and corpus.n_documents > 0
    counts = corpus.report.status.value_counts()
    print(f"{len(corpus.report)} inputs: "
          + ", ".join(f"{counts.get(s, 0)} {s}" for s in ("included", "excluded", "merged")))
    if args.dedup:
        merged = corpus.report[corpus.report.status.eq("merged")]
        print(f"duplicates: {len(merged)} merged into {merged.duplicate_of.nunique()} canonical copies "
              f"(Jaccard >= {args.dedup_threshold:g}; see duplicate_of in report.csv)")
    else:
        print("duplicates: not searched (--no-dedup)")
    print(f"wrote {Path(args.out) / 'documents.parquet'}, cleaning_audit.csv, report.csv")
    if text:
        import pandas as pd

        out = Path(args.out)  # counted from the files written, so a large corpus is never all in memory
        voices = pd.read_parquet(out / "sentences.parquet", columns=["voice"])["voice"].value_counts()
        n_quotes = pd.read_parquet(out / "quotes.parquet", columns=["doc_id"]).shape[0]
        print(f"{int(voices.sum())} sentences ({voices.get('quote', 0)} quote, {voices.get('narration', 0)} "
              f"narration, {voices.get('own', 0)} own), {n_quotes} quotes; "
              "wrote sentences.parquet, morphemes.parquet, quotes.parquet")
    return 0


# An input table larger than this is read, tidied and written to a documents file a batch
# at a time, and the text layer reads that file a row group at a time; a smaller one is
# read into memory (faster). Both give the same tables.
STREAM_BYTES = 64_000_000


def _read_input_table(path: str, text_col: str | None, id_col: str | None, work: Path):
    """A table of texts (parquet, CSV, TSV, JSONL, xlsx) as a documents table, rows tidied, not cleaned;
    or the folder the ``corpus`` command wrote, whose documents are read as they are.

    Returns a DataFrame, or, for a corpus folder or an input over ``STREAM_BYTES``, the
    path of a documents parquet (written under ``work`` for an input table), so that the
    corpus's texts are never all in memory.
    """
    from analysis.corpus import Columns
    from analysis.corpus.stream import stream_corpus
    from analysis.io import locate_table_set

    if Path(path).is_dir() and ((Path(path) / "documents.parquet").exists() or (Path(path) / SET_FILE).exists()):
        return locate_table_set(path, ["documents.parquet"])["documents.parquet"]
    columns = Columns(text=text_col, id=id_col)
    if Path(path).is_file() and Path(path).stat().st_size > STREAM_BYTES:
        corpus = stream_corpus([path], work / "input", columns=columns, clean=False, dedup=False)
        report, documents, n = corpus.report, corpus.documents_path, corpus.n_documents
    else:
        loaded = load_corpus([path], columns=columns, clean=False, dedup=False)
        report, documents, n = loaded.report, loaded.documents, len(loaded.documents)
    excluded = report[report.status.ne("included")]
    if len(excluded):
        print(f"{len(excluded)} of {len(report)} rows excluded (e.g. {excluded.reason.iloc[0]})", file=sys.stderr)
    if n == 0:
        raise InputError(f"{path}: no usable rows")
    return documents


def _count_documents(documents) -> int:
    """Rows of a documents table or of a documents parquet (read from its footer)."""
    if isinstance(documents, Path):
        import pyarrow.parquet as pq

        return pq.ParquetFile(documents).metadata.num_rows
    return len(documents)


def _work_folder(cache_dir):
    """A folder for a command's intermediate files, removed when it ends (beside the cache if there is one)."""
    import tempfile

    if cache_dir:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".work-", dir=cache_dir or None)


# Decimals written to the topics CSVs, so that output bytes are stable.
_TOPICS_FLOAT_DECIMALS = 6


def run_topics(units: pd.DataFrame, *, k: int, seed: int, out_dir: str | Path, engine: str, min_df: int | float,
                max_df: int | float = 1.0, options: dict | None = None, text_col: str = "text",
                n_terms: int = 20, counts=None) -> dict:
    """Fit a ``TopicModel`` on a tokens table and write its tables to ``out_dir``.

    ``engine``, ``k``, ``seed``, ``min_df``, ``max_df`` and ``options`` go to the
    model. With ``counts`` (``(X, vocabulary)`` from
    :func:`analysis.topics.model.count_terms`, one row per unit of ``units``, whose
    ``tokens`` column is then not needed), an engine that sees only the counts fits on
    them (:meth:`TopicModel.fit_counts`): the same files, without every unit's token
    list. Files (written atomically; same seed gives identical bytes):

    * ``topic_terms.csv``  topic, rank, term, weight (top ``n_terms`` by probability);
    * ``doc_topics.csv``   one row per unit: id columns, ``empty``, ``topic_1..topic_K``;
    * ``topic_thoughts.csv`` top 3 units per topic, only if ``text_col`` exists;
    * ``model_info.json``  engine, k, seed, options, coherence (the mean document-level
      NPMI of the top 10 terms), unit and vocabulary counts, versions.

    Returns ``{"model": TopicModel, "info": dict, "files": {name: Path}}``.

    Example
    -------
    >>> result = run_topics(units, k=12, seed=2024, out_dir="results/topics", engine="nmf", min_df=3)  # doctest: +SKIP
    >>> sorted(result["files"])  # doctest: +SKIP
    ['doc_topics', 'model_info', 'topic_terms', 'topic_thoughts']
    """
    from analysis.io import write_json, write_table
    import numpy as np

    from analysis.topics import TopicModel, find_thoughts, label_topics, score_npmi_documents, tabulate_doc_topics
    from analysis.topics.model import as_token_lists, top_terms
    from analysis.topics.persistence import collect_topic_versions
    from analysis.topics.quality import score_npmi_counts
    from analysis.topics.summaries import TOPIC_COLUMN

    decimals = _TOPICS_FLOAT_DECIMALS
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = TopicModel(engine, k, seed=seed, min_df=min_df, max_df=max_df, options=options)
    model = model.fit(units) if counts is None else model.fit_counts(*counts)
    files = {"topic_terms": out / "topic_terms.csv", "doc_topics": out / "doc_topics.csv"}

    terms = label_topics(model, n=n_terms)
    terms["weight"] = terms["weight"].round(decimals)
    write_table(terms, files["topic_terms"], float_decimals=decimals)

    doc_topics = tabulate_doc_topics(model, units)
    topic_columns = [c for c in doc_topics.columns if TOPIC_COLUMN.fullmatch(c)]
    doc_topics[topic_columns] = doc_topics[topic_columns].round(decimals)
    write_table(doc_topics, files["doc_topics"], float_decimals=decimals)

    if text_col in units.columns:
        files["topic_thoughts"] = _write_thoughts(model, units, out / "topic_thoughts.csv", text_col)

    # Document-level NPMI: the measure the defaults were chosen by, and fast (gensim's
    # window-based coherence took two thirds of the command's time on 1,000 speeches).
    if counts is None:
        npmi = score_npmi_documents(top_terms(model, 10), as_token_lists(units), topn=10)
    else:
        npmi = score_npmi_counts(top_terms(model, 10), counts[0], {t: i for i, t in enumerate(counts[1])}, topn=10)
    info = {
        "engine": engine,
        "k": int(k),
        "seed": int(seed),
        "options": model.options_,
        "coherence": {"npmi_doc": round(float(np.nanmean(npmi)), decimals)},
        "n_units": len(units),
        "n_empty_units": int(model.empty_.sum()),
        "n_tokens": int(model.doc_lengths_.sum()),
        "vocabulary_size": len(model.vocabulary_),
        "topic_numbering": "1-based",
        "versions": collect_topic_versions(),
    }
    files["model_info"] = out / "model_info.json"
    write_json(info, files["model_info"])
    return {"model": model, "info": info, "files": files}


def _write_thoughts(model, units, path: Path, text_col: str = "text") -> Path:
    """Each topic's three top units with their text (stm's findThoughts), as a CSV."""
    from analysis.io import write_table
    from analysis.topics import find_thoughts

    thoughts = find_thoughts(model, units, text_col=text_col, n=3)
    thoughts["share"] = thoughts["share"].round(_TOPICS_FLOAT_DECIMALS)
    return write_table(thoughts, path, float_decimals=_TOPICS_FLOAT_DECIMALS)


def _thought_passages(model, units: pd.DataFrame, text) -> pd.DataFrame:
    """``units``' id columns with the text of the units :func:`find_thoughts` will show
    (the others left empty), read back from the text layer: the corpus's text is not
    held for the whole fit."""
    import numpy as np
    import pandas as pd

    from analysis.topics.summaries import select_thoughts

    keys = [c for c in ("doc_id", "para_id", "sent_id") if c in units]
    documents = set(units["doc_id"].iloc[np.concatenate(select_thoughts(model, 3))])
    found = []
    for batch in _iter_text(text, ("sentences",), {"sentences": ["para_id", "sent_id", "text"]}):
        sentences = batch.sentences[batch.sentences["doc_id"].isin(documents)]
        if len(sentences):
            found.append(sentences.groupby(keys, sort=False)["text"].agg(" ".join).reset_index())
    passages = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*keys, "text"])
    return units[keys].merge(passages, on=keys, how="left")


def _cmd_topics(args: argparse.Namespace) -> int:
    import importlib
    import threading

    import pandas as pd

    from analysis.text import tokens_by_unit

    # The topic engines (scikit-learn) import on a thread while Kiwi's workers run.
    settings = _read_settings(args)  # the same tokens as the notebooks (analysis.settings)
    tokenizer = settings.make_tokenizer()
    threading.Thread(target=importlib.import_module, args=("analysis.topics",), daemon=True).start()
    with _work_folder(args.cache_dir) as work:
        documents = _read_input_table(args.input, args.text_col, args.id_col, Path(work))
        unit = settings.resolve_unit(_count_documents(documents))
        text = _analyse_input(documents, tokenizer, args.cache_dir)
    del documents
    # The model needs only the token lists (NMF or scikit-learn LDA, one K or a sweep: only
    # their counts, built a batch at a time); the passages shown for each topic are read
    # back afterwards, for those units only.
    from analysis.topics.model import COUNT_ENGINES, count_terms

    batches = (tokens_by_unit(batch.morphemes, unit=unit, tokenizer=tokenizer)
               for batch in _iter_text(text, ("morphemes",), {"morphemes": ["para_id", "sent_id", "lemma", "tag"]}))
    counts, parts = None, []
    if args.engine in COUNT_ENGINES:
        def keep_ids(tables):
            for table in tables:
                parts.append(table.drop(columns=["tokens"]))
                yield table["tokens"]
        counts = count_terms(keep_ids(batches))
    else:
        parts = list(batches)
    if not parts:
        raise InputError(f"{args.input}: no document has any text to model")
    units = pd.concat(parts, ignore_index=True)
    del parts
    from analysis.topics import save_model, write_topic_explorer_html

    k = _choose_k(args, units, settings, counts) if len(args.k) > 1 else args.k[0]
    result = run_topics(units, k=k, seed=args.seed, out_dir=args.out, engine=args.engine, min_df=settings.min_df,
                        max_df=settings.max_df, counts=counts)
    result["files"]["topic_thoughts"] = _write_thoughts(result["model"], _thought_passages(result["model"], units, text),
                                                        Path(args.out) / "topic_thoughts.csv")
    save_model(result["model"], Path(args.out) / "model")
    write_topic_explorer_html(result["model"], Path(args.out) / "topic_explorer.html")
    info = result["info"]
    print(f"{len(units)} {unit} units, K={k}, engine={args.engine}: "
          f"document NPMI {info['coherence']['npmi_doc']:.3f}; wrote {', '.join(sorted(p.name for p in result['files'].values()))}, "
          f"model/, topic_explorer.html")
    return 0


def _read_settings(args: argparse.Namespace):
    """The package defaults with the command's own settings applied (None keeps a default)."""
    return DEFAULTS.replace(**{name: getattr(args, name, None) for name in
                               ("unit", "min_df", "max_df", "min_len", "stopwords", "userdict", "synonyms")})


def _choose_k(args: argparse.Namespace, units, settings, counts=None) -> int:
    """Sweep the K list over three seeds, write the sweep beside the model, return the chosen K
    (on the units' counts when given: no window-based npmi and c_v, the rest the same)."""
    from analysis.io import write_table
    from analysis.topics import choose_k, summarise_sweep, sweep_k

    seeds = [args.seed, args.seed + 1, args.seed + 2]
    runs = sweep_k(None if counts is not None else units, args.k, seeds, engine=args.engine, min_df=settings.min_df,
                   max_df=settings.max_df, progress=False, counts=counts)
    summary = summarise_sweep(runs)
    write_table(runs.round(6), Path(args.out) / "k_sweep_runs.csv")
    write_table(summary.round(6), Path(args.out) / "k_sweep.csv")
    k, reason = choose_k(summary)
    print(reason)
    return k


def _add_text_settings(parser: argparse.ArgumentParser) -> None:
    """The settings that shape tokens, as in the notebooks' parameters (analysis.settings)."""
    group = parser.add_argument_group("text settings (default: the package's, analysis.DEFAULTS)")
    group.add_argument("--userdict", help="user dictionary file (word<TAB>TAG per line)")
    group.add_argument("--synonyms", help="synonyms file (variant<TAB>canonical[<TAB>TAG])")
    group.add_argument("--stopwords", help="stopwords file (lemma[<TAB>TAG])")
    group.add_argument("--min-len", type=int, help=f"shortest lemma kept (default: {DEFAULTS.min_len})")


def run_frames(table: pd.DataFrame | Path, out_csv: str | Path, lexicon: FrameSet | str | Path | None = None,
               text_col: str = "text", id_col: str | None = None, detector: str | Path | None = None,
               cache_dir: str | Path | None = None, tokenizer=None) -> pd.DataFrame:
    """Analyse a table of texts and write one row per frame match to ``out_csv``.

    ``table`` needs an id column (``doc_id``, else ``id``, or ``id_col``) and
    ``text_col``; or it is the path of a documents parquet (``doc_id``, ``text``, as the
    corpus stage writes it), whose texts are then read a row group at a time. Its other
    columns are carried through (one named like a hit column,
    e.g. a document's ``speaker``, as ``doc_speaker``). Output columns: the id column,
    carried columns, para_id, sent_id, frame, rule, sentence, match, start, end, voice,
    speaker (voice and speaker per hit, from the quotes found in the text), score and
    decided_by (what decided the hit: a rule, the model's score, or both). Hits come from
    the default detector (:func:`analysis.frames.detect_frames`) or the ``detector``
    folder given. The CSV is written atomically (UTF-8, ``\\n`` line ends).

    Example
    -------
    >>> df = pd.DataFrame({"id": ["a1"], "text": ["우리는 일본을 뛰어넘어야 한다."]})  # doctest: +SKIP
    >>> run_frames(df, "output/frame_hits.csv")[["id", "frame"]].values.tolist()  # doctest: +SKIP
    [['a1', 'japan_rivalry']]
    """
    import numpy as np
    import pandas as pd

    from analysis.frames import DETECTOR_COLUMNS, detect_frames, load_detector
    from analysis.frames.lexicon import ensure_frameset
    from analysis.io import write_table

    documents = None
    if isinstance(table, Path):  # a documents file (doc_id, text, ...): its texts are read in batches
        import pyarrow.parquet as pq

        documents, names = table, pq.ParquetFile(table).schema_arrow.names
        if id_col not in (None, "doc_id") or text_col != "text" or not {"doc_id", "text"} <= set(names):
            raise InputError(f"{table}: a documents file needs columns doc_id and text (columns: {', '.join(names)})")
        table, id_col = pd.read_parquet(table, columns=[c for c in names if c != "text"]), "doc_id"
    if id_col is None:
        id_col = "doc_id" if "doc_id" in table else "id"
    for col in (id_col, text_col):
        if col not in table and not (col == text_col and isinstance(documents, Path)):
            raise InputError(f"input table has no column {col!r} (columns: {', '.join(map(str, table.columns))})")
    if table[id_col].duplicated().any():
        raise InputError(f"column {id_col!r} has duplicate ids, e.g. {table[id_col][table[id_col].duplicated()].iloc[0]!r}")
    frames = ensure_frameset(lexicon)
    # Documents keep the caller's ids (as text), so the text-layer cache that the corpus and
    # topics commands fill serves this command too; a title, speaker, office or
    # source_type column helps the text layer attribute quotes and voices.
    keys = table[id_col].astype(str).to_numpy()
    if not isinstance(documents, Path):
        documents = pd.DataFrame({"doc_id": keys, "text": table[text_col].fillna("").astype(str).to_numpy()})
        for col in ("title", "speaker", "office", "source_type"):
            if col in table and col != text_col:
                documents[col] = table[col].fillna("").astype(str).to_numpy()
    detector = load_detector(detector)
    found = []
    for batch in _read_text_batches(documents, tokenizer or DEFAULTS.make_tokenizer(), cache_dir):
        hits = detect_frames(batch.sentences, batch.morphemes, frames, quotes=batch.quotes, detector=detector)
        sent_text = batch.sentences[["doc_id", "sent_id", "text"]].rename(columns={"text": "sentence"})
        found.append(hits[DETECTOR_COLUMNS].merge(sent_text, on=["doc_id", "sent_id"], how="left"))
    hits = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[*DETECTOR_COLUMNS, "sentence"])
    # Back to the caller's id and columns, in the table's order.
    carried = table.drop(columns=[text_col], errors="ignore").reset_index(drop=True)
    own = set(DETECTOR_COLUMNS) | {"sentence"}
    # A document-level column named like a hit column (speaker, voice) is kept as doc_<name>.
    carried = carried.rename(columns={c: f"doc_{c}" for c in carried.columns if c in own and c != id_col})
    carried["_key"], carried["_pos"] = keys, np.arange(len(carried))
    hits = hits.rename(columns={"doc_id": "_key"}).merge(carried, on="_key", how="left")
    hits = hits.sort_values(["_pos", "sent_id", "start"], kind="stable").drop(columns=["_key", "_pos"])
    other = [c for c in carried.columns if c not in ("_key", "_pos", id_col)]
    cols = [id_col] + other + ["para_id", "sent_id", "frame", "rule", "sentence", "match", "start", "end", "voice",
                               "speaker", "score", "decided_by"]
    out = hits[cols].reset_index(drop=True)
    write_table(out, out_csv)
    return out


def _analyse_input(documents, tokenizer, cache_dir):
    """The text layer of the input: the cached dataset, read back in batches (memory
    bounded by one batch, :func:`analysis.text.analyse_corpus`), or without a cache, the
    tables of all documents in memory."""
    import pandas as pd

    from analysis.text import analyse_corpus, analyse_documents

    if cache_dir is None:
        table = pd.read_parquet(documents) if isinstance(documents, Path) else documents
        return analyse_documents(table, tokenizer=tokenizer, progress=False)
    return analyse_corpus(documents, cache_dir, tokenizer=tokenizer, progress=False)


def _iter_text(text, tables, columns=None):
    """Batches of a text layer from :func:`_analyse_input` (in memory: one batch)."""
    return text.iter_batches(tables=tables, columns=columns) if hasattr(text, "iter_batches") else [text]


def _read_text_batches(documents, tokenizer, cache_dir, tables=("sentences", "morphemes", "quotes"), columns=None):
    """The text layer a batch of documents at a time (see :func:`_analyse_input`)."""
    return _iter_text(_analyse_input(documents, tokenizer, cache_dir), tables, columns)


def _cmd_frames(args: argparse.Namespace) -> int:
    with _work_folder(args.cache_dir) as work:
        documents = _read_input_table(args.input, args.text_col, args.id_col, Path(work))
        hits = run_frames(documents, args.out, lexicon=args.lexicon, id_col="doc_id", detector=args.detector,
                          cache_dir=args.cache_dir, tokenizer=_read_settings(args).make_tokenizer())
        n_documents = _count_documents(documents)
    counts = hits.frame.value_counts().sort_index()
    print(f"{len(hits)} frame matches in {hits.doc_id.nunique()} of {n_documents} documents"
          + (": " + ", ".join(f"{f} {n}" for f, n in counts.items()) if len(counts) else ""))
    print(f"wrote {args.out}")
    return 0


def _parse_parameters(items: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` pairs as text; :func:`analysis.reproduce.type_parameters` types them."""
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.isupper():
            raise InputError(f"parameter {item!r} is not KEY=VALUE with an UPPER_CASE key")
        params[key] = value
    return params


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from analysis.reproduce import list_parameters, run_notebooks, type_parameters

    declared = list_parameters()
    if args.list_parameters:
        for name, rows in declared.groupby("name", sort=False):
            print(f"{name} = {rows['default'].iloc[0]}  [{', '.join(rows['notebook'])}]"
                  + (f"  # {rows['help'].iloc[0]}" if rows["help"].iloc[0] else ""))
        return 0
    parameters = type_parameters(_parse_parameters(args.param), declared)
    executed = run_notebooks(args.out, corpus=args.corpus, manifest=args.manifest, parameters=parameters,
                             only=args.only)
    print(f"executed {len(executed)} notebooks into {Path(args.out) / 'notebooks'}")
    return 0


def _add_input_columns(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text-col", help="column holding the text (default: text)")
    parser.add_argument("--id-col", help="column holding the id (default: doc_id, else id)")


def _parse_ks(text: str) -> list[int]:
    """``12`` or ``5,10,15``."""
    try:
        ks = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"K must be a whole number or a list such as 5,10,15, not {text!r}") from None
    if not ks or min(ks) < 1:
        raise argparse.ArgumentTypeError(f"K must be at least 1: {text!r}")
    return ks


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``analysis`` command."""
    parser = argparse.ArgumentParser(prog="analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    from analysis.corpus import MAX_MB
    from analysis.corpus import DEDUP_THRESHOLD

    corpus = sub.add_parser(
        "corpus", help="read, clean, deduplicate and account for a corpus",
        description="Sources are folders of .txt/.html pages (recursive), single pages, or tables "
                    "(.csv, .tsv, .jsonl, .parquet, .xlsx; BigKinds exports are recognised).")
    corpus.add_argument("sources", nargs="+", help="folders of pages, page files or table files")
    corpus.add_argument("--out", required=True, help="output folder")
    corpus.add_argument("--manifest", help="CSV with doc_id, file and metadata columns (for pages)")
    cols = corpus.add_argument_group("table columns (default: text, doc_id, published or date, title, speaker)")
    cols.add_argument("--text-col", help="column holding the document text")
    cols.add_argument("--id-col", help="column holding the document id (default: row number)")
    cols.add_argument("--date-col", help="column holding the date, parsed into published (YYYY-MM-DD)")
    cols.add_argument("--title-col", help="column holding the title")
    cols.add_argument("--speaker-col", help="column holding the speaker")
    corpus.add_argument("--clean", action=argparse.BooleanOptionalAction, default=None,
                        help="run the scraped-page cleaner (default: on for pages, off for table rows)")
    corpus.add_argument("--no-dedup", dest="dedup", action="store_false",
                        help="keep exact and near duplicates instead of merging them")
    corpus.add_argument("--dedup-threshold", type=float, default=DEDUP_THRESHOLD, metavar="J",
                        help=f"Jaccard similarity of character shingles that makes a duplicate "
                             f"(default: {DEDUP_THRESHOLD})")
    corpus.add_argument("--max-mb", type=float, default=MAX_MB, metavar="MB",
                        help=f"exclude a page file or text cell larger than this (default: {MAX_MB:g})")
    corpus.add_argument("--source-type", metavar="TYPE",
                        help="kind of source for documents that do not name one: news (the default reading), "
                             "speech, press_release, interview; in a speech the text outside quotation marks is "
                             "the speaker's own words")
    corpus.add_argument("--no-text", dest="text", action="store_false",
                        help="skip the text layer (sentences, morphemes, quotes)")
    corpus.add_argument("--cache-dir", default=DEFAULT_CACHE, help=f"text-layer cache (default: {DEFAULT_CACHE})")
    _add_text_settings(corpus)
    corpus.set_defaults(func=_cmd_corpus)


    topics = sub.add_parser("topics", help="fit a topic model to a table of texts",
                            description="INPUT is a table of texts (parquet, CSV, TSV, JSONL) with doc_id or "
                                        "id, and text, or the folder the corpus command wrote.")
    topics.add_argument("input")
    topics.add_argument("--k", type=_parse_ks, required=True, metavar="K[,K...]",
                        help="number of topics, or a list (5,10,15) to sweep with three seeds and choose by the "
                             "stated rule (the sweep is written beside the model)")
    topics.add_argument("--seed", type=int, required=True, help="random seed (same seed, same topics)")
    topics.add_argument("--out", required=True, help="output folder")
    topics.add_argument("--unit", choices=["auto", *UNITS], default=DEFAULTS.unit,
                        help=f"unit of analysis (default: {DEFAULTS.unit}: documents when there are at least "
                             f"{DEFAULTS.min_documents}, else paragraphs)")
    topics.add_argument("--engine", choices=ENGINE_NAMES, default=DEFAULT_ENGINE_NAME,
                        help=f"topic engine (default: {DEFAULT_ENGINE_NAME})")
    topics.add_argument("--min-df", type=int, default=DEFAULTS.min_df,
                        help=f"drop terms in fewer units (default: {DEFAULTS.min_df})")
    topics.add_argument("--max-df", type=float, default=DEFAULTS.max_df,
                        help=f"drop terms in more than this share of units (default: {DEFAULTS.max_df})")
    topics.add_argument("--cache-dir", default=DEFAULT_CACHE, help=f"text-layer cache (default: {DEFAULT_CACHE})")
    _add_input_columns(topics)
    _add_text_settings(topics)
    topics.set_defaults(func=_cmd_topics)

    frames = sub.add_parser("frames", help="find frame matches in a table of texts",
                            description="INPUT is a table (parquet, CSV, TSV, JSONL) with doc_id or id, and text, "
                                        "or the folder the corpus command wrote; other columns are carried "
                                        "through.")
    frames.add_argument("input")
    frames.add_argument("--out", required=True, help="output CSV, one row per frame match")
    frames.add_argument("--lexicon", help="frame lexicon YAML (default: the packaged one)")
    frames.add_argument("--cache-dir", default=DEFAULT_CACHE, help=f"text-layer cache (default: {DEFAULT_CACHE})")
    frames.add_argument("--detector", help="detector folder (detector.json, classifier/; default: the packaged one, "
                                           "chosen on the development set)")
    _add_input_columns(frames)
    _add_text_settings(frames)
    frames.set_defaults(func=_cmd_frames)

    rep = sub.add_parser("reproduce", help="run every notebook in order against a corpus")
    rep.add_argument("--corpus", default="data/raw", help="folder of pages (default: data/raw)")
    rep.add_argument("--manifest", help="metadata CSV for the corpus")
    rep.add_argument("--out", default="output", help="output folder (default: output)")
    rep.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE",
                     help="notebook parameter, e.g. -p SEED=7 (repeatable)")
    rep.add_argument("--only", action="append", metavar="NN", help="run only notebooks starting with NN")
    rep.add_argument("--list-parameters", action="store_true",
                     help="list every notebook parameter, its default, the notebooks that declare it and its meaning")
    rep.set_defaults(func=_cmd_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code. Input errors print one line, not a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    # Input the user can fix is one line and exit code 2; anything else is a bug and keeps
    # its traceback.
    except (InputError, FileNotFoundError) as error:
        print(f"analysis {args.command}: error: {error}", file=sys.stderr)
        return 2
    except OutputError as error:  # a full disk: one line, the outputs already there intact
        print(f"analysis {args.command}: error: {error.strerror}", file=sys.stderr)
        return 1
