#!/bin/sh
# SPDX-License-Identifier: MIT
# Renders confab.svg to the hicolor PNG sizes committed next to it (needs librsvg2-bin).
# Run again after editing confab.svg.
set -eu
cd "$(dirname "$0")"
for s in 16 22 24 32 48 64 128 256; do
    mkdir -p "hicolor/${s}x${s}"
    rsvg-convert -w "$s" -h "$s" confab.svg -o "hicolor/${s}x${s}/confab.png"
done
