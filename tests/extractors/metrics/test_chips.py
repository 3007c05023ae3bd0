"""Chip-export events."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.extractors.metrics.helpers import run


def _events(text: str) -> list[tuple[str | None, str | None, str | None, tuple[str, ...]]]:
    return [(o.country, o.counterparty, o.action, o.items) for o in run(text, "chip_export_event")]


def test_restriction_with_models() -> None:
    text = "The Commerce Department barred sales of Nvidia's H800 and A800 chips to China."
    assert _events(text) == [("US", "CN", "ban", ("Nvidia H800", "Nvidia A800"))]


def test_allies_act_for_their_country() -> None:
    (nl,) = _events(
        "The Dutch government will require licences to export ASML lithography tools to China."
    )
    assert nl[:3] == ("NL", "CN", "restrict")
    (jp,) = _events("Japan imposed export controls on 23 types of chipmaking equipment.")
    assert jp[:3] == ("JP", None, "restrict")


def test_tightening() -> None:
    (e,) = _events("Washington on Monday tightened curbs on AI chip exports to Chinese firms.")
    assert e[:3] == ("US", "CN", "tighten")


def test_relaxing_and_licensing() -> None:
    assert _events("The administration lifted its ban on H20 sales to China.")[0][2] == "relax"
    (lic,) = _events("The US granted AMD licences to ship MI308 chips to China.")
    assert lic[:3] == ("US", "AMD", "license")


def test_china_acting() -> None:
    (e,) = _events("Beijing restricted exports of gallium and germanium, two chipmaking metals.")
    assert e[:3] == ("CN", None, "restrict")
    assert e[3] == ("gallium", "germanium")


def test_domestic_launch() -> None:
    (e,) = _events("Cambricon unveiled its latest Siyuan AI accelerator on Friday.")
    assert e[0] == "CN" and e[2] == "domestic_chip_launch"
    (h,) = run("Huawei began mass production of the Ascend 910C.", "chip_export_event")
    assert (h.entity, h.items) == ("Huawei", ("Huawei Ascend 910C",))


def test_mentions_of_one_policy_merge_into_the_most_specific() -> None:
    text = (
        "- US curbs on advanced chips keep biting.\n"
        "The US restricted exports of advanced chips to China last year. "
        "The curbs cover Nvidia's A100 and H100 processors. "
        "Analysts say the restrictions will hurt Chinese labs."
    )
    (o,) = run(text, "chip_export_event")
    assert o.evidence.startswith("The curbs cover")
    assert o.items == ("Nvidia A100", "Nvidia H100")


def test_events_in_different_years_stay_apart() -> None:
    text = (
        "The US restricted A100 sales to China in October 2022. "
        "In October 2023 the US restricted A800 sales to China too."
    )
    assert len(run(text, "chip_export_event")) == 2


def test_unnamed_actor_of_a_move_against_china_is_the_us() -> None:
    text = (
        "Beijing banned Micron chips from key networks. "
        "The curbs of 2022 barred A100 sales to Chinese buyers."
    )
    actors = [(o.country, o.counterparty) for o in run(text, "chip_export_event")]
    assert actors == [("CN", "Micron"), ("US", "CN")]


@pytest.mark.parametrize(
    "text",
    [
        "Nvidia shares fell 3% after reports that the US may tighten chip curbs.",
        "The chip shortage hit carmakers hard.",
        "ChatGPT is blocked in China.",
        "Nvidia sold more chips than ever last quarter.",
        "Huawei is developing AI for mining.",
    ],
)
def test_not_events(text: str) -> None:
    assert run(text, "chip_export_event") == []


def test_blacklisting_firms_is_an_event_of_the_listing_country() -> None:
    (e,) = _events("Taiwan on Saturday added China's Huawei and SMIC to its entity list.")
    assert e[:3] == ("TW", "CN", "restrict")


def test_demonym_of_customers_is_not_the_actor() -> None:
    text = "Nvidia said the new export curbs on its chips would hurt sales to Chinese customers."
    (e,) = _events(text)
    assert e[:2] == ("US", "CN")


def test_transit_countries_are_not_targets() -> None:
    (e,) = _events("The rules restrict AI chip sales, to stop smuggling via Singapore.")
    assert e[1] is None


def _actions(text: str) -> list[tuple[str | None, str | None]]:
    return [(o.country, o.action) for o in run(text, "chip_export_event")]


def test_the_same_move_for_another_company_is_another_event() -> None:
    text = (
        "The US has told Nvidia that it needs a licence to ship its A100 chips to China. "
        "AMD said it had received similar instructions for its MI250 accelerator."
    )
    events = run(text, "chip_export_event")
    assert [(o.country, o.action) for o in events] == [("US", "restrict"), ("US", "restrict")]
    assert events[1].evidence.startswith("AMD said")


def test_a_listing_announced_with_new_rules_is_its_own_event() -> None:
    text = (
        "The Commerce Department on Monday restricted sales of advanced memory chips to China. "
        "The department also added 80 Chinese firms to its entity list."
    )
    assert len(run(text, "chip_export_event")) == 2


def test_two_moves_by_two_actors_in_one_sentence() -> None:
    text = (
        "Beijing banned exports of gallium to the US in May, a day after Washington added "
        "advanced memory to its chip export controls."
    )
    assert _actions(text) == [("CN", "ban"), ("US", "restrict")]


def test_a_suspension_and_the_controls_it_suspends() -> None:
    text = (
        "China said it would suspend for a year the controls on rare earths it announced on "
        "October 9."
    )
    got = [(o.action, o.period) for o in run(text, "chip_export_event")]
    assert got == [("relax", None), ("restrict", "2024-10-09")]


@pytest.mark.parametrize(
    "text",
    [
        '"Export controls are a tariff by another name," said an analyst in Tokyo.',
        "Washington has tightened and loosened its chip controls several times.",
        "Nvidia designed the H20 to comply with US export rules.",
        "China's foreign ministry called the chip export controls an abuse of power.",
        "Analysts expect Washington to tighten controls on AI chips next year.",
        "Washington has pressed the Netherlands to curb sales of chipmaking tools to China.",
        "Sales could be hit if the government does not grant licences for the chips.",
        "An executive order will restrict American investment in Chinese chip companies.",
    ],
)
def test_more_non_events(text: str) -> None:
    assert run(text, "chip_export_event") == []


def test_reported_plans_and_counterfactuals_are_moves() -> None:
    assert _actions("Japan said on Friday it would require licences for chip tool exports.") == [
        ("JP", "restrict")
    ]
    text = "The US framework would have capped the computing power most countries could import."
    assert _actions(text) == [("US", "restrict")]


def test_a_measure_older_than_the_news_stays_apart() -> None:
    text = (
        "China's commerce ministry said on Tuesday it would no longer approve exports of gallium "
        "to the United States. China had required licences for gallium exports since August "
        "last year."
    )
    got = [(o.country, o.action, o.period) for o in run(text, "chip_export_event")]
    assert got == [("CN", "ban", "2024-10-15"), ("CN", "restrict", "2023-08")]


def test_the_chip_made_by_a_chinese_foundry_is_a_domestic_launch() -> None:
    text = "Huawei's new phone runs on a processor made by SMIC with a 7nm process."
    (o,) = run(text, "chip_export_event")
    assert (o.country, o.action) == ("CN", "domestic_chip_launch")


def test_entity_list_additions_without_chip_words() -> None:
    (e,) = _events(
        "Sophgo, Zhipu AI and more than 20 other Chinese companies were added to the US "
        "Entity List on Wednesday."
    )
    assert e[0] == "US" and e[2] == "restrict"
    (f,) = _events(
        "The Commerce Department placed 12 Chinese companies, including Sophgo, on its "
        "Entity List on Monday."
    )
    assert f[0] == "US" and f[2] == "restrict"


def test_model_lists_are_items() -> None:
    (e,) = _events(
        "The rules bar Nvidia from selling its H100, A100, H800 and A800 chips to China."
    )
    assert e[2] == "ban"
    assert e[3] == ("Nvidia H100", "Nvidia A100", "Nvidia H800", "Nvidia A800")


def test_its_sales_in_a_chip_story() -> None:
    text = (
        "The administration has allowed Nvidia to resume sales of its H20 chip to China. "
        "Washington had banned its sale in April."
    )
    assert [e[2] for e in _events(text)] == ["license", "ban"]


def test_several_countries_acting_together() -> None:
    (e,) = _events(
        "The US, the Netherlands and Japan have restricted sales of advanced chipmaking "
        "equipment to China."
    )
    assert e[1:3] == ("CN", "restrict")


@pytest.mark.parametrize(
    "text",
    [
        "Nvidia's H20 was designed specifically to comply with US export rules introduced in 2023.",
        "Chinese firms stockpiled chips ahead of the expected curbs.",
        "Analysts say Washington could add more chip restrictions next year.",
    ],
)
def test_compliance_and_speculation_are_not_events(text: str) -> None:
    assert _events(text) == []


def test_approval_received_is_a_licence() -> None:
    (e,) = _events(
        "AMD said it had received approval from the US Commerce Department to export its "
        "MI308 chips to China."
    )
    assert e[0] == "US" and e[2] == "license"


def test_told_companies_to_stop_buying() -> None:
    (e,) = _events(
        "Chinese regulators have told tech companies, including ByteDance and Alibaba, to stop "
        "buying Nvidia's RTX Pro 6000D chips."
    )
    assert e[0] == "CN" and e[2] == "restrict"


def test_the_first_of_several_countries_acts() -> None:
    (e,) = run(
        "The Netherlands and Japan, under pressure from Washington, have imposed their own "
        "limits on sales of advanced lithography equipment to Chinese chipmakers.",
        "chip_export_event",
    )
    assert (e.country, e.action) == ("NL", "restrict")


def test_revoked_licences_restrict() -> None:
    (e,) = _events("The US revoked licences allowing Intel and Qualcomm to sell chips to Huawei.")
    assert e[0] == "US" and e[2] == "restrict"


def test_a_past_move_inside_a_forecast() -> None:
    text = (
        "The rules are expected to expand curbs imposed in October 2022, when Washington barred "
        "Nvidia from selling its A100 and H100 chips to Chinese firms."
    )
    ((country, _, action, _),) = _events(text)
    assert (country, action) == ("US", "ban")


def _acts(
    text: str, published: str | None = None
) -> list[tuple[str | None, str | None, str | None]]:
    pub = dt.date.fromisoformat(published) if published else dt.date(2025, 9, 1)
    return [(o.country, o.action, o.period) for o in run(text, "chip_export_event", published=pub)]


def test_new_controls_on_an_item() -> None:
    text = "Japan's trade ministry announced new controls on EUV mask inspection tools."
    assert [a[:2] for a in _acts(text)] == [("JP", "restrict")]


def test_a_list_of_dated_measures_is_one_event_each() -> None:
    text = (
        "Beijing has answered with controls of its own on gallium (August 2023), "
        "graphite (December 2023) and antimony (September 2024)."
    )
    assert _acts(text) == [
        ("CN", "restrict", "2023-08"),
        ("CN", "restrict", "2023-12"),
        ("CN", "restrict", "2024-09"),
    ]
    text = "These actions build on the October 2022 and October 2023 rules that restricted chips."
    assert [a[2] for a in _acts(text)] == ["2022-10", "2023-10"]


def test_an_effective_date_is_not_another_measure() -> None:
    text = (
        "In July 2023 China placed gallium under export controls, effective from "
        "August 2023 onwards."
    )
    assert len(_acts(text)) == 1


def test_a_reversal_after_but_or_then_is_a_second_move() -> None:
    text = (
        "In April 2025 Washington required licences for the H20 chip, then reversed course "
        "in August by issuing licences."
    )
    assert [a[1] for a in _acts(text)] == ["restrict", "license"]
    text = (
        "The diffusion rule of January 2025 would have capped chip exports to most countries, "
        "but the new administration rescinded it in May."
    )
    assert [a[1] for a in _acts(text)] == ["restrict", "relax"]


def test_a_listing_joined_to_another_move() -> None:
    text = (
        "In December 2024 the department added HBM chips to the controls and placed 140 "
        "Chinese entities on the Entity List."
    )
    assert len(_acts(text)) == 2


def test_closing_loopholes_and_facing_new_requirements_are_stated_moves() -> None:
    text = "An update in October 2023 closed loopholes, bringing the A800 chip under the rules."
    assert [a[1] for a in _acts(text)] == ["tighten"]
    text = "AMD said it faced new licence requirements for its MI308 chips."
    assert [a[1] for a in _acts(text)] == ["restrict"]


def test_apply_for_licences_with_words_between() -> None:
    text = "ASML will have to apply for Dutch export licences to ship its DUV lithography systems."
    assert [a[1] for a in _acts(text)] == ["restrict"]


def test_curbs_only_anticipated_are_not_a_move() -> None:
    text = "Chinese chipmakers rushed to buy lithography tools before further curbs."
    assert _acts(text) == []


def test_a_governments_order_in_a_chip_story() -> None:
    text = (
        "The US relaxed curbs on chip design software. The Commerce Department had ordered "
        "the electronic design automation companies in late May to stop supplying Chinese "
        "clients."
    )
    assert [a[1] for a in _acts(text)] == ["relax", "restrict"]


def test_a_vague_mention_is_the_measure_stated_next() -> None:
    text = (
        "Nvidia's sales held up even as new US export rules shut it out of China. "
        "The company said the US government told it that exports of its H20 chip to China "
        "would require a licence."
    )
    assert len(_acts(text, "2025-04-20")) == 1


def test_a_plan_reported_far_from_its_verb() -> None:
    text = (
        "Malaysia said on Monday that exports and transshipments of U.S.-made AI chips would now "
        "require a trade permit."
    )
    assert [a[:2] for a in _acts(text)] == [("MY", "restrict")]


def test_an_earlier_month_is_another_measure_than_the_days() -> None:
    text = (
        "China's Ministry of Commerce on Thursday announced export controls on rare earth "
        "technologies. In April, China placed seven medium and heavy rare earth elements, "
        "including samarium, gadolinium and terbium, under export control."
    )
    assert [a[2] for a in _acts(text, "2025-10-10")] == ["2025-10-09", "2025-04"]


def test_the_company_launching_is_the_last_launcher() -> None:
    text = (
        "Huawei unveiled the Ascend 950PR AI chip on Thursday. "
        "The company also said it had begun mass production of its own high-bandwidth memory."
    )
    found = run(text, "chip_export_event")
    assert [(o.action, o.entity) for o in found] == [
        ("domestic_chip_launch", "Huawei"),
        ("domestic_chip_launch", "Huawei"),
    ]


def test_a_passive_listing_and_a_relaxation_after_but() -> None:
    text = (
        "The US restricted chip sales to Huawei in May. Huawei was added to the entity list in "
        "2019, but some suppliers had kept selling under licences granted by the administration."
    )
    assert [a[1] for a in _acts(text, "2024-05-08")] == ["restrict", "restrict", "license"]


def test_bringing_chips_under_the_controls_tightens() -> None:
    text = (
        "The October 2022 rules barred Nvidia from selling its A100 chips to China. Nvidia "
        "responded with the A800, until an update in October 2023 brought those chips under "
        "the controls too."
    )
    assert [a[1:] for a in _acts(text)] == [("ban", "2022-10"), ("tighten", "2023-10")]


def test_an_undated_first_mention_is_the_dated_measure_after_it() -> None:
    text = (
        "Two years after Washington first restricted sales of advanced AI chips to China, "
        "developers have adapted. The October 2022 rules barred Nvidia from selling its A100 "
        "chips to Chinese customers."
    )
    assert [a[1:] for a in _acts(text)] == [("ban", "2022-10")]


def test_advanced_computing_items_are_chips() -> None:
    text = (
        "The Bureau of Industry and Security issued an interim final rule imposing worldwide "
        "licence requirements on advanced computing items."
    )
    assert [a[:2] for a in _acts(text)] == [("US", "restrict")]
