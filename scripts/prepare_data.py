"""Lay out the official MasakhaNER 2.0 and PAN-X files, already on local disk, the way ``xner experiment`` reads them.

    python scripts/prepare_data.py masakhaner2 SOURCE OUT   # SOURCE: the repository's data/ folder, or a .zip of it
    python scripts/prepare_data.py panx SOURCE OUT          # SOURCE: XTREME's panx_dataset folder of <lang>.tar.gz

Nothing is downloaded. MasakhaNER 2.0 (github.com/masakhane-io/masakhane-ner, ``MasakhaNER2.0/data``) ships
``<lang>/{train,dev,test}.txt`` with one ``token label`` per line: those files are copied to ``OUT/<lang>/<split>.txt``
after a check of every line. PAN-X (XTREME's ``panx_dataset``) ships one ``<lang>.tar.gz`` per language holding
``train``, ``dev`` and ``test`` files of ``<lang>:token<TAB>label`` lines: those three members are read (no other
member, and no path from the archive, is ever used) and written to ``OUT/<lang>/<split>``. The experiment's
``masakhaner2`` and ``panx`` layouts then take ``path: OUT``. A line that is neither blank nor ``token label`` stops
the script with its file and line number.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

SPLITS = ("train", "dev", "test")
"""The splits laid out (the archives' other members are ignored)."""

LANGUAGE = re.compile(r"^[a-z]{2,3}$")
"""A language folder or archive name (``hau``, ``de``): anything else is skipped."""


class FormatError(Exception):
    """A file that is not what the data set ships."""


def checked_lines(lines: Iterable[str], where: str, separator: str | None) -> Iterator[str]:
    """The lines, each blank or ``token<separator>label`` (whitespace when ``separator`` is ``None``)."""
    for number, line in enumerate(lines, start=1):
        text = line.rstrip("\r\n")
        if text.strip():
            fields = text.split(separator) if separator else text.split()
            if len(fields) != 2 or not all(fields):
                raise FormatError(f"{where}: line {number} is not 'token label': {text[:80]!r}")
        yield text + "\n"


def masakhaner2_members(source: Path) -> Iterator[tuple[str, str, Iterable[str]]]:
    """``(lang, split, lines)`` of every ``<lang>/<split>.txt`` in the folder or the zip ``source``."""
    if source.is_dir():
        for path in sorted(source.glob("*/*.txt")):
            lang, split = path.parent.name, path.stem
            if LANGUAGE.match(lang) and split in SPLITS:
                yield lang, split, path.read_text(encoding="utf-8").splitlines(keepends=True)
        return
    with zipfile.ZipFile(source) as archive:
        for name in sorted(archive.namelist()):
            parts = name.rstrip("/").split("/")
            if len(parts) >= 2 and LANGUAGE.match(parts[-2]) and parts[-1] in {f"{s}.txt" for s in SPLITS}:
                text = archive.read(name).decode("utf-8")
                yield parts[-2], parts[-1][:-4], text.splitlines(keepends=True)


def panx_members(source: Path) -> Iterator[tuple[str, str, Iterable[str]]]:
    """``(lang, split, lines)`` of the ``train``/``dev``/``test`` members of every ``<lang>.tar.gz`` in ``source``."""
    for path in sorted(source.glob("*.tar.gz")):
        lang = path.name[: -len(".tar.gz")]
        if not LANGUAGE.match(lang):
            continue
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                split = member.name.rsplit("/", 1)[-1]
                if split in SPLITS and member.isfile():
                    handle = archive.extractfile(member)
                    if handle is not None:
                        yield lang, split, io.TextIOWrapper(handle, encoding="utf-8").readlines()


def prepare(kind: str, source: Path, out: Path) -> list[Path]:
    """Write the layout of ``kind`` (``masakhaner2`` or ``panx``) under ``out``; return the files written."""
    if not source.exists():
        raise FormatError(f"{source} does not exist")
    members = masakhaner2_members(source) if kind == "masakhaner2" else panx_members(source)
    written = []
    for lang, split, lines in members:
        target = out / lang / (f"{split}.txt" if kind == "masakhaner2" else split)
        where = f"{source.name}: {lang}/{split}"
        text = "".join(checked_lines(lines, where, None if kind == "masakhaner2" else "\t"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    if not written:
        raise FormatError(f"{source}: no {kind} files found (see the script's docstring for the layout it reads)")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["masakhaner2", "panx"])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        written = prepare(args.kind, args.source, args.out)
    except (FormatError, OSError, zipfile.BadZipFile, tarfile.TarError, UnicodeDecodeError) as exc:
        print(f"prepare_data: error: {exc}", file=sys.stderr)
        return 2
    languages = sorted({path.parent.name for path in written})
    print(f"wrote {len(written)} files for {len(languages)} languages under {args.out}: {', '.join(languages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
