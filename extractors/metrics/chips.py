"""Chip-export events: who restricts, tightens, relaxes, licenses or bans which chips
for whom, and domestic chip launches by the restricted side.

An article usually names the same policy several times ("the curbs", "the new
rules"); mentions with the same actor, target and kind of action are merged into
one event whose evidence is the most specific sentence (named chip models beat
"advanced chips"; body text beats summary bullets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.metrics.document import Analysed, Document
from extractors.metrics.entities import gazetteer, proper_name_at
from extractors.metrics.periods import year_of
from schemas.records import Observation

_W = r"(?:[\w'’-]+\s+)"
_OBJECT = re.compile(
    r"\b(?:chips?|microchips?|semiconductors?|GPUs?|processors?|accelerators?|lithography|"
    r"chipmaking|chip-making|chipmakers?|HBM|high-bandwidth\s+memory|EUV|DUV|wafers?|"
    r"graphics\s+processing\s+units?|computing\s+power|supercomput\w+|gallium|germanium|antimony|"
    r"AI\s+technology|artificial\s+intelligence\s+(?:chip|technology)|foundr(?:y|ies))\b",
    re.IGNORECASE,
)
_MODEL = re.compile(
    r"\b(?:(?P<maker>Nvidia|NVIDIA|AMD|Intel|Huawei)(?:['’]s)?\s+)?"
    r"(?P<model>(?:[AHBL]\d{2,3}[A-Z]?|H20|GB\d{3}|B30A|MI\d{3}[A-Z]?|RTX\s?\d{4}D?|"
    r"Ascend\s?\d{3}[A-Z]?|Kirin\s?\d{4}[A-Z]?|Gaudi\s?\d|Blackwell|Hopper))\b"
)
_GENERIC_ITEM = re.compile(
    r"\b(?:(?:advanced|high-end|cutting-edge|top-end|leading-edge|state-of-the-art|AI|"
    r"artificial\s+intelligence|high-performance|powerful|sophisticated|computer|memory|logic|"
    r"graphics|flagship|older|less\s+powerful|in-house|homegrown|domestic)\s+){0,4}"
    r"(?:(?:semiconductor|chipmaking|chip-making|chip)\s+(?:manufacturing\s+|production\s+)?"
    r"(?:equipment|tools|machines|machinery)|"
    r"chips?|semiconductors?|GPUs?|processors?|accelerators?|"
    r"lithography\s+(?:machines|tools|equipment|systems)|chip\s+technology|AI\s+technology|"
    r"high-bandwidth\s+memory|HBM|EUV|DUV|gallium|germanium|antimony|"
    r"graphics\s+processing\s+units)\b",
    re.IGNORECASE,
)

_LICENSE = re.compile(
    rf"\b(?:grant(?:ed|s|ing)?\s+{_W}{{0,3}}licen[cs]es?|licen[cs]es?\s+(?:were|was|have\s+been|has\s+been)\s+"
    rf"(?:granted|approved|issued)|issu(?:ed|es|ing)\s+{_W}{{0,2}}licen[cs]es?|"
    rf"approv(?:ed|es|al|ing)\s+{_W}{{0,4}}(?:exports?|sales?|shipments?|licen[cs]es?)|"
    rf"cleared\s+{_W}{{0,3}}(?:exports?|sales?|shipments?)|"
    rf"(?:allow|permit)(?:ed|s|ting|ing)?\s+{_W}{{0,3}}to\s+(?:sell|export|ship|resume)|"
    rf"(?:received|obtained|secured|got|won|in\s+exchange\s+for)\s+{_W}{{0,2}}licen[cs]es?|"
    rf"(?:waivers?|exemptions?)\s+(?:to|for|from)\b|"
    rf"resum(?:e|ed|es|ing)\s+{_W}{{0,3}}(?:sales|shipments|exports))",
    re.IGNORECASE,
)
_RELAX = re.compile(
    rf"\b(?:relax(?:ed|es|ing)?|eas(?:e|ed|es|ing)\s+{_W}{{0,3}}(?:restrictions|curbs|controls|rules|ban)|"
    rf"lift(?:ed|s|ing)?\s+{_W}{{0,3}}(?:ban|restrictions|curbs|controls)|roll(?:ed|s|ing)?\s+back|"
    rf"rescind(?:ed|s|ing)?|revers(?:e|ed|es|ing)\s+{_W}{{0,3}}(?:ban|restrictions|curbs|rules)|"
    rf"scrap(?:ped|s|ping)?\s+{_W}{{0,3}}(?:rules?|restrictions|curbs))",
    re.IGNORECASE,
)
_TIGHTEN = re.compile(
    rf"\b(?:tighten(?:ed|s|ing)?|further\s+(?:restrict\w*|curb\w*|limit\w*)|"
    rf"expand(?:ed|s|ing)?\s+{_W}{{0,3}}(?:restrictions|curbs|controls|ban|rules)|"
    rf"broaden(?:ed|s|ing)?\s+{_W}{{0,3}}(?:restrictions|curbs|controls)|"
    rf"clos(?:e|ed|es|ing)\s+{_W}{{0,2}}loopholes?)",
    re.IGNORECASE,
)
_BAN = re.compile(
    r"\b(?:ban(?:s|ned|ning)?|prohibit(?:ed|s|ing|ion)?|barred|bars|embargo\w*|blacklist\w*|outlaw\w*)\b",
    re.IGNORECASE,
)
_RESTRICT = re.compile(
    rf"\b(?:restrict\w*|export\s+controls?|controls?\s+on\s+{_W}{{0,3}}exports?|curbs?|curbed|curbing|"
    rf"limits?\s+on|limit(?:ed|s|ing)?\s+{_W}{{0,3}}(?:exports?|sales|access|shipments)|"
    rf"cap(?:s|ped|ping)?\s+(?:the\s+)?(?:number|amount|volume|quantity)|"
    rf"block(?:s|ed|ing)?\s+{_W}{{0,3}}(?:exports?|sales|access|shipments)|block\s+on|"
    rf"cut(?:s|ting)?\s+off|crack(?:ed|s|ing)?\s+down|clamp(?:ed|s|ing)?\s+down|hobbl\w+|"
    rf"chok(?:e|ed|ing)\w*|Entity\s+List|licen[cs]e\s+requirements?|"
    rf"(?:requir|need)\w*\s+{_W}{{0,3}}licen[cs]es?|sanction\w*|deny\w*\s+access|denied\s+access|"
    rf"revok\w+|withdr[ae]w\w*\s+{_W}{{0,2}}licen[cs]es?|discourag\w+|"
    rf"(?:told|ordered|urged|instructed)\s+{_W}{{1,4}}(?:to\s+)?(?:stop|halt|avoid|suspend|cancel))",
    re.IGNORECASE,
)
_LAUNCH = re.compile(
    r"\b(?:launch(?:ed|es|ing)?|unveil(?:ed|s|ing)?|develop(?:ed|s)?|releas(?:ed|es)|"
    r"roll(?:ed|s)?\s+out|introduc(?:ed|es)|debut(?:ed|s)?|start(?:ed|s)?\s+(?:mass\s+)?production|"
    r"beg(?:an|ins|un)\s+(?:mass\s+)?(?:production|producing|shipping|shipments)|mass[\s-]produc\w+|"
    r"built|designed|rolled\s+out|began\s+selling|started\s+shipping|showcased)\b",
    re.IGNORECASE,
)
# "may" only in lower case: "In May, the US banned ..." is a date, not a maybe.
_HYPOTHETICAL = re.compile(
    r"\b(?:may|(?i:could|might|would\s+consider|considering|mulls?|mulling|weighs?|weighing|"
    r"threaten\w*|urged\s+(?:the\s+)?(?:US|U\.S\.|Washington)\s+to|called\s+for|proposed|if))\b"
)
_MANY_COUNTRIES = re.compile(
    r"\b(?:to|for|on)\s+((?:most|many|dozens\s+of|scores\s+of|(?:over|more\s+than|some|about)\s+\d+|\d+)\s+"
    r"(?:other\s+)?countries)\b",
    re.IGNORECASE,
)
_MODIFIES_MOVE = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:export|restrict|curb|ban|control|rule|limit|sanction|licen)",
    re.IGNORECASE,
)
_LISTING = re.compile(
    r"\b(?:entity\s+list|blacklist\w*|sanction\w*|(?:export\s+control|trade\s+restriction)\s+list)",
    re.IGNORECASE,
)
_TARGET_PREP = re.compile(
    r"\b(?:to|on|against|into|from|for|of|over|with|at)\s+(?:the\s+)?$", re.IGNORECASE
)
_PASSIVE_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_CN_TARGETS = frozenset({"CN", "HK"})

_ACTIONS = (
    ("license", _LICENSE),
    ("relax", _RELAX),
    ("tighten", _TIGHTEN),
    ("ban", _BAN),
    ("restrict", _RESTRICT),
)
_GROUP = {
    "license": "relax",
    "relax": "relax",
    "tighten": "restrict",
    "ban": "restrict",
    "restrict": "restrict",
}


@dataclass(slots=True)
class Event:
    """One chip-export event with every sentence that mentioned it."""

    action: str
    actor: str | None
    actor_name: str | None
    target: str | None
    items: list[str]
    period: str | None
    sentence: Analysed
    models: int = 0
    mentions: list[int] = field(default_factory=list)

    @property
    def group(self) -> str:
        """restrict, relax or domestic: the kind of move regardless of wording."""
        return "domestic" if self.action == "domestic_chip_launch" else _GROUP[self.action]


def _action(text: str) -> tuple[str, int] | None:
    """The strongest action word in the sentence and where it is."""
    for name, pattern in _ACTIONS:
        m = pattern.search(text)
        if m:
            return name, m.start()
    return None


def _items(text: str, maker: str | None = None) -> tuple[list[str], int]:
    """Chips and tools named in the sentence, and how many were specific models."""
    items: list[str] = []
    last_maker = maker
    for m in _MODEL.finditer(text):
        last_maker = m.group("maker") or last_maker
        model = " ".join(m.group("model").split())
        label = f"{_maker_name(last_maker)} {model}" if last_maker else model
        if label not in items:
            items.append(label)
    models = len(items)
    if not items:
        for m in _GENERIC_ITEM.finditer(text):
            phrase = _plural(" ".join(m.group(0).split()), text[m.end() :])
            if phrase is None or (phrase.lower() in ("chips", "semiconductors") and items):
                continue
            if phrase not in items:
                items.append(phrase)
            if len(items) >= 2:
                break
    return items, models


def _plural(phrase: str, rest: str) -> str | None:
    """ "AI chip exports" names AI chips; "chip" alone before a noun ("chip efforts") names none."""
    head = phrase.split()[-1]
    if head.lower() not in ("chip", "semiconductor") or not re.match(r"\s+[a-z]", rest):
        return phrase
    if len(phrase.split()) == 1:
        return None
    return phrase + "s"


def _maker_name(raw: str | None) -> str:
    ent = gazetteer().get(raw)
    return ent.name if ent else (raw or "")


def _actor(a: Analysed, trigger: int) -> tuple[str | None, str | None]:
    """The country that acts, from an agency, a subject before the trigger or a passive "by"."""
    text = a.text
    govs = [m for m in a.mentions if m.entity.kind == "government"]
    if govs:
        before = [m for m in govs if m.start < trigger] or govs
        pick = before[-1] if before[-1].start < trigger else before[0]
        return pick.entity.country, pick.entity.name
    for m in a.countries():
        if m.start > trigger and _PASSIVE_BY.search(text, max(0, m.start - 8), m.start):
            return m.entity.name, None
    # The subject: the last country before the move that is not its object ("to China").
    firms = {m.start for m in a.mentions if m.entity.kind != "country"}
    subjects = [
        m
        for m in a.countries()
        if m.start < trigger
        and not _TARGET_PREP.search(text, max(0, m.start - 12), m.start)
        and not _PASSIVE_BY.search(text, max(0, m.start - 8), m.start)
        # "added China's Huawei": a possessive before a company names the object's home.
        and not (text[m.end : m.end + 2] in ("'s", "’s") and m.end + 3 in firms)
        # A demonym acts only on the move itself ("Chinese export curbs"), not as in
        # "Chinese customers".
        and (m.form != "adjective" or _MODIFIES_MOVE.match(text, m.end))
    ]
    if subjects:
        return subjects[-1].entity.name, None
    return None, None


def _target(a: Analysed, actor: str | None) -> str | None:
    """Whom the move is aimed at: a named group of countries, else a country or company."""
    many = _MANY_COUNTRIES.search(a.text)
    if many:
        return " ".join(many.group(1).split())
    text = a.text
    countries = [m for m in a.countries() if m.entity.name != actor]
    if any(m.entity.name in _CN_TARGETS for m in countries):
        return "CN"
    # Other countries only when the sentence aims at them ("exports to Russia"), not
    # when it passes through them ("smuggled via Singapore").
    aimed = [
        m
        for m in countries
        if _TARGET_PREP.search(text, max(0, m.start - 12), m.start)
        or text[m.end : m.end + 2] in ("'s", "’s")
        or m.form == "adjective"
    ]
    if aimed:
        return aimed[0].entity.name
    if countries:
        return None
    companies = [
        m
        for m in a.mentions
        if m.entity.kind in ("chip_maker", "tech_company", "ai_company", "equipment_maker")
        and m.entity.country != actor
    ]
    return companies[0].entity.name if companies else None


def _licensee(a: Analysed, actor: str | None) -> str | None:
    """For a license or relaxation, the company allowed to sell, if one is named."""
    for m in a.mentions:
        if m.entity.kind in ("chip_maker", "equipment_maker") and m.entity.country == actor:
            return m.entity.name
    return None


def _period(a: Analysed) -> str | None:
    dated = [p for p in a.periods if p.period and not p.comparison]
    return dated[0].period if dated else None


def _domestic_launch(a: Analysed) -> Event | None:
    """A Chinese company bringing out its own chips ("Huawei unveiled the Ascend 910C")."""
    text = a.text
    verb = _LAUNCH.search(text)
    if not verb or not (_OBJECT.search(text, verb.start()) or _MODEL.search(text, verb.start())):
        return None
    maker = _launcher(a, verb.start())
    if maker is None:
        return None
    name, country = maker
    items, models = _items(text[verb.start() :], name)
    if not items:
        return None
    if models == 0:
        items = [f"{name} {items[0]}", *items[1:]]
    return Event("domestic_chip_launch", country, name, None, items, _period(a), a, models)


def _launcher(a: Analysed, verb: int) -> tuple[str, str] | None:
    """The Chinese company that is the subject of the launch verb."""
    companies = [
        m
        for m in a.mentions
        if m.end <= verb
        and m.entity.country in _CN_TARGETS
        and m.entity.kind in ("chip_maker", "tech_company", "ai_company", "equipment_maker")
    ]
    if companies:
        m = companies[-1]
        return m.entity.name, m.entity.country or "CN"
    # An unknown "Chinese chipmaker Acme" or "China's Acme".
    found = re.search(
        r"\b(?:Chinese|China['’]s|Beijing-based|Shanghai-based|Shenzhen-based)\s+(?:[\w-]+\s+){0,3}?"
        r"(?:chipmaker|chip\s+designer|chip\s+company|firm|company|startup)?\s*(?=[A-Z])",
        a.text[:verb],
    )
    if found:
        span = proper_name_at(a.text, found.end())
        if span and span[1] <= verb:
            return a.text[span[0] : span[1]], "CN"
    return None


def _export_event(a: Analysed, last_actor: str | None) -> Event | None:
    text = a.text
    found = _action(text)
    if found is None:
        return None
    action, at = found
    if not (_OBJECT.search(text) or _MODEL.search(text)):
        # A blacklisting names firms, not chips: "added Huawei to the entity list".
        chip_firm = any(m.entity.kind in ("chip_maker", "equipment_maker") for m in a.mentions)
        if not (chip_firm and _LISTING.search(text)):
            return None
    if _HYPOTHETICAL.search(text[max(0, at - 40) : at]):
        return None
    actor, actor_name = _actor(a, at)
    if actor is None:
        # Unnamed, the restricting side of a move against China is the US (its
        # allies are always named); otherwise it is whoever acted last.
        aimed_at_china = any(m.entity.name in _CN_TARGETS for m in a.countries())
        actor = "US" if aimed_at_china or last_actor is None else last_actor
    if action in ("license", "relax"):
        target = _licensee(a, actor) or _target(a, actor)
    else:
        target = _target(a, actor)
    items, models = _items(text)
    return Event(action, actor, actor_name, target, items, _period(a), a, models)


def _rank(e: Event) -> tuple[int, int, int]:
    """Better evidence first: body over bullets, named models, earlier."""
    return (int(e.sentence.sentence.bullet), -e.models, e.sentence.index)


def _same(a: Event, b: Event) -> bool:
    if a.group != b.group:
        return False
    if a.group == "domestic":
        return a.actor_name == b.actor_name and (
            not a.items or not b.items or a.items[0].split()[-1] == b.items[0].split()[-1]
        )
    if a.actor != b.actor:
        return False
    ya, yb = year_of(a.period), year_of(b.period)
    if ya and yb and ya != yb:
        return False
    return a.target is None or b.target is None or a.target == b.target


def _merge(events: list[Event]) -> list[Event]:
    merged: list[Event] = []
    for e in events:
        twin = next((m for m in merged if _same(m, e)), None)
        if twin is None:
            merged.append(e)
            continue
        best = min(twin, e, key=_rank)
        other = e if best is twin else twin
        keep = Event(
            best.action,
            best.actor,
            best.actor_name or other.actor_name,
            best.target or other.target,
            best.items or other.items,
            best.period or other.period,
            best.sentence,
            best.models,
        )
        merged[merged.index(twin)] = keep
    return merged


def extract_chip_events(doc: Document) -> list[Observation]:
    """Chip-export events of the article, one per actor, target and kind of move."""
    events: list[Event] = []
    last_actor: str | None = None
    for a in doc.sentences:
        launch = _domestic_launch(a)
        if launch is not None:
            events.append(launch)
            continue
        event = _export_event(a, last_actor)
        if event is not None:
            events.append(event)
            last_actor = event.actor
    out: list[Observation] = []
    for e in sorted(_merge(events), key=lambda e: e.sentence.index):
        out.append(
            e.sentence.observation(
                "chip_export_event",
                1.0,
                country=e.actor,
                entity=e.actor_name,
                counterparty=e.target,
                action=e.action,
                items=tuple(e.items),
                period=e.period,
            )
        )
    return out
