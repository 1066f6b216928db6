"""Annotation-platform adapters: Label Studio (ML backend), doccano (auto-labelling), INCEpTION (external
recommender). Each speaks its tool's contract and tags through :mod:`gateway.tagging`; see docs/platforms.md."""
