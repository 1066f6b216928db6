"""xner: cross-lingual named-entity recognition by annotation projection."""

__version__ = "0.1.0"
