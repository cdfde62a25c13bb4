#!/usr/bin/env bash
# Refreshes the robot list RobotUserAgentRule reads: the MIT-licensed crawler-user-agents list
# (https://github.com/monperrus/crawler-user-agents), fetched from npm with npm's own client,
# and the browser agents its own test checks against (top-user-agents, MIT). Run it when
# upgrading, review the diff, run the reports tests, and commit the files it writes.
# Usage: reports/scripts/refresh-crawler-user-agents.sh [crawler-version] [top-user-agents-version]
set -euo pipefail
CRAWLERS=${1:-1.60.0}
BROWSERS=${2:-2.1.138}
HERE=$(cd "$(dirname "$0")/.." && pwd)
MAIN=$HERE/src/main/resources/io/precis/reports/invalid
TEST=$HERE/src/test/resources/io/precis/reports/invalid
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "crawler-user-agents@$CRAWLERS" >/dev/null
npm pack --silent "top-user-agents@$BROWSERS" >/dev/null
mkdir crawlers browsers
tar xzf crawler-user-agents-"$CRAWLERS".tgz -C crawlers
tar xzf top-user-agents-"$BROWSERS".tgz -C browsers
cp crawlers/package/crawler-user-agents.json "$MAIN/crawler-user-agents.json"
{ echo "crawler-user-agents $CRAWLERS (npm), https://github.com/monperrus/crawler-user-agents"; echo;
  cat crawlers/package/LICENSE; } > "$MAIN/crawler-user-agents.LICENSE"
# Test fixtures: every browser agent of top-user-agents (desktop, mobile and the overall top list).
node -e '
const fs = require("fs");
const all = new Set();
for (const f of ["index", "desktop", "mobile"]) JSON.parse(fs.readFileSync("browsers/package/src/" + f + ".json")).forEach(a => all.add(a));
fs.writeFileSync(process.argv[1], [...all].join("\n") + "\n");' "$TEST/browser-user-agents-top.txt"
{ echo "top-user-agents $BROWSERS (npm), https://github.com/microlinkhq/top-user-agents"; echo;
  cat browsers/package/LICENSE.md; } > "$TEST/browser-user-agents-top.LICENSE"
echo "crawler-user-agents $CRAWLERS: $(grep -c '"pattern"' "$MAIN/crawler-user-agents.json") patterns; $(wc -l < "$TEST/browser-user-agents-top.txt") browser agents"
