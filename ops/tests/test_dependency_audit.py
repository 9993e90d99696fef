"""The pip-audit wrapper fails on a vulnerability, and never reports "nothing checked" as a pass in silence."""

from ops.dependency_audit import verdict

SKIP = "Dependency not found on PyPI and could not be audited: django (5.2.19)"


def test_a_vulnerability_fails_naming_package_advisory_and_fix():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.1",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.2"], "aliases": ["CVE-1"]}],
            },
            {"name": "celery", "version": "5.7.0", "vulns": []},
        ]
    }
    assert verdict(report, 1, "").__dict__ == {
        "exit_code": 1,
        "lines": [
            "pip-audit: 1 package(s) with known vulnerabilities:",
            "  django 5.2.1: PYSEC-1 (CVE-1); fixed in 5.2.2",
        ],
    }


def test_a_vulnerability_fails_even_when_other_packages_were_skipped():
    report = {
        "dependencies": [
            {"name": "django", "skip_reason": SKIP},
            {"name": "pypdf", "version": "1.0", "vulns": [{"id": "GHSA-x", "fix_versions": []}]},
        ]
    }
    assert verdict(report, 1, "").exit_code == 1


def test_every_package_skipped_is_not_audited_loudly_and_passes_unless_strict():
    report = {"dependencies": [{"name": "django", "skip_reason": SKIP}, {"name": "celery", "skip_reason": SKIP}]}
    relaxed, strict = verdict(report, 0, ""), verdict(report, 0, "", strict=True)
    assert (relaxed.exit_code, strict.exit_code) == (0, 1)
    assert relaxed.lines[0] == f"pip-audit: NOT AUDITED: none of the 2 packages could be checked ({SKIP})."


def test_a_connection_error_is_not_audited_but_another_crash_fails():
    network = (
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): Max retries exceeded"
    )
    assert verdict(None, 1, network).exit_code == 0
    assert verdict(None, 1, network).lines[0].startswith("pip-audit: NOT AUDITED")
    assert verdict(None, 1, network, strict=True).exit_code == 1
    assert verdict(None, 1, "ResolutionImpossible: no version of foo matches").exit_code == 1


def test_audited_packages_pass_naming_the_skipped_ones():
    report = {
        "dependencies": [{"name": "celery", "version": "5.7.0", "vulns": []}, {"name": "django", "skip_reason": SKIP}]
    }
    assert verdict(report, 0, "").__dict__ == {
        "exit_code": 0,
        "lines": ["pip-audit: no known vulnerabilities in 1 package(s).", "  not checked (1): django"],
    }
