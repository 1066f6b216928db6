"""References from a step's payload to the results of the jobs it depends on.

A payload value may be literal data, or a reference resolved against ``upstream`` (the dependency results, in
the order the job was enqueued with):

* ``{"$from": k, "key": "tokens"}`` -> ``upstream[k]["tokens"]``;
* ``{"$concat": [ref, ref, ...]}`` -> the lists the refs name, concatenated (a corpus-level step that depends on
  every chunk's job reads all their outputs in order).

So the gateway can chain steps across services without the steps knowing how the chain was built.
"""

from __future__ import annotations

from typing import Any

from xner.errors import InputError


def ref(index: int, key: str) -> dict[str, Any]:
    """A reference to ``upstream[index][key]``."""
    return {"$from": index, "key": key}


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
        if key is None:
            return result
        if not isinstance(result, dict) or key not in result:
            raise InputError(f"upstream result {index} has no {key!r}")
        return result[key]
    return value
