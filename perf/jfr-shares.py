#!/usr/bin/env python3
"""Shares of a JFR CPU profile (`jfr print --json --events jdk.ExecutionSample F > samples.json`):
by thread (pool names without their numbers), top frames by self time, top inclusive frames.
Given allocation samples instead (`--events jdk.ObjectAllocationSample`), the same shares are
weighted by the bytes each sample stands for, and the allocated classes are listed too.
  perf/jfr-shares.py samples.json [TOP]"""
import collections
import json
import sys

events = json.load(open(sys.argv[1]))["recording"]["events"]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
alloc = bool(events) and "weight" in events[0]["values"]
n = sum(e["values"]["weight"] for e in events) if alloc else len(events)
threads, own, inclusive = collections.Counter(), collections.Counter(), collections.Counter()
classes = collections.Counter()


def name(frame):
    return frame["method"]["type"]["name"].split("/")[-1] + "." + frame["method"]["name"]


for e in events:
    v = e["values"]
    w = v["weight"] if alloc else 1
    t = v.get("sampledThread") or v.get("eventThread")
    threads[(t["javaName"] or t["osName"]).rstrip("0123456789-")] += w
    if alloc:
        classes[v["objectClass"]["name"].split("/")[-1]] += w
    frames = v["stackTrace"]["frames"] if v["stackTrace"] else []
    if not frames:
        continue
    own[name(frames[0])] += w
    for f in {name(f) for f in frames}:
        inclusive[f] += w
print(f"bytes allocated (sampled weight): {n:,}" if alloc else f"samples: {n}")
groups = (("threads", threads, 8), ("self", own, top // 2), ("inclusive", inclusive, top))
if alloc:
    groups = (("classes", classes, top // 2),) + groups
for title, counts, k in groups:
    print(f"-- {title}")
    for key, c in counts.most_common(k):
        print(f"{100 * c / n:5.1f}%  {key}")
