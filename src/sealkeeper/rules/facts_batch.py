"""The facts of :mod:`sealkeeper.rules.facts`, derived set-based for a whole population with Polars.

Input: the event frame of :mod:`sealkeeper.rules.frames` (integer keys; ``eid`` is the row number).
Output: one row per record with a column per fact (``categories`` as a bit mask, ``statute_tags`` as a
list of labels), keyed by ``pid`` and ``rid``, the bundle id and the record's event id, with ``person``
the integer person number of the frame. The facts only the comparative packs read (:data:`EXTRA_FACTS`)
are derived only when the caller asks for them, so that a pack that does not read them pays nothing.
Every derivation here mirrors one in ``facts.py``; the property tests of ``tests/unit/rules/test_batch.py``
check that both give the same decisions on random populations, for every pack.

How it stays fast: an event named by number is looked up by position (``gather``), not joined; every
partial result is kept sorted by the record number ``rid`` so that assembling them is a merge join;
only people with more than one record are paired with their other convictions; statutes are resolved
once each and looked up by position; culpability and law are combined as small integer codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from sealkeeper.errors import BundleFormatError
from sealkeeper.model.categories import to_mask
from sealkeeper.model.record import RECORD_TYPES, EventType
from sealkeeper.rules.facts import UNBOUNDED_MONTHS, StatuteResolver
from sealkeeper.rules.frames import check_frame

_RECORDS = sorted(t.value for t in RECORD_TYPES)
_COMPLETIONS = [EventType.SENTENCE_COMPLETED.value, EventType.PROBATION_COMPLETED.value]
_FOLLOW = [*_COMPLETIONS, EventType.PROBATION_REVOKED.value]
#: follow-up events whose latest date is a fact of its own (``sentence_completed_date`` …)
_DATED = [
    EventType.SENTENCE_COMPLETED.value,
    EventType.PROBATION_COMPLETED.value,
    EventType.FINE_PAID.value,
    EventType.RESTITUTION_PAID.value,
]
#: Facts derived only when asked for (the comparative packs read them; CN does not).
OFFENCE_EXTRAS = frozenset({"offense_class", "statute_tags", "statutory_max_months"})
SENTENCE_EXTRAS = frozenset({"daily_rates", "sentence_days", "probation_months"})
FOLLOW_EXTRAS = frozenset(f"{t}_date" for t in _DATED)
EXTRA_FACTS = OFFENCE_EXTRAS | SENTENCE_EXTRAS | FOLLOW_EXTRAS | {"channel"}
# Codes ordered so that max/min over a record's offences give facts.combine_culpability / combine_law.
_CULP = {"intentional": 2, "negligent": 1}
_LAW = {"psal": 2, "criminal_law": 1}
# Common-subexpression elimination off: Polars 2.0 takes two *empty* Series literals of different dtypes
# for the same expression (an empty population); no expression here is repeated anyway.
_NO_CSE = pl.QueryOptFlags(comm_subexpr_elim=False)


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
    """Each distinct statute resolved once (a few hundred strings, not one call per record).

    ``culp`` and ``law`` are the codes of ``_CULP`` and ``_LAW`` (0 for anything else); ``tags`` the
    statute table's labels (sorted) and ``max_months`` its statutory maximum.
    """
    rows = []
    for text in sorted(statutes.drop_nulls().unique().to_list()):
        info = resolve(text)
        cats = None if info.categories is None else to_mask(info.categories)
        unknown = info.law == "criminal_law" and not info.known
        tags = None if info.tags is None else sorted(info.tags)
        law, culp = _LAW.get(info.law, 0), _CULP.get(info.culpability or "", 0)
        rows.append((text, law, unknown, cats, culp, tags, info.max_months))
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "statute": pl.Utf8,
        "law": pl.Int8,
        "unknown": pl.Boolean,
        "stat_cats": pl.Int64,
        "culp": pl.Int8,
        "tags": pl.List(pl.Utf8),
        "max_months": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _sorted(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Mark ``rid`` as sorted (callers guarantee it), so that joins on it are merge joins."""
    return frame.with_columns(pl.col("rid").set_sorted())


class _Offences:
    """The offence facts of every event, as columns indexed by event number (``eid`` is the row number).

    ``offense`` is true for an offence known on ``as_of``; ``cats`` its categories (explicit, else the
    statute's); ``culp`` and ``law`` codes of ``_CULP`` and ``_LAW``; ``unknown`` an unknown criminal statute.
    With ``extras``: ``grade``, ``tags`` (the statute table's labels) and ``maxm`` (statutory maximum).
    """

    def __init__(self, events: pl.DataFrame, resolve: StatuteResolver, as_of: dt.date, *, extras: bool) -> None:
        table = statute_table(events["statute"], resolve)

        def look(name: str) -> pl.Expr:
            return pl.lit(table[name]).gather(pl.col("position"))

        more = [pl.col("grade"), look("tags").alias("tags"), look("max_months").alias("maxm")] if extras else []
        self.extras = extras
        self.columns = (
            events.lazy()
            .with_columns(pl.col("statute").cast(pl.Enum(table["statute"].to_list())).to_physical().alias("position"))
            .select(
                "date",
                ((pl.col("type") == EventType.OFFENSE.value) & (pl.col("date") <= as_of)).alias("offense"),
                pl.coalesce("explicit_categories", look("stat_cats")).alias("cats"),
                look("culp").fill_null(0).alias("culp"),
                look("law").fill_null(0).alias("law"),
                look("unknown").fill_null(False).alias("unknown"),
                *more,
            )
            .collect(engine="in-memory", optimizations=_NO_CSE)
            .to_dict()
        )

    def at(self, index: str, prefix: str) -> list[pl.Expr]:
        """The columns looked up at the event numbers in column ``index``, named ``prefix`` + name."""
        return [pl.lit(col).gather(pl.col(index)).alias(prefix + name) for name, col in self.columns.items()]


def record_facts(
    events: pl.DataFrame,
    resolve: StatuteResolver,
    as_of: dt.date,
    wanted: Collection[str] | None = None,
    channels: tuple[str, ...] = (),
) -> pl.DataFrame:
    """One row per record known on ``as_of``, with every fact of ``facts.FACTS`` (``pid``, ``rid`` keys).

    ``wanted``: the facts the pack reads; those of :data:`EXTRA_FACTS` not in it are left out (None: all).
    ``channels``: the pack's disclosure channels, the first the main one (``engine.channel_of``); a
    bundle whose target names another gets BundleFormatError, as ``sealkeeper evaluate`` gives it.
    """
    check_frame(events)
    extra = EXTRA_FACTS if wanted is None else EXTRA_FACTS & frozenset(wanted)
    offences = _Offences(events, resolve, as_of, extras=bool(extra & OFFENCE_EXTRAS))
    known = pl.col("date") <= as_of
    # selected once, not once per branch of the plan below (Polars does not share that scan)
    records = _sorted(events.lazy().filter(pl.col("type").is_in(_RECORDS) & known).rename({"eid": "rid"}))
    records = records.collect(engine="in-memory").lazy()
    n_ids = pl.col("offense_ids").list.len()
    inline = pl.col("statute").is_not_null()  # admin penalties and cautions carry their one offence inline
    sentence_extras = {
        "daily_rates": pl.col("daily_rates"),
        "sentence_days": pl.col("days"),
        "probation_months": pl.col("probation_months"),
    }
    base = records.select(
        "rid",
        pl.col("bundle_id").alias("pid"),
        pl.col("event_id").alias("record_id"),
        pl.col("pid").alias("person"),
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
        *(column.alias(name) for name, column in sentence_extras.items() if name in extra),
        *([_channel(events, channels)] if "channel" in extra else []),
        inline.alias("inline"),
        # the one offence of a record with one: its own row when inline, else the one it names
        pl.when(inline).then(pl.col("rid")).when(n_ids == 1).then(pl.col("offense_ids").list.first()).alias("one"),
    )
    base = base.with_columns(offences.at("one", "o_"))
    single = pl.when(pl.col("inline") | pl.col("o_offense").fill_null(False))
    many = _many_offence_facts(records.filter(~inline & (n_ids > 1)), offences)
    names = ["date", "cats", "culp", "law", "unknown"] + (["grade", "tags", "maxm"] if offences.extras else [])
    out = (
        base.with_columns(single.then(pl.col(f"o_{name}")).alias(f"o_{name}") for name in names)
        .with_columns(single.then(True).alias("o_offense"))
        .join(many, on="rid", how="left")
        .join(
            _follow_up_facts(events.lazy().filter(known), dated=bool(extra & FOLLOW_EXTRAS)),
            on="rid",
            how="left",
        )
        .join(_retrial_facts(events.lazy().filter(known)), on="rid", how="left")
        .join(_conviction_pair_facts(records, offences), on="rid", how="left")
        .with_columns(
            pl.coalesce("o_date", "m_first").alias("first_offense_date"),
            pl.coalesce("o_date", "m_last").alias("last_offense_date"),
            pl.when(pl.col("o_offense"))
            .then(pl.col("o_cats"))
            .when(pl.col("m_cats_unknown").is_null())
            .then(0)
            .when(pl.col("m_cats_unknown"))
            .then(None)
            .otherwise(pl.col("m_cats"))
            .alias("categories"),
            _culpability(pl.coalesce("o_culp", "m_culp_max"), pl.coalesce("o_culp", "m_culp_min")),
            _statute_law(pl.coalesce("o_law", "m_law_max"), pl.coalesce("o_law", "m_law_min")),
            pl.coalesce("o_unknown", "m_unknown", False).alias("unknown_statute"),
            pl.col("probation_revoked").fill_null(False),
            pl.col("prior_convictions").fill_null(0),
            *(_offence_extras(extra) if offences.extras else []),
        )
        .drop("rid", "inline", "one", pl.selectors.starts_with("o_", "m_"))
        .rename({"record_id": "rid"})
    )
    return out.collect(engine="in-memory", optimizations=_NO_CSE)


def _channel(events: pl.DataFrame, channels: tuple[str, ...]) -> pl.Expr:
    """The channel decided on: the target's, checked against the pack's, else the main one."""
    asked = events.lazy().filter(pl.col("channel").is_not_null() & ~pl.col("channel").is_in(list(channels)))
    bad = asked.select("bundle_id", "channel").head(1).collect()
    if bad.height:
        bundle_id, wanted = bad.row(0)
        known = ", ".join(channels) if channels else "none"
        raise BundleFormatError(bundle_id, "target.channel", f"the pack has no channel {wanted!r} (known: {known})")
    main = channels[0] if channels else None
    return pl.coalesce(pl.col("channel"), pl.lit(main, dtype=pl.Utf8)).alias("channel")


def _offence_extras(extra: frozenset[str]) -> list[pl.Expr]:
    """offense_class, statute_tags and statutory_max_months from one offence (``o_``) or several (``m_``)."""
    exprs = {
        "offense_class": pl.when(pl.col("o_offense")).then(pl.col("o_grade")).otherwise(pl.col("m_grade")),
        # no offence known: no labels (facts.union of nothing); an unknown label set: unknown
        "statute_tags": pl.when(pl.col("o_offense"))
        .then(pl.col("o_tags"))
        .when(pl.col("m_tags_unknown").is_null())
        .then(pl.lit([], dtype=pl.List(pl.Utf8)))
        .when(pl.col("m_tags_unknown"))
        .then(None)
        .otherwise(pl.col("m_tags")),
        "statutory_max_months": pl.when(pl.col("o_offense")).then(pl.col("o_maxm")).otherwise(pl.col("m_maxm")),
    }
    return [e.alias(name) for name, e in exprs.items() if name in extra]


def _culpability(high: pl.Expr, low: pl.Expr) -> pl.Expr:
    """facts.combine_culpability from the highest and lowest code of a record's offences."""
    return pl.when(high == 2).then(pl.lit("intentional")).when(low == 1).then(pl.lit("negligent")).alias("culpability")


def _statute_law(high: pl.Expr, low: pl.Expr) -> pl.Expr:
    """facts.combine_law from the highest and lowest code of a record's offences."""
    return (
        pl.when(high == 2)
        .then(pl.lit("psal"))
        .when(low == 1)
        .then(pl.lit("criminal_law"))
        .otherwise(pl.lit("other"))
        .alias("statute_law")
    )


def _many_offence_facts(records: pl.LazyFrame, offences: _Offences) -> pl.LazyFrame:
    """Per record naming more than one offence: dates, categories and codes combined over those known."""
    rows = (
        records.select("rid", pl.col("offense_ids").alias("oid"))
        .explode("oid")
        .with_columns(offences.at("oid", ""))
        .filter(pl.col("offense").fill_null(False))
    )
    grouped = rows.group_by("rid").agg(
        pl.col("date").min().alias("m_first"),
        pl.col("date").max().alias("m_last"),
        pl.col("cats").is_null().any().alias("m_cats_unknown"),
        pl.col("cats").fill_null(0).bitwise_or().alias("m_cats"),
        pl.col("culp").max().alias("m_culp_max"),
        pl.col("culp").min().alias("m_culp_min"),
        pl.col("law").max().alias("m_law_max"),
        pl.col("law").min().alias("m_law_min"),
        pl.col("unknown").any().alias("m_unknown"),
        *(_many_extras() if offences.extras else []),
    )
    return _sorted(grouped.sort("rid"))


def _many_extras() -> list[pl.Expr]:
    """facts._shared, facts.union and facts._max_known over the known offences of one record."""
    grade, maxm = pl.col("grade"), pl.col("maxm")
    return [
        pl.when((grade.null_count() == 0) & (grade.n_unique() == 1)).then(grade.first()).alias("m_grade"),
        pl.col("tags").is_null().any().alias("m_tags_unknown"),
        pl.col("tags").explode().drop_nulls().unique().alias("m_tags"),
        pl.when(maxm.null_count() == 0).then(maxm.max()).alias("m_maxm"),
    ]


def _follow_up_facts(known: pl.LazyFrame, *, dated: bool) -> pl.LazyFrame:
    """Per conviction: completion, revocation and (``dated``) the latest date of each dated follow-up."""
    follow = known.filter(pl.col("type").is_in(_FOLLOW + _DATED if dated else _FOLLOW))
    latest = [pl.col("date").filter(pl.col("type") == t).max().alias(f"{t}_date") for t in _DATED] if dated else []
    grouped = follow.group_by(pl.col("conviction_id").alias("rid")).agg(
        pl.col("date").filter(pl.col("type").is_in(_COMPLETIONS)).max().alias("completion_date"),
        (pl.col("type") == EventType.PROBATION_REVOKED.value).any().alias("probation_revoked"),
        *latest,
    )
    return _sorted(grouped.sort("rid"))


def _retrial_facts(known: pl.LazyFrame) -> pl.LazyFrame:
    """The last retrial of each conviction, by date then event id (``eid`` follows the event ids)."""
    retrials = known.filter(pl.col("type") == EventType.RETRIAL.value).sort("date", "eid")
    last = retrials.group_by(pl.col("conviction_id").alias("rid")).agg(
        pl.col("date").last().alias("retrial_date"),
        _term(pl.col("sentence_kind"), pl.col("months")).last().alias("retrial_term_months"),
    )
    return _sorted(last.sort("rid"))


def _conviction_pair_facts(records: pl.LazyFrame, offences: _Offences) -> pl.LazyFrame:
    """Each record against every other conviction of the same person: combinations, priors, later ones.

    Only people with more than one record have pairs; rows of a person are adjacent (``check_frame``),
    so those are found by comparing neighbours, and the rest (most of a population) are left out.
    """
    pid = pl.col("pid")
    records = records.filter((pid == pid.shift(1)) | (pid == pid.shift(-1))).with_columns(pid.set_sorted())
    adult_day = pl.col("birth_date").dt.offset_by("18y")
    links = (
        records.select("rid", pl.col("offense_ids").alias("oid"), "birth_date")
        .explode("oid")
        .drop_nulls("oid")
        .unique(["rid", "oid"])
        .with_columns(offences.at("oid", "o_"))
        .select("rid", "oid", (pl.col("o_offense") & (pl.col("o_date") <= adult_day)).cast(pl.Int64).alias("minor"))
    )
    own = records.select(
        "pid",
        "rid",
        pl.col("type").alias("rkind"),
        pl.col("date").alias("rdate"),
        pl.col("offense_ids").list.n_unique().alias("n_own"),
    )
    convictions = records.filter(pl.col("type") == "conviction").select(
        "pid",
        pl.col("rid").alias("cid"),
        pl.col("date").alias("cdate"),
        pl.col("offense_ids").list.n_unique().alias("n_theirs"),
        _term(pl.col("sentence_kind"), pl.col("months")).alias("cterm"),
    )
    their_minors = links.group_by(pl.col("rid").alias("cid")).agg(pl.col("minor").sum().alias("minor_theirs"))
    shared = (
        links.join(links.select(pl.col("rid").alias("cid"), "oid"), on="oid")
        .filter(pl.col("rid") != pl.col("cid"))
        .group_by("rid", "cid")
        .agg(pl.len().alias("shared"), pl.col("minor").sum().alias("minor_shared"))
    )
    pairs = (
        own.join(convictions, on="pid")
        .filter(pl.col("rid") != pl.col("cid"))
        .join(shared, on=["rid", "cid"], how="left")
        .join(their_minors, on="cid", how="left")
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
        .group_by("rid", maintain_order=True)
        .first()
        .select(
            "rid",
            pl.col("cdate").alias("combined_date"),
            pl.col("cterm").alias("combined_term_months"),
            (pl.col("minor_theirs") - pl.col("minor_shared") > 0).alias("combined_extra_before_18"),
        )
    )
    counts = pairs.group_by("rid").agg(
        pl.col("prior").sum().cast(pl.Int64).alias("prior_convictions"),
        pl.col("cdate").filter(pl.col("later")).min().alias("later_conviction_date"),
    )
    return _sorted(counts.join(best, on="rid", how="left").sort("rid"))
