"""The Glue script: what starting a job imports."""

import subprocess
import sys


def test_a_glue_job_imports_no_engine_glue_does_not_ship():
    """Every job imports the DAG; none may need DuckDB, awswrangler, the SageMaker SDK or
    xgboost just to start (the steps that use them import them when they run)."""
    probe = (
        "import sys, glue_jobs.run_step; "
        "print(sorted(m for m in ('duckdb', 'awswrangler', 'sagemaker', 'xgboost', "
        "'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
