"""The same bits on every x86-64 machine: gdanim pins OpenBLAS's kernels before numpy loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gdanim import _blas

SHOW = "import os, sys; {first}; print(os.environ.get('OPENBLAS_CORETYPE'))"


def _python(code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(not _blas._has_avx2_and_fma(), reason="a CPU without AVX2 keeps its kernels")
def test_gdanim_first_pins_the_avx2_kernels() -> None:
    # What the pin buys is checked by the goldens' bytes (test_features, test_pipeline_manifest),
    # which differ in their last bits under OpenBLAS's AVX-512 kernels.
    assert _python(SHOW.format(first="import gdanim")) == "Haswell"


def test_numpy_first_keeps_its_kernels_and_a_choice_is_kept() -> None:
    assert _python(SHOW.format(first="import numpy, gdanim")) == "None"
    env_code = "import os; os.environ['OPENBLAS_CORETYPE'] = 'Zen'; import gdanim"
    assert _python(SHOW.format(first=env_code)) == "Zen"
