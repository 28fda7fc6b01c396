#!/usr/bin/env bash
# Renders the kpi_report dashboard of a synthetic ledger in headless Chromium and leaves the
# HTML and a PNG screenshot to look at. Not part of CI.
#
#   crates/medbill-kpi/tools/check_dashboard.sh [OUT_DIR] [EVENTS] [AS_OF]
#
# Needs /usr/bin/chromium (Debian: apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/../../.."

out=${1:-/tmp/medbill-kpi-dashboard}
events=${2:-300000}
as_of=${3:-2026-03-31}
chromium=${CHROMIUM:-/usr/bin/chromium}
mkdir -p "$out"

if [ ! -x "$chromium" ]; then
    echo "notice: $chromium not found; install it (apt-get install -y chromium) to render" >&2
    exit 0
fi

cargo run --release --quiet --no-default-features --features kpi --example kpi_report -- \
    "$out/ledger.jsonl" --as-of "$as_of" --synthetic "$events" --html "$out/dashboard.html"

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --hide-scrollbars --window-size=1280,2000 --user-data-dir="$out/profile" \
    --screenshot="$out/dashboard.png" "file://$out/dashboard.html" 2>/dev/null

size=$(stat -c %s "$out/dashboard.png")
echo "dashboard: $out/dashboard.html"
echo "screenshot: $out/dashboard.png ($size bytes)"
if [ "$size" -lt 60000 ]; then
    echo "the screenshot looks empty" >&2
    exit 1
fi
