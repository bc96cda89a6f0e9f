#!/usr/bin/env bash
# A plain `pip install` as a user does it: the built wheel, no extras, into a fresh venv,
# every direct dependency at the lowest version pyproject.toml allows. Each scene then
# renders there, and the Python API trains, analyses and renders.
#
#   bash scripts/check-wheel.sh            # with python3
#   PYTHON=python3.12 bash scripts/check-wheel.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "check-wheel: building the wheel"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$root" 2>"$work/build.log" \
    || { cat "$work/build.log" >&2; exit 1; }
wheel=$(ls "$work"/dist/gdanim-*.whl)

# Each `name>=X` of the dependencies pinned at X.
"$python" - "$root/pyproject.toml" >"$work/lowest.txt" <<'EOF'
import re, sys, tomllib

deps = tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]
for dep in deps:
    m = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*>=\s*([0-9][0-9.]*)", dep)
    if m is None:
        sys.exit(f"check-wheel: {dep!r} has no lower bound")
    print(f"{m.group(1)}=={m.group(2)}")
EOF

echo "check-wheel: installing $(basename "$wheel") with no extras, at the lowest versions:" \
    $(tr '\n' ' ' <"$work/lowest.txt")
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    -c "$work/lowest.txt" "$wheel" 2>"$work/install.log" \
    || { cat "$work/install.log" >&2; exit 1; }

cd "$work"
export XDG_CACHE_HOME="$work/cache"
for args in hiker-bowl derivation descent-path learning-rates "compare --preset momentum" \
    feature-scaling; do
    scene=${args%% *}
    echo "check-wheel: gdanim render $args"
    # The last frame, small: what is checked is that the scene builds and draws here.
    # shellcheck disable=SC2086
    "$work/venv/bin/gdanim" render $args --resolution 256x144 --format png -q \
        -o "$work/$scene.png" >/dev/null
    test -s "$work/$scene.png"
done

echo "check-wheel: a narrated render (eSpeak NG)"
# Small and slow-paced: the check is that speech is made and muxed, not the picture.
"$work/venv/bin/gdanim" render descent-path --resolution 256x144 --fps 5 --narrate -q \
    -o "$work/spoken.mp4" >/dev/null
"$work/venv/bin/python" - "$work/spoken.mp4" <<'EOF'
import sys

import av

with av.open(sys.argv[1]) as f:
    kinds = sorted(s.type for s in f.streams)
assert kinds == ["audio", "video"], kinds
EOF

echo "check-wheel: the Python API"
"$work/venv/bin/python" - <<'EOF'
import gdanim

run = gdanim.train(x=[1, 2, 3, 4], y=[3, 5, 7, 9], lr=0.05, epochs=2000)
assert abs(run.w[-1] - 2) < 1e-3 and abs(run.b[-1] - 1) < 1e-3, (run.w[-1], run.b[-1])
facts = gdanim.analyze("campaign")
assert abs(facts.lr_critical - 0.03618) < 1e-4, facts.lr_critical
out = gdanim.render("descent-path", "campaign", resolution="256x144", format="png",
                    output="api.png")
assert out.path.endswith("api.png") and out.manifest["spec"]["scene"] == "descent-path"
try:
    run.to_frame()
except gdanim.InputError as exc:  # pandas is an extra
    assert "pip install" in str(exc)
print("check-wheel: train, analyze and render from Python: ok")
EOF
echo "check-wheel: ok"
