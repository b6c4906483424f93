"""The UI in real headless Chromium (Debian's `chromium`, driven by Playwright): chat, like, edit, reload.

Screenshots go to test-artifacts/ui/. `make test` installs chromium with apt-get when it is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "ui"
WAIT_MS = 30_000


def session_of(page: Page) -> str:
    page.wait_for_function("() => new URL(location.href).searchParams.get('session')", timeout=WAIT_MS)
    match = re.search(r"session=(\w+)", page.url)
    assert match
    return match.group(1)


def chat(page: Page, text: str) -> None:
    page.locator("#message textarea").fill(text)
    page.locator("#send").click()


@pytest.mark.slow
def test_chat_like_edit_reload_and_a_second_tab_in_a_real_browser(ui_server: tuple) -> None:
    assert CHROMIUM.exists(), "needs Debian's chromium: apt-get install chromium (make test does it)"
    url, _ = ui_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        first = session_of(page)
        expect(page.locator("#header")).to_contain_text("backend: offline")
        expect(page.locator("#chat")).to_contain_text("Tell me what you feel like watching")
        page.screenshot(path=str(SHOTS / "1-first-screen.png"), full_page=True)

        chat(page, "a comedy from the 1960s, and never any horror")
        expect(page.locator("#card-text-1")).to_contain_text("Comedy", timeout=WAIT_MS)
        expect(page.locator("#chat")).to_contain_text("recommend(")  # the collapsed tool step
        expect(page.locator("#chat")).to_contain_text("Comedy from the 1960s, no Horror: here are some picks")
        expect(page.locator("#constraints")).to_contain_text("Horror")
        title = page.locator("#card-text-1 strong").inner_text()
        page.locator("#like-1").click()
        expect(page.locator("#card-text-1")).to_contain_text("you liked this", timeout=WAIT_MS)
        expect(page.locator("#statements")).to_contain_text("feedback, turn 1")
        page.screenshot(path=str(SHOTS / "2-conversation-with-cards.png"), full_page=True)

        page.locator("#profile-text textarea").fill("I love Westerns. Never Drama.")
        page.locator("#save-profile").click()
        expect(page.locator("#statements")).to_contain_text("user edit", timeout=WAIT_MS)
        expect(page.locator("#constraints")).to_contain_text("Drama")
        expect(page.locator("#chat")).to_contain_text("Profile saved")
        page.screenshot(path=str(SHOTS / "3-edited-profile.png"), full_page=True)

        page.reload()
        assert session_of(page) == first
        expect(page.locator("#chat")).to_contain_text(
            "a comedy from the 1960s, and never any horror", timeout=WAIT_MS
        )
        expect(page.locator("#profile-text textarea")).to_have_value(re.compile("Western"))
        expect(page.locator("#card-text-1")).to_contain_text(title.split(" ", 1)[1])

        export = SHOTS / "watched.csv"  # what a person brings from elsewhere, uploaded in the profile panel
        export.write_text("Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Picture Number 5,1955,u,5\n"
                          "2024-01-02,A Film Nobody Made,1990,u,4\n2024-01-03,Picture Numbr 3,,u,4\n")  # fmt: skip
        page.locator("#import-history input[type=file]").set_input_files(str(export))
        expect(page.locator("#chat")).to_contain_text(
            "Imported watched.csv: 3 rows: 1 matched", timeout=WAIT_MS
        )
        expect(page.locator("#statements")).to_contain_text("import (Letterboxd, 2024-01-01)")
        meant = page.locator("#ambiguous label", has_text="→ Picture Number 3 (1953)")
        expect(meant).to_be_visible(timeout=WAIT_MS)  # the typo'd row's candidates, to tick
        meant.click()
        page.screenshot(path=str(SHOTS / "4-import-report.png"), full_page=True)
        page.locator("#confirm").click()
        expect(page.locator("#chat")).to_contain_text("Confirmed 1 of watched.csv", timeout=WAIT_MS)
        expect(page.locator("#ambiguous")).to_be_hidden()
        page.locator("#export").click()  # the picks so far, as files to download
        expect(page.locator("#exported")).to_contain_text("recagent-", timeout=WAIT_MS)
        expect(page.locator("#exported a").first).to_have_attribute("href", re.compile(r"letterboxd\.csv$"))

        other = browser.new_page(viewport={"width": 1400, "height": 1000})
        other.goto(url)
        assert session_of(other) != first
        expect(other.locator("#chat")).to_contain_text("Tell me what you feel like watching")
        expect(other.locator("#chat")).not_to_contain_text("a comedy from the 1960s")
        expect(other.locator("#profile-text textarea")).to_have_value("")
        chat(other, "a western")
        expect(other.locator("#card-text-1")).to_contain_text("Western", timeout=WAIT_MS)

        other.locator("#together-with textarea, #together-with input").first.fill(first)  # the first tab's id
        other.locator("#together").click()
        expect(other.locator("#chat")).to_contain_text("For you, guest 1 together", timeout=WAIT_MS)
        expect(other.locator("#chat")).to_contain_text("guest 1: ")
        other.screenshot(path=str(SHOTS / "5-watch-together.png"), full_page=True)

        watchlist = SHOTS / "watchlist.csv"  # "only from my list"
        watchlist.write_text(
            "title,year\nPicture Number 4,1954\nPicture Number 9,1959\nPicture Number 14,1964\n"
        )
        other.locator("#only-from-list input").check()
        other.locator("#import-history input[type=file]").set_input_files(str(watchlist))
        expect(other.locator("#constraints")).to_contain_text("Only from your list: 3 films", timeout=WAIT_MS)
        chat(other, "some sci-fi please")
        expect(other.locator("#card-text-1")).to_contain_text(
            re.compile(r"Picture Number (4|9|14) "), timeout=WAIT_MS
        )
        other.screenshot(path=str(SHOTS / "6-only-from-my-list.png"), full_page=True)
        page.reload()
        expect(page.locator("#chat")).to_contain_text("a comedy from the 1960s", timeout=WAIT_MS)
        expect(page.locator("#chat")).not_to_contain_text("a western")

        home = browser.new_page(viewport={"width": 1400, "height": 1000})  # a household's shared browser
        home.goto(url)
        ann = name_profile(home, "Ann")
        chat(home, "a comedy")
        expect(home.locator("#card-text-1")).to_contain_text("Comedy", timeout=WAIT_MS)
        home.locator("#start").click()  # the next person: a new user in the same tab
        expect(home.locator("#chat")).not_to_contain_text("a comedy", timeout=WAIT_MS)
        bob = name_profile(home, "Bob")
        assert bob != ann
        chat(home, "a western")
        expect(home.locator("#card-text-1")).to_contain_text("Western", timeout=WAIT_MS)
        home.locator("#with-people label", has_text="Ann").click()
        home.locator("#together").click()
        expect(home.locator("#chat")).to_contain_text("For Bob, Ann together", timeout=WAIT_MS)
        expect(home.locator("#chat")).to_contain_text("Ann: ")
        home.screenshot(path=str(SHOTS / "7-household.png"), full_page=True)
        home.locator("#person input").click()  # switch back to Ann's profile
        home.get_by_role("option", name="Ann").click()
        expect(home.locator("#chat")).to_contain_text("a comedy", timeout=WAIT_MS)
        home.wait_for_function(f"() => location.href.includes('session={ann}')", timeout=WAIT_MS)
        home.reload()  # the household is kept in the browser
        expect(home.locator("#person input")).to_have_value("Ann", timeout=WAIT_MS)
        expect(home.locator("#with-people")).to_contain_text("Bob")
        browser.close()


def name_profile(page: Page, name: str) -> str:
    """Name the tab's profile in the household; returns its session id."""
    sid = session_of(page)
    page.locator("#person-name input, #person-name textarea").first.fill(name)
    page.locator("#save-name").click()
    expect(page.locator("#chat")).to_contain_text(f"This profile is {name}'s", timeout=WAIT_MS)
    expect(page.locator("#person input")).to_have_value(name, timeout=WAIT_MS)
    return sid
