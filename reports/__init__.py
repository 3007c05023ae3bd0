"""Trend maths and rendering of gap reports."""
