"""Names vulture reports as unused but that are used where it cannot see (`make lint`)."""
# ruff: noqa: B018

from flightlake import cli
from flightlake.deploy import config
from training import jobs, tuning
from training.registry import base as registry

# typer commands: registered by @app.command(), called by name from the command line
cli.train_model
cli.tune_model
cli.score_flights
cli.deploy
cli.promote_model
cli.rollback_model
cli.replay_days
# read by name: dag.Workflow.schedule_key holds "daily_schedule" / "weekly_schedule"
config.Profile.daily_schedule
config.Profile.weekly_schedule
# a field of the train step's run record (TrainResult.as_dict)
jobs.TrainResult.training_job
# when a version was registered: kept in its registry record (JSON, model package)
registry.ModelVersion.created_at
# xgboost calls a training callback's hooks by name, with these arguments
tuning._Deadline.after_iteration
