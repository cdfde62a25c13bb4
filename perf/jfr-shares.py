#!/usr/bin/env python3
"""Shares of a JFR CPU profile (`jfr print --json --events jdk.ExecutionSample F > samples.json`):
by thread (pool names without their numbers), top frames by self time, top inclusive frames.
  perf/jfr-shares.py samples.json [TOP]"""
import collections
import json
import sys

events = json.load(open(sys.argv[1]))["recording"]["events"]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
n = len(events)
threads, own, inclusive = collections.Counter(), collections.Counter(), collections.Counter()


def name(frame):
    return frame["method"]["type"]["name"].split("/")[-1] + "." + frame["method"]["name"]


for e in events:
    v = e["values"]
    t = v["sampledThread"]
    threads[(t["javaName"] or t["osName"]).rstrip("0123456789-")] += 1
    frames = v["stackTrace"]["frames"] if v["stackTrace"] else []
    if not frames:
        continue
    own[name(frames[0])] += 1
    for f in {name(f) for f in frames}:
        inclusive[f] += 1
print(f"samples: {n}")
for title, counts, k in (("threads", threads, 8), ("self", own, top // 2), ("inclusive", inclusive, top)):
    print(f"-- {title}")
    for key, c in counts.most_common(k):
        print(f"{100 * c / n:5.1f}%  {key}")
