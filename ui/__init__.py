"""User-facing entry points (CLI; later the Gradio UI and terminal chat).

GNU OpenMP threads busy-wait by default: with another process on one of the two cores, torch
training and per-user latency get several times slower. Passive waiting must be set before torch
loads, so it is the default for every entry point here.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# No display here: plots render to files, and Gradio's per-request backend switch stays cheap.
os.environ.setdefault("MPLBACKEND", "Agg")
