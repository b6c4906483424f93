"""Readers of a user's own data and of MovieLens layouts: good files load, bad files name file + line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recmodels.datasets import build_dataset, prepare_dataset
from recmodels.readers import DataError, read_directory, split_title_year

ITEMS_CSV = (
    "id,title,year,genres,description,director\n"
    "m1,Alien,1979,Horror|Sci-Fi,A crew meets a creature.,Ridley Scott\n"
    "m2,Heat,1995,Crime|Thriller,,Michael Mann\n"
    "m3,Up,2009,Animation,,\n"
)
INTER_CSV = "user,item,timestamp,rating\nu1,m1,100,5\nu1,m2,2020-01-01T00:00:00Z,4\nu2,m3,50,\nu2,m1,50,3\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_own_csv_data_loads_with_attributes_and_iso_timestamps(tmp_path: Path) -> None:
    raw = read_directory(write(tmp_path / "d", {"items.csv": ITEMS_CSV, "interactions.csv": INTER_CSV}))
    data = build_dataset("own", raw)
    alien = data.catalog.by_id("m1")
    assert (alien.title, alien.year, alien.genres) == ("Alien", 1979, ("Horror", "Sci-Fi"))
    assert alien.attributes["director"] == "Ridley Scott"
    assert "A crew meets a creature." in alien.text and "Director: Ridley Scott." in alien.text
    assert data.interactions.timestamp.max() == 1577836800
    assert data.info.users == 2 and data.info.interactions == 4


def test_ties_are_ordered_by_item_id(tmp_path: Path) -> None:
    raw = read_directory(write(tmp_path / "d", {"items.csv": ITEMS_CSV, "interactions.csv": INTER_CSV}))
    data = build_dataset("own", raw)
    u2 = data.interactions.user_ids.index("u2")
    seq = data.interactions.sequences()[u2]
    assert [data.catalog[i].id for i in seq] == ["m1", "m3"]  # same timestamp: m1 before m3


def test_own_jsonl_items_accept_genre_lists(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "Alpha", "genres": ["Drama", "War"], "year": 2001, "mood": "bleak"},
        {"id": "b", "title": "Beta", "genres": "Comedy|Romance"},
    ]
    folder = write(
        tmp_path / "d",
        {
            "items.jsonl": "\n".join(json.dumps(x) for x in lines) + "\n",
            "interactions.csv": "user,item,timestamp\nx,a,1\nx,b,2\n",
        },
    )
    data = build_dataset("own", read_directory(folder))
    assert data.catalog.by_id("a").genres == ("Drama", "War")
    assert data.catalog.by_id("b").genres == ("Comedy", "Romance") and data.catalog.by_id("b").year is None
    assert data.catalog.by_id("a").attributes["mood"] == "bleak"


def test_movielens_1m_dat_layout(tmp_path: Path) -> None:
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "movies.dat").write_bytes(
        "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Amélie (2001)::Comedy|Romance\n".encode(
            "latin-1"
        )
    )
    (folder / "ratings.dat").write_text("1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n")
    data = build_dataset("ml-1m", read_directory(folder))
    assert data.catalog.by_id("2").title == "Amélie" and data.catalog.by_id("2").year == 2001
    assert data.info.users == 2 and data.info.interactions == 3


def test_movielens_20m_csv_layout(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "ml-25m",
        {
            "movies.csv": 'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,"Usual Suspects, The (1995)",Crime\n',
            "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,944249077\n1,2,5.0,944250228\n",
        },
    )
    data = build_dataset("ml-25m", read_directory(folder))
    assert data.catalog.by_id("2").title == "Usual Suspects, The" and data.catalog.by_id("2").year == 1995
    assert float(data.interactions.rating.sum()) == 9.0


def test_split_title_year() -> None:
    assert split_title_year("Seven (Se7en) (1995)") == ("Seven (Se7en)", 1995)
    assert split_title_year("Untitled") == ("Untitled", None)


BAD_CASES = {
    "missing column": (
        {"interactions.csv": "user,item\nu1,m1\n"},
        "interactions.csv",
        1,
        "missing column 'timestamp'",
    ),
    "bad timestamp": (
        {"interactions.csv": "user,item,timestamp\nu1,m1,1\nu1,m2,yesterday\n"},
        "interactions.csv",
        3,
        "unparseable timestamp 'yesterday'",
    ),
    "bad rating": (
        {"interactions.csv": "user,item,timestamp,rating\nu1,m1,1,great\n"},
        "interactions.csv",
        2,
        "rating 'great' is not a number",
    ),
    "duplicate item": (
        {"items.csv": ITEMS_CSV + "m2,Heat again,1995,Crime,,\n"},
        "items.csv",
        5,
        "duplicate item id 'm2' (first on line 3)",
    ),
    "unknown item": (
        {"interactions.csv": "user,item,timestamp\nu1,m1,1\nu1,m9,2\n"},
        "interactions.csv",
        3,
        "interaction with unknown item 'm9'",
    ),
    "empty interactions": ({"interactions.csv": ""}, "interactions.csv", None, "empty file"),
    "header only": ({"interactions.csv": "user,item,timestamp\n"}, "interactions.csv", None, "empty file"),
    "missing title": ({"items.csv": "id,title\nm1,Alien\nm2,\n"}, "items.csv", 3, "item 'm2' has no title"),
    "bad year": (
        {"items.csv": "id,title,year\nm1,Alien,nineteen\n"},
        "items.csv",
        2,
        "year 'nineteen' is not a number",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_every_data_error_names_file_line_and_problem(tmp_path: Path, home: Path, case: str) -> None:
    overrides, file, line, problem = BAD_CASES[case]
    files = {"items.csv": ITEMS_CSV, "interactions.csv": INTER_CSV, **overrides}
    folder = write(tmp_path / "d", files)
    with pytest.raises(DataError) as raised:
        prepare_dataset("own", home, source=folder, enrich_movies=False)
    err = raised.value
    assert Path(err.file).name == file and err.line == line and problem in err.problem
    assert problem in str(err) and file in str(err)
    assert not (home / "data").exists() or not any((home / "data").iterdir())  # nothing half-written


def test_invalid_jsonl_line_is_reported(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "d",
        {"items.jsonl": '{"id": "a", "title": "A"}\n{"id": "b", title}\n', "interactions.csv": INTER_CSV},
    )
    with pytest.raises(DataError, match=r"items.jsonl:2: invalid JSON"):
        read_directory(folder)


def test_unknown_layout_and_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no known layout"):
        read_directory(write(tmp_path / "d", {"notes.txt": "hello"}))
    with pytest.raises(DataError, match="not a directory"):
        read_directory(tmp_path / "nowhere")
