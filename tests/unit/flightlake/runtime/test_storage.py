"""The S3 side of lake storage, against moto (never the network)."""

import boto3
import pytest

from flightlake.runtime.storage import S3Storage, read_json, write_json


@pytest.fixture
def s3(aws):
    client = boto3.client("s3")
    client.create_bucket(Bucket="lake")
    yield client


def test_write_list_publish_and_delete(s3):
    store = S3Storage("s3://lake/prod", client=s3)
    store.write_bytes("raw/flights/delivered=2013-01-02/flights_2013-01-01.csv", b"a\n")
    store.write_bytes("_staging/r1/part-1.parquet", b"x")
    assert [f.path for f in store.list_files("raw/flights")] == [
        "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv"
    ]
    store.publish("_staging/r1/part-1.parquet", "processed/t/part-00000.parquet")
    assert store.read_bytes("processed/t/part-00000.parquet") == b"x"
    assert not store.exists("_staging/r1/part-1.parquet")
    head = s3.head_object(Bucket="lake", Key="prod/processed/t/part-00000.parquet")
    assert head["ServerSideEncryption"] == "AES256"
    write_json(store, "_runs/r1.json", {"ok": True})
    assert read_json(store, "_runs/r1.json") == {"ok": True}
    store.delete_prefix("processed/")
    assert store.list_files("processed") == []
    assert store.uri("raw/x.csv") == "s3://lake/prod/raw/x.csv"
