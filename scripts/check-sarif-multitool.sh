#!/usr/bin/env bash
# Validates the seed-shaped fixture's SARIF with Microsoft's SARIF Multitool, including GitHub's
# ingestion rules (Gh). Fails on any error or warning result; prints the notes.
set -euo pipefail
cd "$(dirname "$0")/.."
tool_dir=${KDEADLOCK_TOOLS:-$HOME/.cache/kdeadlock/tools}/sarif-multitool
if [ ! -x "$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  mkdir -p "$tool_dir"
  npm install --prefix "$tool_dir" --no-audit --no-fund --silent @microsoft/sarif-multitool@5.7.0 >/dev/null
  # npm 11 skips the package's postinstall, which would set this bit.
  chmod u+x "$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
node bin/kdeadlock.js scan --root fixtures/ipi-cycle/seed-shaped --format sarif -o "$work/seed.sarif" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 (a finding) from the seed-shaped fixture, got $status"; exit 1; }
DOTNET_CLI_TELEMETRY_OPTOUT=1 "$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" validate "$work/seed.sarif" \
  -o "$work/validation.sarif" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" >/dev/null
node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const results = log.runs.flatMap((r) => r.results ?? []);
const bad = results.filter((r) => r.level === "error" || r.level === "warning");
const notes = [...new Set(results.filter((r) => r.level === "note").map((r) => r.ruleId))].sort();
console.log(`SARIF Multitool: ${bad.length} errors/warnings, notes: ${notes.join(", ") || "none"}`);
for (const r of bad) console.log(`  ${r.level} ${r.ruleId}: ${r.message.text ?? JSON.stringify(r.message.arguments)}`);
process.exit(bad.length ? 1 : 0);
' "$work/validation.sarif"
