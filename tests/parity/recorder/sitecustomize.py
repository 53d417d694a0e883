"""On the parity harness's PYTHONPATH, Python imports this at start-up: with
FLIGHTLAKE_RECORD_AWS_CALLS set, every call the job's botocore clients make is appended to that
file as a JSON line (service, operation, parameters without bodies), for tests/aws_stack.py
to evaluate against the job's role. Without it, nothing happens."""

import json
import os

_PATH = os.environ.get("FLIGHTLAKE_RECORD_AWS_CALLS")

if _PATH:
    import botocore.client

    _original = botocore.client.BaseClient._make_api_call

    def _record(self, operation_name, api_params):
        line = {
            "service": self.meta.service_model.service_name,
            "operation": operation_name,
            "params": {k: v for k, v in api_params.items() if k != "Body"},
        }
        with open(_PATH, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, default=str) + "\n")
        return _original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = _record
