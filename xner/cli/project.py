"""``xner project``: project entity spans from labelled source sentences onto target sentences (parallel mode)."""

from __future__ import annotations

import contextvars
import os
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from xner import backends, formats
from xner.backends import DEFAULT_SPECS
from xner.cli._progress import stderr
from xner.cli.app import FormatOption, app
from xner.cli.defaults import ALIGN_AHEAD_CHUNKS, FILE_TO_FILE_MAX_BYTES, PROJECT_CHUNK_SENTENCES
from xner.cli.projection_options import option_name, projection_options
from xner.corpus import Sentence
from xner.errors import InputError, MismatchError
from xner.languages import normalise_language
from xner.progress import report
from xner.project.config import ProjectionConfig
from xner.project.links import Link, align_links, read_pharaoh
from xner.project.status import Counts, ProjectionResult, Status

if TYPE_CHECKING:
    from xner.pipeline import Run


def _read(path: Path, fmt: str | None) -> list[Sentence]:
    """Every sentence of ``path`` (:func:`_stream`)."""
    return list(_stream(path, fmt))


@app.command("project")
@projection_options
def project_command(
    source: Annotated[
        list[Path], typer.Option(help="Labelled source corpus (repeat for multi-source).", show_default=False)
    ],
    out: Annotated[Path, typer.Option(help="Output file ('-' for stdout).", show_default=False)],
    projection: ProjectionConfig,
    target: Annotated[
        Path | None, typer.Option(help="Parallel mode: target sentences, CoNLL (tags ignored) or text.")
    ] = None,
    src_lang: Annotated[
        str | None, typer.Option(help="Language of the source corpus (translate mode; back-translation).")
    ] = None,
    tgt_lang: Annotated[
        list[str] | None,
        typer.Option(
            help="Translate mode: target language (repeat for several; OUT gets a .LANG suffix). Parallel mode: "
            "the target's language (back-translation)."
        ),
    ] = None,
    train_base: Annotated[
        str | None, typer.Option("--train", help="Also fine-tune this base model (hf:MODEL) on the projected data.")
    ] = None,
    train_out: Annotated[Path | None, typer.Option(help="Model directory for --train (default: OUT.model).")] = None,
    alignments: Annotated[
        list[Path] | None,
        typer.Option(help="Pharaoh i-j links, source-target, one line per sentence (one file per --source)."),
    ] = None,
    source_format: Annotated[str | None, typer.Option(help="Source format (default: from the extension).")] = None,
    target_format: Annotated[str | None, typer.Option(help="Target format (default: from the extension).")] = None,
    fmt: FormatOption = None,
    skip_dropped: Annotated[bool, typer.Option(help="Leave sentences with status 'dropped' out of OUT.")] = False,
    chunk_size: Annotated[
        int,
        typer.Option(
            min=1,
            help="Parallel mode: sentences read, aligned, projected and written at a time (memory stays flat; "
            "eflomal learns from one chunk at a time).",
        ),
    ] = PROJECT_CHUNK_SENTENCES,
) -> None:
    """Project entity spans from SOURCE onto the parallel TARGET sentences (parallel mode), or onto its
    translation into each --tgt-lang (translate mode), and write OUT. The Projection options choose how."""
    if (
        target is not None
        and alignments
        and not train_base
        and _fast_path(projection, source, out, fmt)
        and _project_files(
            projection, source[0], target, alignments[0], out, skip_dropped, source_format, target_format
        )
    ):
        return
    if not alignments:  # before any sentence is translated or aligned
        projection.check_aligner(projection.aligner or DEFAULT_SPECS["aligner"])
    from xner.pipeline import Run, project_parallel  # the scientific stack: only when a command runs

    run = Run(projection, _loaded_once(backends.load))
    if target is None:
        sources = [_read(path, source_format) for path in source]
        if not src_lang or not tgt_lang:
            raise InputError("give --target (parallel mode), or --src-lang and --tgt-lang (translate mode)")
        if len(sources) != 1:
            raise InputError("translate mode takes one --source")
        projection.check_for("translate-train")
        for lang in tgt_lang:
            lang_out = out if len(tgt_lang) == 1 else out.with_suffix(f".{normalise_language(lang)}{out.suffix}")
            result = _translate_mode(sources[0], src_lang, lang, run)
            written = _write(result, lang_out, fmt, skip_dropped)
            stderr.print(summary_table(result.counts, written))
            stderr.print(f"wrote {written} sentences to {lang_out}")
            if train_base:
                _train(result, train_base, train_out or lang_out.with_suffix(".model"), normalise_language(lang))
        return
    projection.check_for("parallel")
    if (projection.backtranslation or projection.scorer) and not (src_lang and tgt_lang and len(tgt_lang) == 1):
        option = "--backtranslation" if projection.backtranslation else "--scorer"
        raise InputError(f"{option} needs the languages of both sides: give --src-lang and one --tgt-lang")
    aligning = projection.aligning_fields()
    if alignments and aligning:
        names = ", ".join(option_name(field) for field in aligning)
        raise InputError(f"{names}: choose how to align; --alignments gives the links")
    if alignments and len(alignments) != len(source):
        raise InputError(f"{len(alignments)} --alignments files for {len(source)} --source files")
    languages = {
        "src_lang": normalise_language(src_lang) if src_lang else "",
        "tgt_lang": normalise_language(tgt_lang[0]) if tgt_lang else "",
    }
    counts: list[Counts] = []
    kept: list[ProjectionResult] = []

    def projected() -> Generator[Sentence, None, None]:
        """The projected sentences, a chunk at a time: read, aligned, projected and written before the next."""
        done = 0
        chunks = _chunks(source, source_format, target, target_format, alignments, chunk_size)
        if not alignments and not projection.backtranslation:  # align ahead (back-translation aligns on its own)
            chunks = aligned_ahead(chunks, lambda chunk: _aligned(run, chunk), chunks_in_flight(run))
        for sources, targets, links in chunks:
            result = project_parallel(run, sources, targets, links=links, **languages)
            counts.append(result.counts)
            if train_base:
                kept.append(result)
            done += len(targets)
            report("sentences", done, None)
            yield from _kept(result, skip_dropped)
            del result, sources, targets, links  # not held while the next chunk is read and aligned

    sentences = projected()
    try:
        written = formats.write(sentences, out, formats.check_format(fmt or formats.detect_format(out)))
    finally:
        sentences.close()  # on an error, the chunks aligning ahead are dropped now, not when collected
    stderr.print(summary_table(Counts.merged(counts), written))
    stderr.print(f"wrote {written} sentences to {out}")
    if train_base:
        merged = ProjectionResult([s for r in kept for s in r.sentences], [p for r in kept for p in r.projections])
        _train(merged, train_base, train_out or out.with_suffix(".model"), None)


def _fast_path(projection: ProjectionConfig, source: list[Path], out: Path, fmt: str | None) -> bool:
    """Whether the file-to-file path can do this run: one source, the heuristic or the candidates method with nothing
    else configured, CoNLL out, a source file of at most ``FILE_TO_FILE_MAX_BYTES`` (plain-case files are then
    checked by :func:`~xner.project.columnar_files.project_files`)."""
    method = projection.method_for("parallel")
    plain = method in ("heuristic", "candidates") and not set(projection.changed()) - {"method"}
    if not (plain and len(source) == 1 and (fmt or formats.detect_format(out)) == "conll"):
        return False
    try:  # the kernel holds the whole corpus: larger ones stream in chunks instead (flat memory)
        return source[0].stat().st_size <= FILE_TO_FILE_MAX_BYTES
    except OSError:
        return False


def _project_files(
    projection: ProjectionConfig,
    source: Path,
    target: Path,
    alignments: Path,
    out: Path,
    skip_dropped: bool,
    source_format: str | None,
    target_format: str | None,
) -> bool:
    """Project with the columnar kernel from file to file (no per-sentence objects); ``False`` when the files are
    not the plain case (the general path then reads them and reports any error)."""
    from xner.project.columnar_files import project_files

    if (source_format or formats.detect_format(source, default="conll")) != "conll":
        return False
    if (target_format or formats.detect_format(target, default="conll")) != "text":
        return False
    method = projection.method_for("parallel")
    fast = project_files(source, target, alignments, method=method, options=projection.candidate_options())
    if fast is None:
        return False
    if str(out) == "-":
        written = fast.write_conll(sys.stdout, skip_dropped=skip_dropped)
    else:
        with formats.atomic_text_file(out) as handle:
            written = fast.write_conll(handle, skip_dropped=skip_dropped)
    stderr.print(summary_table(fast.counts, written))
    stderr.print(f"wrote {written} sentences to {out}")
    return True


def _translate_mode(sources: list[Sentence], src_lang: str, tgt_lang: str, run: Run) -> ProjectionResult:
    from xner.pipeline import translate_train

    source_code, target_code = normalise_language(src_lang), normalise_language(tgt_lang)
    translator = run.config.translator or DEFAULT_SPECS["translator"]
    stderr.print(f"translate-train: {len(sources)} sentences {source_code} -> {target_code} ({translator})")
    return translate_train(sources, src_lang=source_code, tgt_lang=target_code, run=run)


def _train(result: ProjectionResult, base: str, out: Path, lang: str | None) -> None:
    """Fine-tune ``base`` on the projected sentences (dropped ones left out; a tenth held out as dev)."""
    from xner.ner.train import train_tagger

    kept = [s for s, p in zip(result.sentences, result.projections, strict=True) if p.status is not Status.DROPPED]
    if len(kept) < 2:
        raise InputError(f"only {len(kept)} projected sentences: too few to train on")
    cut = max(1, len(kept) // 10)
    trained = train_tagger(kept[cut:], kept[:cut], base, out, languages=[lang] if lang else [])
    stderr.print(
        f"trained {base} on {len(kept) - cut} projected sentences -> {trained.output_dir} "
        f"(dev F1 {trained.dev_scores.overall.f1:.4f})"
    )


def _kept(result: ProjectionResult, skip_dropped: bool) -> list[Sentence]:
    return [
        s
        for s, p in zip(result.sentences, result.projections, strict=True)
        if not (skip_dropped and p.status is Status.DROPPED)
    ]


def _write(result: ProjectionResult, out: Path, fmt: str | None, skip_dropped: bool) -> int:
    return formats.write(_kept(result, skip_dropped), out, formats.check_format(fmt or formats.detect_format(out)))


Chunk = tuple[list[list[Sentence]], list[Sentence], list[list[list[Link]]] | None]


def _chunks(
    source: list[Path],
    source_format: str | None,
    target: Path,
    target_format: str | None,
    alignments: list[Path] | None,
    size: int,
) -> Iterator[Chunk]:
    """The sentence pairs (every source, the target, the links of each source when given) in chunks of ``size``,
    read as they are needed. Each sentence's number in its file goes into ``meta["number"]`` (errors name it).
    Sides of different lengths are a :class:`MismatchError` naming both counts."""
    streams = [_stream(path, source_format) for path in source]
    target_stream = _stream(target, target_format)
    link_streams = [read_pharaoh(path) for path in alignments or []]
    number = 0
    while True:
        sources = [list(islice(stream, size)) for stream in streams]
        targets = list(islice(target_stream, size))
        links = [list(islice(stream, size)) for stream in link_streams]
        for path, part, stream in zip(source, sources, streams, strict=True):
            if len(part) != len(targets):
                n, m = _total(number, part, stream), _total(number, targets, target_stream)
                raise MismatchError(f"{path} has {n} sentences but {target} has {m}")
        for links_path, lines, line_stream in zip(alignments or [], links, link_streams, strict=True):
            if len(lines) != len(targets):
                n, m = _total(number, lines, line_stream), _total(number, targets, target_stream)
                raise MismatchError(f"{links_path}: {n} alignment lines for {m} sentence pairs")
        if not targets:
            return
        for offset, pair in enumerate(zip(*sources, targets, strict=True)):
            for sentence in pair:
                sentence.meta["number"] = number + offset + 1
        number += len(targets)
        yield sources, targets, links or None


def _aligned(run: Run, chunk: Chunk) -> Chunk:
    """The chunk with the links of each of its sources to the target."""
    sources, targets, _ = chunk
    aligner = run.aligner()
    tokens = [t.tokens for t in targets]
    return sources, targets, [align_links(aligner, [s.tokens for s in corpus], tokens) for corpus in sources]


def chunks_in_flight(run: Run) -> int:
    """How many chunks to align at once: :data:`ALIGN_AHEAD_CHUNKS`, or as many as it takes for every core to
    have one of eflomal's 2 x runs jobs (the sampler runs one chunk's jobs in parallel threads)."""
    runs = getattr(run.aligner(), "runs", None)
    if not isinstance(runs, int) or runs < 1:
        return ALIGN_AHEAD_CHUNKS
    return max(ALIGN_AHEAD_CHUNKS, (os.cpu_count() or 1) // (2 * runs))


def aligned_ahead(chunks: Iterator[Chunk], align: Callable[[Chunk], Chunk], ahead: int) -> Iterator[Chunk]:
    """``align`` applied to every chunk, in order, with up to ``ahead`` chunks aligning in threads while the caller
    works on the current one (the aligners release the GIL while they compute; progress reports go on). When the
    caller stops early (an error in a chunk), the chunks not started yet are dropped at once."""
    pool = ThreadPoolExecutor(max_workers=ahead, thread_name_prefix="xner-align")
    pending: deque[Future[Chunk]] = deque()

    def start_more() -> None:  # read chunks only for free threads: none waits in memory for its turn
        while len(pending) < ahead and (chunk := next(chunks, None)) is not None:
            pending.append(pool.submit(contextvars.copy_context().run, align, chunk))

    try:
        start_more()
        while pending:
            done = pending.popleft().result()
            start_more()  # the next chunk aligns while the caller works on this one
            yield done
            del done
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _total(before: int, chunk: list[Any], rest: Iterator[Any]) -> int:
    """How many items a side has: those before this chunk, the chunk's, and the rest of its stream."""
    return before + len(chunk) + sum(1 for _ in rest)


def _stream(path: Path, fmt: str | None) -> Iterator[Sentence]:
    """Sentences of ``path``: CoNLL (tags kept for sources, ignored for targets) or text by extension."""
    return formats.read(path, formats.check_format(fmt or formats.detect_format(path, default="conll")))


def _loaded_once(load: Callable[..., Any]) -> Callable[..., Any]:
    """``load``, keeping each backend it built: the chunks of a corpus share one aligner, translator, tagger."""
    loaded: dict[tuple[Any, ...], Any] = {}

    def cached(kind: str, spec: str | None = None, /, **options: Any) -> Any:
        key = (kind, spec, tuple(sorted(options.items())))
        if key not in loaded:
            loaded[key] = load(kind, spec, **options)
        return loaded[key]

    return cached


def summary_table(counts: Counts, written: int) -> Table:
    """Sentences and entities in/out, statuses, and losses by reason."""
    table = Table(title="projection summary", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("sentences in", counts.sentences_in),
        ("sentences out", written),
        ("  projected", counts.projected),
        ("  partial", counts.partial),
        ("  dropped", counts.dropped),
        ("entities in", counts.entities_in),
        ("entities out", counts.entities_out),
    ]
    rows += [(f"  lost: {reason}", n) for reason, n in counts.lost_by_reason.items()]
    rows += [(f"  dropped: {reason}", n) for reason, n in counts.dropped_by_reason.items()]
    for label, value in rows:
        table.add_row(label, str(value))
    return table
