"""Settings, read once at the edge from ``GAPTRACK_*`` variables or a ``.env`` file.

Nothing below the CLI and the flows reads the environment: stages receive
these values as arguments.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob a user can turn, with its ``GAPTRACK_`` variable name."""

    model_config = SettingsConfigDict(
        env_prefix="GAPTRACK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path("data"), description="Folder for the SQLite store and archives.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite at DATA_DIR/gaptrack.db."
    )
    sources_file: Path = Field(Path("sources.toml"), description="The sources to ingest.")
    archive_dir: Path | None = Field(
        None, description="Raw page archive; default is DATA_DIR/archive."
    )
    user_agent: str = Field(
        "gaptrack/0.1 (+{contact})", description="User-Agent; {contact} is replaced."
    )
    contact_url: str = Field(
        "https://github.com/gaptrack/gaptrack", description="Contact URL sent in the User-Agent."
    )
    allowed_hosts: str = Field(
        "", description="Comma-separated hosts allowed even if private/loopback."
    )
    max_pages_per_source: int = Field(200, description="Articles fetched per source per run.")
    fetch_concurrency: int = Field(8, description="Parallel requests in all.")
    per_host_concurrency: int = Field(2, description="Parallel requests per host.")
    per_host_delay: float = Field(0.5, description="Seconds between requests to one host.")
    timeout: float = Field(20.0, description="Read timeout in seconds.")
    retries: int = Field(3, description="Retries after the first try, for transient errors only.")
    backoff: float = Field(1.0, description="First retry delay in seconds; doubles each retry.")
    max_bytes: int = Field(5_000_000, description="Largest body kept, in bytes.")
    batch_size: int = Field(
        500, description="Pages validated and stored per batch (one validation call each)."
    )
    fetch_chunk: int = Field(
        500, description="Pages fetched per slice; bounds the bodies held in memory."
    )
    workers: int = Field(
        0, description="Processes that parse and extract; 0 means one per CPU core, 1 none."
    )
    revisit_after_hours: float = Field(
        6.0, description="A page fetched this recently is not requested again."
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The store's URL, defaulting to SQLite in the data folder."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'gaptrack.db').resolve()}"

    @property
    def archive_path(self) -> Path:
        """Where raw fetched bodies are kept."""
        return self.archive_dir or self.data_dir / "archive"

    @property
    def allowed_host_set(self) -> frozenset[str]:
        """``allowed_hosts`` as a set of lower-case names."""
        return frozenset(h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip())


def normalise_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the psycopg 3 driver SQLAlchemy needs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
