"""The single error mapping: a step's reported error comes back with its own type, status and headers."""

from __future__ import annotations

from xner.service.errors import (
    QueueUnavailable,
    TooManyRequests,
    error_body,
    error_from_result,
    headers_of,
    status_of,
)


def test_a_reported_error_is_rebuilt_with_its_type_and_status_and_renders_headers():
    for error in (TooManyRequests("busy", retry_after=5), QueueUnavailable("down", retry_after=2)):
        rebuilt = error_from_result(error_body(error.type_name, error.message), "fallback")
        assert type(rebuilt) is type(error) and rebuilt.message == error.message
        assert status_of(rebuilt) == status_of(error)
        assert headers_of(rebuilt) == {}  # the hint did not travel; no crash for its absence
        assert headers_of(error) == {"Retry-After": str(error.retry_after)}


def test_anything_else_is_a_backend_error_with_the_fallback():
    rebuilt = error_from_result({"no": "error"}, "the step failed")
    assert rebuilt.message == "the step failed" and status_of(rebuilt) >= 500
