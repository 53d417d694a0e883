"""The registry on a SageMaker Model Package Group: one model package per registered model.

The boto3 client, not sagemaker-core's ModelPackage: in sagemaker-core 2.27 ModelPackage.create
types inference_specification with the model-card shape (no SupportedContentTypes), then reads a
ModelPackageName that CreateModelPackage never returns. boto3 also spares listing versions the
SDK's seconds-long import; only register() needs the SDK, for the image URI.
"""

from __future__ import annotations

import json
import re
import string
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from training.registry.base import APPROVED, ModelVersion, decide

if TYPE_CHECKING:
    import boto3

CSV = "text/csv"
SECTIONS = ("metrics", "hyperparameters", "lineage")

# CustomerMetadataProperties keys and values may only hold letters, digits, spaces and _.:/=+-@
# (at most 128 / 256 characters, 50 entries): JSON as such is refused. A string made of those
# characters (bar '=') that is not JSON text is stored as it is; any other value as its JSON text
# with every other character, '=' included, written =XX (hex). So 0.81 stays 0.81, hist stays
# hist, ["a", "b"] becomes =5B=22a=22=2C =22b=22=5D, and decoding gives back the exact value.
_PLAIN = frozenset(string.ascii_letters + string.digits + "_.:/+-@ ")
_ESCAPE = re.compile(r"=([0-9A-F]{2})")
_KEY = re.compile(r"[\w.:/=+\-@ ]{1,128}", re.ASCII)
MAX_VALUE, MAX_PROPERTIES = 256, 50


def _json(text: str) -> Any:
    return json.loads(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


def encode_value(value: Any) -> str:
    if isinstance(value, str) and value and set(value) <= _PLAIN:
        try:
            _json(value)
        except ValueError:
            return value
    text = json.dumps(value, sort_keys=True)  # ensure_ascii: every character fits in =XX
    return "".join(c if c in _PLAIN else f"={ord(c):02X}" for c in text)


def decode_value(text: str) -> Any:
    try:
        return _json(text)
    except ValueError:
        return text


def to_properties(sections: dict[str, dict[str, Any]]) -> dict[str, str]:
    properties = {}
    for section, values in sections.items():
        for name, value in values.items():
            key, encoded = f"{section}.{name}", encode_value(value)
            if not _KEY.fullmatch(key):
                raise ValueError(f"{key!r} cannot be a SageMaker metadata key")
            if len(encoded) > MAX_VALUE:
                raise ValueError(
                    f"{key} takes {len(encoded)} characters, SageMaker keeps {MAX_VALUE}"
                )
            properties[key] = encoded
    if len(properties) > MAX_PROPERTIES:
        raise ValueError(f"{len(properties)} metadata entries, SageMaker keeps {MAX_PROPERTIES}")
    return properties


def from_properties(properties: dict[str, str]) -> dict[str, dict[str, Any]]:
    sections: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for key, text in properties.items():
        section, _, name = key.partition(".")
        if section in sections:
            sections[section][name] = decode_value(text)
    return sections


class SageMakerRegistry:
    def __init__(self, group: str, boto_session: boto3.Session, image_uri: str | None = None):
        self.group = group
        self.region = boto_session.region_name
        self.client = boto_session.client("sagemaker")
        self._image_uri = image_uri
        self._group_ready = False

    @property
    def image_uri(self) -> str:
        if self._image_uri is None:
            from training.launchers.sagemaker import xgboost_image_uri

            self._image_uri = xgboost_image_uri(self.region)
        return self._image_uri

    def ensure_group(self) -> None:
        # Describe first: creating an existing group is an error on SageMaker (not on moto).
        if self._group_ready:
            return
        try:
            self.client.describe_model_package_group(ModelPackageGroupName=self.group)
        except ClientError as error:
            # A missing group is a ValidationException, as are malformed names: create tells.
            if error.response["Error"]["Code"] != "ValidationException":
                raise
            self.client.create_model_package_group(
                ModelPackageGroupName=self.group,
                ModelPackageGroupDescription="flightlake delay-risk models",
            )
        self._group_ready = True

    def register(
        self,
        model_uri: str,
        metrics: dict[str, float],
        hyperparameters: dict[str, Any],
        lineage: dict[str, Any],
    ) -> ModelVersion:
        self.ensure_group()
        decision = decide(metrics, self.latest_approved())
        properties = to_properties(
            {"metrics": metrics, "hyperparameters": hyperparameters, "lineage": lineage}
        )
        arn = self.client.create_model_package(
            ModelPackageGroupName=self.group,
            InferenceSpecification={
                "Containers": [{"Image": self.image_uri, "ModelDataUrl": model_uri}],
                "SupportedContentTypes": [CSV],
                "SupportedResponseMIMETypes": [CSV],
            },
            ModelApprovalStatus=decision.status,
            ModelPackageDescription=decision.reason,
            # SageMaker refuses an empty map.
            **({"CustomerMetadataProperties": properties} if properties else {}),
        )["ModelPackageArn"]
        return self._version(arn)

    def set_status(self, version: ModelVersion, status: str, reason: str) -> ModelVersion:
        # ApprovalDescription keeps the why beside the status (UpdateModelPackage):
        # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateModelPackage.html
        self.client.update_model_package(
            ModelPackageArn=version.extra["arn"],
            ModelApprovalStatus=status,
            ApprovalDescription=reason[:1024],
        )
        return self._version(version.extra["arn"])

    def versions(self) -> list[ModelVersion]:
        return sorted(
            (self._version(s["ModelPackageArn"]) for s in self._summaries()),
            key=lambda v: v.version,
        )

    def latest_approved(self) -> ModelVersion | None:
        approved = self._summaries(ModelApprovalStatus=APPROVED)
        if not approved:
            return None
        latest = max(approved, key=lambda s: s["ModelPackageVersion"])
        return self._version(latest["ModelPackageArn"])

    def _summaries(self, **filters: str) -> list[dict[str, Any]]:
        # No group yet lists nothing: reading creates nothing.
        pages = self.client.get_paginator("list_model_packages").paginate(
            ModelPackageGroupName=self.group, **filters
        )
        return [s for page in pages for s in page["ModelPackageSummaryList"]]

    def _version(self, arn: str) -> ModelVersion:
        package = self.client.describe_model_package(ModelPackageName=arn)
        sections = from_properties(package.get("CustomerMetadataProperties", {}))
        return ModelVersion(
            group=self.group,
            version=package["ModelPackageVersion"],
            model_uri=package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"],
            metrics=sections["metrics"],
            hyperparameters=sections["hyperparameters"],
            lineage=sections["lineage"],
            status=package["ModelApprovalStatus"],
            reason=package.get("ApprovalDescription") or package.get("ModelPackageDescription", ""),
            created_at=package["CreationTime"].isoformat(),
            extra={"arn": arn},
        )
