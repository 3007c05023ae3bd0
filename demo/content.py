"""Read the demo site's articles and their expected facts from ``demo/content/``.

Each article is ``<slug>.md``: TOML front matter between ``+++`` lines, then a body of
blocks separated by blank lines. A block is a paragraph, a ``## `` subheading, or a
table fenced with ```` ```table ```` (an optional ``caption:`` line, a header row of
pipe-separated cells, an optional ``---`` rule, then one line per row). Inline markup
is limited to ``[text](/path)`` links and ``*emphasis*``.

The facts a careful reader records are in ``<slug>.facts.toml`` next to the article,
as ``[[fact]]`` tables in the gold format of the evaluation set.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CONTENT_DIR",
    "HUB",
    "SECTIONS",
    "Block",
    "ContentError",
    "Heading",
    "Paragraph",
    "Story",
    "Table",
    "load_stories",
    "plain_inline",
    "story_text",
]

CONTENT_DIR = Path(__file__).resolve().parent / "content"

#: Section slug -> label, in navigation order.
SECTIONS: dict[str, str] = {
    "markets": "Markets",
    "chips": "Chips & Export Controls",
    "apps": "Apps & Users",
    "talent": "Talent",
    "tech": "Tech",
}

#: The topic hub listing every AI story, whatever its section.
HUB = ("ai", "AI")

_FRONT_KEYS = {
    "slug",
    "title",
    "date",
    "author",
    "section",
    "tags",
    "summary",
    "image_caption",
}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_RULE = re.compile(r"^\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*$")


class ContentError(ValueError):
    """A content or facts file does not follow the format; the message names the file."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph, with inline markup still in it."""

    markup: str


@dataclass(frozen=True, slots=True)
class Heading:
    """A subheading inside the body."""

    markup: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table of figures: its caption, header cells and rows of cells (plain text)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lines(self) -> list[str]:
        """The table as the golden text reads it: caption, header, rows, cells joined by ' | '."""
        out = [self.caption] if self.caption else []
        out.append(" | ".join(self.header))
        out.extend(" | ".join(row) for row in self.rows)
        return out


Block = Paragraph | Heading | Table


@dataclass(frozen=True, slots=True)
class Story:
    """One article of the demo site with the facts expected from it."""

    slug: str
    title: str
    date: dt.date
    author: str
    section: str
    tags: tuple[str, ...]
    summary: str
    image_caption: str
    blocks: tuple[Block, ...]
    facts: tuple[Mapping[str, Any], ...]

    @property
    def path(self) -> str:
        """The root-relative URL of the article page."""
        return f"/news/{self.date:%Y}/{self.date:%m}/{self.slug}.html"

    @property
    def is_ai(self) -> bool:
        """Whether the story belongs on the AI topic hub."""
        return self.section != "tech"


def plain_inline(markup: str) -> str:
    """Inline markup reduced to the text a reader sees."""
    return _EMPHASIS.sub(r"\1", _LINK.sub(r"\1", markup))


def story_text(story: Story) -> str:
    """The article's main text: blocks in order, separated by blank lines."""
    parts: list[str] = []
    for block in story.blocks:
        if isinstance(block, Table):
            parts.append("\n".join(block.lines()))
        else:
            parts.append(plain_inline(block.markup))
    return "\n\n".join(parts)


def load_stories(content_dir: Path = CONTENT_DIR) -> list[Story]:
    """Every story under ``content_dir``, newest first (ties broken by slug)."""
    stories = [_load_story(p) for p in sorted(content_dir.glob("*.md")) if p.name != "README.md"]
    seen: dict[str, Path] = {}
    for story in stories:
        if story.slug in seen:
            raise ContentError(f"duplicate slug {story.slug!r}")
        seen[story.slug] = content_dir / f"{story.slug}.md"
    orphans = [
        p.name
        for p in content_dir.glob("*.facts.toml")
        if p.name.removesuffix(".facts.toml") not in seen
    ]
    if orphans:
        raise ContentError(f"facts files without an article: {', '.join(sorted(orphans))}")
    return sorted(stories, key=lambda s: (s.date, s.slug), reverse=True)


def _load_story(path: Path) -> Story:
    text = path.read_text(encoding="utf-8")
    front, body = _split_front_matter(path, text)
    missing = _FRONT_KEYS - front.keys()
    extra = front.keys() - _FRONT_KEYS
    if missing or extra:
        raise ContentError(
            f"{path.name}: missing keys {sorted(missing)}, unknown keys {sorted(extra)}"
        )
    slug = str(front["slug"])
    if not _SLUG.match(slug) or path.stem != slug:
        raise ContentError(f"{path.name}: slug {slug!r} must be kebab-case and match the file name")
    date = front["date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ContentError(f"{path.name}: date must be YYYY-MM-DD")
    if front["section"] not in SECTIONS:
        raise ContentError(f"{path.name}: unknown section {front['section']!r}")
    tags = front["tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ContentError(f"{path.name}: tags must be a list of strings")
    blocks = _parse_body(path, body)
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise ContentError(f"{path.name}: the body has no paragraph")
    return Story(
        slug=slug,
        title=str(front["title"]),
        date=date,
        author=str(front["author"]),
        section=str(front["section"]),
        tags=tuple(tags),
        summary=str(front["summary"]),
        image_caption=str(front["image_caption"]),
        blocks=tuple(blocks),
        facts=tuple(_load_facts(path.with_name(f"{slug}.facts.toml"))),
    )


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise ContentError(f"{path.name}: must start with a '+++' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise ContentError(f"{path.name}: front matter is not closed by '+++'") from None
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: front matter: {exc}") from exc
    return front, "\n".join(lines[end + 1 :])


def _parse_body(path: Path, body: str) -> list[Block]:
    blocks: list[Block] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        if line == "```table":
            try:
                end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            except StopIteration:
                raise ContentError(f"{path.name}: table fence is not closed") from None
            blocks.append(_parse_table(path, lines[i + 1 : end]))
            i = end + 1
            continue
        chunk: list[str] = []
        while i < len(lines) and lines[i].strip() and lines[i].strip() != "```table":
            chunk.append(lines[i].strip())
            i += 1
        joined = " ".join(chunk)
        if joined.startswith("## "):
            blocks.append(Heading(joined[3:].strip()))
        else:
            blocks.append(Paragraph(joined))
    return blocks


def _parse_table(path: Path, lines: Sequence[str]) -> Table:
    rows = [ln.strip() for ln in lines if ln.strip()]
    caption = ""
    if rows and rows[0].lower().startswith("caption:"):
        caption = rows.pop(0).split(":", 1)[1].strip()
    cells = [
        tuple(c.strip() for c in row.strip("|").split("|")) for row in rows if not _RULE.match(row)
    ]
    if len(cells) < 2:
        raise ContentError(f"{path.name}: a table needs a header row and at least one row")
    width = len(cells[0])
    if any(len(row) != width for row in cells):
        raise ContentError(f"{path.name}: every table row needs {width} cells")
    return Table(caption=caption, header=cells[0], rows=tuple(cells[1:]))


def _load_facts(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        # An empty facts file is a statement ("nothing to record"); a missing one is an oversight.
        raise ContentError(
            f"{path.name}: missing (write an empty file for an article with no facts)"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{path.name}: {exc}") from exc
    facts = data.get("fact", [])
    if set(data) - {"fact"} or not isinstance(facts, list):
        raise ContentError(f"{path.name}: only [[fact]] tables are allowed")
    return [dict(f) for f in facts]
