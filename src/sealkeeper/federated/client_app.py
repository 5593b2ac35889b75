"""The Flower ClientApp: one per agency, on that agency's SuperNode.

The SuperNode's node config names the agency (``agency=<index>``); the ClientApp reads that agency's judgments
only (here from the deterministic synthetic corpus: a real agency would read its own store). A training round:
set the global parameters, train locally, and send the update. With the record unit of privacy (the default),
local training is DP-SGD (``ReaderModel.fit_private``: per-judgment clipping, Gaussian noise from the operating
system's entropy at every step) and the update is sent as it comes out; with the agency unit, local training is
plain and the update is clipped to L2 norm ``clip`` with this agency's share of the Gaussian noise
(``privacy.privatise``). With ``secagg`` on in the run config, every training
message goes through Flower's ``secaggplus_mod``, which masks the update so that the server learns only the sum;
a training message without the SecAgg+ protocol is then refused rather than answered in the clear.
"""

from __future__ import annotations

from flwr.app import Context, Message
from flwr.app.message_type import MessageType
from flwr.client import NumPyClient
from flwr.client.mod import secaggplus_mod
from flwr.clientapp import ClientApp
from flwr.clientapp.typing import ClientAppCallable
from flwr.common import NDArrays, Scalar
from flwr.common.secure_aggregation.secaggplus_constants import RECORD_KEY_CONFIGS

from sealkeeper.federated import privacy
from sealkeeper.federated.plan import Plan
from sealkeeper.reader.corpus import AgencyData, make_corpus
from sealkeeper.reader.model import ReaderModel


def agency_data(plan: Plan, index: int) -> AgencyData:
    """This agency's partition of the synthetic corpus (deterministic for the plan's seed).

    An agency's documents are drawn from (seed, agency) alone, so the corpus is generated up to this agency only
    (a test checks it equals the whole corpus's partition).
    """
    if not 0 <= index < plan.agencies:
        raise ValueError(f"agency index {index} outside 0..{plan.agencies - 1}")
    return make_corpus(seed=plan.seed, agencies=index + 1, per_agency=plan.per_agency)[index]


def round_seed(seed: int, server_round: int, index: int) -> int:
    """The seed of one agency's local training in one round (shuffling only; never the noise)."""
    return (seed * 1_000_003 + server_round * 1_009 + index) % 2**32


class AgencyClient(NumPyClient):
    """One agency: trains the reader on its own judgments and evaluates it on its own held-out ones."""

    def __init__(self, plan: Plan, index: int) -> None:
        self.plan, self.index = plan, index
        self.data = agency_data(plan, index)

    def _model(self, parameters: NDArrays) -> ReaderModel:
        model = ReaderModel.initial(seed=self.plan.seed)
        model.set_params(list(parameters))
        return model

    def get_parameters(self, config: dict[str, Scalar]) -> NDArrays:
        return list(ReaderModel.initial(seed=self.plan.seed).get_params())

    def fit(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[NDArrays, int, dict[str, Scalar]]:
        model = self._model(parameters)
        if self.plan.privacy_unit == "record":
            model.fit_private(
                self.data.train, steps=self.plan.record_steps, learning_rate=self.plan.record_learning_rate,
                privacy=self.plan.record_privacy(), rng=privacy.noise_rng(),
            )  # fmt: skip
            # weight 1: FedAvg over agencies, and the count of an agency's judgments is not revealed
            return list(privacy.difference(model.get_params(), parameters)), 1, {}
        seed = round_seed(self.plan.seed, int(config.get("round", 0)), self.index)
        model.fit(self.data.train, epochs=self.plan.epochs, learning_rate=self.plan.learning_rate, seed=seed)
        update = privacy.difference(model.get_params(), parameters)
        std = privacy.noise_std(
            noise_multiplier=self.plan.noise_multiplier, clip_bound=self.plan.clip, agencies=self.plan.agencies
        )
        # weight 1: FedAvg over agencies, and the count of an agency's judgments is not revealed
        return list(privacy.privatise(update, clip_bound=self.plan.clip, std=std)), 1, {}

    def evaluate(self, parameters: NDArrays, config: dict[str, Scalar]) -> tuple[float, int, dict[str, Scalar]]:
        metrics = self._model(parameters).evaluate(self.data.test)
        return (
            1.0 - metrics.charge_accuracy,
            metrics.n,
            {
                "agency": self.index,
                "charge_accuracy": metrics.charge_accuracy,
                "sentence_exact": metrics.sentence_exact,
            },
        )


def client_fn(context: Context) -> object:
    plan = Plan.from_run_config(context.run_config)
    return AgencyClient(plan, int(context.node_config["agency"])).to_client()


def secagg_when_planned(msg: Message, ctxt: Context, call_next: ClientAppCallable) -> Message:
    """SecAgg+ on every training message when the run asks for it; a plain training message is then refused."""
    if Plan.from_run_config(ctxt.run_config).secagg:
        if msg.metadata.message_type == MessageType.TRAIN and RECORD_KEY_CONFIGS not in msg.content.config_records:
            raise ValueError("this run requires SecAgg+: an update is never sent in the clear")
        return secaggplus_mod(msg, ctxt, call_next)
    return call_next(msg, ctxt)


app = ClientApp(client_fn=client_fn, mods=[secagg_when_planned])  # type: ignore[arg-type]  # flwr's client_fn type
