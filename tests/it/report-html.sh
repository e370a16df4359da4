# The HTML report as a browser shows it.  Headless Chromium renders the
# page of tests/fixtures/report-landed1.json to a PNG.  Each cell of the
# matrix must show its placement's colour, row by row in page order,
# which groups the accounts by provider.
#
# Needs: $LANDED, Debian's chromium and python3 with PIL (python3-pil).
# Chromium runs with an empty profile and no network features, on a
# file:// URL only.
set -u
. tests/lib/check.sh

fixture=tests/fixtures/report-landed1.json
work=$(mktemp -d "${TMPDIR:-/tmp}/landed-it-html.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
	echo "FAIL chromium is not installed; run 'make deps' (Debian package chromium)"
	check_eq "chromium present" yes no
	check_finish
	exit 1
fi
# Debian's python3 has python3-pil; a python3 earlier in PATH may not.
python=/usr/bin/python3
[ -x "$python" ] || python=python3

"$LANDED" report "$fixture" --format html -o "$work/report.html"
check_eq "html written (an account failed: 3)" 3 "$?"

mkdir "$work/profile"
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$work/profile" --force-color-profile=srgb \
    --hide-scrollbars --window-size=1400,1000 \
    --screenshot="$work/shot.png" "file://$work/report.html" \
    >"$work/chromium.log" 2>&1
status=$?
check_eq "chromium exit status" 0 "$status"
if [ ! -s "$work/shot.png" ]; then
	echo "FAIL no screenshot; chromium said:"
	tail -n 20 "$work/chromium.log"
	check_eq "screenshot written" yes no
	check_finish
	exit 1
fi

# The expected colour of each cell, in page order, from the JSON.
expected=$("$python" - "$fixture" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
tests = len(report["tests"])
order, seen = [], []
for account in report["accounts"]:
    if account["provider"] in seen:
        continue
    seen.append(account["provider"])
    order += [i for i, a in enumerate(report["accounts"])
              if a["provider"] == account["provider"]]
rows = []
for a in order:
    cells = report["results"][a * tests:(a + 1) * tests]
    rows.append(" ".join(c["placement"] for c in cells))
print("\n".join(rows))
PY
)

# Finds the cells as rectangles that are separated from each other by the
# white page background, and names each by the placement colour most of
# its pixels have (text pixels are a minority).
actual=$("$python" - "$work/shot.png" <<'PY'
import sys
from PIL import Image

COLOURS = {
    (0xb9, 0xe6, 0xbd): "inbox",
    (0xf6, 0xc0, 0x8b): "spam",
    (0xa9, 0xd4, 0xf5): "other",
    (0xd6, 0xd6, 0xd6): "missing",
    (0xef, 0x9a, 0x9a): "rejected",
    (0xc5, 0xa3, 0xd9): "error",
}
WHITE = (255, 255, 255)
MIN_WIDTH, MIN_HEIGHT = 40, 16   # legend swatches are 12 px squares

image = Image.open(sys.argv[1]).convert("RGB")
width, height = image.size
pixels = image.load()

# Runs of non-white pixels per row, merged into boxes across rows.
boxes = []          # [x0, y0, x1, y1, counts]
open_boxes = []
for y in range(height):
    runs, x = [], 0
    while x < width:
        if pixels[x, y] == WHITE:
            x += 1
            continue
        start = x
        while x < width and pixels[x, y] != WHITE:
            x += 1
        runs.append((start, x - 1))
    next_open = []
    for start, end in runs:
        box = None
        for candidate in open_boxes:
            if candidate[0] <= end and start <= candidate[2]:
                box = candidate
                break
        if box is None:
            box = [start, y, end, y, {}]
            boxes.append(box)
        box[0], box[2], box[3] = min(box[0], start), max(box[2], end), y
        for xx in range(start, end + 1):
            name = COLOURS.get(pixels[xx, y])
            if name:
                box[4][name] = box[4].get(name, 0) + 1
        if box not in next_open:
            next_open.append(box)
    open_boxes = next_open

cells = []
for x0, y0, x1, y1, counts in boxes:
    area = (x1 - x0 + 1) * (y1 - y0 + 1)
    if x1 - x0 + 1 < MIN_WIDTH or y1 - y0 + 1 < MIN_HEIGHT or not counts:
        continue
    name, count = max(counts.items(), key=lambda item: item[1])
    if count * 2 < area:
        continue
    cells.append((y0, x0, name))

# Cells whose tops are within a few pixels share a row.
cells.sort()
rows, last_top = [], None
for top, left, name in cells:
    if last_top is None or top - last_top > 4:
        rows.append([])
    rows[-1].append((left, name))
    last_top = top
print("\n".join(" ".join(name for _, name in sorted(row)) for row in rows))
PY
)
check_eq "cell colours in the screenshot" "$expected" "$actual"

check_finish
