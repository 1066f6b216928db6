"""The hostile values the catalogue sends: deep and huge JSON, oversized tokens, path traversals, backend specs
naming the server's files, a Label Studio id that walks its API, XML external entities and entity expansion."""

from __future__ import annotations

DEEP = "[" * 100_000 + "]" * 100_000
"""JSON nested 100,000 levels."""

HUGE = "9" * 5_000
"""A 5,000-digit JSON integer (Python refuses to parse integers over 4,300 digits)."""

BIG_TOKEN = "x" * 5_000
"""A token five times ``max_token_chars``."""

TRAVERSALS = {
    "dotdot": "../../etc/passwd",
    "encoded": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "slash-encoded": "..%2F..%2Fetc%2Fpasswd",
    "dots": "%2e%2e",
    "nul": "abc%00def",
    "long": "a" * 10_000,
}
"""Path-parameter attacks, as sent on the wire (raw ``../`` is not normalised by the raw client)."""

SPECS = {
    "translator": ["nllb:/etc", "ctranslate2:/proc/self/cwd", "apertium:../../../etc", "identity:/etc/passwd"],
    "aligner": ["eflomal:/proc/self/environ", "encoder:/etc"],
    "tagger": ["hf:/etc", "spacy:/proc/self/cwd"],
}
"""Client-chosen specs naming files and directories of the server: each must be a 422 listing the allowed ones."""

LS_INJECTION = "1/../../../api/current-user/whoami?"
"""A Label Studio project "id" that walks Label Studio's API from the export path."""

XXE = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

LAUGHS = (
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "]>"
)
"""An XML external entity reading /etc/passwd, and a billion-laughs entity expansion."""
