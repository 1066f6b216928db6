"""Readers of the evaluation-set layouts: files on disk -> gold sentences per language. Nothing is downloaded.

* ``europarl``: ``<path>/<lang>-europarl.test.conll02`` (Europarl-NER, Agerri et al. 2018), sentence-parallel.
* ``masakhaner2``: ``<path>/<lang>/<split>.txt``, one ``token label`` pair per line (MasakhaNER 2.0).
* ``panx``: XTREME PAN-X (WikiANN), any of ``<path>/<lang>/<split>``, ``<path>/<lang>/<split>.tsv``,
  ``<path>/<split>-<lang>.tsv``, ``<path>/<lang>-<split>.tsv``; tokens may carry a ``<lang>:`` prefix
  (``en:Paris``), which is removed.
* ``conll``: explicit ``files`` (language -> CoNLL file); ``parallel: true`` if they are sentence-parallel.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from xner.corpus import Sentence
from xner.errors import InputError
from xner.experiment.config import DatasetConfig
from xner.formats import read


def _panx_candidates(root: Path, lang: str, split: str) -> list[Path]:
    return [
        root / lang / split,
        root / lang / f"{split}.tsv",
        root / f"{split}-{lang}.tsv",
        root / f"{lang}-{split}.tsv",
    ]


def dataset_file(dataset: DatasetConfig, lang: str) -> Path:
    """The gold file of ``lang`` in ``dataset``; an error lists where it was looked for."""
    if dataset.layout == "conll":
        if lang not in dataset.files:
            raise InputError(f"dataset {dataset.name!r}: no file for language {lang!r} in 'files'")
        candidates = [dataset.files[lang]]
    else:
        assert dataset.path is not None  # the config validator guarantees it
        if dataset.layout == "europarl":
            candidates = [dataset.path / f"{lang}-europarl.test.conll02"]
        elif dataset.layout == "masakhaner2":
            candidates = [dataset.path / lang / f"{dataset.split}.txt"]
        else:
            candidates = _panx_candidates(dataset.path, lang, dataset.split)
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise InputError(f"dataset {dataset.name!r} ({dataset.layout}): no data for language {lang!r} (looked for {tried})")


def strip_language_prefix(sentence: Sentence, lang: str) -> Sentence:
    """Remove a PAN-X ``<lang>:`` prefix from every token that has it (other colons are kept)."""
    prefix = f"{lang}:"
    if not any(token.startswith(prefix) and len(token) > len(prefix) for token in sentence.tokens):
        return sentence
    tokens = [t[len(prefix) :] if t.startswith(prefix) and len(t) > len(prefix) else t for t in sentence.tokens]
    return replace(sentence, tokens=tokens, text=None, offsets=None)


def read_gold(dataset: DatasetConfig, lang: str, max_sentences: int | None = None) -> list[Sentence]:
    """The gold sentences of ``lang`` (at most ``max_sentences``), with ``lang`` set."""
    path = dataset_file(dataset, lang)
    sentences: list[Sentence] = []
    for sentence in read(path, "conll"):
        if max_sentences is not None and len(sentences) >= max_sentences:
            break
        if dataset.layout == "panx":
            sentence = strip_language_prefix(sentence, lang)
        sentences.append(replace(sentence, lang=lang))
    if not sentences:
        raise InputError(f"dataset {dataset.name!r}: {path} holds no sentences")
    return sentences


def keep_labels(sentences: list[Sentence], labels: list[str] | None) -> list[Sentence]:
    """The sentences with only spans of ``labels`` (all when ``None``); read tags are discarded."""
    if labels is None:
        return sentences
    wanted = set(labels)
    return [replace(s, spans=[span for span in s.spans if span.label in wanted], tags=None) for s in sentences]
