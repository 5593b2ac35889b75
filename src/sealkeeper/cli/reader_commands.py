"""`sealkeeper reader …`: train the judgment reader on the synthetic corpus, list and show saved versions, attach
its proposals to stored records, and review them fact by fact (``review``, ``apply``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from sealkeeper.cli.context import now, settings, today
from sealkeeper.reader.facts import FIELDS
from sealkeeper.services import reader_models, reader_proposals


def version_number(text: str) -> int:
    """``3`` or ``v3``."""
    digits = text.removeprefix("v")
    if not digits.isdigit() or int(digits) < 1:
        raise click.BadParameter(f"{text!r} is not a model version (v1, v2, …)")
    return int(digits)


@click.group()
def reader() -> None:
    """The judgment reader (issue 9): proposes charge, sentence, dates and juvenile from a judgment's text."""


@reader.command("train")
@click.option("--agencies", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option("--per-agency", type=click.IntRange(8, 100_000), default=400, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--no-save", is_flag=True, help="print the figures only; save no model version")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def train_command(agencies: int, per_agency: int, seed: int, no_save: bool, fmt: str) -> None:
    """Train on synthetic judgments pooled from every agency (saved as the next version) and, for comparison,
    each agency alone; all scored on every agency's held-out documents."""
    report = reader_models.train(settings(), seed=seed, agencies=agencies, per_agency=per_agency, today=today(),
                                 keep=not no_save)  # fmt: skip
    if fmt == "json":
        click.echo(json.dumps(report.json(), ensure_ascii=False, indent=2))
        return
    table = Table("model", "trained on", "charge accuracy", "sentence exact", "charge accuracy (own test)")
    c = report.centralised
    table.add_row("centralised", "all agencies pooled", f"{c.charge_accuracy:.3f}", f"{c.sentence_exact:.3f}", "")
    for name, m, own in zip(report.agencies, report.local, report.local_own, strict=True):
        table.add_row(
            "local", name, f"{m.charge_accuracy:.3f}", f"{m.sentence_exact:.3f}", f"{own.charge_accuracy:.3f}"
        )
    Console().print(table)
    click.echo(f"scored on {c.n} held-out documents of {len(report.agencies)} agencies")
    if report.version is not None:
        click.echo(f"saved as reader model v{report.version} ({reader_models.models_root(settings())})")


@reader.command("models")
def models_command() -> None:
    """The saved versions, with their figures."""
    click.echo(json.dumps(reader_models.list_models(settings()), ensure_ascii=False, indent=2))


@reader.command("show")
@click.argument("version", required=False)
def show_command(version: str | None) -> None:
    """The model card of VERSION (default: the latest), after checking it against the weights."""
    _, card = reader_models.load(settings(), version_number(version) if version else None)
    click.echo(json.dumps(card, ensure_ascii=False, indent=2))


def prepare_proposals(texts: Path, version: str | None) -> Callable[[], None]:
    """Read TEXTS and load the model now (so a bad file or model stops before anything is written); the
    returned call proposes and attaches, printing what it did."""
    items = reader_proposals.read_texts(texts)
    chosen = version_number(version) if version else reader_models.latest(settings())
    model, _ = reader_models.load(settings(), chosen)

    def attach() -> None:
        counts = reader_proposals.attach(settings(), texts, items, model=model, model_version=chosen, today=today())
        click.echo(
            f"{texts}: {counts['proposed']} proposals by reader model v{chosen} await review (needs_review)"
            + (f"; {counts['kept_decided']} already decided, kept" if counts["kept_decided"] else "")
        )

    return attach


@reader.command("propose")
@click.argument("texts", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--model", "version", help="the model version (v1, v2, …; default: the latest)")
def propose_command(texts: Path, version: str | None) -> None:
    """Attach the reader's proposals for judgment TEXTS (JSON Lines: bundle, record, text) to stored records,
    for a clerk to confirm on the case page."""
    prepare_proposals(texts, version)()


def _echo(value: object) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _value(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text  # a bare date or name: the text itself


@reader.command("review")
@click.argument("case_id")
@click.option("--fact", type=click.Choice(FIELDS), help="the fact to review (without it: show the proposal)")
@click.option("--confirm", "verdict", flag_value="confirm", help="confirm the proposed value")
@click.option("--reject", "verdict", flag_value="reject", help="reject the fact: it never reaches the record")
@click.option("--correct", "value", metavar="VALUE",
              help='the corrected value: 2003-03-01, true, or JSON such as {"event": "conviction", "sentence": '
                   '{"kind": "fixed_term", "months": 6}}')  # fmt: skip
def review_command(case_id: str, fact: str | None, verdict: str | None, value: str | None) -> None:
    """The reader's proposal for the record of sealing case CASE_ID, or the review of one of its facts, as the
    account of SEALKEEPER_TOKEN (the same service and policy as the case page)."""
    from sealkeeper.cli.case_commands import acting_account  # noqa: PLC0415 - tokens only if asked
    from sealkeeper.services import reader_review  # noqa: PLC0415

    actor = acting_account()
    if fact is None:
        if verdict or value is not None:
            raise click.UsageError("name the fact to review with --fact")
        _echo(reader_review.for_case(settings(), actor, case_id, now()))
        return
    if (verdict is None) == (value is None):
        raise click.UsageError("give one of --confirm, --reject or --correct VALUE")
    taken = "correct" if value is not None else str(verdict)
    chosen = _value(value) if value is not None else None
    _echo(reader_review.review_fact(settings(), actor, case_id, fact=fact, verdict=taken, value=chosen, at=now()))


@reader.command("apply")
@click.argument("case_id")
@click.option("--confirm-rest", "verdict", flag_value="confirm", help="confirm every fact not yet reviewed first")
@click.option("--reject-all", "verdict", flag_value="reject", help="reject every fact: the record stays as it is")
def apply_command(case_id: str, verdict: str | None) -> None:
    """Put the confirmed and corrected facts of CASE_ID's proposal in the record (a new version of its bundle,
    decided again; the next sealing run acts on the decision), once every proposed fact is reviewed."""
    from sealkeeper.cli.case_commands import acting_account  # noqa: PLC0415 - tokens only if asked
    from sealkeeper.services import reader_review  # noqa: PLC0415

    _echo(reader_review.decide(settings(), acting_account(), case_id, verdict or "apply", now()))
