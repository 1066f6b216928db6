"""The real shapes of the neural models the suite runs, built without weights: parameters and weight memory.

    python -m bench.model_shapes

Each model is built from its published architecture (the configuration values below) on PyTorch's ``meta``
device, so nothing is downloaded or allocated; the table gives its parameters and the memory its weights take in
float32 and in 16-bit (fp16/bf16). A worker needs this plus activations and the batch, which only a run on the GPU
measures; docs/deploy.md sizes GPU workers from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Shape:
    """A model's published architecture: the ``transformers`` config class and head, and the values that differ
    from the class's defaults."""

    name: str
    config: str
    head: str
    values: dict[str, Any]


SHAPES = (
    Shape(
        "facebook/nllb-200-distilled-600M",
        "M2M100Config",
        "AutoModelForSeq2SeqLM",
        {
            "vocab_size": 256206,
            "d_model": 1024,
            "encoder_layers": 12,
            "decoder_layers": 12,
            "encoder_attention_heads": 16,
            "decoder_attention_heads": 16,
            "encoder_ffn_dim": 4096,
            "decoder_ffn_dim": 4096,
            "max_position_embeddings": 1024,
            "scale_embedding": True,
        },
    ),
    Shape(
        "facebook/nllb-200-3.3B",
        "M2M100Config",
        "AutoModelForSeq2SeqLM",
        {
            "vocab_size": 256206,
            "d_model": 2048,
            "encoder_layers": 24,
            "decoder_layers": 24,
            "encoder_attention_heads": 16,
            "decoder_attention_heads": 16,
            "encoder_ffn_dim": 8192,
            "decoder_ffn_dim": 8192,
            "max_position_embeddings": 1024,
            "scale_embedding": True,
        },
    ),
    Shape("bert-base-multilingual-cased", "BertConfig", "AutoModel", {"vocab_size": 119547}),
    Shape(
        "FacebookAI/xlm-roberta-large-finetuned-conll03-english",
        "XLMRobertaConfig",
        "AutoModelForTokenClassification",
        {
            "vocab_size": 250002,
            "hidden_size": 1024,
            "num_hidden_layers": 24,
            "num_attention_heads": 16,
            "intermediate_size": 4096,
            "max_position_embeddings": 514,
            "type_vocab_size": 1,
            "num_labels": 9,
        },
    ),
)
"""The default neural backends of docker-compose.yml and the Kubernetes gpu overlay, and NLLB's largest size."""


def parameters(shape: Shape) -> int:
    """The parameter count of ``shape``, built on the meta device (no memory, no download)."""
    import torch
    import transformers

    config = getattr(transformers, shape.config)(**shape.values)
    with torch.device("meta"):
        model = getattr(transformers, shape.head).from_config(config)
    return sum(p.numel() for p in model.parameters())


def main() -> None:
    print("| model | parameters | float32 weights (GiB) | fp16/bf16 weights (GiB) |")
    print("|---|---:|---:|---:|")
    for shape in SHAPES:
        count = parameters(shape)
        print(f"| {shape.name} | {count / 1e6:,.0f} M | {count * 4 / 2**30:.2f} | {count * 2 / 2**30:.2f} |")


if __name__ == "__main__":
    main()
