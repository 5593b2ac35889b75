"""The facts of :mod:`sealkeeper.rules.facts`, derived set-based for a whole population with Polars.

Input: the event frame of :mod:`sealkeeper.rules.frames`. Output: one row per record with a column per
fact (``categories`` as a bit mask). Every derivation here mirrors one in ``facts.py``; the property
test ``tests/unit/rules/test_batch.py`` checks that both give the same decisions on random populations.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from sealkeeper.model.categories import to_mask
from sealkeeper.model.record import RECORD_TYPES, EventType
from sealkeeper.rules.facts import UNBOUNDED_MONTHS, StatuteResolver

_RECORDS = sorted(t.value for t in RECORD_TYPES)
_COMPLETIONS = [EventType.SENTENCE_COMPLETED.value, EventType.PROBATION_COMPLETED.value]
_KEY = ["pid", "rid"]


def _term(kind: pl.Expr, months: pl.Expr) -> pl.Expr:
    """facts.term_months, as an expression."""
    return (
        pl.when(kind.is_in(["life", "death"]))
        .then(pl.lit(UNBOUNDED_MONTHS))
        .when(kind.is_in(["fine", "exempt"]))
        .then(months.fill_null(0.0))
        .otherwise(months)
    )


def statute_table(statutes: pl.Series, resolve: StatuteResolver) -> pl.DataFrame:
    """Each distinct statute resolved once (a few hundred strings, not one call per record)."""
    rows = []
    for text in statutes.drop_nulls().unique().to_list():
        info = resolve(text)
        cats = None if info.categories is None else to_mask(info.categories)
        rows.append((text, info.law, info.known, cats, info.culpability))
    schema = {"statute": pl.Utf8, "law": pl.Utf8, "known": pl.Boolean, "stat_cats": pl.Int64, "culp": pl.Utf8}
    return pl.DataFrame(rows, schema=schema, orient="row")


def record_facts(events: pl.DataFrame, resolve: StatuteResolver, as_of: dt.date) -> pl.DataFrame:
    """One row per record known on ``as_of``, with every fact of ``facts.FACTS`` (``pid``, ``rid`` keys)."""
    ev = events.lazy().filter(pl.col("date") <= as_of)
    records = ev.filter(pl.col("type").is_in(_RECORDS)).rename({"eid": "rid"})
    offenses = _offense_facts(ev, records, statute_table(events["statute"], resolve).lazy())
    follow = _follow_up_facts(ev)
    pairs = _conviction_pair_facts(ev, records)
    base = records.select(
        "pid",
        "rid",
        pl.lit(as_of, dtype=pl.Date).alias("as_of"),
        pl.col("type").alias("record_kind"),
        pl.col("date").alias("record_date"),
        "birth_date",
        "sentence_kind",
        _term(pl.col("sentence_kind"), pl.col("months")).alias("term_months"),
        pl.when(pl.col("sentence_kind").is_not_null()).then(pl.col("suspended").fill_null(False)).alias("suspended"),
        "main_conduct_before_18",
        pl.when(pl.col("type") == "non_prosecution").then(pl.col("np_kind")).alias("non_prosecution_kind"),
        "penalty_kind",
    )
    out = (
        base.join(offenses, on=_KEY, how="left")
        .join(follow, left_on=["pid", "rid"], right_on=["pid", "conviction_id"], how="left")
        .join(pairs, on=_KEY, how="left")
        .with_columns(
            pl.col("categories").fill_null(pl.when(pl.col("n_off").is_null()).then(0)),
            pl.col("statute_law").fill_null("other"),
            pl.col("unknown_statute").fill_null(False),
            pl.col("probation_revoked").fill_null(False),
            pl.col("prior_convictions").fill_null(0),
        )
        .drop("n_off")
    )
    return out.collect()


def _offense_facts(ev: pl.LazyFrame, records: pl.LazyFrame, statutes: pl.LazyFrame) -> pl.LazyFrame:
    offenses = ev.filter(pl.col("type") == "offense").select(
        "pid", pl.col("eid").alias("oid"), pl.col("date").alias("odate"), "statute", "explicit_categories"
    )
    linked = (
        records.select("pid", "rid", pl.col("offense_ids").alias("oid"))
        .explode("oid")
        .drop_nulls("oid")
        .join(offenses, on=["pid", "oid"], how="inner")
    )
    inline = records.filter(pl.col("statute").is_not_null()).select(
        "pid", "rid", pl.col("rid").alias("oid"), pl.col("date").alias("odate"), "statute", "explicit_categories"
    )
    rows = pl.concat([linked, inline]).join(statutes, on="statute", how="left")
    cats = pl.coalesce("explicit_categories", "stat_cats")
    return rows.group_by(_KEY).agg(
        pl.col("odate").min().alias("first_offense_date"),
        pl.col("odate").max().alias("last_offense_date"),
        pl.when(cats.is_null().any()).then(None).otherwise(cats.fill_null(0).bitwise_or()).alias("categories"),
        pl.when((pl.col("culp") == "intentional").any())
        .then(pl.lit("intentional"))
        .when((pl.col("culp") == "negligent").all(ignore_nulls=False))
        .then(pl.lit("negligent"))
        .alias("culpability"),
        pl.when((pl.col("law") == "psal").any())
        .then(pl.lit("psal"))
        .when((pl.col("law") == "criminal_law").all(ignore_nulls=False))
        .then(pl.lit("criminal_law"))
        .otherwise(pl.lit("other"))
        .alias("statute_law"),
        ((pl.col("law") == "criminal_law") & ~pl.col("known")).any().alias("unknown_statute"),
        pl.len().alias("n_off"),
    )


def _follow_up_facts(ev: pl.LazyFrame) -> pl.LazyFrame:
    follow = ev.filter(pl.col("conviction_id").is_not_null()).sort("date", "eid")
    retrial = pl.col("type") == EventType.RETRIAL.value
    return follow.group_by("pid", "conviction_id").agg(
        pl.col("date").filter(retrial).last().alias("retrial_date"),
        _term(pl.col("sentence_kind"), pl.col("months")).filter(retrial).last().alias("retrial_term_months"),
        pl.col("date").filter(pl.col("type").is_in(_COMPLETIONS)).max().alias("completion_date"),
        (pl.col("type") == EventType.PROBATION_REVOKED.value).any().alias("probation_revoked"),
    )


def _conviction_pair_facts(ev: pl.LazyFrame, records: pl.LazyFrame) -> pl.LazyFrame:
    """Each record against every other conviction of the same person: combinations, priors, later ones."""
    links = records.select("pid", "rid", pl.col("offense_ids").alias("oid")).explode("oid").drop_nulls("oid").unique()
    own = records.select(
        "pid",
        "rid",
        pl.col("type").alias("rkind"),
        pl.col("date").alias("rdate"),
        "birth_date",
        pl.col("offense_ids").list.n_unique().alias("n_own"),
    )
    convictions = records.filter(pl.col("type") == "conviction").select(
        "pid",
        pl.col("rid").alias("cid"),
        pl.col("date").alias("cdate"),
        pl.col("offense_ids").list.n_unique().alias("n_theirs"),
        _term(pl.col("sentence_kind"), pl.col("months")).alias("cterm"),
    )
    offense_dates = ev.filter(pl.col("type") == "offense").select(
        "pid", pl.col("eid").alias("oid"), "date", "birth_date"
    )
    minor = (pl.col("date") <= pl.col("birth_date").dt.offset_by("18y")).cast(pl.Int64)
    their_minors = (
        links.rename({"rid": "cid"})
        .join(offense_dates, on=["pid", "oid"], how="inner")
        .group_by("pid", "cid")
        .agg(minor.sum().alias("minor_theirs"))
    )
    shared = (
        links.join(links.rename({"rid": "cid"}), on=["pid", "oid"])
        .filter(pl.col("rid") != pl.col("cid"))
        .join(offense_dates, on=["pid", "oid"], how="left")
        .group_by("pid", "rid", "cid")
        .agg(pl.len().alias("shared"), minor.fill_null(0).sum().alias("minor_shared"))
    )
    pairs = (
        own.join(convictions, on="pid")
        .filter(pl.col("rid") != pl.col("cid"))
        .join(shared, on=["pid", "rid", "cid"], how="left")
        .join(their_minors, on=["pid", "cid"], how="left")
        .with_columns(pl.col("shared", "minor_shared", "minor_theirs").fill_null(0))
    )
    own_lt_theirs = (pl.col("shared") == pl.col("n_own")) & (pl.col("n_theirs") > pl.col("n_own"))
    theirs_lt_own = (pl.col("shared") == pl.col("n_theirs")) & (pl.col("n_own") > pl.col("n_theirs"))
    combining = (pl.col("rkind") == "conviction") & (pl.col("cdate") > pl.col("rdate")) & own_lt_theirs
    prior = ~combining & (pl.col("cdate") < pl.col("rdate")) & ~theirs_lt_own
    later = ~combining & ~prior & (pl.col("cdate") > pl.col("rdate"))
    pairs = pairs.with_columns(combining.alias("comb"), prior.alias("prior"), later.alias("later"))
    best = (
        pairs.filter(pl.col("comb"))
        .sort(pl.col("cterm").fill_null(0.0), "cdate", "cid", descending=[True, False, False])
        .group_by(_KEY, maintain_order=True)
        .first()
        .select(
            *_KEY,
            pl.col("cdate").alias("combined_date"),
            pl.col("cterm").alias("combined_term_months"),
            (pl.col("minor_theirs") - pl.col("minor_shared") > 0).alias("combined_extra_before_18"),
        )
    )
    counts = pairs.group_by(_KEY).agg(
        pl.col("prior").sum().cast(pl.Int64).alias("prior_convictions"),
        pl.col("cdate").filter(pl.col("later")).min().alias("later_conviction_date"),
    )
    return counts.join(best, on=_KEY, how="full", coalesce=True)
