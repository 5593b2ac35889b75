"""Federated learning across agencies (issue 9): the judgment reader trained without pooling the judgments.

- ``privacy``: clipping, distributed Gaussian noise and the (epsilon, delta) accounting (pure; OpenDP);
- ``plan``: the settings of one federated run, carried to the Flower apps as run config;
- ``client_app`` / ``server_app``: the Flower ClientApp (one per agency) and ServerApp (SecAgg+, FedAvg);
- ``processes`` / ``runtime``: the SuperLink, SuperNodes and ``flwr run`` as separate processes on 127.0.0.1,
  every one stopped by process id.
"""
