"""The catalog's Chroma collection: how it is opened, built, reused and read back.

One persistent collection per dataset under `<RECAGENT_HOME>/chroma/` (or on the Chroma server at
`RECAGENT_CHROMA_URL`, e.g. `chroma run --path DIR --port 8000`: `chroma_client`), cosine space.
Documents are `item.text`, embedded by `MiniLMEmbeddingFunction`, which is registered with Chroma: a collection
reopened by any client (this process or a fresh one) embeds with the same offline model and never
falls back to Chroma's default embedding function (which downloads a model and fails offline).
The collection metadata stores the catalog fingerprint; `open_index` reuses a current index and
rebuilds a stale or half-built one. Several processes opening one server's index at once share one
build: a build under way beats a heartbeat and is waited for, not replaced.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
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

from recmodels.catalog import Catalog
from recmodels.text_encoder import MODEL_NAME, TextEncoder, default_encoder
from tools.item_metadata import item_metadata

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


@dataclass(frozen=True)
class OpenIndex:
    """A collection ready to search, its embedding function, the item vectors it holds (catalog order)
    and what was done to open it."""

    collection: Collection
    embedding_function: MiniLMEmbeddingFunction
    vectors: np.ndarray  # (N, d) unit-norm
    report: IndexReport


def open_index(
    catalog: Catalog,
    client: ClientAPI,
    name: str,
    encoder: TextEncoder | None,
    config: RetrieverConfig,
    rebuild: bool,
    vectors: np.ndarray | None,
) -> OpenIndex:
    """The index of `catalog` named `name` on `client`: reused when current, else (re)built (`rebuild`
    forces it); `vectors`, when given, are added by a build and not read back from a reused index."""
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
    return OpenIndex(collection, ef, vectors, report)
