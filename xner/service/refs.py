"""References from a step's payload to the results of the jobs it depends on.

A payload value may be literal data, or a reference resolved against ``upstream`` (the dependency results, in
the order the job was enqueued with):

* ``{"$from": k, "key": "tokens"}`` -> ``upstream[k]["tokens"]``;
* ``{"$concat": [ref, ref, ...]}`` -> the lists the refs name, concatenated (a corpus-level step that depends on
  every chunk's job reads all their outputs in order);
* ``{"$from": k, "key": "tokens", "size": n}`` -> as above, but if ``upstream[k]`` failed (its result is
  ``{"error": ...}``), ``n`` failure placeholders carrying its reason (:mod:`xner.service.failures`): a step that
  tolerates failed chunks still sees one item per sentence.

So the gateway can chain steps across services without the steps knowing how the chain was built.
"""

from __future__ import annotations

from typing import Any

from xner.errors import InputError
from xner.service.failures import failed_item
from xner.service.steps import step_error


def ref(index: int, key: str, *, size: int | None = None) -> dict[str, Any]:
    """A reference to ``upstream[index][key]``; with ``size``, ``size`` placeholders if that job failed."""
    reference: dict[str, Any] = {"$from": index, "key": key}
    if size is not None:
        reference["size"] = size
    return reference


def concat(*refs: dict[str, Any]) -> dict[str, Any]:
    """A reference to the concatenation of several list-valued references."""
    return {"$concat": list(refs)}


def resolve(value: Any, upstream: list[Any]) -> Any:
    """Resolve ``value`` if it is a reference, else return it unchanged."""
    if isinstance(value, dict) and "$concat" in value:
        joined: list[Any] = []
        for part in value["$concat"]:
            resolved = resolve(part, upstream)
            if not isinstance(resolved, list):
                raise InputError(f"reference {part!r} does not name a list")
            joined.extend(resolved)
        return joined
    if isinstance(value, dict) and "$from" in value:
        index, key = value["$from"], value.get("key")
        if not isinstance(index, int) or not 0 <= index < len(upstream):
            raise InputError(f"reference to upstream result {index!r}, but the job has {len(upstream)}")
        result = upstream[index]
        reason = step_error(result)
        if reason is not None and isinstance(value.get("size"), int):
            return [failed_item(reason)] * value["size"]
        if key is None:
            return result
        if not isinstance(result, dict) or key not in result:
            raise InputError(f"upstream result {index} has no {key!r}")
        return result[key]
    return value
