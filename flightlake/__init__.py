"""flightlake: a Glue + Athena data lake over the real 2013 New York flights."""

__version__ = "0.1.0"
