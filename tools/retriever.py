"""The vector retriever: catalog items in a Chroma collection (`tools.chroma_index`: opening, building,
reusing it; embedded or on a server), searched by meaning under hard filters.

Filters are one mask over the catalog's columns (`tools.item_columns`, the same mask the `recommend`
engine uses), not Chroma's `where`: Chroma evaluates a `where` over every item's metadata and then
searches the graph for items that pass, 80-170 ms a query at 100k items whatever the filter keeps
(2026-12-07, docs/deployment.md). A filter that keeps a large share takes Chroma's nearest `k / share x
OVERFETCH` items and keeps those that pass; one that keeps few is answered exactly, by cosine over the
item vectors that pass.

    recagent index --dataset ml-latest-small
    recagent search --dataset ml-latest-small "space adventure" --exclude-genre Comedy --year-min 1990
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from recmodels.catalog import Catalog, Item
from recmodels.metrics import top_k
from recmodels.text_encoder import TextEncoder
from tools.chroma_index import (
    IndexReport,
    MiniLMEmbeddingFunction,
    RetrieverConfig,
    chroma_client,
    open_index,
)
from tools.item_columns import columns_of
from tools.item_metadata import known_value
from tools.request import Request

NO_FILTERS = Request()
DEFAULT_BUILD = RetrieverConfig()
OVERFETCH = 3  # a filter keeping a share s of the items: Chroma's nearest k / s x this, then the mask
MAX_FETCH = 400  # more than this many from Chroma: exact cosine over the items that pass instead


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


class UnknownGenreError(ValueError):
    """A filter names a genre the catalog does not have. The caller (or the model) can fix this."""

    def __init__(self, genres: Sequence[str], known: Sequence[str]):
        super().__init__(f"unknown genre(s) {', '.join(genres)}; known: {', '.join(known)}")
        self.genres = tuple(genres)
        self.known = tuple(known)


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
        self.columns = columns_of(catalog)  # shared with the recommend engine
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
        config: RetrieverConfig = DEFAULT_BUILD,
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
        index = open_index(catalog, client, name, encoder, config, rebuild, vectors)
        return cls(index.collection, catalog, index.embedding_function, index.report, index.vectors)

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
