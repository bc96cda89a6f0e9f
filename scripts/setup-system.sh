#!/usr/bin/env bash
# Install the Debian packages gdanim needs, only those missing. Idempotent.
set -euo pipefail

packages=(
    libcairo2-dev libpango1.0-dev pkg-config   # to build manim's pycairo / manimpango
    texlive-latex-base texlive-latex-extra     # MathTex (standalone.cls is in latex-extra)
    texlive-fonts-recommended dvisvgm
    fonts-dejavu-core
    espeak-ng                                  # --voice espeak: the narration's default voice
    chromium                                   # the test that opens the lecture's index.html
    poppler-utils                              # the test that reads the handout's text
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
(( ${#missing[@]} == 0 )) && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "gdanim setup: please install these system packages: ${missing[*]}" >&2
    exit 1
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
        echo "gdanim setup: run as root or install: ${missing[*]}" >&2
        exit 1
    fi
fi
echo "gdanim setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
