"""The local back end: train.py in a subprocess with SageMaker's SM_* contract and an
/opt/ml-shaped job folder; batch transform by the local runner over inference.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from flightlake.errors import JobError
from training import batch_transform
from training.launchers.base import (
    SOURCE_DIR,
    TRAIN_SCRIPT,
    TRANSFORM,
    TrainedModel,
    TrainingRequest,
    TransformRequest,
)


def _local(uri: str) -> Path:
    if "://" in uri:
        raise JobError(f"{uri}: the local launcher needs a folder; use the sagemaker back end")
    return Path(uri)


class LocalLauncher:
    def __init__(self, echo: Callable[[str], None] | None = None) -> None:
        self.echo = echo or (lambda line: None)

    def environment(self, request: TrainingRequest) -> dict[str, str]:
        """The variables SageMaker sets for a script-mode training job."""
        job = _local(request.output_uri) / request.job_name
        channels = {name: str(_local(uri).resolve()) for name, uri in request.channels.items()}
        return {
            "SM_MODEL_DIR": str(job / "model"),
            "SM_OUTPUT_DIR": str(job / "output"),
            "SM_OUTPUT_DATA_DIR": str(job / "output" / "data"),
            "SM_INPUT_DIR": str(job / "input"),
            "SM_INPUT_CONFIG_DIR": str(job / "input" / "config"),
            "SM_CHANNELS": json.dumps(sorted(channels)),
            "SM_HPS": json.dumps(request.hyperparameters, sort_keys=True),
            "SM_CURRENT_HOST": "algo-1",
            "SM_HOSTS": json.dumps(["algo-1"]),
            **{f"SM_CHANNEL_{name.upper()}": path for name, path in channels.items()},
        }

    def train(self, request: TrainingRequest) -> TrainedModel:
        env = self.environment(request)
        config = Path(env["SM_INPUT_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        # SageMaker writes every hyperparameter as a string, and describes the channels.
        hps = {k: str(v) for k, v in request.hyperparameters.items()}
        (config / "hyperparameters.json").write_text(json.dumps(hps, indent=2, sort_keys=True))
        (config / "inputdataconfig.json").write_text(
            json.dumps(
                {
                    name: {"ContentType": "text/csv", "TrainingInputMode": "File"}
                    for name in request.channels
                },
                indent=2,
            )
        )
        args = [item for k, v in sorted(hps.items()) for item in (f"--{k}", v)]
        proc = subprocess.Popen(
            [sys.executable, str(SOURCE_DIR / TRAIN_SCRIPT), *args],
            cwd=SOURCE_DIR,
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            self.echo(line.rstrip("\n"))
        if proc.wait() != 0:
            failure = Path(env["SM_OUTPUT_DIR"]) / "failure"
            reason = failure.read_text().splitlines()[0] if failure.exists() else "no reason"
            raise JobError(f"training job {request.job_name} failed: {reason}")
        result = json.loads((Path(env["SM_OUTPUT_DATA_DIR"]) / "metrics.json").read_text())
        return TrainedModel(request.job_name, env["SM_MODEL_DIR"], result["metrics"], result,
                            request.hyperparameters)

    def transform(self, request: TransformRequest) -> batch_transform.TransformResult:
        result = batch_transform.run(
            str(_local(request.model_uri)),
            str(_local(request.input_uri)),
            str(_local(request.output_uri)),
            content_type=TRANSFORM["content_type"],
            accept=TRANSFORM["accept"],
            input_filter=TRANSFORM["input_filter"],
            output_filter=TRANSFORM["output_filter"],
            join_source=TRANSFORM["join_source"],
        )
        if result.failures:
            raise JobError(
                f"transform job {request.job_name}: {len(result.failures)} file(s) failed; "
                f"first: {result.failures[0]}"
            )
        return result
