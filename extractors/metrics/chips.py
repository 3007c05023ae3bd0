"""Chip-export events: who restricts, tightens, relaxes, licenses or bans which chips
for whom, and domestic chip launches by the restricted side.

An article names the same policy several times ("the curbs", "the new rules"), and
it also names several policies, including earlier ones it refers back to. Each
sentence is read for *mentions* of a measure, graded by how much they say:

- a stated measure has a verb that enacts it ("restricted exports", "will require
  licences", "added 140 entities to its blacklist") or says what an already named
  measure covers ("the curbs cover the A100");
- a passing mention only names one ("under US export rules", "reduced export control").

Mentions merge into one event when they agree on the kind of move, the actor, the
target and the month, unless they are about different companies or different
specific items (chip models, minerals, an entity list), or the later one announces
something more ("also added", new chip models named with a measure verb of their
own). The evidence is the most specific stated mention. Tables of measures ("Date |
Who | Measure | Direction") give one event per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.metrics.document import Analysed, Document
from extractors.metrics.entities import Mention, find_mentions, gazetteer, proper_name_at
from extractors.metrics.periods import find_periods, year_of
from extractors.metrics.sentences import has_any
from extractors.metrics.tables import Row
from schemas.records import Observation

_W = r"(?:[\w'’-]+\s+)"
# The same with commas inside a list ("added 140 companies, including Naura, to ...").
_WC = r"(?:[\w'’-]+,?\s+)"
_OBJECT = re.compile(
    r"\b(?:chips?|microchips?|semiconductors?|GPUs?|processors?|accelerators?|lithography|"
    r"chipmaking|chip-making|chipmakers?|HBM|high-bandwidth\s+memory|EUV|DUV|wafers?|"
    r"graphics\s+processing\s+units?|computing\s+power|advanced\s+computing|supercomput\w+|gallium|"
    r"germanium|antimony|"
    r"rare\s+earths?|AI\s+technology|artificial\s+intelligence\s+(?:chip|technology)|"
    r"foundr(?:y|ies)|model\s+weights|diffusion\s+(?:rule|framework))\b",
    re.IGNORECASE,
)
#: Names of export regimes: an object in an article that is about chips.
_REGIME = re.compile(
    r"\b(?:export\s+(?:controls?|rules?|restrictions|curbs|regime|regulations)|entity\s+list)\b",
    re.IGNORECASE,
)
_MODEL = re.compile(
    r"\b(?:(?P<maker>Nvidia|NVIDIA|AMD|Intel|Huawei)(?:['’]s)?\s+)?"
    r"(?P<model>(?:[AHBL]\d{2,3}[A-Z]?|H20|GB\d{3}|B30A|MI\d{3}[A-Z]?|RTX\s?\d{4}D?|"
    r"Ascend\s?\d{3}[A-Z]{0,2}|Kirin\s?\d{4}[A-Z]?|Gaudi\s?\d|Blackwell|Hopper))\b"
)
# Words of which every match of a pattern contains one (in the folded sentence, or as
# written for case-sensitive ``_MODEL``): a sentence without any is not searched.
_OBJECT_WORDS = (
    "chip",
    "semiconductor",
    "gpu",
    "processor",
    "accelerator",
    "lithography",
    "hbm",
    "bandwidth",
    "euv",
    "duv",
    "wafer",
    "graphics",
    "computing",
    "supercomput",
    "gallium",
    "germanium",
    "antimony",
    "earth",
    "technology",
    "foundr",
    "weights",
    "diffusion",
)
_REGIME_WORDS = ("export", "entity")
_REFERRED_SALES_WORDS = ("sale", "export", "shipment", "deliveries")
# Every model but these two has a digit in its name.
_MODEL_WORDS = ("Blackwell", "Hopper")
_DIGIT = re.compile(r"\d")
_MATERIAL = re.compile(
    r"\b(?:gallium|germanium|antimony|graphite|rare\s+earths?|superhard\s+materials|"
    r"high-bandwidth\s+memory|HBM)\b",
    re.IGNORECASE,
)
_GENERIC_ITEM = re.compile(
    r"\b(?:(?:advanced|high-end|cutting-edge|top-end|leading-edge|state-of-the-art|AI|"
    r"artificial\s+intelligence|high-performance|powerful|sophisticated|computer|memory|logic|"
    r"graphics|flagship|older|less\s+powerful|in-house|homegrown|domestic)\s+){0,4}"
    r"(?:(?:semiconductor|chipmaking|chip-making|chip)\s+(?:manufacturing\s+|production\s+)?"
    r"(?:equipment|tools|machines|machinery)|"
    r"chips?|semiconductors?|GPUs?|processors?|accelerators?|"
    r"lithography\s+(?:machines|tools|equipment|systems)|chip\s+technology|AI\s+technology|"
    r"high-bandwidth\s+memory|HBM|EUV|DUV|gallium|germanium|antimony|rare\s+earths?|"
    r"graphics\s+processing\s+units|computing\s+power|model\s+weights)\b",
    re.IGNORECASE,
)

_LICENSE = re.compile(
    rf"\b(?:grant(?:ed|s|ing)?\s+{_W}{{0,3}}licen[cs]es?|licen[cs]es?\s+(?:were|was|have\s+been|has\s+been|"
    rf"would\s+be|will\s+be|are\s+being|to\s+be)\s+(?:granted|approved|issued)|"
    rf"licen[cs]es?\s+(?:granted|approved|issued)|issu(?:ed|es|ing)\s+{_W}{{0,2}}licen[cs]es?|"
    rf"approv(?:ed|es|al|ing)\s+{_W}{{0,4}}(?:exports?|sales?|shipments?|licen[cs]es?)|"
    rf"cleared\s+{_W}{{0,3}}(?:exports?|sales?|shipments?)|"
    rf"(?:allow|permit)(?:ed|s|ting|ing)?\s+{_W}{{0,3}}to\s+(?:sell|export|ship|resume)|"
    rf"(?:received|obtained|secured|got|won|in\s+exchange\s+for)\s+{_W}{{0,2}}licen[cs]es?|"
    rf"(?:received|obtained|secured|got|won|was\s+given|were\s+given|been\s+given)\s+{_W}{{0,2}}"
    rf"(?:approvals?|permission|authori[sz]ation|clearance|green\s+light|go-ahead)\b|"
    rf"(?:waivers?|exemptions?)\s+(?:to|for|from)\b|"
    rf"(?:grant|extend|issu|renew|approv)\w*\s+{_W}{{0,3}}(?:waivers?|exemptions?)\b|"
    rf"(?:allow|permit)(?:ed|s|ting|ing)?\s+{_WC}{{0,6}}to\s+(?:keep\s+|continue\s+)?"
    rf"(?:sell|export|ship|resume|supply|buy|import)\w*|"
    rf"resum(?:e|ed|es|ing)\s+{_W}{{0,3}}(?:sales|shipments|exports))",
    re.IGNORECASE,
)
_RELAX = re.compile(
    rf"\b(?:relax(?:ed|es|ing)?|eas(?:e|ed|es|ing)\s+{_W}{{0,3}}(?:restrictions|curbs|controls|rules|"
    rf"ban|measures|requirements?|limits)|lift(?:ed|s|ing)?\s+{_W}{{0,3}}(?:ban|restrictions|curbs|"
    rf"controls|requirements?|limits|rules?)|"
    rf"roll(?:ed|s|ing)?\s+back|rescind(?:ed|s|ing)?|revers(?:e|ed|es|ing)\s+{_W}{{0,3}}"
    rf"(?:ban|restrictions|curbs|rules)|scrap(?:ped|s|ping)?\s+{_W}{{0,3}}(?:rules?|restrictions|"
    rf"curbs|framework)|suspen(?:d|ded|ds|ding|sion\s+of)\s+(?:for\s+{_W}{{1,2}})?{_W}{{0,4}}"
    rf"(?:ban|controls|restrictions|curbs|rules|measures)|(?:to|toward|into)\s+(?:a\s+)?"
    rf"case-by-case)",
    re.IGNORECASE,
)
_TIGHTEN = re.compile(
    rf"\b(?:tighten(?:ed|s|ing)?|further\s+(?:restrict\w*|curb\w*|limit\w*)|"
    rf"expand(?:ed|s|ing)?\s+{_W}{{0,3}}(?:restrictions|curbs|controls|ban|rules)|"
    rf"broaden(?:ed|s|ing)?\s+{_W}{{0,3}}(?:restrictions|curbs|controls)|"
    rf"extend(?:ed|s|ing)?\s+(?:the\s+|its\s+|those\s+)?(?:restrictions|curbs|controls|ban|rules)|"
    rf"clos(?:e|ed|es|ing)\s+{_W}{{0,2}}loopholes?|"
    rf"br(?:ought|ing|ings|inging)\s+{_W}{{1,4}}under\s+(?:the\s+)?(?:controls|rules|restrictions|curbs))",
    re.IGNORECASE,
)
_BAN = re.compile(
    r"\b(?:ban(?:s|ned|ning)?|prohibit(?:ed|s|ing|ion)?|bar(?:s|red|ring)?\s+(?=[\w'’-]+\s+from\b|"
    r"(?:the\s+)?(?:sales?|exports?|shipments?)\b)|barred|embargo\w*|blacklist\w*|"
    r"outlaw\w*|no\s+longer\s+(?:approve|allow|permit|license|licence)|not\s+permitted)\b",
    re.IGNORECASE,
)
_RESTRICT = re.compile(
    rf"\b(?:restrict\w*|export\s+controls?|controls?\s+(?:of\s+(?:its|their)\s+own\s+)?on\b|"
    rf"curbs?|curbed|curbing|"
    rf"limits?\s+on|limit(?:ed|s|ing)?\s+{_W}{{0,3}}(?:exports?|sales|access|shipments)|"
    rf"cap(?:s|ped|ping)?\s+(?:the\s+)?{_W}{{0,2}}(?:number|amount|volume|quantity|computing|exports?|"
    rf"imports?)|"
    rf"caps\s+on|block(?:s|ed|ing)?\s+{_W}{{0,3}}(?:exports?|sales|access|shipments)|block\s+on|"
    rf"cut(?:s|ting)?\s+off|crack(?:ed|s|ing)?\s+down|clamp(?:ed|s|ing)?\s+down|hobbl\w+|"
    rf"chok(?:e|ed|ing)\w*|Entity\s+List|licen[cs]e\s+requirements?|apply\s+for\s+{_W}{{0,3}}licen[cs]es|"
    rf"(?:requir|need)\w*\s+{_W}{{0,3}}(?:licen[cs]es?|permits?)|sanction\w*|deny\w*\s+access|"
    rf"denied\s+access|prevent(?:s|ed|ing)?\s+{_W}{{0,4}}from|"
    rf"presumption\s+of\s+denial|export\s+rules|revok\w+|withdr[ae]w\w*\s+{_W}{{0,2}}licen[cs]es?|"
    rf"(?:issu|publish|unveil|introduc|impos|adopt|finaliz)\w*\s+{_W}{{0,4}}(?:rules?|regulations?|"
    rf"framework|guidance|package\s+of\s+export\s+controls)|"
    rf"discourag\w+|(?:told|ordered|urged|instructed|asked|directed|advised)\s+(?:[\w'’-]+,?\s+){{1,8}}?(?:to\s+)?(?:stop|halt|avoid|"
    rf"suspend|cancel)|(?:add(?:ed|s|ing)?|plac(?:ed|es|ing)|put(?:s|ting)?)\s+{_WC}{{1,12}}"
    rf"(?:to|on)\s+(?:its|the|a)\s+{_W}{{0,2}}"
    rf"(?:list|blacklist|controls|restrictions|curbs))",
    re.IGNORECASE,
)
#: A verb that enacts a measure, as opposed to a noun that names one.
_ENACTS = re.compile(
    rf"\b(?:restricted|restricting|restricts|restrict|tighten\w*|banned|bans|banning|barred|bars|"
    rf"bar\s+(?=[\w'’-]+\s+from\b)|"
    rf"prohibit(?:ed|s|ing)?|curbed|curbing|blocked|blocking|relax\w*|lift(?:ed|s|ing)|eased|easing|"
    rf"rescind\w*|scrap\w*|suspend\w*|revok\w+|granted|granting|grants|approved|cleared|"
    rf"permitted|allowed|resum\w+|(?:requir|need)\w*\s+{_W}{{0,3}}(?:licen[cs]es?|permits?)|"
    rf"plac(?:ed|es|ing)\s+{_WC}{{1,14}}under\s+{_W}{{0,2}}(?:export\s+)?controls?|apply\s+for\s+"
    rf"{_W}{{0,3}}licen[cs]es|clos(?:e|ed|es|ing)\s+{_W}{{0,2}}loopholes?|"
    rf"br(?:ought|ing|ings|inging)\s+{_W}{{1,4}}under\s+(?:the\s+)?(?:controls|rules|restrictions|curbs)|"
    rf"(?:faced?|faces|facing|subject\s+to)\s+new\s+{_W}{{0,2}}(?:licen[cs]e\s+requirements?|rules?|"
    rf"restrictions|curbs|controls)|(?:impos|publish|issu|unveil|introduc|announc|adopt|finaliz|roll(?:ed)?\s+out|"
    rf"enact|add|expand|extend)\w*\s+{_W}{{0,6}}(?:rules?|controls?|restrictions|curbs|ban|"
    rf"regulations?|framework|guidance|limits|licen[cs]es?|requirements?|package|list|blacklist)|"
    rf"add(?:ed|s|ing)?\s+{_WC}{{1,12}}to\s+(?:its|the|a)\s+|"
    rf"(?:was|were|been|is|are)\s+(?:added|placed|put)\s+(?:to|on)\s+(?:its|the|a)\s+{_W}{{0,2}}"
    rf"(?:entity\s+list|blacklist|export\s+control\s+list)|"
    rf"(?:plac(?:ed|es|ing)|put(?:s|ting)?)\s+{_WC}{{1,12}}on\s+(?:its|the|a)\s+{_W}{{0,2}}"
    rf"(?:entity\s+list|blacklist|export\s+control\s+list)|cap(?:s|ped|ping)?\b|"
    rf"limit(?:ed|ing)?\s+(?!on\b)|block(?:ed|ing)?\s+(?!on\b)|maintain\w*\s+(?:a\s+)?block|moved\s+{_W}{{0,8}}"
    rf"to\s+case-by-case|no\s+longer\s+(?:approve|allow|permit)|not\s+permitted|"
    rf"(?:told|instructed|informed|ordered)\s+{_W}{{1,8}}?(?:that|to)\b|"
    rf"(?:rules?|controls?|restrictions|curbs|ban|requirements?|regulations?)\s+{_W}{{0,2}}"
    rf"(?:imposed|introduced|issued|announced|published|adopted|unveiled|enacted|placed)\b|"
    rf"issu\w+\s+{_W}{{0,4}}(?:rule|guidance))\b",
    re.IGNORECASE,
)
# "the curbs cover the A100", "the new rules also covered its MI308": a named measure
# said to apply to something, as specific as a measure verb.
_COVERS = re.compile(
    r"\b(?:the|these|those|such|its|their)\s+(?:\w+\s+){0,2}?(?:ban|restrictions|rules?|curbs|"
    r"controls|measures|requirements?|regulations|licen[cs]e\s+requirements?)\s+(?:\w+\s+){0,3}?"
    r"(?:cover\w*|affect\w*|appl\w+\s+to|includ\w*|hit\w*|target\w*|extend\w*)\b",
    re.IGNORECASE,
)
# "The rules bar Nvidia from ...", "The new curbs also restrict ...": the measure just
# reported, now said to do something.
_MEASURE_SUBJECT = re.compile(
    r"\s*(?:The|These|Those|Such|Its|Their)\s+(?:new\s+|latest\s+|updated\s+|revised\s+|tighter\s+|"
    r"expanded\s+|sweeping\s+|export\s+|chip\s+)*(?:rules?|curbs|restrictions|controls|measures|"
    r"regulations?|ban|requirements?)\s+(?:\w+\s+)?(?:also\s+)?(?!(?:is|are|was|were|has|have|had|"
    r"came|come|took|take)\b)[a-z]+s?\b"
)
# "received similar instructions", "agreed to the same terms": the move just described,
# for another company.
_SAME_AS_BEFORE = re.compile(
    r"\b(?:the\s+same|similar)\s+(?:terms|instructions|orders|rules|restrictions|requirements?|"
    r"treatment|conditions|arrangement|notice|notices|letters?)\b",
    re.IGNORECASE,
)
# "had required licences since August last year": a measure older than the news.
_EARLIER = re.compile(r"\bhad\s+(?:been\s+)?(?:\w+ed|imposed|put|set)\b", re.IGNORECASE)
_ADDITIONAL = re.compile(r"\b(?:also|additionally|separately|in\s+addition)\b", re.IGNORECASE)
_LAUNCH = re.compile(
    r"\b(?:launch(?:ed|es|ing)?|unveil(?:ed|s|ing)?|develop(?:ed|s)?|releas(?:ed|es)|"
    r"roll(?:ed|s)?\s+out|introduc(?:ed|es)|debut(?:ed|s)?|start(?:ed|s)?\s+(?:mass\s+)?production|"
    r"beg(?:an|ins|un)\s+(?:mass\s+)?(?:production|producing|shipping|shipments|selling)|"
    r"mass[\s-]produc\w+|built|designed|rolled\s+out|started\s+shipping|showcased)\b",
    re.IGNORECASE,
)
# "a processor made by China's SMIC": the chip itself, made at home.
_MADE_BY = re.compile(
    r"\b(?:chips?|processors?|semiconductors?|GPUs?|accelerators?),?\s+(?:\w+\s+){0,2}?"
    r"(?:made|manufactured|produced|designed|built|developed|fabricated)\s+by\s+",
    re.IGNORECASE,
)
# Modality that makes a move a possibility rather than a fact: a modal right before
# the trigger ("may tighten"), or a verb of deliberation shortly before it.
_MODAL_BEFORE = re.compile(
    r"\b(?:may|might|could|would|should|can)\s+(?!have\b)(?:not\s+)?(?:\w+\s+){0,3}$"
)
_REPORTED = re.compile(
    r"\b(?:said|says|announced|confirmed|told|informed|notified|assured|stated|disclosed)\b"
    r"(?:[^.;]|\.(?=\S)){0,160}\b(?:would|will)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_DELIBERATION = re.compile(
    r"\b(?:consider\w*|weigh\w*|mull\w*|threaten\w*|propos\w+|call(?:ed|s|ing)?\s+for|urg\w+|"
    r"if|plans?\s+to|seek\w*\s+to|wants?\s+to|pushing\s+for|lobb\w+|expect\w*|likely\s+to|"
    r"poised\s+to|set\s+to|prepar\w+\s+to|fears?|risk\s+of|ahead\s+of|press\w*|pressur\w+|"
    r"push\w*|asked|asking|aim\w*\s+to)\b",
    re.IGNORECASE,
)
# "designed to comply with US export rules": the rules as a constraint, not a move.
_COMPLIANCE = re.compile(
    r"\b(?:compl(?:y|ies|ied|iant|iance)\s+with|within\s+(?:the\s+)?(?:limits\s+of\s+)?|under|"
    r"meet\w*|around|circumvent\w*|evad\w+|skirt\w*|despite)\s+(?:the\s+|its\s+)?(?:[\w.-]+\s+){0,2}$",
    re.IGNORECASE,
)
_COMPLY_WITH = re.compile(
    r"\b(?:compl(?:y|ies|ied|ying|iant|iance)\s+with|circumvent\w*|evad\w+|skirt\w*|"
    r"(?:get|got|getting|work\w*)\s+around|sidestep\w*|dodg\w+)\s+(?:the\s+|its\s+)?"
    r"(?:[\w.’'-]+\s+){0,3}$",
    re.IGNORECASE,
)
# "China's foreign ministry called the rules an abuse": a reaction, not a measure.
_CRITICISM = re.compile(
    r"\b(?:call(?:ed|s|ing)|criticis\w+|criticiz\w+|condemn\w*|denounc\w+|slam\w*|decr(?:y|ied|ies)|"
    r"protest\w*|complain\w*|accus\w+|blam\w+|lambast\w*)\b[^.;]*$",
    re.IGNORECASE,
)
_ANTICIPATED = re.compile(
    r"\b(?:before|ahead\s+of|in\s+anticipation\s+of|in\s+case\s+of|for\s+fear\s+of)\s+"
    r"(?:any\s+|possible\s+|potential\s+|new\s+|more\s+|the\s+)?$",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:without|no|free\s+of|exempt\s+from|despite|not|never)\s+(?:\w+\s+)?$|n['’]t\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether)\b[^,;:]*$", re.IGNORECASE)
# "tightened and loosened its controls several times": a summary, not a measure.
_HABITUAL = re.compile(
    r"\b(?:several|many|multiple|numerous)\s+times\b|\brepeatedly\b|\btime\s+and\s+again\b|"
    r"\bover\s+the\s+years\b|\btightened\s+and\s+loosened\b",
    re.IGNORECASE,
)
# Restrictions on investment are not export controls.
_INVESTMENT_OBJECT = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:investments?|capital|funding|financing|investors?)\b", re.IGNORECASE
)
_MANY_COUNTRIES = re.compile(
    r"\b(?:to|for|on)\s+((?:most|many|dozens\s+of|scores\s+of|(?:over|more\s+than|some|about)\s+\d+|\d+)\s+"
    r"(?:other\s+)?countries)\b",
    re.IGNORECASE,
)
_MODIFIES_MOVE = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:export|restrict|curb|ban|control|rule|limit|sanction|licen|customs|"
    r"officials|authorities|regulators?|ministry)",
    re.IGNORECASE,
)
_LISTING = re.compile(
    r"\b(?:entity\s+list|blacklist\w*|sanction\w*|(?:export\s+control|trade\s+restriction)\s+list)",
    re.IGNORECASE,
)
_TARGET_PREP = re.compile(
    r"\b(?:to|on|against|into|from|for|of|over|with|at|including|and)\s+(?:the\s+)?$", re.IGNORECASE
)
_OWNS_MOVE = re.compile(
    r"(?:['’]s)?\s+(?:(?:new|latest|sweeping|tighter|stricter|chip|trade|export|semiconductor)\s+){0,2}",
    re.IGNORECASE,
)
_OWNS_LIST = re.compile(
    r"(?:['’]s)?\s+(?:trade\s+|export\s+)?(?:entity\s+list|blacklist|export\s+control\s+list)",
    re.IGNORECASE,
)
_PASSIVE_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
# "Its trade ministry said ...": the government of the country just named.
_UNNAMED_GOVERNMENT = re.compile(
    r"\b(?:its|the)\s+(?:[\w-]+\s+)?(?:ministry|department|government|regulators?|authorities|"
    r"officials|cabinet)\b",
    re.IGNORECASE,
)
# A second actor's move in the same sentence: "Beijing imposed the ban in December, a day
# after Washington added HBM to its controls."
_SECOND_MOVE = re.compile(
    r",?\s+(?:(?:a|one|two|three|several)\s+(?:days?|weeks?|months?)\s+|days\s+|weeks\s+|"
    r"shortly\s+|just\s+|soon\s+)?(?:after|before|while|whereas)\s+(?=[A-Z])|"
    r",\s+and\s+(?=(?:(?:in|by|from)\s+(?:19|20)\d\d\s+|later\s+|then\s+)?[A-Z])|"
    r",\s+when\s+(?=[A-Z])|"
    r",\s+but\s+|,\s+(?:and\s+)?then\s+|"
    r"\s+and\s+(?=(?:also\s+)?(?:placed|added|put|blacklisted)\s+[^.;]{0,80}?\b(?:[Ee]ntity\s+[Ll]ist|"
    r"blacklist)\b)"
)
# "the controls on rare earths it announced on October 9": an earlier measure referred to.
_EARLIER_MEASURE = re.compile(
    r"\b(?:controls|restrictions|curbs|ban|rules|measures)\b[^,;]{0,60}?\b(?:it|they|that|which|"
    r"Beijing|Washington)\s+(?:had\s+)?(?:announced|imposed|introduced|issued|adopted|unveiled|"
    r"published)\s+(?P<when>(?:on|in|last)\s+[^,;.]{3,20})",
    re.IGNORECASE,
)
_ENTITY_LIST_MOVE = re.compile(
    r"\b(?:add(?:ed|s|ing)?|plac(?:ed|es|ing)|put(?:s|ting)?|list(?:ed|s|ing)?|includ(?:ed|es|ing))\b"
    r"[^.;]{0,160}?\b(?:to|on|in)\s+(?:the\s+|its\s+|a\s+)?(?:US\s+|U\.S\.\s+|American\s+|"
    r"Commerce\s+Department['’]s\s+)?(?:trade\s+|export\s+)?(?:Entity\s+List|entity\s+list|"
    r"export\s+control\s+list|unverified\s+list)\b",
)
_REFERRED_SALES = re.compile(
    r"\b(?:its|their|the\s+chip['’]s|such|those|these)\s+(?:sales?|exports?|shipments?|deliveries)\b",
    re.IGNORECASE,
)
_REVOKED = re.compile(
    r"\b(?:revok\w+|withdr[ae]w\w*|cancel\w*|yank\w*)\s+"
    r"(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
_STARTED_NOW = re.compile(r"\b(?:has|have)\s+(?:now\s+)?(?:begun|started)\b", re.IGNORECASE)
_CN_TARGETS = frozenset({"CN", "HK"})
_CHIP_FIRMS = frozenset({"chip_maker", "equipment_maker"})

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
    """One chip-export event with what its mentions said about it."""

    action: str
    actor: str | None
    actor_name: str | None
    target: str | None
    items: list[str]
    period: str | None
    sentence: Analysed
    models: int = 0
    #: 2 for a stated measure, 1 for a passing mention.
    strength: int = 1
    #: Chipmakers the move is about, and specific items (models, minerals, listings).
    firms: frozenset[str] = frozenset()
    specific: frozenset[str] = frozenset()
    model_names: frozenset[str] = frozenset()
    #: A verb enacts the measure (not only "the curbs cover ...").
    enacting: bool = False
    anaphoric: bool = False
    additional: bool = False
    #: For a table row: the row as evidence, with its offsets.
    evidence: tuple[str, int, int] | None = None

    @property
    def group(self) -> str:
        """restrict, relax or domestic: the kind of move regardless of wording."""
        return "domestic" if self.action == "domestic_chip_launch" else _GROUP[self.action]


def _action(text: str, start: int = 0, end: int | None = None) -> tuple[str, int] | None:
    """The strongest action word in ``text[start:end]`` that is not negated."""
    stop = len(text) if end is None else end
    for name, pattern in _ACTIONS:
        for m in pattern.finditer(text, start, stop):
            if _NEGATED.search(text, max(0, m.start() - 20), m.start()):
                continue
            # "revoked licences allowing Intel to sell": taking a licence away restricts.
            if _GROUP[name] == "relax" and _REVOKED.search(text, max(0, m.start() - 40), m.start()):
                continue
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


def _model_names(text: str) -> frozenset[str]:
    return frozenset(" ".join(m.group("model").split()) for m in _MODEL.finditer(text))


def _specific(text: str) -> frozenset[str]:
    """Specific things a move is about: chip models, minerals and memory, listings."""
    found = {" ".join(m.group("model").split()).lower() for m in _MODEL.finditer(text)}
    found |= {
        m.group(0).lower().replace("high-bandwidth memory", "hbm") for m in _MATERIAL.finditer(text)
    }
    found = {"rare earth" if f.startswith("rare earth") else f for f in found}
    if _LISTING.search(text):
        found.add("entity list")
    return frozenset(found)


def _firms(
    a: Analysed, actor: str | None, start: int = 0, end: int | None = None
) -> frozenset[str]:
    """Chipmakers of the acting country the move is about (its exporters: "AMD said it
    had received similar instructions"), and the makers of chip models it names."""
    stop = len(a.text) if end is None else end
    names = {
        m.entity.name
        for m in a.mentions
        if m.entity.kind in _CHIP_FIRMS
        and start <= m.start < stop
        and (actor is None or m.entity.country == actor)
    }
    for m in _MODEL.finditer(a.text, start, stop):
        if m.group("maker"):
            names.add(_maker_name(m.group("maker")))
    return frozenset(names)


def _actor(a: Analysed, trigger: int, start: int = 0) -> tuple[str | None, str | None]:
    """The country that acts: an agency, a country that is the subject of the move, or
    one after a passive "by"."""
    text = a.text
    govs = [m for m in a.mentions if m.entity.kind == "government" and m.start >= start]
    if govs:
        before = [m for m in govs if m.start < trigger] or govs
        pick = before[-1] if before[-1].start < trigger else before[0]
        return pick.entity.country, pick.entity.name
    countries = [m for m in a.countries() if m.start >= start]
    # "U.S. restrictions", "China's export controls", "the US entity list": the country
    # owns the measure.
    for m in countries:
        if m.end <= trigger and _OWNS_MOVE.fullmatch(text, m.end, trigger):
            return m.entity.name, None
        if _OWNS_LIST.match(text, m.end):
            return m.entity.name, None
    for m in countries:
        if m.start > trigger and _PASSIVE_BY.search(text, max(0, m.start - 8), m.start):
            return m.entity.name, None
    # The subject: the last country before the move that is not its object ("to China")
    # nor one of a list ("allies including Japan and the Netherlands").
    firms = {m.start for m in a.mentions if m.entity.kind != "country"}
    subjects = [
        m
        for m in countries
        if m.start < trigger
        and not _TARGET_PREP.search(text, max(0, m.start - 12), m.start)
        and not _PASSIVE_BY.search(text, max(0, m.start - 8), m.start)
        and not re.match(r"\s*(?:,|and\b)", text[m.end :])
        # "added China's Huawei": a possessive before a company names the object's home.
        and not (text[m.end : m.end + 2] in ("'s", "’s") and m.end + 3 in firms)
        # A demonym acts only on the move itself ("Chinese export curbs"), not as in
        # "Chinese customers".
        and (m.form != "adjective" or _MODIFIES_MOVE.match(text, m.end))
    ]
    if subjects:
        return subjects[-1].entity.name, None
    # "The US, the Netherlands and Japan have restricted ...": countries acting together;
    # the first named leads.
    joint = _joint_subject(text, [m for m in countries if m.form != "adjective"], trigger)
    if joint is not None:
        return joint, None
    return None, None


_LIST_GLUE = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?", re.IGNORECASE)


def _joint_subject(text: str, countries: list[Mention], trigger: int) -> str | None:
    """The first country of a list of countries that is the subject of the move."""
    runs: list[list[Mention]] = []
    for m in countries:
        if m.end > trigger:
            break
        if runs and _LIST_GLUE.fullmatch(text, runs[-1][-1].end, m.start):
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in reversed(runs):
        first = run[0]
        if len(run) < 2 or _TARGET_PREP.search(text, max(0, first.start - 12), first.start):
            continue
        if _PASSIVE_BY.search(text, max(0, first.start - 8), first.start):
            continue
        return first.entity.name
    return None


def _target(a: Analysed, actor: str | None, start: int = 0, end: int | None = None) -> str | None:
    """Whom the move is aimed at: a named group of countries, else a country or company."""
    stop = len(a.text) if end is None else end
    many = _MANY_COUNTRIES.search(a.text, start, stop)
    if many:
        return " ".join(many.group(1).split())
    text = a.text
    countries = [m for m in a.countries() if m.entity.name != actor and start <= m.start < stop]
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
        and start <= m.start < stop
    ]
    return companies[0].entity.name if companies else None


def _licensee(a: Analysed, actor: str | None) -> str | None:
    """For a license or relaxation, the company allowed to sell, if one is named."""
    for m in a.mentions:
        if m.entity.kind in ("chip_maker", "equipment_maker") and m.entity.country == actor:
            return m.entity.name
    return None


def _period(a: Analysed, doc: Document, start: int = 0, end: int | None = None) -> str | None:
    stop = len(a.text) if end is None else end
    dated = [p for p in a.periods if p.period and not p.comparison and start <= p.start < stop]
    if dated:
        return dated[0].period
    if doc.published and _STARTED_NOW.search(a.text):
        return doc.published.strftime("%Y-%m")
    return None


def _domestic_launch(a: Analysed, previous: tuple[str, str] | None = None) -> Event | None:
    """A Chinese company bringing out its own chips ("Huawei unveiled the Ascend 910C");
    ``previous`` is the maker of the last launch, for "The company also began ..."."""
    text = a.text
    made = _MADE_BY.search(text)
    verb = _LAUNCH.search(text)
    if made is not None:
        maker = _launcher(a, len(text)) or _made_by(a, made.end())
        at = made.start()
    elif verb is not None and (
        _OBJECT.search(text, verb.start()) or _MODEL.search(text, verb.start())
    ):
        maker = _launcher(a, verb.start())
        at = verb.start()
    else:
        return None
    if maker is None and previous is not None and _SAME_MAKER.match(text):
        maker = previous
    if maker is None:
        return None
    name, country = maker
    items, models = _items(text[at:], name)
    if not items:
        return None
    if models == 0:
        items = [f"{name} {items[0]}", *items[1:]]
    # The chip as the thing launched ("unveiled the Ascend 910C") says more than a
    # chip mentioned after a launch of something else ("began selling the phone").
    direct = made is not None or bool(
        verb is not None
        and re.match(
            rf"\s+{_W}{{0,4}}?(?:{_OBJECT.pattern}|{_MODEL.pattern})",
            text[verb.end() :],
            re.IGNORECASE,
        )
    )
    return Event(
        "domestic_chip_launch",
        country,
        name,
        None,
        items,
        _first_period(a),
        a,
        models,
        strength=2 if direct else 1,
        specific=_specific(text[at:]),
        model_names=_model_names(text),
        anaphoric=bool(_SAME_CHIP.match(text)),
    )


# "The company also said it had begun mass production of ...": the maker just named.
_SAME_MAKER = re.compile(r"(?:The\s+(?:company|firm|group)|It)\b")
# "The chip, made by SMIC, ...": the chip a launch was just reported for.
_SAME_CHIP = re.compile(
    r"(?:The|This|That|Its|The\s+new)\s+(?:chip|processor|accelerator|GPU)\b|It\b"
)


def _first_period(a: Analysed) -> str | None:
    dated = [p for p in a.periods if p.period and not p.comparison]
    return dated[0].period if dated else None


def _made_by(a: Analysed, pos: int) -> tuple[str, str] | None:
    """The Chinese company named after "made by"."""
    for m in a.mentions:
        if m.start >= pos and m.entity.country in _CN_TARGETS and m.entity.kind in _CHIP_FIRMS:
            return m.entity.name, m.entity.country or "CN"
    return None


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
        m = companies[0] if verb == len(a.text) else companies[-1]
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


def _hypothetical(text: str, at: int) -> bool:
    """Whether the move at ``at`` is only a possibility ("may tighten", "is weighing
    curbs"); reported plans ("said it would require") and counterfactual descriptions
    of real rules ("would have capped") are moves."""
    if _MODAL_BEFORE.search(text, max(0, at - 30), at) and not _REPORTED.search(
        text, max(0, at - 180), at
    ):
        return True
    return bool(
        _DELIBERATION.search(text, max(0, at - 40), at)
        or _CONDITIONAL.search(text, max(0, at - 100), at)
    )


@dataclass(slots=True)
class _Context:
    """What the sentences so far said: the last acting country and the last event."""

    doc: Document
    chip_article: bool
    last_actor: str | None = None
    last_country: str | None = None
    last_event: Event | None = None


def _export_events(a: Analysed, ctx: _Context, chips: bool) -> list[Event]:
    """The export-control moves one sentence states or mentions; ``chips`` tells whether
    it names chips or a chip model."""
    text = a.text
    if not chips:
        regime = ctx.chip_article and has_any(a.folded, _REGIME_WORDS) and _REGIME.search(text)
        chip_firm = any(m.entity.kind in _CHIP_FIRMS for m in a.mentions)
        # Additions to the Entity List are export controls whatever the companies make.
        # Every list it names is spelled with "list" or "List": skip the search without.
        listed = ("list" in text or "List" in text) and bool(_ENTITY_LIST_MOVE.search(text))
        # "Washington had banned its sale in April": in a story about chips, a named
        # government's move on "its sales" is about the chip just discussed.
        referred = (
            ctx.chip_article
            and has_any(a.folded, _REFERRED_SALES_WORDS)
            and bool(_REFERRED_SALES.search(text))
            and _named_actor(a, 0, len(text))
        )
        # In a story about chips, a named government's enacted move ("the Commerce
        # Department had ordered the design software makers to stop supplying ...") is
        # about chips and chipmaking.
        ordered = (
            ctx.chip_article
            and any(m.entity.kind == "government" for m in a.mentions)
            and bool(_ENACTS.search(text))
        )
        # In a story about chips, a move on a chipmaker ("licences would be granted to
        # Nvidia") is about its chips.
        if not (
            regime
            or listed
            or referred
            or ordered
            or (chip_firm and (ctx.chip_article or _LISTING.search(text)))
        ):
            return []
    if text[:1] in "\"“‘'" or _HABITUAL.search(text):
        return []
    parts = [(0, len(text))]
    second = _SECOND_MOVE.search(text)
    if second is not None:
        parts = [(0, second.start()), (second.end(), len(text))]
    events: list[Event] = []
    for start, end in parts:
        event = _export_event(a, ctx, start, end, whole=len(parts) == 1)
        if event is not None:
            events.append(event)
    # Two moves only when the halves differ in who acts or when, or one is a listing.
    if second is not None and not (
        len(events) == 2
        and (
            ("entity list" in events[0].specific) != ("entity list" in events[1].specific)
            # "was added to the entity list in 2019, but ... licences granted": a curb and
            # a relaxation are two moves.
            or events[0].group != events[1].group
            or (
                events[0].actor != events[1].actor
                and all(_named_actor(a, s0, s1) for s0, s1 in parts)
            )
            or (
                events[0].period
                and events[1].period
                and not _months_agree(events[0].period, events[1].period)
            )
        )
    ):
        event = _export_event(a, ctx, 0, len(text), whole=True)
        # "The rules are expected to expand curbs imposed in 2022, when Washington barred
        # ...": a move stated in one half stands when the whole reads as a possibility.
        events = [event] if event is not None else events[:1] if len(events) == 1 else []
    if len(events) == 1 and len(parts) == 1:
        events = _dated_list(a, events[0])
    events.extend(_earlier_measures(a, ctx, events))
    return events


# "effective December 1", "from September 15": when a measure applies, not another one.
_EFFECTIVE = re.compile(
    r"\b(?:effective|tak(?:e|es|ing)\s+effect|took\s+effect|until|through|by|starting)\s+"
    r"(?:on\s+|in\s+|from\s+)?$",
    re.IGNORECASE,
)
_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")


def _dated_list(a: Analysed, event: Event) -> list[Event]:
    """One event per month a sentence dates with its year ("controls on gallium (August
    2023), graphite (December 2023) and antimony (September 2024)", "the October 2022 and
    October 2023 rules"): a list of measures."""
    months: list[str] = []
    for p in a.periods:
        if (
            p.period
            and len(p.period) == 7
            and not p.comparison
            and p.period not in months
            and _YEAR_IN.search(a.text, p.start, p.end)
            and not _EFFECTIVE.search(a.text, max(0, p.start - 20), p.start)
        ):
            months.append(p.period)
    if len(months) < 2 or event.group == "domestic":
        return [event]
    return [
        replace(event, period=month, additional=event.additional or i > 0)
        for i, month in enumerate(months)
    ]


def _named_actor(a: Analysed, start: int, end: int) -> bool:
    return any(
        start <= m.start < end and (m.entity.kind in ("country", "government")) for m in a.mentions
    )


def _export_event(a: Analysed, ctx: _Context, start: int, end: int, *, whole: bool) -> Event | None:
    text = a.text
    found = _action(text, start, end)
    same = _SAME_AS_BEFORE.search(text, start, end)
    if found is None and same is not None and ctx.last_event is not None:
        found = (ctx.last_event.action, same.start())
    covers = _COVERS.search(text, start, end)
    if found is None and covers is not None:
        # "the new rules also covered its MI308": the rules last reported.
        last = ctx.last_event.action if ctx.last_event is not None else "restrict"
        found = (last if _GROUP.get(last) == "restrict" else "restrict", covers.start())
    if found is None:
        return None
    action, at = found
    if _hypothetical(text, at) or _CRITICISM.search(text, max(start, at - 60), at):
        return None
    if _ANTICIPATED.search(text, max(start, at - 30), at):
        # "rushed to buy tools before further curbs": a move expected, not made.
        return None
    if _COMPLY_WITH.search(text, max(start, at - 50), at):
        # "designed to comply with US export rules introduced in 2023": a constraint met.
        return None
    if _INVESTMENT_OBJECT.match(text[at:]) or re.match(
        r"\w+\s+(?:\w+\s+){0,3}?(?:investments?|investors?)\b", text[at:]
    ):
        return None
    actor, actor_name = _actor(a, at, start)
    explicit = actor is not None
    if actor is None and same is not None and ctx.last_event is not None:
        actor = ctx.last_event.actor
    if actor is None and ctx.last_country and _UNNAMED_GOVERNMENT.search(text, start, end):
        actor = ctx.last_country
    if actor is None:
        # Unnamed, the restricting side of a move against China is the US (its
        # allies are always named); otherwise it is whoever acted last.
        china = any(m.entity.name in _CN_TARGETS for m in a.countries())
        actor = "US" if china or ctx.last_actor is None else ctx.last_actor
    if action in ("license", "relax"):
        target = _licensee(a, actor) or _target(a, actor, start, end)
    else:
        target = _target(a, actor, start, end)
    if target is None and same is not None and ctx.last_event is not None:
        target = ctx.last_event.target
    scope = text if whole else text[start:end]
    # "bar Nvidia from selling its H100 and A800": the one chipmaker named owns the models.
    makers = {
        m.entity.name
        for m in a.mentions
        if m.entity.kind == "chip_maker" and (whole or start <= m.start < end)
    }
    items, models = _items(scope, next(iter(makers)) if len(makers) == 1 else None)
    enacting = bool(_ENACTS.search(text, start, end))
    strength = 2 if (enacting or covers or same) else 1
    aimed_at_china = any(m.entity.name in _CN_TARGETS for m in a.countries())
    if strength == 1 and (
        not (explicit or aimed_at_china) or _COMPLIANCE.search(text, max(start, at - 40), at)
    ):
        # "fought through export rules", "stockpiled chips ahead of the ban", "designed
        # to comply with US export rules": a passing mention with no one acting.
        return None
    return Event(
        action,
        actor,
        actor_name,
        target,
        items,
        _period(a, ctx.doc, start, end) or (_period(a, ctx.doc) if not whole else None),
        a,
        models,
        strength=strength,
        firms=_firms(a, actor, start, end),
        specific=_specific(scope),
        model_names=_model_names(scope),
        enacting=enacting,
        anaphoric=covers is not None or bool(_MEASURE_SUBJECT.match(text, start)),
        additional=bool(_ADDITIONAL.search(text, start, end) or _EARLIER.search(text, start, end))
        or same is not None,
    )


def _earlier_measures(a: Analysed, ctx: _Context, events: list[Event]) -> list[Event]:
    """A restriction that a relaxing sentence refers back to with its own date ("would
    suspend the controls on rare earths it announced on October 9")."""
    if not events or events[0].group != "relax":
        return []
    m = _EARLIER_MEASURE.search(a.text)
    if m is None:
        return []
    dated = [p for p in find_periods(m.group("when"), ctx.doc.published) if p.period]
    if not dated:
        return []
    first = events[0]
    outside = [
        p.period
        for p in a.periods
        if p.period and not p.comparison and not m.start("when") <= p.start < m.end("when")
    ]
    # The date belongs to the earlier measure, not to the relaxation.
    first.period = outside[0] if outside else None
    return [
        Event(
            "restrict",
            first.actor,
            first.actor_name,
            first.target,
            first.items,
            dated[0].period,
            a,
            first.models,
            strength=2,
            firms=first.firms,
            specific=first.specific,
            additional=True,
        )
    ]


def _rank(e: Event) -> tuple[int, int, int, int]:
    """Better evidence first: stated over passing, body over bullets, specific over
    generic (a measure enacted for named chips or companies, then one said to cover
    named chips, then named companies), earlier."""
    specific = 2 if e.models else 1 if e.firms else 0
    if e.enacting and specific:
        specific += 2
    return (-e.strength, int(e.sentence.sentence.bullet), -specific, e.sentence.index)


def _months_agree(a: str | None, b: str | None) -> bool:
    """Whether two periods can be the same measure's. A day ("on Wednesday") dates the
    report more often than the measure, so it is held to its year and a month either side."""
    if not a or not b:
        return True
    if year_of(a) != year_of(b):
        return False
    if len(a) == 7 and len(b) == 7:
        return a == b
    if "/" in a or "/" in b or len(a) < 7 or len(b) < 7:
        return True
    # A day and a month: the report's day is near the measure's month, not half a year off.
    return abs(int(a[5:7]) - int(b[5:7])) <= 1


def _same(a: Event, b: Event) -> bool:
    """Whether mention ``b`` is about the event ``a`` already holds."""
    if a.group != b.group:
        return False
    if a.group == "domestic":
        # The same chip, whoever the sentence names as its maker or designer.
        if a.model_names & b.model_names or b.anaphoric:
            return True
        # Chips and memory of the same maker are launches of their own.
        if a.specific and b.specific and not a.specific & b.specific:
            return False
        return a.actor_name == b.actor_name and not (
            a.model_names and b.model_names and not a.model_names & b.model_names
        )
    if a.actor != b.actor or not _months_agree(a.period, b.period):
        return False
    if not (a.target is None or b.target is None or a.target == b.target):
        return False
    if a.firms and b.firms and not a.firms & b.firms:
        return False
    if a.specific and b.specific and not a.specific & b.specific:
        return False
    # A listing on the entity list is a measure of its own kind.
    if ("entity list" in a.specific) != ("entity list" in b.specific):
        return False
    if b.strength < 2 or b.anaphoric:
        return True
    # "even as new US export rules shut it out", then "exports of its H20 would require a
    # licence": a passing or undated mention naming nothing is the measure stated after it.
    if (a.strength < 2 or (a.period is None and b.period)) and not a.model_names and not a.specific:
        return True
    if b.additional:
        return False
    # Chip models named for the first time with a measure verb of their own.
    return not (b.model_names - a.model_names)


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
            strength=best.strength,
            enacting=best.enacting,
            firms=best.firms | other.firms,
            specific=best.specific | other.specific,
            model_names=best.model_names | other.model_names,
            evidence=best.evidence,
        )
        merged[merged.index(twin)] = keep
    return merged


def _names_object(a: Analysed) -> bool:
    """Whether ``_OBJECT`` matches the sentence."""
    return has_any(a.folded, _OBJECT_WORDS) and bool(_OBJECT.search(a.text))


def _names_model(a: Analysed) -> bool:
    """Whether ``_MODEL`` matches the sentence."""
    text = a.text
    return bool(_DIGIT.search(text) or has_any(text, _MODEL_WORDS)) and bool(_MODEL.search(text))


def _chip_article(doc: Document, objects: list[bool]) -> bool:
    return bool((doc.title and _OBJECT.search(doc.title)) or any(objects))


def extract_chip_events(doc: Document) -> list[Observation]:
    """Chip-export events of the article, one per distinct measure."""
    events: list[Event] = []
    maker: tuple[str, str] | None = None
    prose = doc.prose()
    # Whether each sentence names chips: read once, for the article and for each sentence.
    objects = [_names_object(a) for a in prose]
    ctx = _Context(doc, _chip_article(doc, objects))
    for a, named in zip(prose, objects, strict=True):
        chips = named or _names_model(a)
        # A launch needs chips named: "made by" follows a chip word, and a launch verb
        # needs a chip word or model after it.
        launch = _domestic_launch(a, maker) if chips else None
        if launch is not None:
            events.append(launch)
            maker = (launch.actor_name or "", launch.actor or "CN")
        else:
            found = _export_events(a, ctx, chips)
            for e in found:
                if e.period is None and e.strength == 2:
                    # "The new rules also restrict ...": undated, a stated measure is the
                    # one the story is about, dated as the last move by the same actor.
                    e.period = next(
                        (p.period for p in reversed(events) if p.actor == e.actor and p.period),
                        None,
                    )
            events.extend(found)
            if found:
                ctx.last_actor = found[-1].actor
                ctx.last_event = found[-1]
        subjects = [
            m
            for m in a.countries()
            if m.form != "adjective"
            and not _TARGET_PREP.search(a.text, max(0, m.start - 12), m.start)
        ]
        if subjects:
            ctx.last_country = subjects[0].entity.name
    merged = _merge(events)
    tabled = [e for e in _table_events(doc) if not any(_same_row(e, m) for m in merged)]
    out: list[Observation] = []
    for e in sorted(merged, key=lambda e: e.sentence.index):
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
    for e in tabled:
        assert e.evidence is not None
        evidence, start, end = e.evidence
        out.append(
            Observation(
                "chip_export_event",
                1.0,
                evidence,
                country=e.actor,
                entity=e.actor_name,
                counterparty=e.target,
                action=e.action,
                items=tuple(e.items),
                period=e.period,
                evidence_start=start,
                evidence_end=end,
            )
        )
    return out


# --- Tables ---------------------------------------------------------------
# "Date | Who | Measure | Direction" with rows such as
# "October 2023 | United States | Rules extended to A800 and H800 | Tighter".

_MEASURE_HEAD = (r"measure", r"action", r"policy", r"\brule", r"control", r"restriction", r"what")
_WHO_HEAD = (r"\bwho\b", r"country", r"actor", r"imposed\s+by", r"government", r"\bby\b")
_WHEN_HEAD = (r"\bdate\b", r"\bwhen\b", r"announced", r"\bmonth\b", r"\byear\b", r"effective")
_DIRECTION_HEAD = (r"direction", r"effect", r"change", r"\btype\b", r"tighter|looser")
_LOOSER = re.compile(r"\b(?:loos\w*|eas\w*|relax\w*|lift\w*|wider|more\s+open)\b", re.IGNORECASE)
_TIGHTER = re.compile(r"\b(?:tight\w*|strict\w*|narrow\w*|harder)\b", re.IGNORECASE)


def _table_events(doc: Document) -> list[Event]:
    """Events read from a table of measures, one per row."""
    out: list[Event] = []
    for table in doc.tables:
        measure = table.column(*_MEASURE_HEAD)
        if measure is None:
            continue
        context = f"{table.caption} {' '.join(table.header)}"
        if not (_OBJECT.search(context) or _REGIME.search(context) or "export" in context.lower()):
            continue
        who = table.column(*_WHO_HEAD)
        when = table.column(*_WHEN_HEAD)
        direction = table.column(*_DIRECTION_HEAD)
        for row in table.rows:
            event = _table_event(doc, row, measure, who, when, direction)
            if event is not None:
                out.append(event)
    return out


def _cell(row: Row, index: int | None) -> str:
    return row.cells[index] if index is not None and index < len(row.cells) else ""


def _table_event(
    doc: Document,
    row: Row,
    measure: int,
    who: int | None,
    when: int | None,
    direction: int | None,
) -> Event | None:
    text = _cell(row, measure)
    if not text:
        return None
    way = _cell(row, direction)
    found = _action(text)
    if _LOOSER.search(way):
        action = "license" if re.search(r"licen[cs]e", text, re.IGNORECASE) else "relax"
        if found and found[0] == "license":
            action = "license"
    elif _TIGHTER.search(way):
        action = found[0] if found and _GROUP[found[0]] == "restrict" else "restrict"
    elif found is not None:
        action = found[0]
    elif re.search(r"licen[cs]e", text, re.IGNORECASE):
        action = "restrict"
    else:
        return None
    actor: str | None = None
    actor_name: str | None = None
    for m in find_mentions(_cell(row, who)):
        if m.entity.kind == "country":
            actor = m.entity.name
            break
        if m.entity.kind == "government":
            actor, actor_name = m.entity.country, m.entity.name
            break
    dated = [p for p in find_periods(_cell(row, when), doc.published) if p.period]
    targets = [
        m for m in find_mentions(text) if m.entity.kind == "country" and m.entity.name != actor
    ]
    target = None
    if any(m.entity.name in _CN_TARGETS for m in targets):
        target = "CN"
    elif targets:
        target = targets[0].entity.name
    items, models = _items(text)
    line = doc.text[row.start : row.end]
    return Event(
        action,
        actor,
        actor_name,
        target,
        items,
        dated[0].period if dated else None,
        doc.sentences[0],
        models,
        strength=2,
        specific=_specific(text),
        evidence=(line, row.start, row.end),
    )


def _same_row(row: Event, prose: Event) -> bool:
    """Whether a table row repeats an event the prose already gives (recorded once)."""
    return (
        row.group == prose.group
        and row.actor == prose.actor
        and bool(row.period)
        and bool(prose.period)
        and (row.period or "")[:7] == (prose.period or "")[:7]
    )
