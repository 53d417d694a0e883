"""Run metrics to CloudWatch, for an s3:// lake (on AWS): the stack's alarms read them. A
folder lake's metrics stay in its run records.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
"""

from __future__ import annotations

from typing import Any

from flightlake.run_metrics import GATE_FAILURES, RUNS_SUCCEEDED, SECONDS

NAMESPACE = "flightlake"


def dimensions(profile: str, workflow: str | None = None, step: str | None = None) -> list:
    """A metric's dimensions; the stack's alarms name the same (deploy/template.py)."""
    named = (("Profile", profile), ("Workflow", workflow), ("Step", step))
    return [{"Name": name, "Value": value} for name, value in named if value is not None]


def metric_data(profile: str, workflow: str | None, step: str, metrics: dict[str, float]) -> list:
    """Every metric per profile, workflow and step; the alarms' two also per profile (gate
    failures) and per profile and workflow (runs succeeded): CloudWatch matches a metric by its
    exact dimensions."""
    by_step = dimensions(profile, workflow or "none", step)
    data: list[dict[str, Any]] = [
        {
            "MetricName": name,
            "Dimensions": by_step,
            "Value": value,
            "Unit": "Seconds" if name == SECONDS else "Count",
        }
        for name, value in metrics.items()
    ]
    data.append(
        {"MetricName": GATE_FAILURES, "Dimensions": dimensions(profile),
         "Value": metrics[GATE_FAILURES], "Unit": "Count"}
    )
    if metrics[RUNS_SUCCEEDED]:
        data.append(
            {"MetricName": RUNS_SUCCEEDED, "Dimensions": dimensions(profile, workflow or "none"),
             "Value": 1.0,
             "Unit": "Count"}
        )
    return data


def publish(
    lake_root: str, profile: str, workflow: str | None, step: str, metrics: dict[str, float],
    client: Any = None,
) -> None:
    """Publish on AWS (an s3:// lake); nothing for a folder lake."""
    if not lake_root.startswith("s3://"):
        return
    if client is None:
        import boto3

        client = boto3.client("cloudwatch")
    client.put_metric_data(Namespace=NAMESPACE, MetricData=metric_data(profile, workflow, step,
                                                                       metrics))
