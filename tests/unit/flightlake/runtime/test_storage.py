"""The S3 side of lake storage, against moto (never the network)."""

import boto3
import pytest

from flightlake.runtime.storage import S3Storage, read_json, write_json


@pytest.fixture
def s3(aws):
    client = boto3.client("s3")
    client.create_bucket(Bucket="lake")
    client.put_bucket_encryption(
        Bucket="lake",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    yield client


def test_writers_send_no_encryption_header(s3):
    """The bucket's default encryption applies (SSE-S3 in dev, SSE-KMS with a bucket key in
    prod): a writer asking for another would be refused or would bypass the bucket key."""
    from tests.aws_stack import recorded_calls

    store = S3Storage("s3://lake/prod", client=s3)
    with recorded_calls() as calls:
        store.write_bytes("_staging/r1/a.parquet", b"x")
        store.publish("_staging/r1/a.parquet", "processed/t/a.parquet")
        store.put_if("_state/run.lock", b"{}", None)
    sent = {c.operation: c.params for c in calls}
    assert {"PutObject", "CopyObject"} <= set(sent)
    for operation, params in sent.items():
        assert not {"ServerSideEncryption", "SSEKMSKeyId"} & set(params), operation


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
    assert head["ServerSideEncryption"] == "AES256"  # the bucket's default, below
    write_json(store, "_runs/r1.json", {"ok": True})
    assert read_json(store, "_runs/r1.json") == {"ok": True}
    store.delete_prefix("processed/")
    assert store.list_files("processed") == []
    assert store.uri("raw/x.csv") == "s3://lake/prod/raw/x.csv"
