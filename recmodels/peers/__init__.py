"""Scripts that run in a peer toolkit's own virtual environment (`recmodels.peer_recbole`), never imported
by recagent itself."""
