"""Importing a history from elsewhere: Letterboxd / IMDb / plain exports read into rows, titles matched
against MovieLens-style catalog titles, nothing wrong matched silently, and the report."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from agent.history_import import ExportError, import_report, read_export
from agent.title_match import TitleMatcher, front_article, key, names
from evals.exports import STYLES, match_accuracy, synthesise
from recmodels.catalog import Catalog, Dataset, Item
from ui.cli import main

TITLES = [
    ("1", "The Usual Suspects", 1995), ("2", "Sabrina", 1954), ("3", "Sabrina", 1995),
    ("4", "Twelve Monkeys (a.k.a. 12 Monkeys)", 1995),
    ("5", "The City of Lost Children (Cité des enfants perdus, La)", 1995), ("6", "Misérables, Les", 1995),
    ("7", "Léon: The Professional (a.k.a. The Professional) (Léon)", 1994), ("8", "Heat", 1995),
    ("9", "Below", 2002), ("10", "Blow", 2001), ("11", "1776", 1972), ("12", "Amélie (Fabuleux destin d'Amélie Poulain, Le)", 2001),
]  # fmt: skip
CATALOG = Catalog([Item(i, t, y, ("Drama",)) for i, t, y in TITLES])


def matched(title: str, year: int | None, *others: str) -> str | None:
    found = TitleMatcher(CATALOG).match(title, year, *others)
    return CATALOG[found.item].id if found.item is not None else None


def test_names_and_keys_read_movielens_titles() -> None:
    assert front_article("Usual Suspects, The") == "The Usual Suspects"
    assert front_article("Haine, La") == "La Haine" and front_article("Misérables, Les") == "Les Misérables"
    assert names("Twelve Monkeys (a.k.a. 12 Monkeys)") == ["Twelve Monkeys", "12 Monkeys"]
    assert names("Heat (1995)") == ["Heat"] and names("1776") == ["1776"]
    assert key("The Usual Suspects") == key("usual suspects, the") == "usual suspects"
    assert key("Les Misérables") == key("Miserables") == "miserables"
    assert key("Léon: The Professional") == "leon the professional"


@pytest.mark.parametrize(
    ("title", "year", "others", "expected"),
    [
        ("The Usual Suspects", 1995, (), "1"),
        ("Usual Suspects, The", None, (), "1"),
        ("12 Monkeys", 1995, (), "4"),
        ("La Cité des enfants perdus", 1995, (), "5"),
        ("Les Miserables", 1995, (), "6"),
        ("Leon", 1994, (), "7"),
        ("Sabrina", 1995, (), "3"),
        ("Sabrina", 1996, (), "3"),  # release years disagree by one between sources
        ("The Usual Suspetcs", 1995, (), "1"),  # a typo
        ("Amelie", 2001, (), "12"),
        ("Some Title", 2001, ("Le Fabuleux Destin d'Amélie Poulain",), "12"),  # IMDb's original title
        ("1776", 1972, (), "11"),
    ],
)
def test_a_title_written_another_way_matches_its_item(
    title: str, year: int | None, others: tuple[str, ...], expected: str
) -> None:
    assert matched(title, year, *others) == expected


def test_what_could_be_two_films_or_none_is_never_matched_silently() -> None:
    matcher = TitleMatcher(CATALOG)
    both = matcher.match("Sabrina", None)  # a remake and no year
    assert both.status == "ambiguous" and {CATALOG[i].id for i in both.candidates} == {"2", "3"}
    other_year = matcher.match("Heat", 1986)  # the title, but another film's year
    assert other_year.status == "ambiguous" and [CATALOG[i].id for i in other_year.candidates] == ["8"]
    assert matcher.match("A Film Nobody Made", 2003).status == "unmatched"
    assert matcher.match("Heet", None).status != "matched"  # a short title, a typo, no year to confirm


def write_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


LETTERBOXD = {
    "ratings.csv": "Date,Name,Year,Letterboxd URI,Rating\n2024-01-02,The Usual Suspects,1995,https://boxd.it/a,4.5\n"
    "2024-01-03,Sabrina,,https://boxd.it/b,2\n",
    "watched.csv": "Date,Name,Year,Letterboxd URI\n2023-05-06,Les Misérables,1995,https://boxd.it/c\n",
    "likes/films.csv": "Date,Name,Year,Letterboxd URI\n2024-02-01,Amélie,2001,https://boxd.it/d\n",
    "deleted/diary.csv": "Date,Name,Year,Letterboxd URI,Rating\n2020-01-01,Heat,1995,https://boxd.it/e,5\n",
}


def test_a_letterboxd_zip_is_read_file_by_file_and_reported(tmp_path: Path) -> None:
    rows = read_export(write_zip(tmp_path / "letterboxd.zip", LETTERBOXD))
    assert [(r.source, r.line, r.title, r.year, r.rating) for r in rows] == [
        ("ratings.csv", 2, "The Usual Suspects", 1995, 4.5),
        ("ratings.csv", 3, "Sabrina", None, 2.0),
        ("watched.csv", 2, "Les Misérables", 1995, None),
        ("likes/films.csv", 2, "Amélie", 2001, None),
    ]  # fmt: skip (deleted/diary.csv is not the person's history)
    assert rows[-1].liked and not rows[0].liked
    report = import_report(rows, CATALOG)
    assert [r.match.status for r in report.rows] == ["matched", "ambiguous", "matched", "matched"]
    assert (
        report.lines(CATALOG)[0]
        == "4 rows: 3 matched (3 films), 1 ambiguous (confirm one of the candidates), 0 unmatched"
    )
    record = report.rows[1].to_json(CATALOG)
    assert record == {"file": "ratings.csv", "line": 3, "title": "Sabrina", "year": None, "status": "ambiguous",
                      "item_id": None, "candidates": ["2", "3"], "score": 100.0}  # fmt: skip


def test_imdb_ratings_are_halved_and_series_are_not_films(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text(
        "Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres\n"
        "tt0114814,9,2024-03-01,The Usual Suspects,The Usual Suspects,u,Movie,8.5,106,1995,Crime\n"
        "tt0903747,10,2024-03-02,Breaking Bad,Breaking Bad,u,TV Series,9.5,49,2008,Drama\n"
        "tt0211915,8,2024-03-03,Amélie,Le fabuleux destin d'Amélie Poulain,u,Movie,8.3,122,2001,Comedy\n",
        encoding="utf-8",
    )
    rows = read_export(path)
    assert [(r.rating, r.film, r.original) for r in rows][:2] == [
        (4.5, True, "The Usual Suspects"),
        (5.0, False, "Breaking Bad"),
    ]
    report = import_report(rows, CATALOG)
    assert [r.match.status for r in report.rows] == ["matched", "unmatched", "matched"]
    assert "(not a film)" in report.lines(CATALOG)[-1]


def test_a_plain_list_with_or_without_a_header(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        "title,year,rating\nHeat,1995,4\n12 Monkeys,,\nNot A Real Film,1999,3\n", encoding="utf-8"
    )
    report = import_report(read_export(path), CATALOG)
    assert [(r.row.line, r.match.status) for r in report.rows] == [
        (2, "matched"),
        (3, "matched"),
        (4, "unmatched"),
    ]
    bare = tmp_path / "bare.csv"
    bare.write_text("Heat,1995\n", encoding="utf-8")
    assert read_export(bare)[0].line == 1


def test_a_zip_that_is_not_a_letterboxd_export_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="ratings.csv"):
        read_export(write_zip(tmp_path / "other.zip", {"notes.txt": "hi"}))


def test_synthesised_exports_match_with_almost_no_wrong_matches(ml100k: Dataset) -> None:
    catalog = ml100k.catalog
    matcher = TitleMatcher(catalog)
    for style in STYLES:
        accuracy = match_accuracy(matcher, catalog, style, synthesise(catalog, style, 500, seed=1))
        assert accuracy.wrong <= 0.005 * accuracy.rows, accuracy.line()
        assert accuracy.correct >= 0.9 * accuracy.rows, accuracy.line()


def test_the_import_command_prints_the_report_and_writes_json(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = write_zip(tmp_path / "letterboxd.zip", {"ratings.csv": LETTERBOXD["ratings.csv"]})
    out = tmp_path / "report.json"
    assert main(["import", str(export), "--dataset", "ml-100k", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 rows: 1 matched (1 films), 1 ambiguous" in printed and "Sabrina (1954)" in printed
    records = json.loads(out.read_text())
    assert [r["status"] for r in records] == ["matched", "ambiguous"] and records[0]["item_id"] == "12"


def test_an_import_becomes_history_likes_and_exclusions_and_a_reimport_changes_nothing(
    tmp_path: Path,
) -> None:
    from agent_fixtures import tiny_agent  # noqa: PLC0415

    agent = tiny_agent(tmp_path / "s.sqlite")
    catalog = agent.resources.catalog
    session = agent.new_session()
    export = tmp_path / "ratings.csv"
    export.write_text(
        "Date,Name,Year,Letterboxd URI,Rating\n2024-02-01,Picture Number 3,1953,u,5\n"
        "2024-01-01,Picture Number 7,1957,u,1.5\n2024-03-01,Picture Number 12,1962,u,3\n",
        encoding="utf-8",
    )
    report = import_report(read_export(export), catalog)
    done = session.import_history(report, "Letterboxd")
    ids = lambda items: [catalog[i].id for i in items]  # noqa: E731
    assert ids(done.added) == ["7", "3", "12"] and done.known == 0  # date order
    assert ids(done.liked) == ["3"] and ids(done.disliked) == ["7"]
    stored = agent.resume(session.id)
    assert ids(stored.data.history) == ["7", "3", "12"]
    sources = {s.value: s.source for s in stored.data.profile.statements if s.aspect == "title"}
    assert sources[str(catalog.index_of("3"))] == "import (Letterboxd, 2024-02-01)"
    assert stored.profile.constraints.deny_items >= {catalog.index_of("7")}  # a disliked import: never again
    again = stored.import_history(report, "Letterboxd")
    assert (
        again.added == []
        and again.known == 3
        and ids(agent.resume(session.id).data.history) == ["7", "3", "12"]
    )
    newer = tmp_path / "newer.csv"
    newer.write_text(export.read_text() + "2024-04-01,Picture Number 20,1970,u,4\n", encoding="utf-8")
    more = stored.import_history(import_report(read_export(newer), catalog), "Letterboxd")
    assert ids(more.added) == ["20"] and more.known == 3
    reply = stored.send("recommend me something")
    assert reply.items and not {r.item_id for r in reply.items} & {"3", "7", "12", "20"}


def test_the_exported_letterboxd_csv_reads_back_to_the_same_films(ml100k: Dataset, tmp_path: Path) -> None:
    from agent.context import SessionData  # noqa: PLC0415
    from agent.history_export import export_text, recommended  # noqa: PLC0415
    from agent.profile import UserProfile  # noqa: PLC0415

    catalog = ml100k.catalog
    shown = [catalog[i].id for i in range(0, len(catalog), 7)]  # 241 films, MovieLens titles of every kind
    data = SessionData("s", "ml-100k", None, [], UserProfile())
    data.transcript = [
        {"turn": 1 + n // 10, "role": "assistant", "text": "", "items": shown[n : n + 10]}
        for n in range(0, len(shown), 10)
    ]
    data.state.liked = [catalog.index_of(shown[0])]
    rows = recommended(data, catalog)
    assert [r.item_id for r in rows] == shown and rows[0].verdict == "liked" and rows[11].turn == 2
    path = tmp_path / "picks.csv"
    path.write_text(export_text(rows, "letterboxd"), encoding="utf-8")
    report = import_report(read_export(path), catalog)
    back = [catalog[r.match.item].id if r.match.item is not None else None for r in report.rows]
    same = sum(b == s for b, s in zip(back, shown, strict=True))
    twins = sum(  # a title and year two catalog items share: asked, never guessed
        b is None
        and [(it.title, it.year) for it in catalog].count((catalog.by_id(s).title, catalog.by_id(s).year)) > 1
        for b, s in zip(back, shown, strict=True)
    )
    assert same + twins == len(shown), [(r.row.title, r.match) for r in report.rows if r.match.item is None][
        :5
    ]
    assert json.loads(export_text(rows, "json"))[0]["item_id"] == shown[0]


def test_only_from_my_list_holds_for_every_list_until_lifted(tmp_path: Path) -> None:
    from agent_fixtures import tiny_agent  # noqa: PLC0415

    from agent.history_import import only_from  # noqa: PLC0415
    from ui.adapter import profile_panel  # noqa: PLC0415

    agent = tiny_agent(tmp_path / "s.sqlite")
    catalog = agent.resources.catalog
    watchlist = tmp_path / "watchlist.csv"
    titles = [3, 8, 13, 18, 23, 28, 33, 38, 1, 6, 11, 16]  # Westerns and comedies among them
    watchlist.write_text("title,year\n" + "".join(f"Picture Number {i},{1950 + i}\n" for i in titles))
    listed = {str(i) for i in titles}
    session = agent.new_session()
    only = only_from(import_report(read_export(watchlist), catalog), "list", "2026-12-06")
    session.recommend_only_from(only)
    resumed = agent.resume(session.id)  # stored with the profile
    panel = profile_panel(resumed.profile, catalog)
    assert "**Only from your list:** 12 films (*import (list, 2026-12-06)*)" in panel.constraints
    shown = []
    for text in ("recommend me something", "a western please", "something else", "more like #1"):
        reply = resumed.send(text)
        assert {r.item_id for r in reply.items} <= listed, (text, [r.item_id for r in reply.items])
        shown.append(len(reply.items))
    assert shown[0] > 0 and sum(shown) >= 6, shown  # lists were shown, all of them from the list
    nothing = resumed.send("a horror film from the 2000s")  # nothing on the list is one
    assert not nothing.items and "Nothing on your list matches" in nothing.text
    resumed.recommend_only_from(None)
    wider = resumed.send("a comedy please")
    assert wider.items and not {r.item_id for r in wider.items} <= listed
    with pytest.raises(ExportError, match="no film"):
        only_from(import_report([], catalog), "list", "2026-12-06")  # nothing matched: nothing to recommend


def test_a_person_chooses_what_an_ambiguous_row_means(tmp_path: Path, home: Path) -> None:
    from agent.history_import import choose  # noqa: PLC0415

    rows = read_export(write_zip(tmp_path / "letterboxd.zip", {"ratings.csv": LETTERBOXD["ratings.csv"]}))
    report = choose(import_report(rows, CATALOG), {("ratings.csv", 3): "2"}, CATALOG)  # Sabrina (1954)
    assert [(r.match.status, r.match.item) for r in report.rows] == [("matched", 0), ("matched", 1)]
    with pytest.raises(ExportError, match="no such row"):
        choose(report, {("ratings.csv", 9): "2"}, CATALOG)
    with pytest.raises(ExportError, match="no item"):
        choose(report, {("ratings.csv", 3): "999"}, CATALOG)
    export = write_zip(tmp_path / "again.zip", {"ratings.csv": LETTERBOXD["ratings.csv"]})
    assert main(["import", str(export), "--dataset", "ml-100k", "--choose", "ratings.csv:3=nonsense"]) == 2
    assert main(["import", str(export), "--dataset", "ml-100k", "--choose", "bad"]) == 2
