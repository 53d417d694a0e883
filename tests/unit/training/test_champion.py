"""Champion and challenger: the registry's statuses, promotion and rollback by hand, and the
rule that promotes a challenger only when it beats the champion on live outcomes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flightlake.contracts import PREDICTIONS
from flightlake.lake import Lake
from flightlake.run_context import RunContext
from training import champion
from training.registry.base import challenger, decide, promote, rollback
from training.registry.local import LocalRegistry

LINEAGE = {"export_id": "export-1"}


def test_first_model_is_champion_later_ones_challengers(tmp_path):
    assert decide({"validation_auc": 0.7}, None).status == "Approved"
    assert decide({"test_auc": 0.9}, None).status == "Rejected"  # no validation metric
    assert decide({"validation_auc": 0.55}, None).status == "Rejected"  # near chance
    registry = LocalRegistry(Lake.at(str(tmp_path)))
    v1 = registry.register("m1", {"validation_auc": 0.70}, {}, LINEAGE)
    v2 = registry.register("m2", {"validation_auc": 0.69}, {}, LINEAGE)
    v3 = registry.register("m3", {"validation_auc": 0.75}, {}, LINEAGE)
    assert (v1.status, v2.status, v3.status) == (
        "Approved", "PendingManualApproval", "PendingManualApproval"
    )
    assert "challenger to delay-risk/v1" in v3.reason
    # A better validation AUC does not make a champion: live outcomes do.
    assert registry.latest_approved().version == 1
    assert challenger(registry.versions()).version == 2  # the oldest undecided: its turn first


def test_promote_and_rollback_by_hand(tmp_path):
    registry = LocalRegistry(Lake.at(str(tmp_path)))
    for n in range(1, 5):
        registry.register(f"m{n}", {"validation_auc": 0.7}, {}, LINEAGE)
    promote(registry, 3, "better live AUC")
    assert registry.latest_approved().version == 3
    assert challenger(registry.versions()).version == 4  # v2, older than the champion, is out
    with pytest.raises(ValueError, match="not newer than the champion"):
        promote(registry, 2, "x")
    with pytest.raises(LookupError, match="v9: no such model version"):
        promote(registry, 9, "x")
    rolled = rollback(registry, 1, "v3 misbehaves")
    assert rolled.version == 1 and registry.latest_approved().version == 1
    statuses = {v.version: v.status for v in registry.versions()}
    assert statuses == {1: "Approved", 2: "PendingManualApproval", 3: "Rejected",
                        4: "PendingManualApproval"}
    assert "rolled back to delay-risk/v1: v3 misbehaves" in registry.versions()[2].reason
    # Each decision is kept in the version's history.
    assert [h["status"] for h in registry.versions()[2].extra["history"]] == [
        "Approved", "Rejected"]
    with pytest.raises(ValueError, match="not older than the champion"):
        rollback(registry, 4, "x")
    promote(registry, 4, "v4 wins")
    # Only an earlier champion can be gone back to: not a candidate that never proved itself.
    with pytest.raises(ValueError, match=r"v2 is PendingManualApproval.*only an earlier champion"):
        rollback(registry, 2, "x")
    with pytest.raises(ValueError, match=r"v3 is Rejected .*only an earlier champion"):
        rollback(registry, 3, "x")
    rollback(registry, 1, "v4 misbehaves too")
    with pytest.raises(ValueError, match="v3 was rejected"):
        promote(registry, 3, "x")


def _paired(days: int, champion_noise: float, challenger_noise: float, seed: int = 1):
    """Flights with an outcome and two scores: each the outcome's signal plus noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(days):
        late = rng.random(800) < 0.3
        signal = late.astype(float)
        rows.append(pd.DataFrame({
            "scoring_date": (date(2013, 12, 1) + timedelta(days=d)).isoformat(),
            "late": late.astype(int),
            "champion": 1 / (1 + np.exp(-(signal + rng.normal(0, champion_noise, 800)))),
            "challenger": 1 / (1 + np.exp(-(signal + rng.normal(0, challenger_noise, 800)))),
        }))
    return pd.concat(rows, ignore_index=True)


def test_rule_promotes_a_clearly_better_challenger_only():
    better = champion.compare(_paired(10, 1.5, 1.0), resamples=300)
    assert better.low > 0 and better.challenger_auc > better.champion_auc
    assert champion.verdict(better, 10)[0] == "promote"
    worse = champion.compare(_paired(10, 1.0, 1.5), resamples=300)
    assert worse.high < 0
    assert champion.verdict(worse, 10)[0] == "reject"
    same = champion.compare(_paired(10, 1.2, 1.2, seed=3), resamples=300)
    assert same.low < 0 < same.high
    assert champion.verdict(same, 10)[0] == "keep"
    # Too few days: no decision, however large the difference.
    decision, reason = champion.verdict(champion.compare(_paired(3, 1.5, 0.5)), 3)
    assert decision == "keep" and "3 day(s) of outcomes, the rule needs 7" in reason


def _write_day(lake: Lake, day: date, rows: pd.DataFrame) -> None:
    schema = pa.schema([(c.name, pa.string()) for c in PREDICTIONS.columns
                        if c.name in ("flight_id", "model_version", "role")]
                       + [("score", pa.float64())])
    table = pa.Table.from_pandas(rows[["flight_id", "model_version", "role", "score"]],
                                 schema=schema, preserve_index=False)
    path = Path(lake.root) / lake.table_file(
        "curated", PREDICTIONS.name, ("scoring_date", day.isoformat()))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def _lake_with_live_scores(
    tmp_path, challenger_noise: float, newer: bool = False
) -> tuple[Lake, LocalRegistry]:
    lake = Lake.at(str(tmp_path))
    registry = LocalRegistry(lake)
    for n in range(3 if newer else 2):
        registry.register(f"m{n + 1}", {"validation_auc": 0.7}, {}, LINEAGE)
    paired = _paired(8, 1.2, challenger_noise)
    paired["flight_id"] = [f"f{i}" for i in range(len(paired))]
    outcomes = paired[["flight_id", "late"]].assign(on_time=lambda f: f["late"] == 0)
    month = Path(lake.root) / lake.table_file("curated", "flights", ("flight_month", "2013-12"))
    month.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(outcomes[["flight_id", "on_time"]],
                                        preserve_index=False), month)
    for day, rows in paired.groupby("scoring_date"):
        both = pd.concat([
            rows.assign(model_version="delay-risk/v1", role="champion", score=rows["champion"]),
            rows.assign(model_version="delay-risk/v2", role="challenger",
                        score=rows["challenger"]),
        ])
        _write_day(lake, date.fromisoformat(day), both)
    return lake, registry


@pytest.mark.parametrize(
    ("noise", "status", "champion_after"),
    [(2.5, "Rejected", 1), (0.6, "Approved", 2)],
    ids=["worse challenger stays out", "better challenger promoted"],
)
def test_compare_step_decides_on_outcomes_before_the_scoring_date(
    tmp_path, noise, status, champion_after
):
    lake, registry = _lake_with_live_scores(tmp_path, noise)
    ctx = RunContext(lake, "run-1", dates=(date(2013, 12, 9),))
    result = champion.compare_models(ctx)
    assert result.comparison["days"] == 8
    assert registry.versions()[1].status == status
    assert registry.latest_approved().version == champion_after
    assert champion.decisions(lake, date(2013, 12, 9), date(2013, 12, 9))[0]["decision"] == (
        result.decision
    )
    # The evening before 2013-12-05 knows four days of outcomes: no decision.
    lake2, registry2 = _lake_with_live_scores(tmp_path / "early", noise)
    early = champion.compare_models(RunContext(lake2, "run-2", dates=(date(2013, 12, 5),)))
    assert early.decision == "keep" and registry2.versions()[1].status == "PendingManualApproval"


def test_a_challenger_without_a_clear_result_gives_way_to_a_newer_one(tmp_path):
    # Same skill: no clear difference after 8 days.
    lake, registry = _lake_with_live_scores(tmp_path, 1.2, newer=True)
    alone = champion.compare_models(RunContext(lake, "run-1", dates=(date(2013, 12, 9),)))
    assert alone.decision == "supersede" and "superseded by delay-risk/v3" in alone.reason
    assert [v.status for v in registry.versions()] == [
        "Approved", "Rejected", "PendingManualApproval"]
    assert challenger(registry.versions()).version == 3
    # Without a newer candidate the same result keeps it in shadow.
    lake2, registry2 = _lake_with_live_scores(tmp_path / "alone", 1.2)
    kept = champion.compare_models(RunContext(lake2, "run-2", dates=(date(2013, 12, 9),)))
    assert kept.decision == "keep" and registry2.versions()[1].status == "PendingManualApproval"
