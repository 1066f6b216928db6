"""Tunables of the NER backends and of fine-tuning, one named constant each."""

from __future__ import annotations

DEFAULT_TAGGER = "spacy:en_core_web_sm"
"""The English (pivot) tagger every surface uses when none is named (weight-free: a spaCy pipeline)."""

DEFAULT_HF_MODEL = "FacebookAI/xlm-roberta-large-finetuned-conll03-english"
"""The token-classification model used when a spec names none (``hf``)."""

MAX_INPUT_TOKENS = 512
"""Longest window, in subword tokens with specials, fed to a token classifier (the model's limit wins if lower)."""

WINDOW_OVERLAP = 16
"""Subword tokens shared by consecutive windows of a long sentence; a word's label comes from the window where
it is farthest from an edge."""

BATCH_TOKENS = 8192
"""Token budget of one tagging batch: windows x longest window (padding included)."""

MAX_BATCH_WINDOWS = 128
"""Upper bound on the windows of one tagging batch."""

SPACY_BATCH_SIZE = 256
"""Docs per ``nlp.pipe`` batch for spaCy taggers."""

SPACY_EXCLUDE = ("parser", "tagger", "lemmatizer", "trainable_lemmatizer", "attribute_ruler", "morphologizer", "senter")
"""spaCy components not needed for NER, left out when a pipeline is loaded."""

EPOCHS = 10
"""Maximum training epochs (early stopping usually ends sooner)."""

LEARNING_RATE = 5e-5
"""Peak AdamW learning rate."""

WEIGHT_DECAY = 0.01
"""AdamW weight decay (not applied to biases and LayerNorm weights)."""

WARMUP_RATIO = 0.1
"""Fraction of the training steps with linearly rising learning rate."""

TRAIN_BATCH_SIZE = 16
"""Sentences (windows) per training step."""

PATIENCE = 3
"""Evaluations without a better dev F1 before training stops."""

SEED = 42
"""Seed of Python, NumPy and torch for reproducible fine-tuning."""

MAX_GRAD_NORM = 1.0
"""Gradient clipping norm."""
