"""Metric extractors: numbers, entities, deals, users, chips, talent."""
