"""The Glue parity harness: a job environment as Glue 5.1 builds it, and jobs run in it as Glue
runs them.

- The environment: a virtualenv holding Glue 5.1's provided modules at their listed versions
  (flightlake/deploy/glue-5.1-provided.txt) and Spark 3.5.6, then the job's zip of wheels,
  exactly as deploy builds it, installed with pip and `--no-index` (Glue's documented way
  for a zip of wheels: the zip is the only index).
- A job: the script deploy uploads (glue_jobs/run_step.py), copied to a folder outside the
  checkout, run with that environment's `spark-submit` and the DefaultArguments deploy
  generates for the job, plus the arguments Glue adds (--JOB_NAME, --JOB_RUN_ID,
  --WORKFLOW_NAME, --WORKFLOW_RUN_ID).

Building the environment installs packages (the set-up of the harness, like `make setup`);
the jobs themselves never reach a network: AWS is a moto server on loopback.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

from flightlake.deploy import config, engine, resources, wheelhouse
from flightlake.pipeline import dag
from flightlake.runtime.java import find_java_home

PROFILE = "dev"
PYSPARK = "pyspark==3.5.6"  # Glue 5.1's Spark, which Glue provides outside its module list
PROVIDED = Path(wheelhouse.__file__).with_name("glue-5.1-provided.txt")


def job_environment(folder: Path, zip_of_wheels: Path) -> Path:
    """A Glue 5.1 job's Python: the provided modules, Spark, then the zip as Glue installs it.
    Returns the environment's python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--python", str(python),
         "-r", str(PROVIDED), PYSPARK],
        check=True,
    )
    unpacked = folder / "gluewheels"
    with zipfile.ZipFile(zip_of_wheels) as zf:
        zf.extractall(unpacked)
    wheels = unpacked / wheelhouse.FOLDER
    # Glue 5.1's pip (24.0, in its module list) with the job's installer option, the zip's
    # wheels as the only index and its requirements file as what to install.
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         resources.INSTALLER_OPTION, "--find-links", str(wheels),
         "-r", str(wheels / wheelhouse.REQUIREMENTS)],
        check=True,
    )
    return python


def installed(python: Path) -> set[str]:
    """Distribution names (normalised) installed in an environment."""
    out = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        check=True, capture_output=True, text=True,
    ).stdout
    return {line.split("==")[0].lower().replace("_", "-") for line in out.splitlines()}


def deployed_arguments(step: str) -> tuple[str, dict[str, str]]:
    """The Glue job name and DefaultArguments `flightlake deploy` generates for a step."""
    profile = config.load(PROFILE, env={})
    keys = {kind: f"{kind}.gluewheels.zip" for kind in wheelhouse.EXTRAS}
    for r in resources.desired(profile, keys):
        if r.kind == "glue_job" and r.spec["DefaultArguments"]["--step"] == step:
            return r.name, dict(r.spec["DefaultArguments"])
    raise KeyError(step)


def script_folder(folder: Path) -> Path:
    """The uploaded Glue script, in a folder of its own outside the checkout."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / Path(dag.GLUE_SCRIPT).name
    script.write_bytes((engine.REPO / dag.GLUE_SCRIPT).read_bytes())
    return script


class Workflow:
    """One Glue workflow run: its jobs share the workflow run id Glue passes them."""

    def __init__(self, python: Path, script: Path, master: str, env: dict[str, str] | None = None):
        self.python = python
        self.script = script
        self.master = master
        self.run_id = f"wr_{secrets.token_hex(8)}"
        self.extra_env = env or {}

    def submit(
        self, step: str, overrides: dict[str, str], conf: dict[str, str]
    ) -> subprocess.CompletedProcess:
        """spark-submit the job of `step` with deploy's arguments, `overrides` on top (the
        lake, the back end: what cannot be AWS here), and the arguments Glue adds."""
        name, arguments = deployed_arguments(step)
        arguments.update(overrides)
        glue_added = {
            "--JOB_NAME": name,
            "--JOB_RUN_ID": f"jr_{secrets.token_hex(8)}",
            "--WORKFLOW_NAME": f"flightlake-{PROFILE}-{dag.BY_NAME[step].workflow}",
            "--WORKFLOW_RUN_ID": self.run_id,
        }
        argv = [x for pair in {**arguments, **glue_added}.items() for x in pair]
        # Glue's own `--conf` job parameter is a Spark setting of the job.
        settings = [x for value in (arguments.get("--conf"),) if value for x in ("--conf", value)]
        settings += [x for key, value in conf.items() for x in ("--conf", f"{key}={value}")]
        bin_dir = self.python.parent
        env = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/tmp"),
            "JAVA_HOME": str(find_java_home()),
            "PYSPARK_PYTHON": str(self.python),
            "PYSPARK_DRIVER_PYTHON": str(self.python),
            "SPARK_LOCAL_IP": "127.0.0.1",
            **self.extra_env,
        }
        return subprocess.run(
            [str(bin_dir / "spark-submit"), "--master", self.master, *settings,
             str(self.script), *argv],
            cwd=self.script.parent, env=env, capture_output=True, text=True, timeout=600,
        )
