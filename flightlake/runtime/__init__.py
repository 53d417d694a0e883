"""The small runtime that decides where things run: Java, Spark, storage, Glue arguments."""
