"""The apertium backend (Debian package); skipped where Apertium or the eng-spa pair is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from xner.corpus import Sentence, Span
from xner.errors import BackendUnavailable
from xner.project.markers import project_markers
from xner.translate import load_translator
from xner.translate.apertium import ApertiumTranslator


def test_translates_line_by_line_keeping_empty_lines(apertium_eng_spa: str) -> None:
    translator = ApertiumTranslator()
    out = translator.translate(["The dog sleeps.", "", "I live in\nMadrid."], "en", "es")
    assert len(out) == 3
    assert "perro" in out[0]
    assert out[1] == ""
    assert "Madrid" in out[2] and "\n" not in out[2]
    assert out[0] == out[0].strip()


def test_translates_back_with_the_reverse_mode(apertium_eng_spa: str) -> None:
    (out,) = load_translator("apertium").translate(["El perro duerme."], "spa_Latn", "eng_Latn")
    assert "dog" in out.lower()


def test_missing_pair_names_the_package_to_install(apertium_eng_spa: str) -> None:
    with pytest.raises(BackendUnavailable) as info:
        ApertiumTranslator().translate(["x"], "en", "deu_Latn")
    message = str(info.value)
    assert "apertium-eng-deu" in message and "eng-spa" in message


def test_missing_command_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(BackendUnavailable) as info:
        ApertiumTranslator(command="no-such-apertium-binary")
    assert "apt-get install apertium" in str(info.value)


def test_a_data_directory_without_pairs_has_no_modes(tmp_path: Path, apertium_eng_spa: str) -> None:
    translator = ApertiumTranslator(str(tmp_path))
    assert translator.modes() == []
    with pytest.raises(BackendUnavailable):
        translator.mode_for("en", "es")


def test_markers_survive_apertium(apertium_eng_spa: str) -> None:
    source = Sentence(["I", "saw", "John", "in", "Madrid", "."], [Span(2, 3, "PER"), Span(4, 5, "LOC")])
    result = project_markers([source], ApertiumTranslator(), "en", "es")
    assert result.projections[0].status.value == "projected", result.projections[0].reason
    sentence = result.sentences[0]
    spans = {" ".join(sentence.tokens[s.start : s.end]): s.label for s in sentence.spans}
    assert spans == {"John": "PER", "Madrid": "LOC"}


UNPUNCTUATED = [
    "Results of the vote",  # a heading
    "the big",  # an unpunctuated line that would run into the next
    "dog",
    "John Smith",  # a list of names
    "Mary Jones",
    "Annex II",
    "Mr President, I would like to thank the rapporteur",
    "The Council adopted the report.",
]


def test_a_batch_gives_what_each_line_gives_alone(apertium_eng_spa: str) -> None:
    """Headings, lists and unpunctuated lines stay apart: N lines in, the N translations of N separate calls."""
    translator = ApertiumTranslator()
    alone = [translator.translate([line], "en", "es")[0] for line in UNPUNCTUATED]
    assert translator.translate(UNPUNCTUATED, "en", "es") == alone
    assert alone[1:3] == ["El grande", "Perro"]  # not "El perro" / "grande"
    assert alone[3:5] == ["John Smith", "Mary Jones"]
