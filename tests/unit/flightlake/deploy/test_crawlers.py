"""Crawler definitions: one per raw source, valid Glue requests (moto)."""

import json

import boto3
import pytest
from botocore.validate import validate_parameters

from flightlake.contracts import raw_sources
from flightlake.deploy.crawlers import classifier_request, crawler_request, definitions
from flightlake.resources import crawler_definitions

ROLE = "arn:aws:iam::123456789012:role/flightlake-dev-glue-crawler"


def test_one_definition_per_raw_source():
    assert (
        set(definitions())
        == set(raw_sources())
        == {"flights", "weather", "planes", "airports", "airlines"}
    )


def test_new_folders_only_requires_log_policies(tmp_path):
    spec = json.loads(next(iter(crawler_definitions().values())))
    spec["SchemaChangePolicy"]["UpdateBehavior"] = "UPDATE_IN_DATABASE"
    (tmp_path / "x.json").write_text(json.dumps(spec))
    with pytest.raises(ValueError, match="needs LOG"):
        definitions(tmp_path)


@pytest.fixture
def glue(aws):
    yield boto3.client("glue")


def test_definitions_create_valid_crawlers(glue):
    glue.create_database(DatabaseInput={"Name": "flightlake_dev_raw"})
    classifier_shape = glue.meta.service_model.operation_model("CreateClassifier").input_shape
    for source, spec in definitions().items():
        # moto has no CreateClassifier: validate against the AWS API model instead.
        validate_parameters(classifier_request(source), classifier_shape)
        glue.create_crawler(
            **crawler_request(spec, "s3://acme-lake/fl", ROLE, "flightlake_dev_raw")
        )
    crawler = glue.get_crawler(Name="flightlake-raw-flights")["Crawler"]
    assert crawler["Targets"]["S3Targets"] == [{"Path": "s3://acme-lake/fl/raw/flights/"}]
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
    assert crawler["Classifiers"] == ["flightlake-csv-flights"]
    assert crawler["TablePrefix"] == "raw_" and crawler["Role"] == ROLE
    csv = classifier_request("weather")["CsvClassifier"]
    assert csv["Header"][:3] == ["origin", "year", "month"] and csv["ContainsHeader"] == "PRESENT"
    assert len(glue.get_crawlers()["Crawlers"]) == 5
