"""The same bits on every x86-64 machine: OpenBLAS's kernels pinned before numpy loads them.

OpenBLAS chooses its kernels for the CPU it finds when numpy is first imported, and its
AVX-512 kernels add up a product in another order than its AVX2 ones: a fit's last bits, so a
trajectory file's bytes, would then depend on the machine. Every x86-64 CPU with AVX2 and
FMA runs the AVX2 ("Haswell") kernels, so where numpy is not loaded yet and nobody chose a
kernel, gdanim asks for those. Where numpy came first (a notebook that imported it), its
kernels stay as they are; set ``OPENBLAS_CORETYPE=Haswell`` before starting Python for the
same bytes there. Importing this module has that one effect and costs a read of
``/proc/cpuinfo``.
"""

from __future__ import annotations

import os
import platform
import sys

CORETYPE = "Haswell"


def _has_avx2_and_fma() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return {"avx2", "fma"} <= flags
    except OSError:
        pass
    return False


def pin_kernels() -> bool:
    """Ask OpenBLAS for its AVX2 kernels if it is not loaded yet: whether it was asked."""
    if "numpy" in sys.modules or "OPENBLAS_CORETYPE" in os.environ:
        return False
    if platform.machine().lower() not in ("x86_64", "amd64") or not _has_avx2_and_fma():
        return False
    os.environ["OPENBLAS_CORETYPE"] = CORETYPE
    return True


pin_kernels()
