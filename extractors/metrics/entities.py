"""Recognise countries, companies, products and agencies (extractors/data/gazetteer.toml).

Names missing from the gazetteer are still found by ``proper_name_at``: a run of
capitalised words such as "Acme Robotics" or "Zeta AI".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer.toml"

#: Kinds that are organisations able to raise or invest money.
COMPANY_KINDS = frozenset(
    {"ai_company", "tech_company", "chip_maker", "equipment_maker", "investor", "platform"}
)


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing: a country (kind "country", name = ISO code) or an organisation or product."""

    name: str
    kind: str
    country: str | None = None
    maker: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """Where an entity is named in a sentence; ``form`` tells a noun from a demonym or seat."""

    start: int
    end: int
    text: str
    entity: Entity
    form: str = "name"  # "name", "adjective", "seat"

    @property
    def country(self) -> str | None:
        """The country the mention stands for or belongs to."""
        if self.entity.kind == "country":
            return self.entity.name
        return self.entity.country


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Loaded gazetteer: entities by name and every alias by its normalised words."""

    by_name: dict[str, Entity]
    by_alias: dict[str, tuple[Entity, str, str]]  # key -> entity, form, alias as written
    first_words: dict[str, int]  # first word of an alias -> most words any such alias has
    #: ``first_words`` with the forms a token may take before "'s" or a full stop, each
    #: keyed as written but for case; see ``_most_words``.
    starts: dict[str, int]

    def get(self, name: str | None) -> Entity | None:
        """The entity called ``name`` (any alias, any case), if known."""
        if not name:
            return None
        hit = self.by_alias.get(_key(name))
        return hit[0] if hit else self.by_name.get(name)

    def maker_country(self, entity: Entity) -> str | None:
        """Country of an entity, following a product to its maker."""
        if entity.country:
            return entity.country
        maker = self.get(entity.maker)
        return maker.country if maker else None


_WORD = re.compile(r"[A-Za-z0-9][\w.&'’+-]*")


def _key(name: str) -> str:
    """Lookup form of a name: lower case, commas and runs of spaces folded."""
    return " ".join(name.lower().replace(",", " ").split())


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once."""
    raw = tomllib.loads(_GAZETTEER.read_text(encoding="utf-8"))
    by_name: dict[str, Entity] = {}
    by_alias: dict[str, tuple[Entity, str, str]] = {}
    for code, spec in raw.get("countries", {}).items():
        country = Entity(code, "country", code)
        by_name[code] = country
        for form, key in (("name", "names"), ("adjective", "adjectives"), ("seat", "seats")):
            for alias in spec.get(key, []):
                by_alias.setdefault(_key(alias), (country, form, alias))
    for spec in raw.get("entity", []):
        ent = Entity(spec["name"], spec["kind"], spec.get("country"), spec.get("maker"))
        by_name[ent.name] = ent
        for alias in [ent.name, *spec.get("aliases", [])]:
            by_alias.setdefault(_key(alias), (ent, "name", alias))
    first_words: dict[str, int] = {}
    for alias_key in by_alias:
        words = alias_key.split()
        first_words[words[0]] = max(first_words.get(words[0], 0), len(words))
    return Gazetteer(by_name, by_alias, first_words, _starts(first_words))


def _starts(first_words: dict[str, int]) -> dict[str, int]:
    """First words keyed also as "word's", "word’s" and "word.": a token so written
    starts the aliases of its bare word unless it is a first word itself."""
    starts = dict(first_words)
    for word, most in first_words.items():
        for form in (f"{word}'s", f"{word}’s", f"{word}."):
            if form not in first_words:
                starts[form] = most
    return starts


def _case_ok(alias: str, found: str) -> bool:
    """Short all-capital names must match exactly; others must start with a capital."""
    letters = [c for c in alias if c.isalpha()]
    if letters and alias == alias.upper() and len(letters) <= 5:
        return found == alias
    if alias[0].islower():
        return found[0] == alias[0] or found[0].isupper()
    return found[0].isupper() or found[0].isdigit()


_NOT_A_COUNTRY_BEFORE = re.compile(
    r"(?:North|South|Latin|Central|University\s+of|Voice\s+of|Bank\s+of)\s+$"
)
_NOT_A_SEAT_AFTER = re.compile(r"^\s+(?:Post|state|State|University|Huskies|Commanders|Wizards)\b")


def _endings(text: str, start: int, end: int) -> list[int]:
    """Where a name ending in this token may stop: the token, or before "'s" or a full stop."""
    ends = [end]
    word = text[start:end]
    if word.endswith(("'s", "’s")):
        ends.append(end - 2)
    elif word.endswith(".") and not re.fullmatch(r"(?:[A-Za-z]\.)+", word):
        ends.append(end - 1)
    return ends


def _most_words(gz: Gazetteer, word: str) -> int:
    """Most words of an alias that may start with ``word`` (0: none can): an alias starts
    with the word, or with the word without its "'s" or full stop."""
    return gz.starts.get(word.lower(), 0)


def _lookup(
    text: str, tokens: list[re.Match[str]], i: int, most: int
) -> tuple[int, tuple[Entity, str, str], int] | None:
    """The longest alias of at most ``most`` words starting at token ``i``: (end offset,
    entry, tokens used)."""
    gz = gazetteer()
    start = tokens[i].start()
    for n in range(min(most, len(tokens) - i), 0, -1):
        last = tokens[i + n - 1]
        if n > 1 and text[tokens[i + n - 2].end() : last.start()].strip(" ,\t\n"):
            continue
        for end in _endings(text, *last.span()):
            surface = text[start:end]
            entry = gz.by_alias.get(_key(surface))
            if entry and _case_ok(entry[2], surface):
                return end, entry, n
    return None


_COMPOUND = re.compile(
    r"([A-Za-z.]+)-(?:born|trained|educated|origin|raised|made|based|headquartered)\b"
)


def _compound_demonym(text: str, start: int, end: int) -> Mention | None:
    """ "Indian-born", "US-trained", "Chinese-made", "UK-based": the country of a compound
    adjective."""
    m = _COMPOUND.match(text, start, end)
    if m is None:
        return None
    entry = gazetteer().by_alias.get(_key(m.group(1)))
    if entry is None or entry[0].kind != "country" or not _case_ok(entry[2], m.group(1)):
        return None
    return Mention(start, m.end(1), m.group(1), entry[0], "adjective")


def find_mentions(text: str) -> list[Mention]:
    """Gazetteer names in ``text``, longest match first, no overlaps."""
    gz = gazetteer()
    tokens = list(_WORD.finditer(text))
    words = _WORD.findall(text)
    # Only tokens that may start an alias or a compound demonym ("US-trained", always
    # hyphenated) are read; the others, most of them, are passed over.
    todo = [k for k, word in enumerate(words) if word.lower() in gz.starts or "-" in word]
    out: list[Mention] = []
    i = 0  # the first token not taken by a name
    for k in todo:
        if k < i:
            continue
        start, stop = tokens[k].span()
        most = 0 if start and text[start - 1] in "$@#" else _most_words(gz, words[k])
        hit = _lookup(text, tokens, k, most) if most else None
        if hit is None:
            demonym = _compound_demonym(text, start, stop) if "-" in words[k] else None
            if demonym is not None:
                out.append(demonym)
            i = k + 1
            continue
        end, (ent, form, _), used = hit
        i = k + used
        found = text[start:end]
        if text[end : end + 1] == "$":
            continue
        if ent.kind == "country" and form != "adjective":
            before = text[max(0, start - 20) : start]
            if found.lower() in ("america", "korea") and _NOT_A_COUNTRY_BEFORE.search(before):
                continue
            if form == "seat" and (
                _NOT_A_SEAT_AFTER.match(text[end:]) or _NOT_A_COUNTRY_BEFORE.search(before)
            ):
                continue
        out.append(Mention(start, end, found, ent, form))
    return out


# A company name as journalists write it: capitalised words, with "AI", "Labs",
# digits or dots inside ("01.AI", "Zeta Labs", "Acme Robotics").
_NAME_WORD = r"(?:[A-Z][\w.&'’+-]*[\w+]|[A-Z]|\d+\.[A-Z]\w*|[a-z]+[A-Z]\w*)"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|AI|Labs?|Inc\.?))*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Capitalised words that never start or make up a company name on their own.
NOT_NAMES = _words(
    """The A An This That These Those It Its Their Our His Her In On At For From With By And But Or
    As Of To Series Seed Round Pre-IPO IPO AI GenAI LLM LLMs GPU GPUs CEO CFO CTO US U.S. UK EU
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Chinese American China America
    Beijing Washington Silicon Valley Wall Street Reuters Bloomberg According However Meanwhile
    Last Next Earlier Later Since After Before While When Why How What Who Which According
    Mr Ms Mrs Dr Prof Inc Ltd Corp Co Group Capital Ventures Partners Fund Asia Europe Africa
    Read More Related Photo Image Source Sources Analysts Officials Investors Startups
    Worldwide Globally Overall Q1 Q2 Q3 Q4 H1 H2 FY
    RMB Rmb USD CNY EUR GBP HKD JPY KRW INR SGD TWD AUD CAD"""
)


#: Words that end an organisation's name ("Index Ventures", "Hillhouse Capital") though
#: they never make one alone.
ORG_SUFFIXES = _words(
    "AI Capital Ventures Partners Fund Group Inc Ltd Corp Co Management Holdings Investments "
    "Labs Technologies"
)


def proper_name_at(text: str, pos: int) -> tuple[int, int] | None:
    """Span of the capitalised name that starts exactly at ``pos``, if any."""
    m = _NAME.match(text, pos)
    if not m:
        return None
    words = m.group(0).split()
    # A name never starts with a function word ("The", "In") or a span of months
    # ("January-March"); trailing ones are trimmed.
    if words[0] in NOT_NAMES and not (len(words) > 1 and words[1] in ("AI", "Labs")):
        return None
    if "-" in words[0] and all(w in NOT_NAMES for w in words[0].split("-")):
        return None
    while (
        len(words) > 1
        and words[-1].rstrip(".,") in NOT_NAMES
        and words[-1].rstrip(".,") not in ORG_SUFFIXES
    ):
        words.pop()
    name = " ".join(words).rstrip(".,'’")
    if not name or name in NOT_NAMES:
        return None
    return pos, pos + len(name)


def clean_name(name: str) -> str:
    """A name without possessive or trailing punctuation."""
    name = re.sub(r"['’]s?$", "", name.strip())
    return name.strip(" ,.;:\"'“”")


def descriptor_end(text: str, start: int, end: int) -> int:
    """Where a name proper starts in ``text[start:end]``, after descriptors such as
    "Heidelberg-based" or "Tencent-backed" that a capitalised run picks up."""
    cut = start
    for tok in _TOKEN.finditer(text, start, end):
        if tok.group(0).rstrip(",").endswith(_DESCRIPTOR_SUFFIXES):
            cut = tok.end()
    while cut < end and text[cut].isspace():
        cut += 1
    return cut if cut < end else start


#: Words that may stand between a preposition and the name it introduces
#: ("for Chinese AI startup Acme", "in Paris-based lab Zeta").
_DESCRIPTOR_CAPS = _words("AI GenAI LLM US U.S. UK EU")
#: Lower-case words that end a descriptor run: what follows them is not the name.
_STOP_WORDS = _words(
    """by from with of and or at on in into for to as than which that who whose led backed valued
    valuing round rounds funding financing investment deal said says according including"""
)
_TOKEN = re.compile(r"\S+")
_DESCRIPTOR_SUFFIXES = ("-backed", "-based", "-owned", "-listed", "-funded", "-founded")
#: Singular nouns for a company, after which an appositive name may follow.
_COMPANY_NOUNS = _words(
    """company firm startup start-up business developer maker lab group unicorn outfit
    chipmaker designer provider platform operator"""
)
#: Plural nouns for a group of organisations: "investment in Chinese AI firms" names no
#: one company, so no name is looked for after them.
_GROUP_NOUNS = _words(
    """companies firms startups start-ups businesses developers makers players labs groups
    enterprises ventures unicorns outfits vendors suppliers manufacturers chipmakers"""
)


def _is_descriptor(token: str) -> bool:
    word = token.rstrip(",")
    if word != token or word.lower() in _STOP_WORDS:
        return False
    if word[:1].islower() or word in _DESCRIPTOR_CAPS or word.endswith(_DESCRIPTOR_SUFFIXES):
        return True
    hit = gazetteer().by_alias.get(_key(word))
    return bool(hit and hit[0].kind == "country" and hit[1] == "adjective")


def name_after(
    text: str, pos: int, mentions: list[Mention], max_skip: int = 6
) -> tuple[int, int] | None:
    """The first name after ``pos``, skipping lower-case descriptors and demonyms."""
    for skipped, tok in enumerate(_TOKEN.finditer(text, pos)):
        mention = next((m for m in mentions if m.start == tok.start()), None)
        if mention and mention.entity.kind != "country":
            return mention.start, mention.end
        span = proper_name_at(text, tok.start())
        if span and not _is_descriptor(tok.group(0)):
            return span
        if tok.group(0).rstrip(",.").lower() in _GROUP_NOUNS:
            return None
        # "in another robotics firm, Kestrel AI": the name in apposition to the descriptor.
        if tok.group(0).endswith(",") and tok.group(0)[:-1].lower() in _COMPANY_NOUNS:
            continue
        if not _is_descriptor(tok.group(0)) or skipped >= max_skip:
            return None
    return None


def name_before(text: str, pos: int, mentions: list[Mention]) -> tuple[int, int] | None:
    """The name that ends right before ``pos`` (whitespace, commas and a parenthetical
    aside such as "(formerly Orbit Robotics)" or "(9988.HK)" aside)."""
    end = len(text[:pos].rstrip(" ,"))
    if end and text[end - 1] == ")":
        opening = text.rfind("(", max(0, end - 80), end)
        if opening > 0:
            end = len(text[:opening].rstrip(" ,"))
    mention = next((m for m in mentions if m.end == end), None)
    if mention:
        return mention.start, mention.end
    start = end
    # Names are short: a bounded look-back keeps long sentences cheap.
    for tok in reversed(list(_TOKEN.finditer(text, max(0, end - 80), end))):
        word = tok.group(0)
        if tok.end() != start and text[tok.end() : start].strip():
            break
        if (
            not (word[:1].isupper() or word[:1].isdigit() or word in ("AI", "Labs"))
            or word.endswith(",")
            or word.endswith(_DESCRIPTOR_SUFFIXES)
            # "In 2022 Orbit Labs raised": a year is not part of the name.
            or re.fullmatch(r"(?:19|20)\d\d", word)
        ):
            break
        start = tok.start()
    words = text[start:end].split()
    while words and words[0] in NOT_NAMES:
        words.pop(0)
    if not words or all(w in NOT_NAMES for w in words):
        return None
    name = " ".join(words)
    return end - len(name), end
