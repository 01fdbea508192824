"""The Linux bundle, built and smoke-tested as a user would get it (issue 7): part of the suite since it fits.

Runs packaging/build_linux.sh: freeze, size budget, frozen --self-test (cold and warm), the GPU-library switch,
the console executable, and the tarball unpacked elsewhere. ~1.5 minutes on 2 cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle is built on Linux; CI builds the others")
@pytest.mark.timeout(1200)
def test_linux_bundle_builds_and_passes_its_self_test() -> None:
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "build_linux.sh")], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=1150,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads((ROOT / "build" / "linux-figures.json").read_text())
    print(json.dumps(figures, indent=2))  # the figures land in the test log
    assert figures["bundle_mib"] <= figures["size_budget_mib"]
