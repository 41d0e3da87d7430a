"""Word lists: the words that say nothing about what a question or a sentence is about.

One module so that a reader sees every list side by side. They differ on purpose, by what the
words are compared for:

* ``STOPWORDS``: question words, auxiliaries and request verbs ("tell", "list", "latest"): what
  any question uses without naming its topic. Retrieval and the extractive backend weigh the rest.
* ``COUNCIL_WORDS``: words every council passage or its metadata contains.
* ``TOPIC_STOPWORDS``: what is left out of a question's topic phrase (follow-up rewriting, records
  topics): ``STOPWORDS`` plus ``COUNCIL_WORDS``.
* ``ANSWER_STOPWORDS``: for the citation check of generated answers, also English function words
  in general and the filler of generated answers ("according to the passage").

BM25 uses bm25s's own English list (``vectorstore.bm25_store``).
"""

from __future__ import annotations

STOPWORDS = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "by", "with", "from",
    "about", "as", "into", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did",
    "has", "have", "had", "what", "which", "who", "whom", "whose", "when", "where", "why", "how",
    "many", "much", "that", "this", "these", "those", "it", "its", "there", "their", "they",
    "them", "any", "all", "some", "can", "could", "would", "should", "will", "shall", "may",
    "not", "no", "yes", "i", "we", "you", "our", "my", "me", "tell", "give", "list", "show",
    "please", "also", "than", "then", "so", "if", "but", "last", "latest", "current", "recent",
    "most", "now",
})

COUNCIL_WORDS = frozenset(
    "council committee committees meeting meetings cllr councillor councillors member members".split())

ENGLISH_FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself neither no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up upon very was we were what when where which while who
whom why will with would yes you your yours yourself yourselves shall may might must one ones
whether yet per via within without its' it's there's that's
""".split())

# The filler of generated answers, and currency words (amounts are compared as numbers).
ANSWER_FILLER = frozenset("""
according passage passages record records document documents stated states state mentioned
mention says say said notes note shows show indicates indicate information provided based
gbp pound pounds sterling
""".split())

ANSWER_STOPWORDS = ENGLISH_FUNCTION_WORDS | ANSWER_FILLER | COUNCIL_WORDS
