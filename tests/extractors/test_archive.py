"""The raw archive: content addressing, round trips, idempotence and concurrent writers."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import multiprocessing
import threading
from pathlib import Path

import pytest

from schemas.archive import Archive, ArchiveError, digest_of
from schemas.records import Page


def page(body: bytes = b"<html>AI</html>", url: str = "https://news.example.com/a") -> Page:
    return Page(
        url=url,
        final_url=url + "?final",
        status=200,
        body=body,
        headers={"content-type": "text/html; charset=utf-8", "etag": '"v1"'},
        fetched_at=dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC),
        source="example",
        listed_published=dt.date(2025, 1, 14),
    )


def test_round_trip_is_exact(tmp_path: Path):
    archive = Archive(tmp_path / "raw")
    original = page()
    digest = archive.put(original)
    assert digest == hashlib.sha256(original.body).hexdigest() == digest_of(original.body)
    assert digest in archive
    assert archive.get(digest) == original


def test_layout_is_fanned_out_gzip_plus_sidecar(tmp_path: Path):
    archive = Archive(tmp_path)
    digest = archive.put(page())
    folder = tmp_path / digest[:2] / digest[2:4]
    assert sorted(p.name for p in folder.iterdir()) == [f"{digest}.gz", f"{digest}.json"]
    assert gzip.decompress((folder / f"{digest}.gz").read_bytes()) == page().body
    sidecar = (folder / f"{digest}.json").read_text()
    for key in ("url", "final_url", "status", "headers", "fetched_at"):
        assert f'"{key}"' in sidecar


def test_put_is_idempotent_and_first_metadata_wins(tmp_path: Path):
    archive = Archive(tmp_path)
    first = archive.put(page(url="https://a.example/1"))
    size = archive.size_bytes()
    again = archive.put(page(url="https://a.example/1"))
    other_url = archive.put(page(url="https://b.example/2"))
    assert first == again == other_url
    assert archive.size_bytes() == size
    assert archive.get(first).url == "https://a.example/1"
    assert len(list(archive.iter_pages())) == 1


def test_iter_pages_and_size(tmp_path: Path):
    archive = Archive(tmp_path, durable=False)
    assert archive.size_bytes() == 0 and list(archive.iter_pages()) == []
    bodies = [f"<p>story {i}</p>".encode() * 100 for i in range(5)]
    digests = {archive.put(page(b)) for b in bodies}
    assert {p.body for p in archive.iter_pages()} == set(bodies)
    assert set(archive.digests()) == digests
    # Compressed: the archive is much smaller than the bodies.
    assert 0 < archive.size_bytes() < sum(len(b) for b in bodies)


def test_missing_corrupt_and_bad_digests(tmp_path: Path):
    archive = Archive(tmp_path)
    with pytest.raises(ArchiveError):
        archive.get("0" * 64)
    with pytest.raises(ArchiveError):
        archive.get("../../etc/passwd")
    assert "not-a-digest" not in archive
    digest = archive.put(page())
    blob = tmp_path / digest[:2] / digest[2:4] / f"{digest}.gz"
    blob.write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(ArchiveError, match="checksum"):
        archive.get(digest)


def test_concurrent_threads_write_safely(tmp_path: Path):
    archive = Archive(tmp_path)
    bodies = [f"<p>{i}</p>".encode() * 500 for i in range(8)]
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for b in bodies:
                archive.put(page(b))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(p.body for p in archive.iter_pages()) == sorted(bodies)
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary files left behind


def _put_in_process(root: str, n: int) -> None:
    archive = Archive(root)
    for i in range(n):
        archive.put(page(f"<p>{i}</p>".encode() * 200))


def test_concurrent_processes_write_safely(tmp_path: Path):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_put_in_process, args=(str(tmp_path), 5)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(list(Archive(tmp_path).iter_pages())) == 5
    assert not list(tmp_path.rglob("*.tmp"))
