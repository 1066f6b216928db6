"""``python -m xner`` runs the command line."""

from xner.cli import run

run()
