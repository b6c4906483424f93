"""The understanding's checkpoint: `<home>/models/nlu/` with `model.safetensors` (the heads' weights
and the exemplar bank's vectors) and `config.json` (training config, tag set, bank phrases, threshold).

One model per RECAGENT_HOME, shared by every dataset (its training data is generated, not read).
`load_understander` trains it when it is missing, was written by another format version or trained
from other generator sources (`fingerprint`), and
writes it atomically (a temporary folder renamed into place), so a crash never leaves half a model.

    understander = load_understander(home)                  # loads, or trains (~2-3 min) and saves
    save(trained, config, home / "models" / "nlu")
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from agent.nlu.concepts import ConceptBank
from agent.nlu.encoder import WordEncoder
from agent.nlu.model import Understander
from agent.nlu.network import JointNet, NetConfig
from agent.nlu.reading import INTENTS
from agent.nlu.tags import FLAGS, TAGS
from agent.nlu.training import TrainConfig, Trained, train
from recmodels.checkpoints import source_fingerprint
from recmodels.home import replace_dir

FORMAT = 1  # bump when the tags, the network or the generator's conventions change
# The modules that make the training data and the network: a checkpoint trained from other versions of
# them is retrained (an upgrade never serves a model its generator no longer describes).
SOURCES = (
    "generator", "request_phrases", "constraint_phrases", "genre_phrases", "genre_words", "lexicon", "noise",
    "spelling", "template", "frame", "tags", "numbers", "training", "network", "concepts", "encoder",
)  # fmt: skip


def fingerprint() -> str:
    """sha256 of the training modules' source text."""
    return source_fingerprint(Path(__file__).parent / f"{name}.py" for name in SOURCES)


def model_dir(home: Path) -> Path:
    return home / "models" / "nlu"


def save(trained: Trained, config: TrainConfig, directory: Path) -> None:
    """Write the checkpoint into `directory` (replacing one there) through a temporary sibling."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".nlu-", dir=directory.parent))
    try:
        tensors = {f"net.{k}": v.detach().contiguous() for k, v in trained.net.state_dict().items()}
        tensors["bank.vectors"] = torch.from_numpy(np.ascontiguousarray(trained.bank.vectors))
        save_file(tensors, str(staging / "model.safetensors"))
        meta = {
            "format": FORMAT,
            "sources": fingerprint(),
            "train": asdict(config),
            "net": asdict(trained.net.config),
            "tags": list(TAGS),
            "intents": list(INTENTS),
            "flags": list(FLAGS),
            "bank": {
                "phrases": trained.bank.phrases,
                "genres": [list(g) for g in trained.bank.genres],
                "threshold": trained.bank.threshold,
            },
            "report": trained.report,
        }
        (staging / "config.json").write_text(json.dumps(meta, indent=1) + "\n")
        replace_dir(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def compatible(directory: Path) -> bool:
    """Whether a checkpoint of this format, training sources, tag set and intents is there."""
    try:
        meta = json.loads((directory / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        meta.get("format") == FORMAT
        and meta.get("sources") == fingerprint()
        and meta.get("tags") == list(TAGS)
        and meta.get("intents") == list(INTENTS)
        and meta.get("flags") == list(FLAGS)
        and (directory / "model.safetensors").exists()
    )


def load(directory: Path) -> Understander:
    meta = json.loads((directory / "config.json").read_text())
    tensors = load_file(str(directory / "model.safetensors"))
    net = JointNet(NetConfig(**meta["net"]))
    net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
    bank = ConceptBank(
        meta["bank"]["phrases"],
        [tuple(g) for g in meta["bank"]["genres"]],
        tensors["bank.vectors"].numpy(),
        float(meta["bank"]["threshold"]),
    )
    understander = Understander(net, bank, WordEncoder(meta["train"]["layers"]))
    understander.warm_up()
    return understander


def load_understander(home: Path, progress: bool = True, config: TrainConfig | None = None) -> Understander:
    """The understanding of `home/models/nlu/`, trained and saved there first when missing."""
    directory = model_dir(home)
    if not compatible(directory):
        config = config or TrainConfig()
        start = time.perf_counter()
        trained = train(config, progress)
        trained.report["train_s"] = time.perf_counter() - start
        save(trained, config, directory)
    return load(directory)
