"""The pipeline: its one definition (dag.py) and its one executor (runner.py)."""
