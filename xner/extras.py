"""Which extra installs an optional package, so a missing one is one line naming the fix."""

from __future__ import annotations

MODULE_EXTRAS: dict[str, tuple[str, str]] = {
    "fastapi": ("fastapi", "serve"),
    "fastapi_offline": ("fastapi-offline", "serve"),
    "uvicorn": ("uvicorn", "serve"),
    "pydantic_settings": ("pydantic-settings", "serve"),
    "redis": ("redis", "serve"),
    "rq": ("rq", "serve"),
    "httpx": ("httpx", "serve"),
    "prometheus_client": ("prometheus-client", "serve"),
    "multipart": ("python-multipart", "serve"),
    "python_multipart": ("python-multipart", "serve"),
    "cassis": ("dkpro-cassis", "serve"),
    "matplotlib": ("matplotlib", "experiment"),
    "torch": ("torch", "translate"),
    "transformers": ("transformers", "translate"),
    "sentencepiece": ("sentencepiece", "translate"),
    "ctranslate2": ("ctranslate2", "translate"),
    "spacy": ("spacy", "ner"),
    "accelerate": ("accelerate", "ner"),
}
"""Top-level module -> (its distribution, the extra of ``pyproject.toml`` that installs it)."""


def missing_package_message(module: str | None) -> str | None:
    """``the uvicorn package is missing: pip install 'xner[serve]'`` for a module an extra installs, else ``None``."""
    top = (module or "").split(".")[0]
    if top not in MODULE_EXTRAS:
        return None
    distribution, extra = MODULE_EXTRAS[top]
    return f"the {distribution} package is not installed; install it with: pip install 'xner[{extra}]'"
