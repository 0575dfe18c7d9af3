#!/bin/sh
# Renders a comparison's report.html in headless Chromium and writes a PNG, to check the page and its plots by eye.
#   Scripts/screenshot-report.sh runs/compare/report.html [out.png] [WIDTHxHEIGHT]
# Default PNG: next to the report, named report.png; default window 1200x2600 (the whole page of a small comparison).
# Needs chromium (Debian: apt-get install -y chromium).
set -eu

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
    exit 2
fi
report=$1
if [ ! -f "$report" ]; then
    echo "$0: $report is not a file; expected a report.html written by 'shears compare'" >&2
    exit 1
fi
png=${2:-$(dirname "$report")/report.png}
size=${3:-1200x2600}
case $size in
    *x*) width=${size%x*}; height=${size#*x} ;;
    *) echo "$0: size '$size' should be WIDTHxHEIGHT, e.g. 1200x2600" >&2; exit 2 ;;
esac

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
    echo "$0: no chromium found; install it with: apt-get install -y chromium" >&2
    exit 1
fi

absolute=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
case $png in /*) ;; *) png=$(pwd)/$png ;; esac
# --no-sandbox: Chromium refuses to start its sandbox as root (containers, CI).
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size="$width,$height" --screenshot="$png" "file://$absolute" >/dev/null 2>&1
if [ ! -s "$png" ]; then
    echo "$0: $browser wrote no screenshot for $report" >&2
    exit 1
fi
echo "$png"
