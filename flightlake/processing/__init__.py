"""The library of the raw → processed step (glue_jobs/process.py): the ledger of files read,
reading and parsing drops, and atomic publishing."""
