#!/usr/bin/env bash
# Shares of a JFR CPU profile of KeywordAdsBenchmark, counting only the samples taken inside the
# benchmark method (a JMH -prof jfr recording also holds set-up and warm-up):
#   perf/matcher-profile-shares.sh DIR/*/profile.jfr
# prints the top 10 frames by self time and the inclusive share of each matching step.
set -euo pipefail
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
jfr print --stack-depth 300 --events jdk.ExecutionSample "$1" > "$samples"
in_match='index($0, "KeywordAdsBenchmark.match()")'
total=$(awk -v RS='jdk.ExecutionSample' "$in_match{n++} END{print n+0}" "$samples")
echo "samples in KeywordAdsBenchmark.match: $total"
echo "-- self time (top frame), top 10"
awk -v RS='jdk.ExecutionSample' "$in_match"'{ n = split($0, l, "\n"); for (i = 1; i < n; i++) if (l[i] ~ /stackTrace = \[/) { t = l[i + 1]; sub(/^ +/, "", t); sub(/\(.*/, "", t); c[t]++; break } } END { for (k in c) print c[k], k }' "$samples" \
  | sort -rn | head -10 | awk -v T="$total" '{ printf "%5.1f%%  %s\n", 100 * $1 / T, $2 }'
echo "-- inclusive"
for frame in Request.of PageCache.of match.PageText.of CandidateQuery.of IndexSearcher.search \
    TargetingMask.check Eligibility.fit Ranking.valuePerImpression Ranking.valueBound \
    Ranking.maxRelevance RankedCandidates CampaignMatcher.scored CampaignMatcher.auction; do
  awk -v RS='jdk.ExecutionSample' -v f="$frame" -v T="$total" \
    "$in_match"' && index($0, f) { n++ } END { printf "%5.1f%%  %s\n", 100 * n / T, f }' "$samples"
done
