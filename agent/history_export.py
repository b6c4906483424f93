"""A session's recommendations out: a CSV Letterboxd imports (as a list or watchlist), a plain CSV, JSON.

    rows = recommended(session.data, catalog)       # every item shown, first showing first
    Path("picks.csv").write_text(to_letterboxd(rows))

Each item appears once, at the turn and rank it was first shown, with what the user said of it (liked,
disliked, rejected, or nothing). Titles are written the way Letterboxd writes them (main title, article
in front), so `recagent import` reads the file back to the same films.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Literal

from agent.context import SessionData
from agent.title_match import names
from recmodels.catalog import Catalog

ExportFormat = Literal["letterboxd", "csv", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("letterboxd", "csv", "json")


@dataclass(frozen=True)
class Recommended:
    item_id: str
    title: str  # as Letterboxd writes it
    year: int | None
    turn: int  # the turn it was first shown in
    rank: int  # its place in that list (1-based)
    verdict: str  # "liked" / "disliked" / "rejected" / ""


def recommended(data: SessionData, catalog: Catalog) -> list[Recommended]:
    state = data.state
    verdict = {i: "rejected" for i in state.rejected} | {i: "liked" for i in state.liked}
    verdict |= {i: "disliked" for i in state.disliked}
    out, seen = [], set()
    for entry in data.transcript:
        if entry["role"] != "assistant":
            continue
        for rank, item_id in enumerate(entry.get("items") or [], start=1):
            if item_id in seen or item_id not in catalog:
                continue
            seen.add(item_id)
            index = catalog.index_of(item_id)
            item = catalog[index]
            title = (names(item.title) or [item.title])[0]
            out.append(
                Recommended(item_id, title, item.year, int(entry["turn"]), rank, verdict.get(index, ""))
            )
    return out


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def to_letterboxd(rows: list[Recommended]) -> str:
    """Letterboxd's import columns (Title, Year, Tags): a list of the picks, tagged "recagent"."""
    return _csv(["Title", "Year", "Tags"], [[r.title, r.year or "", "recagent"] for r in rows])


def export_text(rows: list[Recommended], fmt: ExportFormat) -> str:
    if fmt == "letterboxd":
        return to_letterboxd(rows)
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1) + "\n"
    fields = list(Recommended.__dataclass_fields__)
    return _csv(fields, [[getattr(r, f) if getattr(r, f) is not None else "" for f in fields] for r in rows])
