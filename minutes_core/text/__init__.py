"""The text layer shared by ingest, storage, retrieval and answering.

One place for what every stage needs to read council papers the same way: ``normalise``
(markup, quotes, whitespace, comparison keys), ``sentences`` (paragraph reflow and sentence
splitting), ``stems`` (the light stemmer), ``stopwords`` (word lists), ``dates`` (month tables,
ISO dates, dates as papers print them) and ``names`` (people as papers and questions name them).
"""
