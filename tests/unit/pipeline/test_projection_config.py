"""The projection configuration drives the pipelines: back-translation, markers, link extraction and the NMT score
each reach the code that implements them, from the library and from the command line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.unit.pipeline.fakes import WordForWord
from xner import backends, formats
from xner.cli import main
from xner.corpus import Sentence, Span
from xner.errors import InputError
from xner.pipeline import Run, given, project_onto, project_parallel, translate_train
from xner.project.config import ProjectionConfig, parse_projection
from xner.project.status import Status

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


class Recording:
    """Aligns word k with word k and records the pairs it was given."""

    def __init__(self) -> None:
        self.pairs: list[tuple[list[str], list[str]]] = []

    def align(self, src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> list[list[tuple[int, int]]]:
        self.pairs.extend((list(s), list(t)) for s, t in zip(src, tgt, strict=True))
        return [[(k, k) for k in range(min(len(s), len(t)))] for s, t in zip(src, tgt, strict=True)]


SOURCE = Sentence(tokens=["Angela", "Merkel", "visited", "Paris"], spans=[Span(0, 2, "PER"), Span(3, 4, "LOC")])
TARGET = Sentence(tokens=["Angela", "Merkel", "visitó", "París"])
MARKED = {
    "[Angela Merkel] visited [Paris]": "[Angela Merkel] visitó [París]",
    "Angela Merkel": "Angela Merkel",
    "Paris": "París",
}


def test_backtranslation_aligns_the_marked_translation_with_the_target_in_its_own_language():
    translator, aligner = WordForWord(MARKED), Recording()
    run = Run(ProjectionConfig(backtranslation=True), given(translator=translator, aligner=aligner))
    result = project_onto(run, [SOURCE], [TARGET], src_lang="eng_Latn", tgt_lang="spa_Latn")
    assert translator.sent[0] == "[Angela Merkel] visited [Paris]"
    assert aligner.pairs == [(["Angela", "Merkel", "visitó", "París"], TARGET.tokens)]  # Spanish with Spanish
    assert [s.key for s in result.sentences[0].spans] == [(0, 2, "PER"), (3, 4, "LOC")]


def test_without_backtranslation_the_source_is_aligned_with_the_target():
    translator, aligner = WordForWord(MARKED), Recording()
    run = Run(ProjectionConfig(), given(translator=translator, aligner=aligner))
    project_onto(run, [SOURCE], [TARGET], src_lang="eng_Latn", tgt_lang="spa_Latn")
    assert translator.sent == [] and aligner.pairs == [(SOURCE.tokens, TARGET.tokens)]


def test_markers_label_the_translation_itself_in_translate_train():
    translator, aligner = WordForWord(MARKED), Recording()
    run = Run(ProjectionConfig(method="markers"), given(translator=translator, aligner=aligner))
    result = translate_train([SOURCE], src_lang="eng_Latn", tgt_lang="spa_Latn", run=run)
    assert result.sentences[0].tokens == ["Angela", "Merkel", "visitó", "París"]
    assert [s.key for s in result.sentences[0].spans] == [(0, 2, "PER"), (3, 4, "LOC")]
    assert aligner.pairs == []  # nothing is aligned


def test_a_method_that_does_not_apply_is_an_error_naming_the_field():
    run = Run(ProjectionConfig(method="markers"), given(translator=WordForWord(MARKED), aligner=Recording()))
    with pytest.raises(InputError, match=r"^method: markers"):
        project_parallel(run, [[SOURCE]], [TARGET], src_lang="eng_Latn", tgt_lang="spa_Latn")
    with pytest.raises(InputError, match=r"^via: "):
        ProjectionConfig(via="fra").check_for("parallel")


def test_weights_go_over_the_preset_and_the_translation_score_needs_a_scorer():
    options = parse_projection({"preset": "paper", "weights": {"surface": 0.5}}).candidate_options()
    assert dict(options.weights) == {"align": 1.0, "surface": 0.5} and options.matching == "greedy"
    assert "translation" not in ProjectionConfig().candidate_options().weights  # no scorer: no NMT score
    with pytest.raises(InputError, match=r"^options\.weights: .translation. needs a scorer"):
        parse_projection({"weights": {"translation": 1}}, where="options")


class CountingScorer:
    """A translation scorer that counts its calls (every pair scores the same)."""

    def __init__(self) -> None:
        self.calls = 0

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        self.calls += 1
        return [-0.1] * len(src)


def test_the_scorer_feeds_the_translation_score():
    scorer = CountingScorer()
    config = ProjectionConfig(scorer="any", weights={"translation": 1.0})
    run = Run(config, given(aligner=Recording(), translator=scorer))
    result = project_onto(run, [SOURCE], [TARGET], src_lang="eng_Latn", tgt_lang="spa_Latn")
    assert scorer.calls > 0 and result.projections[0].status is Status.PROJECTED


def test_softmax_extraction_reaches_the_encoder_aligner(tiny_bert: Path):
    aligner = Run(ProjectionConfig(aligner=f"encoder:{tiny_bert}", extraction="softmax"), backends.load).aligner()
    assert aligner.extraction.method == "softmax"  # type: ignore[attr-defined]


def test_the_cli_projects_with_an_encoder_softmax_and_an_nllb_scorer(
    tiny_bert: Path, tiny_nllb_dir: Path, tmp_path: Path
):
    out = tmp_path / "es.conll"
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--target", str(EXAMPLES / "es.txt")]
    args += ["--out", str(out), "--aligner", f"encoder:{tiny_bert}", "--extraction", "softmax"]
    args += ["--scorer", f"nllb:{tiny_nllb_dir}", "--weights", "translation=1", "--src-lang", "en", "--tgt-lang", "es"]
    assert main(args) == 0
    assert len(list(formats.read(out, "conll"))) == 10


def test_the_cli_back_translates_with_apertium(apertium_eng_spa: Any, tmp_path: Path):
    out = tmp_path / "es.conll"
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--target", str(EXAMPLES / "es.txt")]
    args += ["--out", str(out), "--backtranslation", "--src-lang", "en", "--tgt-lang", "es"]
    assert main(args) == 0
    projected = list(formats.read(out, "conll"))
    assert len(projected) == 10 and sum(len(s.spans) for s in projected) >= 18


def test_the_cli_says_which_option_is_wrong(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--target", str(EXAMPLES / "es.txt")]
    args += ["--out", str(tmp_path / "x.conll"), "--weights", "align=2,bogus=1"]
    assert main(args) == 2
    assert capsys.readouterr().err.strip().startswith("xner: error: --weights: bogus: Input should be")
    assert main([*args[:-2], "--method", "markers"]) == 2
    assert "--method: markers translates the labelled sentences itself" in capsys.readouterr().err


def test_markers_with_a_tiny_nllb_run_end_to_end(tiny_nllb_dir: Path, tmp_path: Path):
    """Marker mode with a neural translator: random weights rarely keep the markers, so sentences may come back
    dropped with the reason; every sentence comes back."""
    out = tmp_path / "es.jsonl"
    args = ["project", "--source", str(EXAMPLES / "en.conll"), "--src-lang", "en", "--tgt-lang", "es"]
    args += ["--out", str(out), "--method", "markers", "--translator", f"nllb:{tiny_nllb_dir}"]
    assert main(args) == 0
    sentences = list(formats.read(out, "jsonl"))
    assert len(sentences) == 10
    for sentence in sentences:
        status = sentence.meta["projection"]["status"]
        assert status != "dropped" or sentence.meta["projection"]["reason"].startswith("markers: ")


def test_a_layer_is_a_whole_number_from_zero_up() -> None:
    assert parse_projection({"layer": "7"}).layer == 7  # the command line's text
    for value, problem in ((True, "not true or false"), (-1, "greater than or equal to 0"), (2.5, "fractional part")):
        with pytest.raises(InputError, match=f"^layer: .*{problem}"):
            parse_projection({"layer": value})
