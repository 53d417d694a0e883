"""Run metrics to CloudWatch (moto): the dimensions the stack's alarms read."""

import boto3

from flightlake import run_metrics
from flightlake.runtime import metrics
from tests.aws_stack import recorded_calls

RECORD = {
    "status": "succeeded",
    "seconds": 12.5,
    "result": {"read": 10, "published": 7, "quarantined": 3},
    "quality": {"processed.flights": {"critical_failed": ["x"]}, "processed.planes": {}},
}


def test_step_metrics_from_its_record():
    assert run_metrics.of_step(RECORD, completes_workflow=True) == {
        "RowsRead": 10.0, "RowsPublished": 7.0, "RowsQuarantined": 3.0, "GateFailures": 1.0,
        "Seconds": 12.5, "RunsSucceeded": 1.0,
    }
    built = {"status": "failed", "result": {"rows": {"a": 2, "b": 5}}}
    counted = run_metrics.of_step(built, completes_workflow=True)
    assert counted["RowsPublished"] == 7.0 and counted["RunsSucceeded"] == 0.0


def test_published_with_the_alarms_dimensions(aws):
    cloudwatch = boto3.client("cloudwatch", region_name="eu-west-1")
    values = run_metrics.of_step(RECORD, completes_workflow=True)
    metrics.publish("s3://b/lake", "dev", "daily", "process_flights", values, client=cloudwatch)
    listed = cloudwatch.list_metrics(Namespace=metrics.NAMESPACE)["Metrics"]
    dims = {
        (m["MetricName"], tuple(sorted(d["Name"] for d in m["Dimensions"]))) for m in listed
    }
    assert ("GateFailures", ("Profile",)) in dims
    assert ("RunsSucceeded", ("Profile", "Workflow")) in dims
    assert ("RowsRead", ("Profile", "Step", "Workflow")) in dims


def test_a_folder_lake_publishes_nothing(tmp_path):
    with recorded_calls() as calls:
        values = run_metrics.of_step(RECORD, False)
        metrics.publish(str(tmp_path), "local", "daily", "curate", values)
    assert calls == []
