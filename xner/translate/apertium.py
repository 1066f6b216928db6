"""``apertium``: weight-free rule-based translation through the Debian ``apertium`` command.

Install the engine and a language pair: ``apt-get install apertium apertium-eng-spa`` (``apt-cache search
apertium`` lists the pairs). A pair is found by its mode name, ``eng-spa`` or older two-letter names such as
``en-gl``, in the modes directory. A missing pair is a :class:`~xner.errors.BackendUnavailable` that names the
package to install. One ``apertium`` process translates a whole batch, a blank line between sentences; Apertium cannot
score translations.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from xner.errors import BackendError, BackendUnavailable
from xner.languages import iso639_1, normalise_language
from xner.translate import defaults

#: Apertium's own codes for FLORES-200 languages where they differ from the ISO 639-3 part.
APERTIUM_CODES: dict[str, tuple[str, ...]] = {
    "srp_Cyrl": ("hbs",),
    "hrv_Latn": ("hbs",),
    "bos_Latn": ("hbs",),
    "zsm_Latn": ("zlm",),
    "nob_Latn": ("nob", "nor"),
}


SENTENCE_SEPARATOR = "\n\n"
"""What follows each sentence of a batch: a blank line, which Apertium's text format keeps as a boundary."""

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class ApertiumTranslator:
    """Translate with an installed Apertium pair. ``model`` may name a data directory holding ``modes/``
    (``apertium -d``); the default is Debian's."""

    name = "apertium"

    def __init__(
        self,
        model: str | None = None,
        *,
        command: str = defaults.APERTIUM_COMMAND,
        timeout: float = defaults.APERTIUM_TIMEOUT,
    ) -> None:
        executable = shutil.which(command)
        if executable is None:
            raise BackendUnavailable(
                f"the {command!r} command is not installed; install the Debian package apertium and a pair "
                "package, e.g. apt-get install apertium apertium-eng-spa"
            )
        self.command = executable
        self.data_dir = Path(model) if model else Path(defaults.APERTIUM_DATA_DIR)
        self.modes_dir = self.data_dir / "modes"
        self.timeout = timeout
        self.fingerprint = f"apertium:{self.modes_dir}:{_pair_versions(self.modes_dir)}"

    def modes(self) -> list[str]:
        """The installed translation modes (``eng-spa``, ``spa-eng``, ...)."""
        if not self.modes_dir.is_dir():
            return []
        return sorted(p.stem for p in self.modes_dir.glob("*.mode"))

    def mode_for(self, src_lang: str, tgt_lang: str) -> str:
        """The installed mode translating ``src_lang`` into ``tgt_lang``; an error naming the package if none."""
        src, tgt = normalise_language(src_lang), normalise_language(tgt_lang)
        installed = set(self.modes())
        for a in _codes(src):
            for b in _codes(tgt):
                if f"{a}-{b}" in installed:
                    return f"{a}-{b}"
        a3, b3 = src[:3], tgt[:3]
        raise BackendUnavailable(
            f"no Apertium pair for {src} -> {tgt} in {self.modes_dir}; install the Debian package "
            f"apertium-{a3}-{b3} or apertium-{b3}-{a3} if it exists (apt-cache search apertium lists the pairs); "
            f"installed modes: {', '.join(sorted(installed)) or 'none'}"
        )

    def translate(self, sentences: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """One translation per sentence, the same as translating each alone: the batch goes through one
        ``apertium`` process with a blank line between sentences, which Apertium keeps as a boundary (a plain
        newline is whitespace to it, so an unpunctuated line would run into the next: "the big" / "dog" would come
        back as "El perro" / "grande")."""
        mode = self.mode_for(src_lang, tgt_lang)
        lines = [" ".join(s.split()) for s in sentences]
        present = [k for k, line in enumerate(lines) if line]
        translated = [""] * len(lines)
        if not present:
            return translated
        output = self._run(mode, "".join(lines[k] + SENTENCE_SEPARATOR for k in present))
        pieces = [piece for piece in _BLANK_LINE.split(output.strip()) if piece.strip()]
        if len(pieces) != len(present):  # the pair merged or split sentences: fall back to one call per sentence
            pieces = [self._run(mode, lines[k] + "\n") for k in present]
        for k, piece in zip(present, pieces, strict=True):
            translated[k] = " ".join(piece.split())
        return translated

    def score(self, src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[float]:
        raise BackendUnavailable("apertium is rule-based and cannot score translations; use nllb or ctranslate2")

    def _run(self, mode: str, text: str) -> str:
        try:
            done = subprocess.run(
                [self.command, "-d", str(self.data_dir), "-u", "-f", "txt", mode],
                input=text,
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BackendError(f"apertium {mode} took longer than {self.timeout:g} s") from exc
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()[:1] or [f"exit status {done.returncode}"]
            raise BackendError(f"apertium {mode} failed: {message[0]}")
        return done.stdout


def _codes(flores: str) -> list[str]:
    """Apertium's candidate codes for a FLORES-200 language: special cases, ISO 639-3, ISO 639-1."""
    codes = [*APERTIUM_CODES.get(flores, ()), flores[:3]]
    two = iso639_1(flores)
    if two:
        codes.append(two)
    return codes


def _pair_versions(modes_dir: Path) -> str:
    """A cheap fingerprint of the installed pairs: the mode files' names and modification times."""
    if not modes_dir.is_dir():
        return ""
    return ";".join(f"{p.stem}@{int(p.stat().st_mtime)}" for p in sorted(modes_dir.glob("*.mode")))
