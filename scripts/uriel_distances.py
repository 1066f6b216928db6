"""Rebuild ``xner/experiment/data/uriel_distances.tsv``: URIEL distances of the evaluation languages from English.

The URIEL knowledge base (Littell et al., EACL 2017) ships inside the ``lang2vec`` 1.1.2 wheel on PyPI
(``lang2vec/data/*.npz``). lang2vec itself is not imported (1.1.2 needs ``pkg_resources``; later versions download
their distance tables at run time), so this script reads the arrays directly:

    pip download --no-deps lang2vec==1.1.2 -d /tmp/l2v && unzip -q /tmp/l2v/lang2vec-1.1.2-*.whl -d /tmp/l2v/x
    python scripts/uriel_distances.py /tmp/l2v/x/lang2vec/data > xner/experiment/data/uriel_distances.tsv

Distances (all in [0, 1]), as URIEL/lang2vec define them:

* ``syntactic``, ``phonological``, ``inventory``: cosine distance between the kNN-imputed feature vectors
  (``feature_predictions.npz``: ``S_*`` 103 syntax features, ``P_*`` 28 phonology, ``INV_*`` 158 inventory);
* ``featural``: cosine distance over all 289 imputed features together;
* ``genetic``: ``1 - shared / max(n_a, n_b)`` over the Glottolog family-membership features
  (``family_features.npz``): 0 = same lineage, 1 = no shared family.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

SOURCE = "eng"
"""The source language the distances are measured from (URIEL code)."""

#: lookup code (FLORES-200 prefix, or the data set's own code where FLORES-200 has none) -> URIEL code
LANGUAGES: dict[str, str] = {
    # MasakhaNER 2.0
    **{
        c: c
        for c in [
            "bam",
            "bbj",
            "ewe",
            "fon",
            "hau",
            "ibo",
            "kin",
            "lug",
            "luo",
            "mos",
            "nya",
            "pcm",
            "sna",
            "tsn",
            "twi",
            "wol",
            "xho",
            "yor",
            "zul",
        ]
    },
    "swh": "swh",
    # XTREME PAN-X (and Europarl-NER: deu, spa, ita)
    **{
        c: c
        for c in [
            "afr",
            "arb",
            "bul",
            "ben",
            "deu",
            "ell",
            "eng",
            "spa",
            "est",
            "eus",
            "pes",
            "fin",
            "fra",
            "heb",
            "hin",
            "hun",
            "ind",
            "ita",
            "jpn",
            "jav",
            "kat",
            "kaz",
            "kor",
            "mal",
            "mar",
            "zsm",
            "mya",
            "nld",
            "por",
            "rus",
            "tam",
            "tel",
            "tha",
            "tgl",
            "tur",
            "urd",
            "vie",
        ]
    },
    "zho": "cmn",
}

Vector = npt.NDArray[np.float64]


def _load(path: Path) -> tuple[dict[str, int], list[str], Vector]:
    data = np.load(path, allow_pickle=True)
    langs = {str(code): k for k, code in enumerate(data["langs"])}
    return langs, [str(f) for f in data["feats"]], data["data"][:, :, 0].astype(np.float64)


def cosine_distance(a: Vector, b: Vector) -> float:
    """``1 - cos(a, b)``; 1 when either vector is all zero."""
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return 1.0 - float(np.dot(a, b)) / norm if norm else 1.0


def genetic_distance(a: Vector, b: Vector) -> float:
    """``1 - shared / max(n_a, n_b)`` over binary family-membership vectors."""
    largest = max(float(a.sum()), float(b.sum()))
    return 1.0 - float((a * b).sum()) / largest if largest else 1.0


def main(data_dir: str) -> None:
    root = Path(data_dir)
    langs, feats, values = _load(root / "feature_predictions.npz")
    fam_langs, _, families = _load(root / "family_features.npz")
    groups = {
        name: np.array([f.startswith(prefix) for f in feats])
        for name, prefix in (("syntactic", "S_"), ("phonological", "P_"), ("inventory", "INV_"))
    }
    print(f"# URIEL distances from {SOURCE} (lang2vec 1.1.2 data; scripts/uriel_distances.py documents the method)")
    print("code\turiel\tsyntactic\tphonological\tinventory\tfeatural\tgenetic")
    src, fam_src = values[langs[SOURCE]], families[fam_langs[SOURCE]]
    for code, uriel in sorted(LANGUAGES.items()):
        tgt = values[langs[uriel]]
        row = [cosine_distance(src[mask], tgt[mask]) for mask in groups.values()]
        row += [cosine_distance(src, tgt), genetic_distance(fam_src, families[fam_langs[uriel]])]
        print("\t".join([code, uriel, *(f"{max(value, 0.0):.4f}" for value in row)]))


if __name__ == "__main__":
    main(sys.argv[1])
