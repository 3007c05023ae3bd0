"""The raw archive: every fetched body, gzip-compressed and addressed by its sha256.

Layout under the root folder (two-level fan-out keeps directories small)::

    ab/cd/abcd...ef.gz     the body, gzip (mtime 0, so the same body gives the same file)
    ab/cd/abcd...ef.json   url, final_url, status, headers, fetched_at, source, listed_published

The same body fetched twice, or from two URLs, is stored once: the first
writer's metadata is kept, which makes ``put`` idempotent. Every file is
written to a temporary name in its final folder and renamed into place, so a
reader never sees half a file and concurrent writers (threads or processes)
cannot corrupt each other. The body is written before its sidecar and only
sidecars are listed, so an interrupted ``put`` leaves nothing visible.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from schemas.records import Page

__all__ = ["Archive", "ArchiveError", "digest_of"]

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class ArchiveError(Exception):
    """A digest that is not in the archive, or a stored body that fails its checksum."""


def digest_of(body: bytes) -> str:
    """The archive key of a body: its sha256 in hex."""
    return hashlib.sha256(body).hexdigest()


class Archive:
    """Content-addressed store of raw page bodies under ``root``."""

    def __init__(self, root: Path | str, *, durable: bool = True) -> None:
        self.root = Path(root)
        #: fsync files before renaming them, so a crash cannot leave an empty file behind.
        self.durable = durable

    def _paths(self, digest: str) -> tuple[Path, Path]:
        if not _DIGEST.match(digest):
            raise ArchiveError(f"not a sha256 digest: {digest!r}")
        folder = self.root / digest[:2] / digest[2:4]
        return folder / f"{digest}.gz", folder / f"{digest}.json"

    def __contains__(self, digest: object) -> bool:
        return (
            isinstance(digest, str)
            and bool(_DIGEST.match(digest))
            and self._paths(digest)[1].exists()
        )

    def put(self, page: Page) -> str:
        """Store ``page`` unless its body is already stored; returns the body's digest."""
        digest = digest_of(page.body)
        blob, sidecar = self._paths(digest)
        if sidecar.exists() and blob.exists():
            return digest
        blob.parent.mkdir(parents=True, exist_ok=True)
        if not blob.exists():
            # Level 3: half the CPU of the default 6 for bodies about a tenth larger.
            self._write_atomic(blob, gzip.compress(page.body, compresslevel=3, mtime=0))
        if not sidecar.exists():
            meta = json.dumps(_meta(page, digest), ensure_ascii=False, sort_keys=True, indent=1)
            self._write_atomic(sidecar, meta.encode("utf-8"))
        return digest

    def get(self, digest: str) -> Page:
        """The page stored under ``digest``; raises ArchiveError if missing or corrupt."""
        blob, sidecar = self._paths(digest)
        try:
            meta = json.loads(sidecar.read_text(encoding="utf-8"))
            body = gzip.decompress(blob.read_bytes())
        except FileNotFoundError as exc:
            raise ArchiveError(f"{digest} is not in the archive") from exc
        except (OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"{digest} is unreadable: {exc}") from exc
        if digest_of(body) != digest:
            raise ArchiveError(f"{digest} fails its checksum")
        return _page(meta, body)

    def digests(self) -> Iterator[str]:
        """Every stored digest, in no particular order."""
        if not self.root.is_dir():
            return
        for sidecar in self.root.glob("??/??/*.json"):
            if _DIGEST.match(sidecar.stem):
                yield sidecar.stem

    def iter_pages(self) -> Iterator[Page]:
        """Every stored page (for replays), in no particular order."""
        for digest in self.digests():
            yield self.get(digest)

    def size_bytes(self) -> int:
        """Bytes the archive takes on disk (compressed bodies plus sidecars)."""
        if not self.root.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.root.glob("??/??/*") if p.is_file())

    def _write_atomic(self, target: Path, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if self.durable:
                    fh.flush()
                    os.fsync(fh.fileno())
            Path(tmp).replace(target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _meta(page: Page, digest: str) -> dict[str, Any]:
    return {
        "sha256": digest,
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "headers": dict(page.headers),
        "fetched_at": page.fetched_at.isoformat(),
        "source": page.source,
        "listed_published": page.listed_published.isoformat() if page.listed_published else None,
        "size": len(page.body),
    }


def _page(meta: dict[str, Any], body: bytes) -> Page:
    published = meta.get("listed_published")
    return Page(
        url=meta["url"],
        final_url=meta["final_url"],
        status=int(meta["status"]),
        body=body,
        headers=dict(meta.get("headers") or {}),
        fetched_at=dt.datetime.fromisoformat(meta["fetched_at"]),
        source=meta.get("source"),
        listed_published=dt.date.fromisoformat(published) if published else None,
    )
