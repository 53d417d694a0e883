"""A job started by spark-submit (or Glue) keeps the session it was submitted with."""

import os
import subprocess
import sys

from flightlake.runtime.java import find_java_home


def test_submitted_session_keeps_the_submitters_master_and_settings():
    probe = (
        "from flightlake.runtime.spark import get_spark; s = get_spark(submitted=True); "
        "print(s.sparkContext.master, s.conf.get('spark.sql.shuffle.partitions'), "
        "s.conf.get('spark.sql.session.timeZone'))"
    )
    env = {
        **os.environ,
        "JAVA_HOME": str(find_java_home()),
        "SPARK_LOCAL_IP": "127.0.0.1",
        # What spark-submit hands a Python driver: its master and --conf settings.
        "PYSPARK_SUBMIT_ARGS": (
            "--master local[1] --conf spark.sql.shuffle.partitions=7 "
            "--conf spark.ui.enabled=false pyspark-shell"
        ),
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["local[1]", "7", "UTC"]
