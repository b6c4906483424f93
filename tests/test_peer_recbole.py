"""The toolkit's SASRec as a peer: its benchmark files are our split, it runs in its own environment, our
metrics score its rankings in the same table, and a second run reuses its scores."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from split_fixtures import split_of
from test_evaluate import cyclic_dataset

from recmodels import peer_recbole
from recmodels.evaluate import REGISTRY, Variant, evaluate_models
from recmodels.peer_recbole import PEER, PeerError, PeerScores, peer_python, write_benchmark

PEERS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts" / "peers"


def rows(path: Path) -> list[tuple[str, list[int], int]]:
    """(user, input items, target) of each row after the header."""
    lines = path.read_text().splitlines()
    assert lines[0] == "user_id:token\titem_id_list:token_seq\titem_id:token"
    out = []
    for line in lines[1:]:
        user, items, target = line.split("\t")
        out.append((user, [int(i) for i in items.split()], int(target)))
    return out


def test_benchmark_rows_are_the_splits_inputs_and_targets(tmp_path: Path) -> None:
    # user 0: 5 3 7 | 2 (valid) | 9 4 rated in one second (test group); user 1 has no ties.
    split = split_of([[5, 3, 7, 2, 9, 4], [1, 2, 3, 4, 6]], times=[[0, 1, 2, 3, 4, 4], [0, 1, 2, 3, 4]])
    users = write_benchmark(split, tmp_path, max_len=2)
    assert users == [0, 1]
    assert rows(tmp_path / "peer.train.inter") == [
        ("0", [5], 3),
        ("0", [5, 3], 7),
        ("1", [1], 2),
        ("1", [1, 2], 3),
    ]
    assert rows(tmp_path / "peer.valid.inter") == [("0", [3, 7], 2), ("1", [2, 3], 4)]
    # every item of user 0's tied test group is a row of its own, after the last max_len items
    assert rows(tmp_path / "peer.test.inter") == [("0", [7, 2], 4), ("0", [7, 2], 9), ("1", [3, 4], 6)]


def test_peer_scores_answer_the_scored_histories_only() -> None:
    scores = np.arange(6, dtype=np.float32).reshape(2, 3)
    peer = PeerScores([np.array([1, 2]), np.array([0])], scores)
    np.testing.assert_array_equal(peer.score([np.array([0]), np.array([1, 2])]), scores[[1, 0]])
    with pytest.raises(PeerError, match="only the test histories"):
        peer.score([np.array([2, 1])])


@pytest.mark.slow
def test_recbole_sasrec_runs_in_its_own_environment_and_is_scored_here(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real RecBole 1.2.1 (its environment built once into test-artifacts/peers) on a learnable
    pattern, a few epochs: it beats popularity in our table, the latency is not ours to report, and the
    second run reuses its scores."""
    monkeypatch.setenv("RECAGENT_PEERS", str(PEERS_DIR))
    python = peer_python(PEERS_DIR / PEER, progress=False)
    numpy_there = subprocess.run(
        [str(python), "-c", "import numpy, recbole; print(numpy.__version__, recbole.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert numpy_there[0].startswith("1.") and numpy_there[1] == "1.2.1"  # not recagent's numpy 2
    monkeypatch.setitem(peer_recbole.RECBOLE_SASREC, "epochs", 15)
    dataset = cyclic_dataset(num_users=60, tied_users=20)
    registry = {
        **REGISTRY,
        "recbole-sasrec": (Variant("recbole-sasrec", "history", peer_recbole.fit_recbole_sasrec),),
    }
    logged: list[str] = []
    report = evaluate_models(
        dataset, ["popularity", "recbole-sasrec"], 1, home, registry=registry, log=logged.append
    )
    popularity, peer = report.results
    assert peer.metrics["ndcg@10"] > 2 * popularity.metrics["ndcg@10"]
    assert np.isnan(peer.latency_ms_p50) and "recbole-sasrec/history" in report.table()
    assert "trained in recbole-1.2.1's environment" in report.notes[1]
    again = evaluate_models(dataset, ["recbole-sasrec"], 1, home, registry=registry, log=logged.append)
    assert "reused the peer's scores" in again.notes[0]
    assert again.results[0].metrics == peer.metrics
