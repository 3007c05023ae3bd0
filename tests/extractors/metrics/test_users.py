"""User counts of AI products."""

from __future__ import annotations

import pytest

from tests.extractors.metrics.helpers import run


def _users(text: str) -> list[tuple[str | None, str | None, float, str | None]]:
    return [(o.entity, o.org, o.value, o.qualifier) for o in run(text, "user_count")]


_FORMS = [
    (
        "Kimi had 36 million monthly active users in May.",
        ("Kimi", "Moonshot AI", 36e6, "monthly_active"),
    ),
    (
        "Claude's weekly active users exceeded 30 million.",
        ("Claude", "Anthropic", 30e6, "weekly_active"),
    ),
    ("Doubao now has a user base of 150 million.", ("Doubao", "ByteDance", 150e6, "total")),
    ("Grok counts 20m daily users.", ("Grok", "xAI", 20e6, "daily_active")),
    ("The Qwen app was downloaded over 5 million times.", ("Qwen", "Alibaba", 5e6, "downloads")),
    ("Gemini has 350 million registered users.", ("Gemini", "Google", 350e6, "registered")),
    ("Users of Baidu's Ernie Bot have passed 300 million.", ("Ernie Bot", "Baidu", 300e6, "total")),
]


@pytest.mark.parametrize(("text", "expected"), _FORMS)
def test_user_count_forms(text: str, expected: tuple[str, str, float, str]) -> None:
    assert _users(text) == [expected]


def test_maker_and_country() -> None:
    (o,) = run("Hailuo reached 10 million users.", "user_count")
    assert (o.org, o.country) == ("MiniMax", "CN")


def test_company_stands_for_its_product_named_earlier() -> None:
    text = "ChatGPT keeps growing. OpenAI said weekly active users hit 500 million in March."
    assert _users(text) == [("ChatGPT", "OpenAI", 500e6, "weekly_active")]


def test_definite_description_refers_to_the_product_in_focus() -> None:
    text = "Tencent's Yuanbao climbed the charts. The chatbot reached 40 million monthly users."
    assert _users(text) == [("Yuanbao", "Tencent", 40e6, "monthly_active")]


def test_elliptical_second_count_borrows_the_unit() -> None:
    text = "Copilot reported 100 million monthly users in June and 60 million in January."
    assert _users(text) == [
        ("Copilot", "Microsoft", 100e6, "monthly_active"),
        ("Copilot", "Microsoft", 60e6, "monthly_active"),
    ]


def test_repeated_count_is_reported_once() -> None:
    text = "Claude passed 30 million weekly users. Anthropic confirmed 30 million weekly users."
    assert len(run(text, "user_count")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "WeChat has over 1.3 billion monthly active users.",
        "China had 1.1 billion internet users at the end of 2023.",
        "ChatGPT has more than 10 million paying subscribers.",
        "The chatbot's API is called 200 million times a day.",
        "Ernie Bot now serves 85,000 enterprise clients.",
    ],
)
def test_not_user_counts(text: str) -> None:
    assert run(text, "user_count") == []


def test_period_from_the_sentence() -> None:
    (o,) = run("Doubao had 60 million monthly active users in August 2024.", "user_count")
    assert o.period == "2024-08"


def test_next_sentence_continues_the_ranking() -> None:
    text = (
        "Doubao had 150 million monthly active users in June. "
        "Kimi was next with 40 million, while Tencent's Yuanbao had 30 million."
    )
    assert _users(text)[1:] == [
        ("Kimi", "Moonshot AI", 40e6, "monthly_active"),
        ("Yuanbao", "Tencent", 30e6, "monthly_active"),
    ]


def test_people_per_week() -> None:
    assert _users("Claude is used by 50 million people every week.") == [
        ("Claude", "Anthropic", 50e6, "weekly_active")
    ]


def test_company_alone_in_an_unrelated_story_is_not_its_chatbot() -> None:
    text = (
        "Baidu launched Ernie Bot in 2023. The company sells cloud services. "
        "It also runs maps. Its search business is mature. Revenue was flat. "
        "Baidu's search engine has 600 million monthly users."
    )
    assert run(text, "user_count") == []


def test_people_who_use_a_product_each_day() -> None:
    text = "About 9 million unique visitors used Claude each day in March, a traffic panel found."
    assert _users(text) == [("Claude", "Anthropic", 9e6, "daily_active")]


def test_of_whom_continues_the_product() -> None:
    text = "Kimi has 40 million monthly active users, about 12 million of whom use it every day."
    assert _users(text) == [
        ("Kimi", "Moonshot AI", 40e6, "monthly_active"),
        ("Kimi", "Moonshot AI", 12e6, "daily_active"),
    ]


def test_counts_for_it_and_for_a_named_rival() -> None:
    text = (
        "Doubao is the most used chatbot in China. "
        "A tracker counted 90 million monthly active users for it in May, against 60 million "
        "for Kimi."
    )
    assert _users(text) == [
        ("Doubao", "ByteDance", 90e6, "monthly_active"),
        ("Kimi", "Moonshot AI", 60e6, "monthly_active"),
    ]


def test_an_earlier_count_of_the_same_app() -> None:
    text = (
        "Yuanbao topped the App Store this week. "
        "The app had been downloaded 3 million times across the App Store and Google Play by "
        "Sunday, up from about 1 million on Thursday."
    )
    assert [(e, v, k) for e, _, v, k in _users(text)] == [
        ("Yuanbao", 3e6, "downloads"),
        ("Yuanbao", 1e6, "downloads"),
    ]


def test_a_platforms_users_are_not_its_assistants() -> None:
    assert _users("Grok is offered to WeChat's 1.3 billion users.") == []


def test_the_product_people_use_beats_the_company_in_focus() -> None:
    text = (
        "OpenAI said on Monday it had closed a funding round. "
        "The company said 600 million people now use ChatGPT every week."
    )
    assert _users(text) == [("ChatGPT", "OpenAI", 600e6, "weekly_active")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ChatGPT now has more than 800 million weekly users, its chief executive said.",
            ("ChatGPT", 800e6, "weekly_active"),
        ),
        (
            "Doubao is used by about 150 million people every month.",
            ("Doubao", 150e6, "monthly_active"),
        ),
        ("Around 30 million people use Kimi each month.", ("Kimi", 30e6, "monthly_active")),
        (
            "More than 100 million people have downloaded the DeepSeek app.",
            ("DeepSeek", 100e6, "downloads"),
        ),
        (
            "Meta AI has reached one billion monthly active users across its apps.",
            ("Meta AI", 1e9, "monthly_active"),
        ),
    ],
)
def test_has_used_by_and_people_use(text: str, expected: tuple[str, float, str]) -> None:
    ((entity, _, value, qualifier),) = _users(text)
    assert (entity, value, qualifier) == expected


def test_products_introduced_by_what_they_are() -> None:
    text = (
        "Lumen's chatbot app, Lumi, has more than 30 million monthly active users. "
        "Talkio, an AI companion app made by a Shanghai start-up, has 12 million registered users. "
        "The app has been downloaded more than 40 million times."
    )
    assert [(e, v, q) for e, _, v, q in _users(text)] == [
        ("Lumi", 30e6, "monthly_active"),
        ("Talkio", 12e6, "registered"),
        ("Talkio", 40e6, "downloads"),
    ]


def test_appositive_names_the_subject_of_the_count() -> None:
    text = (
        "Google said its Gemini app had 450 million monthly users, and that Vista Overviews, "
        "the summaries at the top of search results, reach more than 2 billion users a month."
    )
    assert [(e, v) for e, _, v, _ in _users(text)] == [("Gemini", 450e6), ("Vista Overviews", 2e9)]


def test_a_list_after_a_lead_in_about_users() -> None:
    text = (
        "Monthly active users of the top Chinese AI apps in February:\n"
        "- Doubao: 78 million\n- DeepSeek: 61 million\n- Kimi (13 million)"
    )
    assert [(e, v, q) for e, _, v, q in _users(text)] == [
        ("Doubao", 78e6, "monthly_active"),
        ("DeepSeek", 61e6, "monthly_active"),
        ("Kimi", 13e6, "monthly_active"),
    ]


def test_lists_without_a_lead_in_are_not_user_counts() -> None:
    assert _users("Revenue by unit:\n- Cloud: 78 million\n- Ads: 61 million") == []


def test_changes_are_not_levels() -> None:
    assert _users("Claude added 2 million users last month.") == []
    assert [
        (e, v)
        for e, _, v, _ in _users("ChatGPT's weekly users rose by 100 million to 500 million.")
    ] == [("ChatGPT", 500e6)]
