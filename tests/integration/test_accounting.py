"""The row-accounting check can fail: a transform that multiplies rows publishes nothing."""

from datetime import date
from types import SimpleNamespace

import pytest

from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.processing import job
from flightlake.processing.job import JobError, process_table
from glue_jobs.transforms import airlines


def test_fan_out_is_caught_before_publishing(spark, lake_dir, monkeypatch):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 1))

    def doubled(raw, refs, run_id):
        out = airlines.transform(raw, refs, run_id)
        return out.unionByName(out)  # as a join on a duplicated key would

    monkeypatch.setattr(
        job, "transform_module", lambda table: SimpleNamespace(REFERENCES=(), transform=doubled)
    )
    with pytest.raises(JobError, match="airlines: row accounting does not balance"):
        process_table(spark, lake, "airlines", "r1")
    assert not (lake_dir / "processed" / "airlines").exists()
    assert not (lake_dir / "_state" / "ledger" / "airlines.json").exists()
