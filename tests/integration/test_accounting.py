"""The row-accounting check can fail: a transform that multiplies rows publishes nothing.

The check is the gate's `rows_match_read`: rows out of the transform, whatever their fate,
against the raw lines counted independently."""

from datetime import date
from types import SimpleNamespace

import pytest

from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.quality.gate import GateFailed
from flightlake.run_context import RunContext
from glue_jobs import process
from glue_jobs.transforms import airlines


def test_fan_out_is_caught_before_publishing(spark, lake_dir, monkeypatch):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 1))

    def doubled(raw, refs, run_id):
        out = airlines.transform(raw, refs, run_id)
        return out.unionByName(out)  # as a join on a duplicated key would

    monkeypatch.setattr(
        process, "transform_module", lambda table: SimpleNamespace(REFERENCES=(), transform=doubled)
    )
    with pytest.raises(GateFailed, match=r"processed\.airlines: rows_match_read") as caught:
        process.process_table(RunContext(lake, "r1", step="process_airlines"), "airlines")
    assert caught.value.details == ["processed.airlines: rows_match_read (critical): observed 32"]
    assert not (lake_dir / "processed" / "airlines").exists()
    assert not (lake_dir / "_state" / "ledger" / "airlines.json").exists()
