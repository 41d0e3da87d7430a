"""Word lists: the words that say nothing about what a question or a sentence is about.

One module so that a reader sees every list side by side. They differ on purpose, by what the
words are compared for:

* ``STOPWORDS``: the one list of retrieval and sentence scoring: English function words
  (``ENGLISH_FUNCTION_WORDS``) and the words any question uses without naming its topic
  (request verbs "tell", "list"; "latest", "current"). BM25 leaves them out of the index and the
  query (``vectorstore.bm25_store``); fusion and the extractive backend weigh the rest
  (``assistant.terms``).
* ``COUNCIL_WORDS``: words every council passage or its metadata contains.
* ``TOPIC_STOPWORDS``: what is left out of the topic a follow-up carries over ("what did they
  say about it" keeps no word); question words, pronouns, council words and the verbs that frame
  a question ("presented", "raised").
* ``RECORDS_TOPIC_STOPWORDS``: the few words left out of a records topic ("decisions about the
  corporate parenting strategy"), every other word must appear in a row.

Merging these lists changes answers (measured: 35 of the 240 suite questions would carry another
topic), so they stay apart until an evaluation says which is better.
* ``ANSWER_STOPWORDS``: for the citation check of generated answers, also English function words
  in general and the filler of generated answers ("according to the passage").
"""

from __future__ import annotations

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

# Words of a request rather than of its topic ("tell me the latest ...", "list all ...").
_REQUEST_WORDS = frozenset(
    "tell give list show please last latest current recent most now many much whose".split())

STOPWORDS = ENGLISH_FUNCTION_WORDS | _REQUEST_WORDS

# The filler of generated answers, and currency words (amounts are compared as numbers).
ANSWER_FILLER = frozenset("""
according passage passages record records document documents stated states state mentioned
mention says say said notes note shows show indicates indicate information provided based
gbp pound pounds sterling
""".split())

ANSWER_STOPWORDS = ENGLISH_FUNCTION_WORDS | ANSWER_FILLER | COUNCIL_WORDS

_QUESTION_WORDS = frozenset({
    "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much",
    "did", "does", "do", "was", "were", "is", "are", "has", "have", "had", "will", "would",
    "can", "could", "should", "be", "been", "being",
})
_FUNCTION_AND_COUNCIL_WORDS = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "about", "with", "by", "from", "and",
    "or", "as", "into", "any", "there", "this", "that", "these", "those", "it", "its", "they",
    "them", "their", "he", "she", "him", "her", "his", "we", "our", "you", "i", "me", "my",
    "else", "also", "then", "so", "but", "same", "meeting", "committee", "committees",
    "members", "member", "councillors", "again",
})
# Verbs that frame a question rather than name its topic.
_FRAME_VERBS = frozenset({
    "say", "said", "ask", "asked", "request", "requested", "decide", "decided", "resolve",
    "resolved", "agree", "agreed", "discuss", "discussed", "present", "presented", "report",
    "reported", "happen", "happened", "note", "noted", "mention", "mentioned", "tell", "told",
    "raise", "raised", "chair", "chaired", "attend", "attended", "give", "given", "make", "made",
    "propose", "proposed", "recommend", "recommended", "want", "wanted", "get", "got", "do",
})
TOPIC_STOPWORDS = _QUESTION_WORDS | _FUNCTION_AND_COUNCIL_WORDS | _FRAME_VERBS

RECORDS_TOPIC_STOPWORDS = frozenset({
    "the", "a", "an", "of", "and", "to", "in", "on", "for", "committee", "meeting", "meetings",
    "what", "has", "have", "did", "does", "about", "its", "their", "this", "that",
})
