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


def test_memory_is_bounded_in_characters_too(tmp_path: Path) -> None:
    cache = TranslationCache(max_entries=100, max_chars=10)
    cache.put_many({"a": "xxxx", "b": "yyyy"})
    cache.put_many({"a": "zzzz"})  # replaced, not counted twice
    cache.put_many({"c": "ww"})
    assert cache.get_many(["a", "b", "c"]) == {"a": "zzzz", "b": "yyyy", "c": "ww"}
    cache.put_many({"d": "vvv"})  # 13 characters: the least recently used goes
    assert set(cache.get_many(["a", "b", "c", "d"])) == {"b", "c", "d"}
    cache.put_many({"huge": "u" * 11})  # larger than the whole budget: not held in memory, nothing evicted for it
    assert (len(cache), cache.get_many(["huge"])) == (3, {})
    on_disk = TranslationCache(tmp_path, max_chars=10)
    on_disk.put_many({"huge": "u" * 11})
    assert on_disk.get_many(["huge"]) == {"huge": "u" * 11} and len(on_disk) == 0  # still kept on disk


def test_the_alignment_cache_holds_a_bounded_text_whatever_the_batches() -> None:
    from xner.align import cache as alignment_cache
    from xner.align.base import Alignment
    from xner.align.defaults import ALIGNMENT_CACHE_CHARS

    class Diagonal:
        def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[Alignment]:
            return [Alignment(tuple((i, i) for i in range(min(len(s), len(t))))) for s, t in zip(src, tgt, strict=True)]

    aligner = alignment_cache.CachedAligner(Diagonal(), "diagonal")  # type: ignore[arg-type]
    words = [str(k) for k in range(40)]
    for block in range(40):  # 40 distinct batches of 4,000 pairs, about 0.9 million characters each
        aligner.align([[*words, str(block)]] * 4000, [words] * 4000)
    assert aligner.store._chars <= ALIGNMENT_CACHE_CHARS < 40 * 900_000
    assert len(aligner.store) == ALIGNMENT_CACHE_CHARS // len(aligner.store._memory[next(iter(aligner.store._memory))])
