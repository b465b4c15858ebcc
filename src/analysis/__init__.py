"""Topic modelling and framing analysis of Korean political news.

Pipeline, one module per stage::

    corpus   -> documents, cleaning audit, report    (analysis.corpus, analysis.cleaning)
    text     -> sentences, morphemes, quotes         (analysis.text)
    topics   -> topic-term and doc-topic tables      (analysis.topics)
    frames   -> frame hits, concordances, keyness    (analysis.frames)
    report   -> figures and tables on disk           (analysis.report)
"""

__version__ = "0.1.0"
