"""The vector retriever: catalog items in a Chroma collection, searched by meaning under hard filters.

One persistent collection per dataset under `<RECAGENT_HOME>/chroma/` (or on the Chroma server at
`RECAGENT_CHROMA_URL`, e.g. `chroma run --path DIR --port 8000`: `chroma_client`), cosine space.
Documents are `item.text`, embedded by `MiniLMEmbeddingFunction`, which is registered with Chroma: a collection
reopened by any client (this process or a fresh one) embeds with the same offline model and never
falls back to Chroma's default embedding function (which downloads a model and fails offline).
The collection metadata stores the catalog fingerprint; `Retriever.open` reuses a current index and
rebuilds a stale or half-built one.

Filters are one mask over the catalog's columns (`tools.item_columns`, the same mask the `recommend`
engine uses), not Chroma's `where`: Chroma evaluates a `where` over every item's metadata and then
searches the graph for items that pass, 80-170 ms a query at 100k items whatever the filter keeps
(2026-12-07, docs/deployment.md). A filter that keeps a large share takes Chroma's nearest `k / share x
OVERFETCH` items and keeps those that pass; one that keeps few is answered exactly, by cosine over the
item vectors that pass. Several processes opening one server's index at once share one build: a build
under way beats a heartbeat and is waited for, not replaced.

    recagent index --dataset ml-latest-small
    recagent search --dataset ml-latest-small "space adventure" --exclude-genre Comedy --year-min 1990
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import (
    Documents,
    Embeddable,
    EmbeddingFunction,
    Embeddings,
    Space,
)
from chromadb.config import Settings
from chromadb.errors import ChromaError, NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function
from tqdm import tqdm

from recmodels.catalog import Catalog, Item
from recmodels.metrics import top_k
from recmodels.text_encoder import MODEL_NAME, TextEncoder, default_encoder
from tools.item_columns import ItemColumns
from tools.item_metadata import item_metadata, known_value
from tools.request import Request

NO_FILTERS = Request()
OVERFETCH = 3  # a filter keeping a share s of the items: Chroma's nearest k / s x this, then the mask
MAX_FETCH = 400  # more than this many from Chroma: exact cosine over the items that pass instead
PAGE = 5000  # embeddings read back from Chroma per request (a reused index, no vectors given)
EMBEDDING_FUNCTION_NAME = "recagent-minilm"


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of a `TextEncoder`. Its config names the model, so Chroma can rebuild it offline."""

    def __init__(self, encoder: TextEncoder | None = None):
        self.encoder: TextEncoder = encoder if encoder is not None else default_encoder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.encoder.encode(list(input)))  # n arrays of shape (384,)

    @staticmethod
    def name() -> str:
        return EMBEDDING_FUNCTION_NAME

    def get_config(self) -> dict[str, Any]:
        return {"model_name": self.encoder.model_name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        MiniLMEmbeddingFunction.validate_config(config)
        return MiniLMEmbeddingFunction()

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if config.get("model_name", MODEL_NAME) != MODEL_NAME:
            raise ValueError(
                f"{EMBEDDING_FUNCTION_NAME} only serves {MODEL_NAME}, not {config['model_name']}"
            )

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]


@dataclass(frozen=True)
class Hit:
    """One search result, described from the catalog. `score` is the cosine similarity to the query."""

    item_id: str
    title: str
    score: float
    year: int | None
    genres: tuple[str, ...]
    runtime: int | None
    imdb_rating: float | None
    mpaa: str | None


@dataclass(frozen=True)
class SearchResult:
    """Hits plus where the time went: embedding the query and the Chroma query."""

    hits: list[Hit]
    embed_ms: float
    query_ms: float

    @property
    def total_ms(self) -> float:
        return self.embed_ms + self.query_ms


@dataclass(frozen=True)
class IndexReport:
    """What `Retriever.open` did with the index."""

    action: Literal["built", "rebuilt", "reused"]
    collection: str
    count: int
    seconds: float
    fingerprint: str


@dataclass(frozen=True)
class RetrieverConfig:
    """How the index is built."""

    batch_size: int = 256  # items per add (and per progress-bar step)
    progress: bool = True  # show a tqdm bar while embedding


class UnknownGenreError(ValueError):
    """A filter names a genre the catalog does not have. The caller (or the model) can fix this."""

    def __init__(self, genres: Sequence[str], known: Sequence[str]):
        super().__init__(f"unknown genre(s) {', '.join(genres)}; known: {', '.join(known)}")
        self.genres = tuple(genres)
        self.known = tuple(known)


def _for_chroma(ef: MiniLMEmbeddingFunction) -> EmbeddingFunction[Embeddable]:
    """Chroma's client methods are typed for any `Embeddable`; ours embeds documents (text) only."""
    return cast(EmbeddingFunction[Embeddable], ef)


def collection_name(dataset: str) -> str:
    """A valid Chroma collection name for a dataset (3-512 chars of [a-zA-Z0-9._-])."""
    return "items-" + re.sub(r"[^a-zA-Z0-9._-]+", "-", dataset).strip("-._")


def persistent_client(home: Path) -> ClientAPI:
    """An embedded Chroma client storing under `<home>/chroma/`, telemetry off (we are offline)."""
    path = home / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False))


def chroma_client(home: Path, env: Mapping[str, str] | None = None) -> ClientAPI:
    """A Chroma server's client when `RECAGENT_CHROMA_URL` is set (`http://host:port`, the address of
    `chroma run --path DIR --port P`), else the embedded one under `<home>/chroma/`."""
    url = (env if env is not None else os.environ).get("RECAGENT_CHROMA_URL", "").strip()
    if not url:
        return persistent_client(home)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"RECAGENT_CHROMA_URL must be http(s)://host:port, not {url!r}")
    return chromadb.HttpClient(
        host=parts.hostname, port=parts.port or (443 if parts.scheme == "https" else 8000),
        ssl=parts.scheme == "https", settings=Settings(anonymized_telemetry=False),
    )  # fmt: skip


def _hit(item: Item, distance: float) -> Hit:
    runtime, rating, mpaa = (
        known_value(item.attributes.get(key)) for key in ("runtime", "imdb_rating", "mpaa")
    )
    return Hit(
        item_id=item.id,
        title=item.title,
        score=1.0 - float(distance),
        year=item.year,
        genres=item.genres,
        runtime=None if runtime is None else int(runtime),
        imdb_rating=None if rating is None else float(rating),
        mpaa=None if mpaa is None else str(mpaa),
    )


def _index_metadata(fingerprint: str, encoder: TextEncoder, count: int) -> dict[str, str | int]:
    return {"fingerprint": fingerprint, "encoder": encoder.model_name, "items": count}


def _is_current(collection: Collection, fingerprint: str, encoder: TextEncoder, count: int) -> bool:
    """True when the stored index embeds exactly this catalog with this model, completely."""
    meta = collection.metadata or {}
    expected = _index_metadata(fingerprint, encoder, count)
    return all(meta.get(k) == v for k, v in expected.items()) and collection.count() == count


BEAT_S = 60.0  # a build whose last heartbeat is this recent is another process's, under way: waited for


def _building(beat: float) -> dict[str, Any]:
    return {"fingerprint": "building", "beat": beat}


def _under_way(collection: Collection) -> bool:
    """Another process is building this collection (its heartbeat is recent); a build that stopped
    beating (a crash) is not, and is rebuilt."""
    meta = collection.metadata or {}
    beat = meta.get("beat")
    return (
        meta.get("fingerprint") == "building"
        and isinstance(beat, int | float)
        and time.time() - beat < BEAT_S
    )


def _wait_for(client: ClientAPI, name: str, ef: MiniLMEmbeddingFunction) -> Collection | None:
    """The collection once another process's build under way has finished (or stopped beating)."""
    while (collection := _existing(client, name, ef)) is not None and _under_way(collection):
        time.sleep(0.5)
    return collection


def _build(
    client: ClientAPI,
    name: str,
    catalog: Catalog,
    ef: MiniLMEmbeddingFunction,
    config: RetrieverConfig,
    vectors: np.ndarray | None,
) -> tuple[Collection, np.ndarray]:
    """Create the collection and add every item in batches (embedded here unless `vectors` holds them),
    beating as it goes (`_under_way`); returns it with the item vectors. The fingerprint is written
    last, so an interrupted build is never mistaken for a current one."""
    collection = client.create_collection(
        name,
        configuration={"hnsw": {"space": "cosine"}},
        metadata=_building(time.time()),
        embedding_function=_for_chroma(ef),
    )
    genres = catalog.genres()
    batch = max(1, min(config.batch_size, client.get_max_batch_size()))
    rows: list[np.ndarray] = []
    with tqdm(total=len(catalog), desc=f"indexing {name}", unit="item", disable=not config.progress) as bar:
        for start in range(0, len(catalog), batch):
            items = catalog.items[start : start + batch]
            documents = [it.text or it.title for it in items]
            embedded = ef.encoder.encode(documents) if vectors is None else vectors[start : start + batch]
            rows.append(np.asarray(embedded, dtype=np.float32))
            collection.add(
                ids=[it.id for it in items],
                embeddings=rows[-1],
                documents=documents,
                metadatas=[item_metadata(it, genres) for it in items],
            )
            bar.update(len(items))
            collection.modify(metadata=_building(time.time()))
    collection.modify(metadata=_index_metadata(catalog.fingerprint(), ef.encoder, len(catalog)))
    return collection, np.concatenate(rows) if rows else np.zeros((0, ef.encoder.dim), np.float32)


def _stored_vectors(collection: Collection, catalog: Catalog) -> np.ndarray:
    """(N, d) the item vectors a current index holds, in catalog order (read back page by page)."""
    out: np.ndarray | None = None
    for offset in range(0, len(catalog), PAGE):
        page = collection.get(limit=PAGE, offset=offset, include=["embeddings"])
        embeddings = np.asarray(page["embeddings"], dtype=np.float32)
        if out is None:
            out = np.zeros((len(catalog), embeddings.shape[1]), dtype=np.float32)
        out[[catalog.index_of(i) for i in page["ids"]]] = embeddings
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def _existing(client: ClientAPI, name: str, ef: MiniLMEmbeddingFunction) -> Collection | None:
    try:
        return client.get_collection(name, embedding_function=_for_chroma(ef))
    except NotFoundError:
        return None


class Retriever:
    """Semantic search over one catalog's Chroma collection, under a request's hard filters."""

    def __init__(
        self, collection: Collection, catalog: Catalog, embedding_function: MiniLMEmbeddingFunction,
        report: IndexReport, vectors: np.ndarray,
    ):  # fmt: skip
        self.collection = collection
        self.catalog = catalog
        self.embedding_function = embedding_function
        self.report = report
        self.vectors = vectors  # (N, d) unit-norm item vectors, catalog order: what the index holds
        self.columns = ItemColumns(catalog)
        self._genres = {g.casefold(): g for g in catalog.genres()}

    @classmethod
    def open(
        cls,
        catalog: Catalog,
        home: Path | None = None,
        *,
        name: str,
        client: ClientAPI | None = None,
        encoder: TextEncoder | None = None,
        config: RetrieverConfig = RetrieverConfig(),
        rebuild: bool = False,
        vectors: np.ndarray | None = None,
    ) -> Retriever:
        """Open the index of `catalog` named `name`: reuse it when current, else (re)build it.

        `client` defaults to `chroma_client(home)`: the server at `RECAGENT_CHROMA_URL` when set, else a
        `PersistentClient` under `<home>/chroma/`. `encoder` defaults to the shared MiniLM. `rebuild`
        forces a fresh index. `vectors`: the items' vectors by this encoder, when the caller has them (a
        build adds them instead of embedding again; a reused index is not read back)."""
        if client is None:
            if home is None:
                raise ValueError("Retriever.open needs either home or client")
            client = chroma_client(home)
        ef = MiniLMEmbeddingFunction(encoder)
        coll_name = collection_name(name)
        fingerprint = catalog.fingerprint()
        start = time.perf_counter()
        collection = _existing(client, coll_name, ef)
        if collection is not None and not rebuild and _under_way(collection):  # another worker is building it
            collection = _wait_for(client, coll_name, ef)
        action: Literal["built", "rebuilt", "reused"] = "built"
        if (
            collection is not None
            and not rebuild
            and _is_current(collection, fingerprint, ef.encoder, len(catalog))
        ):
            action = "reused"
        else:
            if collection is not None:
                client.delete_collection(coll_name)
                action = "rebuilt"
            try:
                collection, vectors = _build(client, coll_name, catalog, ef, config, vectors)
            except ChromaError:  # another worker created it a moment before this one: use its build
                collection = _wait_for(client, coll_name, ef)
                if collection is None or not _is_current(collection, fingerprint, ef.encoder, len(catalog)):
                    raise
                action = "reused"
        if vectors is None:
            vectors = _stored_vectors(collection, catalog)
        report = IndexReport(action, coll_name, collection.count(), time.perf_counter() - start, fingerprint)
        return cls(collection, catalog, ef, report, vectors)

    def resolve_genres(self, filters: Request) -> Request:
        """Filters with genres in the catalog's spelling (case-insensitive); unknown ones raise."""
        names = (*filters.genres, *filters.all_genres, *filters.exclude_genres)
        unknown = [g for g in names if g.casefold() not in self._genres]
        if unknown:
            raise UnknownGenreError(unknown, list(self._genres.values()))
        spelled = {
            key: [self._genres[g.casefold()] for g in getattr(filters, key)]
            for key in ("genres", "all_genres", "exclude_genres")
        }
        return filters.model_copy(update=spelled)

    def warm_up(self) -> None:
        """Load the sentence model now (a reused index needs it only at the first query)."""
        self.embedding_function.embed_query(["warm-up"])

    def search_timed(
        self,
        query: str,
        filters: Request = NO_FILTERS,
        k: int = 10,
        exclude_ids: Iterable[str] = (),
    ) -> SearchResult:
        """`search` plus the time spent embedding the query and finding its nearest allowed items."""
        resolved = self.resolve_genres(filters)
        if k <= 0:
            return SearchResult([], 0.0, 0.0)
        deny = {self.catalog.index_of(i) for i in exclude_ids if i in self.catalog}
        allowed = self.columns.mask(resolved, deny=deny) if resolved.filters() or deny else None
        t0 = time.perf_counter()
        vector = self.embedding_function.embed_query([query])[0]  # (d,)
        t1 = time.perf_counter()
        found = self._nearest(vector, allowed, k)
        t2 = time.perf_counter()
        hits = [_hit(self.catalog[i], d) for i, d in found]
        return SearchResult(hits, (t1 - t0) * 1000.0, (t2 - t1) * 1000.0)

    def _nearest(self, vector: np.ndarray, allowed: np.ndarray | None, k: int) -> list[tuple[int, float]]:
        """(item index, cosine distance) of the `k` nearest items `allowed` passes, nearest first."""
        if allowed is None:
            return self._from_chroma(vector, k, None)
        share = int(allowed.sum()) / max(1, len(allowed))
        if share == 0.0:
            return []
        fetch = min(len(allowed), math.ceil(k / share * OVERFETCH))
        if fetch <= MAX_FETCH:
            found = self._from_chroma(vector, fetch, allowed)
            if len(found) >= k or fetch == len(allowed):
                return found[:k]
        rows = np.flatnonzero(allowed)
        similarity = self.vectors[rows] @ vector  # (M,) cosine: unit-norm rows
        return [(int(rows[j]), 1.0 - float(similarity[j])) for j in top_k(similarity, min(k, len(rows)))]

    def _from_chroma(self, vector: np.ndarray, n: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        found = self.collection.query(query_embeddings=vector[None, :], n_results=n, include=["distances"])
        ids, distances = found["ids"][0], (found["distances"] or [[]])[0]
        indices = [
            (self.catalog.index_of(i), float(d))
            for i, d in zip(ids, distances, strict=True)
            if i in self.catalog
        ]
        return [(i, d) for i, d in indices if allowed is None or allowed[i]]

    def search(
        self,
        query: str,
        filters: Request = NO_FILTERS,
        k: int = 10,
        exclude_ids: Iterable[str] = (),
    ) -> list[Hit]:
        """The `k` items closest in meaning to `query` that pass `filters` and are not in `exclude_ids`,
        best first. Raises `UnknownGenreError` for a genre the catalog lacks."""
        return self.search_timed(query, filters, k, exclude_ids).hits
