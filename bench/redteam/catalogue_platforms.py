"""Attacks through the annotation platforms' routes: Label Studio webhooks, setup and label configs (XXE,
entity expansion), INCEpTION type systems and XMI, fine-tuning floods against the per-key quota, doccano."""

from __future__ import annotations

from typing import Any

from bench.redteam.cases import (
    LABEL_CONFIG,
    TYPESYSTEM,
    XMI,
    Case,
    codes,
    get,
    inception_body,
    post,
    put,
)
from bench.redteam.payloads import LAUGHS, LS_INJECTION, XXE


def annotated_task(task_id: int, text: str, surface: str, label: str) -> dict[str, Any]:
    start = text.index(surface)
    value = {"start": start, "end": start + len(surface), "text": surface, "labels": [label]}
    result = [{"from_name": "ner", "to_name": "doc", "type": "labels", "value": value}]
    return {"id": task_id, "data": {"content": text}, "annotations": [{"id": task_id, "result": result}]}


TRAIN_TASKS = [
    annotated_task(1, "Angela Merkel visited Paris.", "Angela Merkel", "Person"),
    annotated_task(2, "Kofi Annan lives in Accra.", "Accra", "Location"),
]


def platform_cases() -> list[Case]:
    hook = "/labelstudio/webhook"
    cases = [
        post(
            "webhook project id injection",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": LS_INJECTION}},
            codes(422),
        ),
        post(
            "webhook project id shell words",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": "1; rm -rf /"}},
            codes(422),
        ),
        post("webhook project id -1", "gateway", hook, {"action": "START_TRAINING", "project": {"id": -1}}, codes(422)),
        post(
            "webhook project id 2^63",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 2**63}},
            codes(422),
        ),
        post(
            "webhook project id fullwidth digit",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": "\uff19"}},
            codes(422),
        ),
        post(
            "webhook project id true",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": True}},
            codes(422),
        ),
        post(
            "webhook without tasks: an export of a real id, no annotations",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 7, "label_config": LABEL_CONFIG}},
            codes(422),
        ),
        post("webhook without an action", "gateway", hook, {"project": {"id": 1}}, codes(422)),
        post("webhook body is a list", "gateway", hook, [1, 2], codes(422)),
        post("webhook unknown action", "gateway", hook, {"action": "../../etc/passwd"}, codes(200)),
        post(
            "Label Studio setup project injection",
            "gateway",
            "/labelstudio/setup",
            {"project": "1.0/../../x", "schema": LABEL_CONFIG},
            codes(422),
        ),
        post(
            "Label Studio predict project traversal",
            "gateway",
            "/labelstudio/predict",
            {"tasks": [], "project": "../../etc", "label_config": LABEL_CONFIG},
            codes(422),
        ),
        post(
            "Label Studio label config XXE",
            "gateway",
            "/labelstudio/predict",
            {
                "tasks": [{"id": 1, "data": {"content": "Paris"}}],
                "label_config": XXE + LABEL_CONFIG.replace('value="$content"', 'value="&e;"'),
            },
            codes(422),
        ),
        post(
            "Label Studio label config billion laughs",
            "gateway",
            "/labelstudio/setup",
            {"project": 3, "schema": LAUGHS + LABEL_CONFIG.replace('value="Person"', 'value="&i;"')},
            codes(422),
        ),
        post(
            "Label Studio setup extra_params not JSON",
            "gateway",
            "/labelstudio/setup",
            {"project": 4, "extra_params": "{nope"},
            codes(422),
        ),
        post("INCEpTION projectId traversal", "gateway", "/inception/predict", inception_body("1/../2"), codes(422)),
        post(
            "INCEpTION train projectId traversal",
            "gateway",
            "/inception/train",
            {**inception_body("../../etc/passwd"), "documents": []},
            codes(422),
        ),
        post(
            "INCEpTION type system XXE",
            "gateway",
            "/inception/predict",
            inception_body(1, typesystem=TYPESYSTEM.format(doctype=XXE, name="&e;")),
            codes(422),
        ),
        post(
            "INCEpTION XMI XXE in the text",
            "gateway",
            "/inception/predict",
            inception_body(1, xmi=XMI.format(doctype=XXE, text="&e;")),
            codes(422),
        ),
        post(
            "INCEpTION type system billion laughs",
            "gateway",
            "/inception/predict",
            inception_body(1, typesystem=TYPESYSTEM.format(doctype=LAUGHS, name="&i;")),
            codes(422),
        ),
        post(
            "INCEpTION lang/train traversal",
            "gateway",
            "/inception/..%2F..%2Fx/train",
            {**inception_body(1), "documents": []},
            codes(404, 422),
        ),
        # a training job of k1 (no train worker: it stays queued); its status must name no server path
        post(
            "START_TRAINING with annotations",
            "gateway",
            hook,
            {"action": "START_TRAINING", "project": {"id": 2, "label_config": LABEL_CONFIG}, "tasks": TRAIN_TASKS},
            codes(201, 429),
        ),
        get("Label Studio project under training", "gateway", "/labelstudio/projects/2", codes(200), phase=1),
    ]
    # fine-tuning jobs count against the key's quota like any job: k2 starts ten projects' training
    for project in range(11, 21):
        body = {
            "action": "START_TRAINING",
            "project": {"id": project, "label_config": LABEL_CONFIG},
            "tasks": TRAIN_TASKS,
        }
        cases.append(
            post(
                f"training flood, project {project}",
                "gateway",
                hook,
                body,
                codes(201, 429),
                key="k2",
                group="train-flood",
            )
        )
    return cases + projection_cases()


def projection_cases() -> list[Case]:
    """A project's projection configuration: client strings that must never become a backend, path or language
    the operator did not configure, and fields translate-test cannot use."""
    cases = []
    for tool in ("labelstudio", "inception"):
        path = f"/{tool}/projects/1/projection"
        cases += [
            put(f"{tool} projection: the defaults", "gateway", path, {"method": "heuristic"}, codes(200)),
            put(f"{tool} projection: aligner path", "gateway", path, {"aligner": "eflomal:/etc/passwd"}, codes(422)),
            put(f"{tool} projection: scorer model", "gateway", path, {"scorer": "nllb:../../models"}, codes(422)),
            put(
                f"{tool} projection: tagger injection",
                "gateway",
                path,
                {"candidates": "ner", "candidate_tagger": LS_INJECTION},
                codes(422),
            ),
            put(f"{tool} projection: via traversal", "gateway", path, {"via": "../../etc"}, codes(422)),
            put(f"{tool} projection: markers", "gateway", path, {"method": "markers"}, codes(422)),
            put(f"{tool} projection: unknown field", "gateway", path, {"shell": "rm -rf /"}, codes(422)),
            put(f"{tool} projection: weights not numbers", "gateway", path, {"weights": {"align": "x"}}, codes(422)),
            put(
                f"{tool} projection: project traversal",
                "gateway",
                f"/{tool}/projects/..%2F1/projection",
                {},
                codes(404, 422),
            ),
        ]
    cases += [
        post(
            "doccano projection: aligner path",
            "gateway",
            "/doccano/predict",
            {"text": "Angela Merkel", "projection": {"aligner": "eflomal:/etc/passwd"}},
            codes(422),
        ),
        post(
            "ner projection: translator model path",
            "gateway",
            "/v1/ner/spa_Latn",
            {"texts": ["Hola"], "projection": {"translator": "nllb:/etc"}},
            codes(422),
        ),
    ]
    return cases
