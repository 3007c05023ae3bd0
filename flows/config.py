"""Loading ``sources.toml``: the list of places to discover news."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from schemas.records import Source

REQUIRED = ("name", "kind", "url")


class ConfigError(ValueError):
    """A sources file that cannot be used, with the reason."""


def load_sources(path: Path, *, names: list[str] | None = None) -> list[Source]:
    """Read ``[[source]]`` tables from a TOML file, optionally keeping only ``names``."""
    from extractors.sources import known_kinds

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"sources file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    raw: list[dict[str, Any]] = data.get("source", [])
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: no [[source]] tables")
    sources: list[Source] = []
    seen: set[str] = set()
    kinds = known_kinds()
    for i, entry in enumerate(raw, 1):
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise ConfigError(f"{path}: source #{i} lacks {', '.join(missing)}")
        if entry["kind"] not in kinds:
            raise ConfigError(
                f"{path}: source {entry['name']!r} has unknown kind {entry['kind']!r} "
                f"(known: {', '.join(sorted(kinds))})"
            )
        if entry["name"] in seen:
            raise ConfigError(f"{path}: source name {entry['name']!r} appears twice")
        seen.add(entry["name"])
        options = {k: v for k, v in entry.items() if k not in REQUIRED and k != "enabled"}
        if entry.get("enabled", True):
            sources.append(Source(entry["name"], entry["kind"], entry["url"], options))
    if names:
        unknown = set(names) - seen
        if unknown:
            raise ConfigError(f"{path}: no source named {', '.join(sorted(unknown))}")
        sources = [s for s in sources if s.name in names]
    return sources
