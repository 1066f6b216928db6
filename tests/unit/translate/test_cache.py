"""The content-hash translation cache: hits skip the backend, keys change with the model, disk persists."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xner.translate.cache import CachedTranslator, TranslationCache, cache_key


class CountingTranslator:
    """Upper-cases; records every batch it is asked to translate."""

    def __init__(self, fingerprint: str = "count:v1") -> None:
        self.fingerprint = fingerprint
        self.calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        self.calls.append(list(sentences))
        return [f"{tgt_lang}:{s.upper()}" for s in sentences]

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        return [0.0] * len(src)


def test_hits_skip_the_backend_and_duplicates_are_translated_once() -> None:
    inner = CountingTranslator()
    cached = CachedTranslator(inner, TranslationCache())
    assert cached.translate(["a", "b", "a"], "en", "es") == ["spa_Latn:A", "spa_Latn:B", "spa_Latn:A"]
    assert inner.calls == [["a", "b"]]
    assert cached.translate(["b", "c", "a"], "eng_Latn", "spa_Latn") == ["spa_Latn:B", "spa_Latn:C", "spa_Latn:A"]
    assert inner.calls == [["a", "b"], ["c"]]


def test_the_key_covers_languages_model_and_text() -> None:
    base = cache_key("m1", "eng_Latn", "spa_Latn", "x")
    assert base != cache_key("m2", "eng_Latn", "spa_Latn", "x")
    assert base != cache_key("m1", "eng_Latn", "deu_Latn", "x")
    assert base != cache_key("m1", "eng_Latn", "spa_Latn", "x ")
    cache = TranslationCache()
    CachedTranslator(CountingTranslator("m1"), cache).translate(["x"], "en", "es")
    other = CountingTranslator("m2")
    CachedTranslator(other, cache).translate(["x"], "en", "es")
    assert other.calls == [["x"]]


def test_on_disk_cache_survives_a_new_process_view(tmp_path: Path) -> None:
    first = CachedTranslator(CountingTranslator(), TranslationCache(tmp_path))
    first.translate(["hola", "adiós"], "es", "en")
    first.cache.close()
    inner = CountingTranslator()
    second = CachedTranslator(inner, TranslationCache(tmp_path))
    assert second.translate(["adiós", "hola"], "es", "en") == ["eng_Latn:ADIÓS", "eng_Latn:HOLA"]
    assert inner.calls == []


def test_memory_is_bounded_least_recently_used_first() -> None:
    cache = TranslationCache(max_entries=2)
    cache.put_many({"a": "1", "b": "2"})
    assert cache.get_many(["a"]) == {"a": "1"}
    cache.put_many({"c": "3"})
    assert len(cache) == 2
    assert cache.get_many(["a", "b", "c"]) == {"a": "1", "c": "3"}
