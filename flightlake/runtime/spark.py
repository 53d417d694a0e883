"""The one place that builds a SparkSession.

Two kinds of run, one builder:
- submitted: the process was started by spark-submit or by Glue (glue_jobs/run_step.py), so
  the master, executors and settings are the submitter's. The session is taken as it was
  submitted (`SparkSession.builder.getOrCreate()`, as Glue's own scripts do through
  `SparkContext.getOrCreate()`); only REQUIRED_CONF, which the code's results depend on, is set.
- embedded (the CLI, tests): a small `local[*]` session tuned for this data volume (a few
  hundred thousand rows): few shuffle partitions and no UI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

from flightlake.runtime.java import ensure_java_home

# The JVM reads it by file name, so a path (an installed wheel is unpacked), not a resource.
LOG4J_CONF = Path(__file__).with_name("log4j2.properties")

# Settings every job relies on, locally and on Glue.
REQUIRED_CONF = {
    # Transforms convert wall clocks with to_utc_timestamp, which assumes a UTC session.
    "spark.sql.session.timeZone": "UTC",
    # INT96 is deprecated; int64 micros is what Athena v3 and DuckDB read natively.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.ansi.enabled": "false",
}

LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.memory": "2g",
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "64",
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    "spark.hadoop.parquet.summary.metadata.level": "NONE",
    "spark.driver.extraJavaOptions": (
        f"-XX:+UseParallelGC -Xss4m -Dlog4j2.configurationFile=file:{LOG4J_CONF}"
    ),
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def extra_conf() -> dict[str, str]:
    """Overrides from FLIGHTLAKE_SPARK_CONF="key=value;key=value" (tuning without code)."""
    raw = os.environ.get("FLIGHTLAKE_SPARK_CONF", "")
    pairs = [item.split("=", 1) for item in raw.split(";") if item.strip()]
    bad = [item for item in pairs if len(item) != 2]
    if bad:
        raise ValueError(f"FLIGHTLAKE_SPARK_CONF: expected key=value;… but got {raw!r}")
    return {k.strip(): v.strip() for k, v in pairs}


# What a step's run record says of the session it ran on (not the whole conf: it can hold keys).
RECORDED_CONF = (
    "spark.app.name",
    "spark.sql.shuffle.partitions",
    "spark.default.parallelism",
    "spark.executor.instances",
    "spark.executor.cores",
    "spark.executor.memory",
    "spark.driver.memory",
    "spark.sql.session.timeZone",
)


def get_spark(app_name: str = "flightlake", submitted: bool = False) -> SparkSession:
    active = SparkSession.getActiveSession()
    if active is not None or submitted:
        session = active or SparkSession.builder.getOrCreate()
        for key, value in REQUIRED_CONF.items():
            session.conf.set(key, value)
        return session
    ensure_java_home()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # A local run needs no network interface; loopback also silences Spark's hostname warning.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.appName(app_name).master(
        os.environ.get("FLIGHTLAKE_SPARK_MASTER", "local[*]")
    )
    for key, value in {**LOCAL_CONF, **extra_conf(), **REQUIRED_CONF}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def session_settings() -> dict | None:
    """The active session's master and settings; none when the step started no session."""
    active = SparkSession.getActiveSession()
    if active is None:
        return None
    context = active.sparkContext
    conf = dict(context.getConf().getAll())
    # The session's value first: a job may have changed a SQL setting after start.
    settings = {key: active.conf.get(key, conf.get(key)) for key in RECORDED_CONF}
    settings = {key: value for key, value in settings.items() if value is not None}
    settings.update({key: active.conf.get(key) for key in REQUIRED_CONF})
    # Block managers, the driver's among them: the executors the session had at the end.
    executors = context._jsc.sc().getExecutorMemoryStatus().size() - 1
    return {
        "master": context.master,
        "app_id": context.applicationId,
        "executors": executors,
        "conf": settings,
    }
