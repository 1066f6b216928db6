"""The Label Studio side of the ML backend contract: the project's label config, task texts, predictions.

Offsets in results are UTF-16 code units (Label Studio counts in the browser; ``\\r\\n`` is two units), converted
from xner's code points. ``from_name``/``to_name`` and the label set come from the first ``<Labels>`` tag of the
label config whose ``toName`` is a ``<Text>`` (or ``<HyperText>``-free plain text) tag; the task text is
``data[<Text value="$key">]``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

from gateway.platforms.labels import LabelMapper
from gateway.platforms.projects import parse_project_id
from gateway.platforms.segment import Entity
from xner.corpus import Sentence
from xner.errors import FormatError
from xner.formats.labelstudio import parse_task
from xner.offsets import utf16_positions

MODEL_CLASS = "XnerNER"
"""What ``/health`` reports as ``model_class``."""

_VERSIONED = re.compile(r"([0-9]+)\.[0-9]{1,20}")
"""Label Studio's ``"<id>.<created timestamp>"`` project string of ``/predict`` and ``/setup``."""


@dataclass(frozen=True, slots=True)
class LabelConfig:
    """What xner needs from a project's label config."""

    from_name: str
    to_name: str
    value_key: str
    labels: list[str]


def labelstudio_project(value: object, field: str = "project") -> int | None:
    """The integer project id of Label Studio's ``"<id>.<timestamp>"`` (or of a bare id, a number or digits);
    ``None`` when absent (``null`` or ``""``). Anything else is a 422 naming ``field``
    (:func:`gateway.platforms.projects.parse_project_id`)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and (match := _VERSIONED.fullmatch(value)):
        value = match.group(1)
    return parse_project_id(value, field)


def parse_label_config(xml: str, field: str = "label_config") -> LabelConfig:
    """Read the first ``<Labels>`` -> ``<Text>`` pair of a label config; 422 naming ``field`` if there is none."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise FormatError(f"not valid XML: {exc}", source="request", field=field) from None
    texts = {el.get("name"): el.get("value", "") for el in root.iter() if el.tag == "Text" and el.get("name")}
    for element in root.iter():
        if element.tag != "Labels" or not element.get("name"):
            continue
        for target in (element.get("toName") or "").split(","):
            if target.strip() in texts:
                value = texts[target.strip()]
                labels = [label.get("value", "") for label in element.iter("Label") if label.get("value")]
                return LabelConfig(str(element.get("name")), target.strip(), value.lstrip("$"), labels)
    raise FormatError(
        "the label config has no <Labels> tag whose toName is a <Text> tag (xner labels text spans)",
        source="request",
        field=field,
    )


def task_texts(tasks: list[Any], config: LabelConfig) -> list[str]:
    """``data[<value key>]`` of each task; 422 naming the task and key when it is missing or not a string."""
    texts = []
    for index, task in enumerate(tasks):
        data = task.get("data") if isinstance(task, dict) else None
        text = data.get(config.value_key) if isinstance(data, dict) else None
        if not isinstance(text, str):
            raise FormatError(
                f"task {index} has no text in data.{config.value_key} (the <Text> tag's value)",
                source="request",
                field=f"tasks[{index}].data.{config.value_key}",
            )
        texts.append(text)
    return texts


def prediction(
    text: str, found: list[Entity], config: LabelConfig, mapper: LabelMapper, model_version: str
) -> dict[str, Any]:
    """One Label Studio prediction (``PredictionValue``) for one task, offsets in UTF-16 code units."""
    positions = utf16_positions(text)
    result: list[dict[str, Any]] = []
    scores: list[float] = []
    for entity in found:
        label = mapper(entity.label)
        if label is None:
            continue
        region: dict[str, Any] = {
            "from_name": config.from_name,
            "to_name": config.to_name,
            "type": "labels",
            "value": {
                "start": positions[entity.start],
                "end": positions[entity.end],
                "text": text[entity.start : entity.end],
                "labels": [label],
            },
        }
        if entity.score is not None:  # taggers without confidences (spaCy) give none; none is invented
            region["score"] = entity.score
            scores.append(entity.score)
        result.append(region)
    mean = sum(scores) / len(scores) if scores else 0.0
    return {"model_version": model_version, "score": mean, "result": result}


def annotated_sentences(tasks: list[Any], config: LabelConfig, source: str) -> list[Sentence]:
    """The annotated tasks (first non-cancelled annotation each) as sentences, for fine-tuning; tasks without
    annotations are skipped. Offsets are read as UTF-16 (:mod:`xner.formats.labelstudio`)."""
    sentences = []
    for index, task in enumerate(tasks):
        if not _annotated(task):
            continue
        sentences.append(
            parse_task(task, index, line=index + 1, text_key=config.value_key, result_from="annotations", source=source)
        )
    return sentences


def _annotated(task: Any) -> bool:
    """Whether a task has an annotation that was not cancelled."""
    annotations = task.get("annotations") if isinstance(task, dict) else None
    return isinstance(annotations, list) and any(
        isinstance(a, dict) and not a.get("was_cancelled") for a in annotations
    )
