"""Prefect flows, settings and the gaptrack CLI."""
