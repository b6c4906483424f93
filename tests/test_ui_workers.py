"""Several UI workers on one PostgreSQL session store and one Chroma server (spawned processes, loopback):
a session started on one continues on the other in a real browser, and concurrent sessions whose turns
alternate between the workers lose nothing and leak nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright
from test_ui_browser import CHROMIUM, WAIT_MS, chat, session_of
from ui_workers import start_workers

from agent.store_postgres import PostgresStore
from ui.load_check import load_check

pytest_plugins = ["pg_fixtures", "chroma_fixtures"]


@pytest.fixture
def two_workers(postgres_url: str, chroma_url: str):  # type: ignore[no-untyped-def]
    workers = start_workers(2, postgres_url, chroma_url)
    yield [url for url, _ in workers]
    for _, process in workers:
        process.terminate()
        process.join(timeout=30)


@pytest.mark.slow
def test_a_session_started_on_one_worker_continues_on_the_other_in_a_real_browser(
    two_workers: list[str], postgres_url: str
) -> None:
    first, second = two_workers
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(first)
        sid = session_of(page)
        chat(page, "a western please")
        expect(page.locator("#card-text-1")).to_contain_text("Western", timeout=WAIT_MS)

        other = browser.new_page(viewport={"width": 1400, "height": 1000})
        other.goto(f"{second}?session={sid}")  # the same session, on the other worker
        expect(other.locator("#chat")).to_contain_text("a western please", timeout=WAIT_MS)
        expect(other.locator("#card-text-1")).to_contain_text("Western", timeout=WAIT_MS)
        chat(other, "I love comedies")
        expect(other.locator("#card-text-1")).to_contain_text("Comedy", timeout=WAIT_MS)

        chat(page, "no horror please")  # the first worker's copy is older: stored on top, nothing lost
        expect(page.locator("#chat")).to_contain_text("I love comedies", timeout=WAIT_MS)
        expect(page.locator("#chat")).to_contain_text("no horror please", timeout=WAIT_MS)
        page.reload()
        expect(page.locator("#chat")).to_contain_text("no horror please", timeout=WAIT_MS)
        browser.close()
    stored = PostgresStore(postgres_url).load(sid)
    assert stored is not None
    users = [t["text"] for t in stored.transcript if t["role"] == "user"]
    assert users == ["a western please", "I love comedies", "no horror please"]


@pytest.mark.slow
def test_sessions_whose_turns_alternate_between_workers_lose_and_leak_nothing(two_workers: list[str]) -> None:
    report = load_check(two_workers, ["Horror", "Comedy", "Drama", "Western", "Sci-Fi"], sessions=4, turns=3)
    assert report.errors == 0, report.lines()
    assert report.leaking_sessions == 0, report.lines()
    assert len(report.latencies_ms) == 12
