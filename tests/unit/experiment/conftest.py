"""Fixture data sets written by the tests themselves: MasakhaNER2- and PAN-X-layout folders in tmp."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Entity-rich English sentences as (token, IOB2 tag) pairs; spaCy's small English model finds most of them.
SENTENCES: list[list[tuple[str, str]]] = [
    [
        ("John", "B-PER"),
        ("Smith", "I-PER"),
        ("works", "O"),
        ("for", "O"),
        ("Google", "B-ORG"),
        ("in", "O"),
        ("London", "B-LOC"),
        (".", "O"),
    ],
    [
        ("Angela", "B-PER"),
        ("Merkel", "I-PER"),
        ("visited", "O"),
        ("Paris", "B-LOC"),
        ("on", "O"),
        ("Monday", "B-DATE"),
        (".", "O"),
    ],
    [
        ("The", "O"),
        ("United", "B-ORG"),
        ("Nations", "I-ORG"),
        ("met", "O"),
        ("in", "O"),
        ("New", "B-LOC"),
        ("York", "I-LOC"),
        (".", "O"),
    ],
    [
        ("Barack", "B-PER"),
        ("Obama", "I-PER"),
        ("spoke", "O"),
        ("to", "O"),
        ("Microsoft", "B-ORG"),
        ("engineers", "O"),
        ("in", "O"),
        ("Seattle", "B-LOC"),
        (".", "O"),
    ],
    [("Nothing", "O"), ("happened", "O"), ("here", "O"), (".", "O")],
    [
        ("Mary", "B-PER"),
        ("moved", "O"),
        ("from", "O"),
        ("Berlin", "B-LOC"),
        ("to", "O"),
        ("Madrid", "B-LOC"),
        ("last", "O"),
        ("year", "O"),
        (".", "O"),
    ],
]

#: Target languages of the fixtures: two related to English, three distant (URIEL syntactic distance).
LANGUAGES = ("de", "it", "hau", "yor", "zul")


def write_masakhaner(root: Path, languages: tuple[str, ...] = LANGUAGES, split: str = "test") -> Path:
    """``root/<lang>/<split>.txt`` with space-separated ``token label`` lines."""
    for lang in languages:
        folder = root / lang
        folder.mkdir(parents=True, exist_ok=True)
        blocks = ["\n".join(f"{token} {tag}" for token, tag in sentence) for sentence in SENTENCES]
        (folder / f"{split}.txt").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return root


def write_parallel(
    root: Path, languages: tuple[str, ...], repeat: int = 1, untagged: tuple[str, ...] = ()
) -> dict[str, str]:
    """One CoNLL file per language of the same sentences (``SENTENCES`` ``repeat`` times; the ``untagged`` sides
    with every tag ``O``), for a ``conll`` data set with ``parallel: true``: language -> path."""
    files = {}
    for lang in languages:
        sentences = [[(t, "O" if lang in untagged else g) for t, g in s] for s in SENTENCES * repeat]
        path = root / f"{lang}.conll"
        path.write_text("\n\n".join("\n".join(f"{t}\t{g}" for t, g in s) for s in sentences) + "\n", encoding="utf-8")
        files[lang] = str(path)
    return files


def write_panx(root: Path, lang: str, relative: str) -> Path:
    """A PAN-X file at ``root/relative`` with ``lang:token<TAB>tag`` lines (XTREME's prefix)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = ["\n".join(f"{lang}:{token}\t{tag}" for token, tag in sentence) for sentence in SENTENCES[:3]]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def masakhaner_dir(tmp_path: Path) -> Path:
    return write_masakhaner(tmp_path / "masakhaner2")
