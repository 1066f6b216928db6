"""Words of the alignment tests (the tiny random BERT they align with is a session fixture in tests/unit)."""

from __future__ import annotations

SENTENCES = (
    "the European Parliament met in Strasbourg on Monday and the Commission answered questions about fishing",
    "das Europäische Parlament tagte am Montag in Straßburg und die Kommission beantwortete Fragen zur Fischerei",
    "el Parlamento Europeo se reunió el lunes en Estrasburgo y la Comisión respondió preguntas sobre la pesca",
    "1999 17 . , ; : ! ? Mr Barroso Herr Señor",
)
WORDS = [word for sentence in SENTENCES for word in sentence.split()]
