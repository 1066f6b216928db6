"""The ``xner`` command. Each command lives in its own module and registers itself on :data:`app`.

Errors: one line on stderr and a non-zero exit (2 for input the user can fix, 1 otherwise), no traceback
unless ``--debug`` is given.
"""

from __future__ import annotations

import sys

from xner.cli import align, convert, evaluate, experiment, project, serve, tag, train, translate  # noqa: F401  (registers commands)
from xner.cli._progress import showing_progress
from xner.cli.app import State, app
from xner.errors import InputError, XnerError
from xner.extras import missing_package_message

EXIT_INPUT_ERROR = 2
EXIT_FAILURE = 1


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (the console script calls this)."""
    try:
        with showing_progress():  # every step that reports progress gets a bar on a terminal
            app(args=argv, prog_name="xner")  # standalone: usage errors are printed and raise SystemExit
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_FAILURE)
    except KeyboardInterrupt:
        print("xner: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:  # an optional dependency: one line naming the extra that installs it
        if State.debug:
            raise
        print(f"xner: error: {missing_package_message(exc.name) or f'{type(exc).__name__}: {exc}'}", file=sys.stderr)
        return EXIT_FAILURE
    except XnerError as exc:
        if State.debug:
            raise
        print(f"xner: error: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR if isinstance(exc, InputError) else EXIT_FAILURE
    except Exception as exc:  # a bug or an environment problem: still one line unless --debug
        if State.debug:
            raise
        print(f"xner: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def run() -> None:
    sys.exit(main())


__all__ = ["app", "main", "run"]
