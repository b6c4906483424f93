"""The nlu-eval metrics on hand-computed cases, and the command on a tiny labelled file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agent_fixtures import tiny_dataset

from agent.nlu.evaluation import (
    Case,
    Tally,
    canonical,
    evaluate,
    f1,
    frame,
    free_tokens,
    load_cases,
    pairs,
)
from agent.nlu.reading import Reading
from agent.vocabulary import Vocabulary
from tools.request import Request


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(
        tiny_dataset().catalog
    )  # titles "Picture Number 0" .. "Picture Number 59", ids "0".."59"


def test_f1_of_counts() -> None:
    assert f1(0, 0, 0) == 1.0  # nothing to find, nothing found
    assert f1(1, 2, 2) == 0.5
    assert f1(0, 1, 0) == 0.0
    assert f1(3, 3, 3) == 1.0


def test_references_compare_by_the_title_they_name(vocab: Vocabulary) -> None:
    assert canonical("#2", vocab) == "#2"
    assert canonical("list", vocab) == "list"
    by_id = canonical("id:7", vocab)
    assert by_id == canonical("Picture Number 7", vocab) == "title:picture number 7"
    assert canonical("Some Film We Lack", vocab) == "title:some film we lack"
    assert canonical("last", vocab, on_screen=10) == "#10" and canonical("last", vocab) == "last"


def test_pairs_one_per_list_element_without_defaults_or_free_words(vocab: Vocabulary) -> None:
    reading = Reading(
        intent="recommend",
        request=Request(genres=["Comedy", "Drama"], decades=[1980], query="heist", avoid="gore", k=5),
        also=True,
    )
    assert pairs(reading, vocab) == {
        ("genres", "Comedy"): 1,
        ("genres", "Drama"): 1,
        ("decades", 1980): 1,
        ("also", True): 1,
    }
    assert pairs(Reading(intent="explain", items=["#3"]), vocab) == {("items", "#3"): 1}
    assert pairs(Reading(intent="recommend", request=Request(k=3)), vocab) == {("k", 3): 1}


def test_exact_frame_ignores_free_words_and_list_order_but_not_item_order(vocab: Vocabulary) -> None:
    a = Reading(intent="recommend", request=Request(genres=["Comedy", "Drama"], query="dogs"))
    b = Reading(intent="recommend", request=Request(genres=["Drama", "Comedy"], query="cats"))
    assert frame(a, vocab) == frame(b, vocab)
    assert frame(Reading(intent="details", items=["#1", "#2"]), vocab) != frame(
        Reading(intent="details", items=["#2", "#1"]), vocab
    )
    gold = Reading(
        intent="more_like", items=["Picture Number 3"], request=Request(older_than="Picture Number 3")
    )
    model = Reading(intent="more_like", items=["id:3"], request=Request(older_than="id:3"))
    assert frame(gold, vocab) == frame(model, vocab)


def test_free_tokens_keyed_by_field_without_stopwords() -> None:
    reading = Reading(intent="recommend", request=Request(query="a slow-burn heist", avoid="too gory"))
    assert free_tokens(reading) == {
        ("query", "slow"): 1,
        ("query", "burn"): 1,
        ("query", "heist"): 1,
        ("avoid", "gory"): 1,
    }


def test_tally_by_hand(vocab: Vocabulary) -> None:
    gold = Reading(intent="recommend", request=Request(genres=["Horror"], decades=[1980], avoid="gory"))
    half = Reading(intent="recommend", request=Request(genres=["Horror"], decades=[1990], avoid="gory"))
    wrong = Reading(intent="greet")
    tally = Tally()
    tally.add(gold, gold, vocab, 1.0)
    tally.add(gold, half, vocab, 3.0)
    tally.add(gold, wrong, vocab, 5.0)
    m = tally.metrics()
    assert m["intent_acc"] == pytest.approx(2 / 3)
    assert m["exact_frame"] == pytest.approx(1 / 3)
    # slot pairs: gold 2 each time; predicted 2, 2, 0; true positives 2, 1, 0 -> 2*3 / (4 + 6)
    assert m["slot_f1"] == pytest.approx(0.6)
    # free tokens: gold "gory" three times, predicted twice, both right -> 2*2 / (2 + 3)
    assert m["free_f1"] == pytest.approx(0.8)
    assert m["ms_p50"] == pytest.approx(3.0)


def test_evaluate_tallies_per_component_and_category(vocab: Vocabulary) -> None:
    cases = [
        Case("1", "plain", "a comedy", 0, Reading(intent="recommend", request=Request(genres=["Comedy"]))),
        Case("2", "vague", "help me", 0, Reading(intent="vague")),
    ]
    components = {
        "always_vague": lambda text, v, shown: Reading(intent="vague"),
        "perfect": lambda text, v, shown: next(c.gold for c in cases if c.text == text),
    }
    report = evaluate(cases, components, vocab)
    assert report.overall["perfect"].metrics()["exact_frame"] == 1.0
    assert report.overall["always_vague"].metrics()["intent_acc"] == 0.5
    assert report.categories["vague"]["always_vague"].metrics()["exact_frame"] == 1.0
    table = report.table()
    assert "always_vague" in table and "plain" in table
    assert set(report.to_json()) == {"overall", "categories"}


def test_load_cases_and_the_command_on_a_tiny_file(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": "a", "category": "plain", "text": "a western please", "on_screen": 0,
         "reading": {"intent": "recommend", "request": {"genres": ["Western"]}, "items": [], "also": False}},
        {"id": "b", "category": "questions", "text": "why #2?", "on_screen": 5,
         "reading": {"intent": "explain", "request": {}, "items": ["#2"], "also": False}},
    ]  # fmt: skip
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cases = load_cases(path)
    assert [c.on_screen for c in cases] == [0, 5] and cases[1].gold.items == ["#2"]

    import recmodels.datasets
    from ui.cli import main

    monkeypatch.setattr(recmodels.datasets, "load_dataset", lambda name, home: tiny_dataset())
    out = tmp_path / "out.json"
    assert main(["nlu-eval", "--file", str(path), "--components", "rules", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "rules" in printed and "questions" in printed
    assert json.loads(out.read_text())["overall"]["rules"]["n"] == 2
    # a development set may list its misreadings; the frozen evaluation set may not
    assert main(["nlu-eval", "--file", str(path), "--components", "rules", "--errors"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[rules] ")]
    assert all("gold" in line and "read" in line for line in listed)
    from ui.commands_nlu import DEFAULT_FILE

    assert main(["nlu-eval", "--file", str(DEFAULT_FILE), "--components", "rules", "--errors"]) == 2
    assert "aggregate only" in capsys.readouterr().err
