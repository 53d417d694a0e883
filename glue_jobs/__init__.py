"""The Glue side of the pipeline: run_step.py, the one Glue script every job runs; the job
steps (process.py, curate.py, crawl_raw.py, refresh_views.py); and the pure transforms they
apply (transforms/)."""
