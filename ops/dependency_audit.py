"""pip-audit for CI and `make audit`: fail on a known vulnerability, and say plainly when nothing was checked.

    python -m ops.dependency_audit                 # the pinned runtime requirements (requirements.txt)
    python -m ops.dependency_audit --strict        # also fail when the advisory service cannot be reached

pip-audit asks PyPI's JSON API (or OSV) about each package. Without a route to it, pip-audit either stops
on the connection error or marks every package "could not be audited" and still prints "No known
vulnerabilities found" with exit code 0, which reads like a pass. This wrapper tells the cases apart:
- a vulnerability found: exit 1, with the package, the version, the advisory and the fixed versions;
- nothing could be checked (no route to the service): exit 0 with a loud NOT AUDITED line (1 with --strict),
  so a machine without the network does not fail CI for that reason alone;
- checked: exit 0, naming any package that could not be checked.
No Django here: it runs before the portal is configured.
"""

from __future__ import annotations

import argparse
import json
import subprocess  # nosec B404  # runs this interpreter's pip-audit with fixed flags, no shell
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

NETWORK_ERRORS = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "timed out",
)


@dataclass
class Verdict:
    exit_code: int
    lines: list[str]


def verdict(report: dict | None, returncode: int, stderr: str, *, strict: bool = False) -> Verdict:
    """What a pip-audit run (its JSON report, exit code and stderr) means for CI."""
    if report is None:
        if any(marker in stderr for marker in NETWORK_ERRORS):
            return _not_audited("pip-audit could not reach the vulnerability service", strict, stderr)
        return Verdict(1, ["pip-audit failed (not a network error):", *stderr.strip().splitlines()[-15:]])
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    if vulnerable:
        lines = [f"pip-audit: {len(vulnerable)} package(s) with known vulnerabilities:"]
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                aliases = ", ".join(vuln.get("aliases") or [])
                lines.append(
                    f"  {dep['name']} {dep.get('version', '?')}: {vuln['id']}"
                    + (f" ({aliases})" if aliases else "")
                    + f"; fixed in {fixed}"
                )
        return Verdict(1, lines)
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if dependencies and audited == 0:
        return _not_audited(
            f"none of the {len(dependencies)} packages could be checked ({skipped[0]['skip_reason']})", strict, ""
        )
    lines = [f"pip-audit: no known vulnerabilities in {audited} package(s)."]
    if skipped:
        lines.append(f"  not checked ({len(skipped)}): " + ", ".join(d["name"] for d in skipped))
    if returncode not in (0, 1):
        return Verdict(1, [*lines, f"pip-audit exited with {returncode}:", *stderr.strip().splitlines()[-10:]])
    return Verdict(0, lines)


def _not_audited(reason: str, strict: bool, stderr: str) -> Verdict:
    lines = [
        f"pip-audit: NOT AUDITED: {reason}.",
        "  This machine has no route to the advisory service (PyPI's JSON API / OSV); nothing was checked.",
        "  Run `make audit` where the network reaches it, or read docs/operations.md (Kiểm tra bảo mật).",
    ]
    if stderr:
        lines.append("  last error: " + stderr.strip().splitlines()[-1][:300])
    return Verdict(1 if strict else 0, lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--requirement", action="append", help="requirements file (default: requirements.txt)")
    parser.add_argument("--strict", action="store_true", help="fail when the advisory service cannot be reached")
    args = parser.parse_args(argv)
    requirements = args.requirement or ["requirements.txt"]
    with tempfile.TemporaryDirectory(prefix="pip-audit-") as workdir:
        output = Path(workdir) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "--format", "json", "--output", str(output)]
        command += ["--progress-spinner", "off"]
        for requirement in requirements:
            command += ["--requirement", requirement]
        result = subprocess.run(command, capture_output=True, text=True, timeout=900)  # nosec B603
        text = output.read_text() if output.exists() else ""
        report = json.loads(text) if text.strip() else None
    outcome = verdict(report, result.returncode, result.stderr, strict=args.strict)
    print("\n".join(outcome.lines))
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
