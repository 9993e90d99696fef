"""Hypothesis profiles of the property tests (*/tests/test_properties_*.py), loaded by the root conftest.py.

- "dev" (default on a developer's machine): few examples, quick feedback, failures remembered in .hypothesis/.
- "ci" (default when CI is set, as .ci/run sets it): the examples the issue asks for, derandomized so a run
  is repeatable and a failure shows up again on the next run of the same code.
- "thorough": ten times CI's examples, random: `HYPOTHESIS_PROFILE=thorough make test PYTEST_ARGS="-k properties"`.

No deadline anywhere: examples hit PostgreSQL on a shared two-core machine, where one slow example says
nothing about the code. A failure prints the falsifying example and the blob that replays it
(`@reproduce_failure`); a random run also prints its seed (`--hypothesis-seed=N` replays it).

Each test scales its own example count from the profile's (`examples`): a test whose examples are a few
queries runs the profile's count, one whose examples open a ballot round runs fewer.
"""

import os

from hypothesis import HealthCheck, Phase, settings

CI_EXAMPLES = 300

# Our tests build a tree and personas once per test (pytest fixtures) and roll each example back
# themselves (core.tests.properties.rolled_back), so function-scoped fixtures are safe to share.
_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}

settings.register_profile("dev", max_examples=CI_EXAMPLES // 6, **_COMMON)
settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    derandomize=True,
    database=None,
    # No shrinking budget wasted on the explain phase in CI; the failure's example is still shrunk.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    **_COMMON,
)
settings.register_profile("thorough", max_examples=CI_EXAMPLES * 10, **_COMMON)


def load() -> str:
    """Load HYPOTHESIS_PROFILE, else "ci" under CI, else "dev"; returns the name loaded."""
    name = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
    settings.load_profile(name)
    return name


def examples(share: float) -> settings:
    """A @settings decorator running `share` of the loaded profile's examples (at least 10)."""
    return settings(max_examples=max(10, int(settings.default.max_examples * share)))
