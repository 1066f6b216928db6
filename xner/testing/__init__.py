"""Helpers for testing and benchmarking without a model hub: tiny random models built offline."""
