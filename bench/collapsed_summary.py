#!/usr/bin/env python3
"""Summarize an async-profiler collapsed-stack file (CPU samples): kernel vs user share, JVM thread kinds,
and for each sample the deepest Tracegate/Jetty frame and the deepest user-space frame (a syscall wrapper
such as __GI_read or __spawnix shows where kernel time was entered). usage: collapsed_summary.py FILE [N]"""
import sys
from collections import Counter

path, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
total, where, kinds, ours, user = 0, Counter(), Counter(), Counter(), Counter()
for line in open(path):
    stack, n = line.rstrip('\n').rsplit(' ', 1)
    n = int(n)
    frames = stack.split(';')
    total += n
    where['kernel' if any(f.endswith('_[k]') for f in frames) else 'user'] += n
    kind = next((k for k in ('CompileBroker', 'VMThread', 'SerialHeap', 'Thread.run') if k in stack), 'other')
    kinds[{'Thread.run': 'Java threads', 'CompileBroker': 'JIT compiler', 'VMThread': 'VM thread',
           'SerialHeap': 'GC'}.get(kind, 'other')] += n
    own = [f for f in frames if 'tracegate' in f or 'eclipse/jetty' in f]
    ours[own[-1] if own else '(no Tracegate/Jetty frame)'] += n
    plain = [f for f in frames if not f.endswith('_[k]')]
    user[plain[-1] if plain else '?'] += n
if not total:
    sys.exit('no samples')
pct = lambda v: f"{100 * v / total:.1f}"
print(f"{total} samples; " + ", ".join(f"{k} {pct(v)} %" for k, v in where.most_common()))
print("threads: " + ", ".join(f"{k} {pct(v)} %" for k, v in kinds.most_common()))
print("\n| deepest Tracegate/Jetty frame | % | deepest user-space frame | % |\n|---|---|---|---|")
short = lambda f: f if f.startswith('(') else f.split('/')[-1]
a, b = ours.most_common(top), user.most_common(top)
for i in range(max(len(a), len(b))):
    l = f"| `{short(a[i][0])}` | {pct(a[i][1])} |" if i < len(a) else "| | |"
    r = f" `{short(b[i][0])}` | {pct(b[i][1])} |" if i < len(b) else " | |"
    print(l + r)
