"""`recagent llm install` and `recagent llm serve`: a real language model on this machine.

recagent llm install --model qwen2.5-coder-1.5b
recagent llm serve --port 8081          # OpenAI-compatible, http://127.0.0.1:8081/v1, until Ctrl-C

`RECAGENT_LLM=local` makes `recagent ui`, `chat` and `simulate` start the installed model in their own
process and answer with it (the offline model stays the fallback).
"""

from __future__ import annotations

import argparse
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    from agent.local_llm import DEFAULT_MODEL, MODELS  # noqa: PLC0415

    llm = subparsers.add_parser("llm", help="install or serve the local language model")
    sub = llm.add_subparsers(dest="llm_command", required=True)
    install = sub.add_parser("install", help="download, assemble and verify the model (reused when done)")
    serve = sub.add_parser("serve", help="an OpenAI-compatible server on 127.0.0.1 (tool calls included)")
    for parser in (install, serve):
        parser.add_argument(
            "--model", choices=sorted(MODELS), default=DEFAULT_MODEL, help=f"default {DEFAULT_MODEL}"
        )
    serve.add_argument(
        "--port", type=int, default=8081, help="port on 127.0.0.1 (default 8081; 0: any free one)"
    )
    serve.add_argument(
        "--threads", type=int, default=None, help="llama.cpp threads (default: 1 on <= 2 cores)"
    )
    install.set_defaults(handler=install_command)
    serve.set_defaults(handler=serve_command)


def install_command(args: argparse.Namespace) -> int:
    from agent.local_llm import MODELS, install, installed  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415

    model, home = MODELS[args.model], recagent_home()
    reused = installed(home, model) is not None
    start = time.perf_counter()
    path = install(model, home)
    how = "reused (verified when installed)" if reused else "installed and verified"
    print(f"{model.name} {how}: {path}, {model.size:,} bytes, sha256 {model.sha256}, "
          f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    return 0


def serve_command(args: argparse.Namespace) -> int:
    from agent.local_llm import MODELS, install, serve  # noqa: PLC0415
    from recmodels.home import recagent_home  # noqa: PLC0415

    model = MODELS[args.model]
    path = install(model, recagent_home())
    start = time.perf_counter()
    server = serve(path, model.name, args.port, args.threads)
    print(f"{model.name} on {server.url} ({server.threads} thread(s), loaded in "
          f"{time.perf_counter() - start:.1f} s); Ctrl-C stops it", flush=True)  # fmt: skip
    while True:
        time.sleep(3600)
