"""Source kinds as plug-ins."""
