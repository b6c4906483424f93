"""The vector retriever against real Chroma (embedded, and a `chroma run` server through `RECAGENT_CHROMA_URL`)
and the real MiniLM, on 50 real movies."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from recmodels.catalog import AttributeValue, Catalog, Item, item_text
from recmodels.text_encoder import MiniLMEncoder
from tools.chroma_index import RetrieverConfig, chroma_client, collection_name, persistent_client
from tools.request import Request
from tools.retriever import Hit, Retriever, UnknownGenreError

pytest_plugins = ["chroma_fixtures"]

REPO = Path(__file__).resolve().parents[1]

# id, title, year, genres, runtime, mpaa, imdb_rating (None = unknown, as for unenriched MovieLens items)
MOVIES: list[tuple[str, str, int, str, int | None, str | None, float | None]] = [
    ("1", "Toy Story", 1995, "Adventure|Animation|Children|Comedy|Fantasy", 81, "G", 8.3),
    ("2", "Jumanji", 1995, "Adventure|Children|Fantasy", 104, "PG", 7.0),
    ("3", "Heat", 1995, "Action|Crime|Thriller", 170, "R", 8.3),
    ("4", "GoldenEye", 1995, "Action|Adventure|Thriller", 130, "PG-13", 7.2),
    ("5", "Casino", 1995, "Crime|Drama", 178, "R", 8.2),
    ("6", "Sense and Sensibility", 1995, "Drama|Romance", 136, "PG", 7.7),
    ("7", "Babe", 1995, "Children|Drama", 91, "G", 6.9),
    ("8", "Apollo 13", 1995, "Adventure|Drama|IMAX", 140, "PG", 7.7),
    ("9", "Star Wars: Episode IV - A New Hope", 1977, "Action|Adventure|Sci-Fi", 121, "PG", 8.6),
    ("10", "Alien", 1979, "Horror|Sci-Fi", 117, "R", 8.5),
    ("11", "Aliens", 1986, "Action|Adventure|Horror|Sci-Fi", 137, "R", 8.4),
    ("12", "Jaws", 1975, "Action|Horror", 124, "PG", 8.1),
    ("13", "Godfather, The", 1972, "Crime|Drama", 175, "R", 9.2),
    ("14", "Pulp Fiction", 1994, "Comedy|Crime|Drama|Thriller", 154, "R", 8.9),
    ("15", "Forrest Gump", 1994, "Comedy|Drama|Romance|War", 142, "PG-13", 8.8),
    ("16", "Lion King, The", 1994, "Adventure|Animation|Children|Drama|Musical|IMAX", 88, "G", 8.5),
    ("17", "Aladdin", 1992, "Adventure|Animation|Children|Comedy|Musical", 90, "G", 8.0),
    ("18", "Beauty and the Beast", 1991, "Animation|Children|Fantasy|Musical|Romance|IMAX", 84, "G", 8.0),
    ("19", "Shrek", 2001, "Adventure|Animation|Children|Comedy|Fantasy|Romance", 90, "PG", 7.9),
    ("20", "Finding Nemo", 2003, "Adventure|Animation|Children|Comedy", 100, "G", 8.2),
    ("21", "Matrix, The", 1999, "Action|Sci-Fi|Thriller", 136, "R", 8.7),
    ("22", "Terminator 2: Judgment Day", 1991, "Action|Sci-Fi", 137, "R", 8.6),
    ("23", "Interstellar", 2014, "Sci-Fi|IMAX", 169, "PG-13", 8.7),
    ("24", "Gravity", 2013, "Action|Sci-Fi|IMAX", 91, "PG-13", 7.7),
    ("25", "Armageddon", 1998, "Action|Romance|Sci-Fi|Thriller", 151, "PG-13", 6.7),
    ("26", "Galaxy Quest", 1999, "Adventure|Comedy|Sci-Fi", 102, "PG", 7.4),
    ("27", "Spaceballs", 1987, "Comedy|Sci-Fi", 96, "PG", 7.1),
    ("28", "Men in Black", 1997, "Action|Comedy|Sci-Fi", 98, "PG-13", 7.3),
    ("29", "Shining, The", 1980, "Horror", 146, "R", 8.4),
    ("30", "Scream", 1996, "Comedy|Horror|Mystery|Thriller", 111, "R", 7.4),
    ("31", "Silence of the Lambs, The", 1991, "Crime|Horror|Thriller", 118, "R", 8.6),
    ("32", "Titanic", 1997, "Drama|Romance", 194, "PG-13", 7.9),
    ("33", "Notting Hill", 1999, "Comedy|Romance", 124, "PG-13", 7.2),
    ("34", "When Harry Met Sally...", 1989, "Comedy|Romance", 96, "R", 7.7),
    ("35", "Groundhog Day", 1993, "Comedy|Fantasy|Romance", 101, "PG", 8.0),
    ("36", "Saving Private Ryan", 1998, "Action|Drama|War", 169, "R", 8.6),
    ("37", "Schindler's List", 1993, "Drama|War", 195, "R", 9.0),
    ("38", "Casablanca", 1942, "Drama|Romance", 102, "PG", 8.5),
    ("39", "Double Indemnity", 1944, "Crime|Drama|Film-Noir", 107, None, 8.3),
    ("40", "Big Lebowski, The", 1998, "Comedy|Crime", 117, "R", 8.1),
    ("41", "Fargo", 1996, "Comedy|Crime|Drama|Thriller", 98, "R", 8.1),
    ("42", "Ocean's Eleven", 2001, "Crime|Thriller", 116, "PG-13", 7.7),
    ("43", "Home Alone", 1990, "Children|Comedy", 103, "PG", 7.6),
    ("44", "Mrs. Doubtfire", 1993, "Comedy|Drama", 125, "PG-13", 7.0),
    ("45", "2001: A Space Odyssey", 1968, "Adventure|Drama|Sci-Fi", 149, "G", 8.3),
    ("46", "Blade Runner", 1982, "Action|Sci-Fi|Thriller", 117, "R", 8.1),
    ("47", "Usual Suspects, The", 1995, "Crime|Mystery|Thriller", 106, "R", 8.6),
    ("48", "Nosferatu", 1922, "Horror", None, None, None),
    ("49", "Hoop Dreams", 1994, "Documentary", None, None, None),
    ("50", "Waiting to Exhale", 1995, "Comedy|Drama|Romance", None, None, None),
]


def make_item(row: tuple[str, str, int, str, int | None, str | None, float | None]) -> Item:
    item_id, title, year, genres, runtime, mpaa, rating = row
    attrs: dict[str, AttributeValue] = {}
    if runtime is not None:
        attrs["runtime"] = runtime
    if mpaa is not None:
        attrs["mpaa"] = mpaa
    if rating is not None:
        attrs["imdb_rating"] = rating
    split = tuple(genres.split("|"))
    return Item(item_id, title, year, split, attrs, item_text(title, year, split, attrs))


class CountingEncoder:
    """The real MiniLM, counting how many texts it embeds."""

    def __init__(self) -> None:
        self.inner = MiniLMEncoder()
        self.texts = 0

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts)


QUIET = RetrieverConfig(batch_size=16, progress=False)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog([make_item(row) for row in MOVIES])


@pytest.fixture(scope="module")
def index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("retriever-home")


@pytest.fixture(scope="module")
def embedded(catalog: Catalog, index_home: Path) -> Retriever:
    """The index built embedded under `index_home`."""
    return Retriever.open(catalog, index_home, name="movies", config=QUIET)


@pytest.fixture(scope="module", params=["embedded", "server"])
def retriever(request: pytest.FixtureRequest, catalog: Catalog, index_home: Path) -> Retriever:
    """The embedded index, or the same built through a Chroma server (the search and filter tests run
    against both)."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded")
    client = chroma_client(index_home, {"RECAGENT_CHROMA_URL": request.getfixturevalue("chroma_url")})
    return Retriever.open(catalog, client=client, name="movies", config=QUIET)


def test_collection_names_are_valid_for_chroma() -> None:
    assert collection_name("ml-latest-small") == "items-ml-latest-small"
    assert collection_name("my data/v2") == "items-my-data-v2"


# --- search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "plausible"),
    [
        ("funny animated movie for kids", {"1", "17", "19", "20"}),
        ("the godfather mafia crime family", {"13"}),
        ("star wars", {"9"}),
        ("romantic comedy", {"33", "34", "35", "50"}),
    ],
)
def test_semantic_query_returns_a_plausible_item_first(
    retriever: Retriever, query: str, plausible: set[str]
) -> None:
    hits = retriever.search(query, k=5)
    assert hits[0].item_id in plausible, [h.title for h in hits]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(-1.0 <= h.score <= 1.0 for h in hits)


def passes(item: Item, f: Request) -> bool:
    """The filters, written independently of the compiler: unknown values never pass a bound."""
    a = item.attributes
    checks = [
        not f.genres or bool(set(item.genres) & set(f.genres)),
        not set(item.genres) & set(f.exclude_genres),
        f.year_min is None or (item.year is not None and item.year >= f.year_min),
        f.year_max is None or (item.year is not None and item.year <= f.year_max),
        f.runtime_min is None or ("runtime" in a and float(a["runtime"]) >= f.runtime_min),
        f.runtime_max is None or ("runtime" in a and float(a["runtime"]) <= f.runtime_max),
        f.rating_min is None or ("imdb_rating" in a and float(a["imdb_rating"]) >= f.rating_min),
        not f.decades or (item.year is not None and item.year // 10 * 10 in f.decades),
        item.year is None or item.year // 10 * 10 not in f.exclude_decades,  # unknown: in no decade
    ]
    return all(checks)


@pytest.mark.parametrize(
    "filters",
    [
        Request(genres=["Animation"]),
        Request(genres=["Horror", "Film-Noir"]),
        Request(exclude_genres=["Comedy", "Sci-Fi"]),
        Request(year_min=1990, year_max=1999),
        Request(runtime_min=90, runtime_max=110),
        Request(rating_min=8.5),
        Request(genres=["Sci-Fi"], exclude_genres=["Comedy"], year_min=1990, rating_min=7),
    ],
)
def test_every_hit_satisfies_the_filters(retriever: Retriever, catalog: Catalog, filters: Request) -> None:
    hits = retriever.search("space adventure", filters, k=50)
    expected = {it.id for it in catalog if passes(it, filters)}
    assert hits and {h.item_id for h in hits} == expected  # k covers the catalog: exactly the passing items


@pytest.mark.parametrize(
    "filters",
    [
        Request(genres=["Comedy"]),
        Request(exclude_genres=["Drama"], decades=[1990]),
        Request(exclude_decades=[1990, 2000], rating_min=7),
        Request(genres=["Horror", "Film-Noir"]),
    ],
)
@pytest.mark.parametrize("path", ["chroma", "exact"])
def test_both_search_paths_give_the_nearest_passing_items(
    retriever: Retriever, catalog: Catalog, filters: Request, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter keeping a large share reads Chroma's nearest items through the mask; one keeping few is
    answered by cosine over the passing items' vectors. Forced either way, both give the nearest passing
    items, nearest first (50 items: Chroma's graph search is exact here)."""
    monkeypatch.setattr("tools.retriever.MAX_FETCH", 10**6 if path == "chroma" else 0)
    query = "a man on the run from the police"
    vector = MiniLMEncoder().encode([query])[0]
    passing = np.array([passes(it, filters) for it in catalog])
    similarity = np.where(passing, retriever.vectors @ vector, -np.inf)
    expected = [catalog[int(i)].id for i in np.argsort(-similarity)[: min(4, int(passing.sum()))]]
    hits = retriever.search(query, filters, k=4)
    assert [h.item_id for h in hits] == expected
    np.testing.assert_allclose([h.score for h in hits], np.sort(similarity)[::-1][: len(hits)], atol=1e-4)


def test_the_vectors_are_what_the_index_holds(
    embedded: Retriever, catalog: Catalog, index_home: Path
) -> None:
    """Read back from a reused index (no vectors given), the item vectors are the built ones, in
    catalog order; given, they are not read back."""
    again = Retriever.open(catalog, index_home, name="movies", config=QUIET)
    assert again.report.action == "reused"
    np.testing.assert_allclose(again.vectors, embedded.vectors, atol=1e-6)
    np.testing.assert_allclose(again.vectors, MiniLMEncoder().encode([it.text for it in catalog]), atol=1e-5)
    given = np.zeros_like(embedded.vectors)
    assert Retriever.open(catalog, index_home, name="movies", config=QUIET, vectors=given).vectors is given


def test_excluded_ids_never_come_back(retriever: Retriever) -> None:
    first = retriever.search("star wars", k=3)
    again = retriever.search("star wars", k=3, exclude_ids=[first[0].item_id])
    assert first[0].item_id not in {h.item_id for h in again}
    assert [h.item_id for h in again][:2] == [h.item_id for h in first][1:]


def test_genres_match_case_insensitively_and_unknown_genres_raise(retriever: Retriever) -> None:
    hits = retriever.search("cartoon", Request(genres=["animation"]), k=3)
    assert all("Animation" in h.genres for h in hits)
    with pytest.raises(UnknownGenreError, match="Westerns"):
        retriever.search("cowboys", Request(genres=["Westerns"]))


def test_hits_are_described_from_the_catalog(retriever: Retriever) -> None:
    hit = retriever.search("Toy Story", k=1)[0]
    assert hit == Hit("1", "Toy Story", hit.score, 1995, make_item(MOVIES[0]).genres, 81, 8.3, "G")
    assert retriever.search("Toy Story", k=0) == []


# --- index lifecycle --------------------------------------------------------------------------------


def test_reopening_reuses_the_index_without_embedding_items(
    embedded: Retriever, catalog: Catalog, index_home: Path
) -> None:
    retriever = embedded
    assert retriever.report.action in {"built", "reused"} and retriever.report.count == len(catalog)
    counting = CountingEncoder()
    again = Retriever.open(catalog, index_home, name="movies", encoder=counting, config=QUIET)
    assert again.report.action == "reused" and again.report.count == len(catalog)
    assert counting.texts == 0
    assert again.search("star wars", k=1)[0].item_id == "9"
    assert counting.texts == 1  # the query only


def test_a_changed_catalog_triggers_a_rebuild(catalog: Catalog, tmp_path: Path) -> None:
    counting = CountingEncoder()
    first = Retriever.open(catalog, tmp_path, name="movies", encoder=counting, config=QUIET)
    assert first.report.action == "built" and counting.texts == len(catalog)
    heist = make_item(("51", "Heist", 2001, "Crime|Drama", 109, "R", 6.5))
    changed = Catalog([*catalog.items, heist])
    second = Retriever.open(changed, tmp_path, name="movies", encoder=counting, config=QUIET)
    assert second.report.action == "rebuilt" and second.report.count == len(changed)
    assert counting.texts == len(catalog) + len(changed)
    assert "51" in {h.item_id for h in second.search("heist", k=3)}


def test_an_interrupted_build_is_rebuilt_not_reused(catalog: Catalog, tmp_path: Path) -> None:
    small = Catalog(list(catalog.items[:10]))
    built = Retriever.open(small, tmp_path, name="movies", config=QUIET)
    built.collection.modify(metadata={"fingerprint": "building"})  # what a crash mid-build leaves
    assert Retriever.open(small, tmp_path, name="movies", config=QUIET).report.action == "rebuilt"
    assert (
        Retriever.open(small, tmp_path, name="movies", config=QUIET, rebuild=True).report.action == "rebuilt"
    )


def test_the_client_is_injectable(catalog: Catalog, tmp_path: Path) -> None:
    client = persistent_client(tmp_path)
    small = Catalog(list(catalog.items[:10]))
    retriever = Retriever.open(small, client=client, name="injected", config=QUIET)
    assert retriever.report.action == "built"
    assert client.get_collection("items-injected").count() == 10


FRESH_PROCESS = textwrap.dedent(
    """
    import socket, sys

    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    socket.socket.connect = refuse  # any download attempt fails loudly
    socket.create_connection = refuse

    import chromadb
    import tools.retriever  # registers the embedding function
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
    collection = client.get_collection("items-movies")  # no embedding function passed
    assert collection.configuration["embedding_function"].name() == "recagent-minilm"
    found = collection.query(query_texts=["star wars"], n_results=1)
    print(found["ids"][0][0])
    """
)


@pytest.mark.slow
def test_a_fresh_process_reopens_the_collection_offline(embedded: Retriever, index_home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(index_home / "chroma")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(index_home)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "9"


def test_through_a_chroma_server_the_index_is_built_reused_and_rebuilt(
    catalog: Catalog, tmp_path: Path, chroma_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RECAGENT_CHROMA_URL sends `Retriever.open(catalog, home)` to the server: nothing under home."""
    monkeypatch.setenv("RECAGENT_CHROMA_URL", chroma_url)
    small = Catalog(list(catalog.items[:12]))
    counting = CountingEncoder()
    built = Retriever.open(small, tmp_path, name="served", encoder=counting, config=QUIET)
    assert built.report.action in {"built", "rebuilt"} and counting.texts == len(small)
    assert not (tmp_path / "chroma").exists()
    again = Retriever.open(small, tmp_path, name="served", encoder=counting, config=QUIET)
    assert again.report.action == "reused" and counting.texts == len(small)
    changed = Catalog(list(catalog.items[:13]))
    assert Retriever.open(changed, tmp_path, name="served", config=QUIET).report.action == "rebuilt"
    with pytest.raises(ValueError, match="http"):
        chroma_client(tmp_path, {"RECAGENT_CHROMA_URL": "127.0.0.1:8000"})


def test_two_workers_opening_one_server_index_at_once_share_one_build(
    catalog: Catalog, chroma_url: str
) -> None:
    """Two UI workers starting together against one Chroma server: one builds, the other waits for that
    build (it beats while under way) instead of deleting it or failing on the duplicate create."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    def open_it(_: int) -> Retriever:
        client = chroma_client(Path(), {"RECAGENT_CHROMA_URL": chroma_url})
        return Retriever.open(
            catalog, client=client, name="raced", config=RetrieverConfig(batch_size=4, progress=False)
        )

    with ThreadPoolExecutor(2) as pool:
        opened = list(pool.map(open_it, range(2)))
    assert sorted(r.report.action for r in opened) in (["built", "reused"], ["reused", "reused"])
    assert all(r.report.count == len(catalog) for r in opened)
    assert all(r.search("star wars", k=1)[0].item_id == "9" for r in opened)
