"""Layout readers on fixture folders: MasakhaNER2, PAN-X (each file arrangement, ``lang:`` prefixes), CoNLL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.experiment.conftest import SENTENCES, write_panx
from xner.corpus import Sentence
from xner.errors import InputError
from xner.experiment.config import DatasetConfig
from xner.experiment.layouts import keep_labels, read_gold, strip_language_prefix


def test_masakhaner_reads_space_separated_token_label_lines(masakhaner_dir: Path) -> None:
    dataset = DatasetConfig(name="m", layout="masakhaner2", path=masakhaner_dir)
    sentences = read_gold(dataset, "hau")
    assert len(sentences) == len(SENTENCES)
    first = sentences[0]
    assert first.tokens[:2] == ["John", "Smith"]
    assert [(s.start, s.end, s.label) for s in first.spans] == [(0, 2, "PER"), (4, 5, "ORG"), (6, 7, "LOC")]
    assert first.lang == "hau"


def test_max_sentences_and_label_filter(masakhaner_dir: Path) -> None:
    dataset = DatasetConfig(name="m", layout="masakhaner2", path=masakhaner_dir)
    sentences = keep_labels(read_gold(dataset, "hau", max_sentences=2), ["PER", "LOC", "ORG"])
    assert len(sentences) == 2
    assert {s.label for s in sentences[1].spans} == {"PER", "LOC"}  # DATE dropped


@pytest.mark.parametrize("relative", ["sw/test", "sw/test.tsv", "test-sw.tsv", "sw-test.tsv"])
def test_panx_arrangements_and_prefix_stripping(tmp_path: Path, relative: str) -> None:
    write_panx(tmp_path, "sw", relative)
    dataset = DatasetConfig(name="p", layout="panx", path=tmp_path)
    sentences = read_gold(dataset, "sw")
    assert len(sentences) == 3
    assert sentences[0].tokens[:3] == ["John", "Smith", "works"]
    assert sentences[0].spans[0].label == "PER"


def test_prefix_stripping_keeps_other_colons() -> None:
    sentence = Sentence(tokens=["sw:http://x", "en:Paris", "sw:", "sw:Nairobi"])
    assert strip_language_prefix(sentence, "sw").tokens == ["http://x", "en:Paris", "sw:", "Nairobi"]


def test_missing_language_says_where_it_looked(masakhaner_dir: Path) -> None:
    dataset = DatasetConfig(name="m", layout="masakhaner2", path=masakhaner_dir)
    with pytest.raises(InputError, match=r"no data for language 'ibo' \(looked for .*ibo.*test\.txt\)"):
        read_gold(dataset, "ibo")


def test_conll_layout_uses_the_named_files(tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_text("Paris\tB-LOC\nis\tO\n\n", encoding="utf-8")
    dataset = DatasetConfig(name="c", layout="conll", files={"fr": path}, parallel=True)
    assert dataset.is_parallel
    assert read_gold(dataset, "fr")[0].spans[0].label == "LOC"
    with pytest.raises(InputError, match="no file for language 'de'"):
        read_gold(dataset, "de")


def test_europarl_layout_file_name(tmp_path: Path) -> None:
    (tmp_path / "de-europarl.test.conll02").write_text("Berlin\tB-LOC\n\n", encoding="utf-8")
    dataset = DatasetConfig(name="e", layout="europarl", path=tmp_path)
    assert read_gold(dataset, "de")[0].tokens == ["Berlin"]
