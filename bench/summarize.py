#!/usr/bin/env python3
"""Markdown tables from one bench/run.sh results dir: medians over reps, each row as a ratio to the ceiling
measured in the same rep (ratio = median over reps of value_rep / ceiling_rep), then issue 4's targets."""
import collections, re, statistics, sys

res = sys.argv[1]
med = statistics.median

def ms(x):
    m = re.match(r'([\d.]+)(us|ms|s)$', x or '')
    return float(m[1]) * {'us': 1e-3, 'ms': 1, 's': 1e3}[m[2]] if m else float('nan')

rows = lambda f: [l.rstrip('\n').split('\t') for l in open(f'{res}/{f}') if l.strip()]

# ceilings per rep
spawn = collections.defaultdict(dict)          # (prog, threads) -> rep -> rate
for _, prog, th, rep, r in rows('spawn.tsv'):
    spawn[(prog, th)][rep] = float(r or 0)
def ceil(prog, rep):
    # hello: the better of 1 and 2 spawner threads (the conservative ceiling); hello.sh: 1 spawner
    return max(spawn[(prog, '1')].get(rep, 0), spawn[(prog, '2')].get(rep, 0)) if prog == 'hello' else spawn[(prog, '1')].get(rep, 0)

http = collections.defaultdict(list)
order = []
for s, prog, c, rep, rps, p50, p99, rss, err in rows('http.tsv'):
    k = (s, prog, int(c))
    if k not in order: order.append(k)
    http[k].append(dict(rep=rep, rps=float(rps or 0), p50=ms(p50), p99=ms(p99), rss=int(rss or 0), err=err))

stream = collections.defaultdict(dict)         # (who, kind) -> rep -> MiB/s
notes = {}
for who, kind, rep, v, note in rows('stream.tsv'):
    stream[(who, kind)][rep] = float(v or 0); notes[(who, kind)] = note

print("### Ceilings (same run; median over reps)\n")
print("| ceiling | value | reps |\n|---|---|---|")
for (prog, th), d in spawn.items():
    print(f"| C posix_spawn+pipe+waitpid loop, `{prog}`, {th} spawner(s) | **{med(d.values()):.0f} spawns/s** | {', '.join(f'{v:.0f}' for v in d.values())} |")
for kind, what in (('stream', '`head -c 1G /dev/zero \\| cat`'), ('upload', '256 MiB through a pipe into `head -c N \\| wc -c`')):
    d = stream[('pipe', kind)]
    print(f"| {what} | **{med(d.values()):.0f} MiB/s** | {', '.join(f'{v:.0f}' for v in d.values())} |")

print("\n### HTTP (wrk -t1, loopback; median over reps; ratio = req/s ÷ the spawn ceiling of the same rep)\n")
print("| server | program | c | req/s | ratio to ceiling | runs | p50 ms | p99 ms | peak RSS MiB (c=64) | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
summary = {}
for k in order:
    s, prog, c = k; rs = http[k]
    rps = med(r['rps'] for r in rs)
    ratio = med(r['rps'] / ceil(prog, r['rep']) for r in rs if ceil(prog, r['rep']))
    p50 = med(r['p50'] for r in rs); p99 = med(r['p99'] for r in rs)
    rss = max(r['rss'] for r in rs) / 1024
    errs = max((r['err'] for r in rs), key=len)
    summary[k] = dict(rps=rps, ratio=ratio, p50=p50, p99=p99, rss=rss)
    name = f"**{s}**" if s == 'tracegate' else s
    print(f"| {name} | {prog} | {c} | {rps:.0f} | {ratio:.2f} | {', '.join('%.0f' % r['rps'] for r in rs)} | {p50:.2f} | {p99:.2f} | "
          f"{f'{rss:.0f}' if c == 64 else ''} | {errs} |")

print("\n### Streaming 1 GiB and uploading 256 MiB (MiB/s, median over reps; ratio to the pipe ceiling of the same rep)\n")
print("| server | 1 GiB response MiB/s | ratio | 256 MiB upload MiB/s | ratio | last run |")
print("|---|---|---|---|---|---|")
servers = [w for (w, kind) in stream if w != 'pipe' and kind == 'stream']
sx = {}
for w in servers:
    out = []
    for kind in ('stream', 'upload'):
        d = stream[(w, kind)]; p = stream[('pipe', kind)]
        v = med(d.values()); r = med(d[rep] / p[rep] for rep in d if p.get(rep))
        sx[(w, kind)] = r; out += [f"{v:.0f}", f"{r:.2f}"]
    name = f"**{w}**" if w == 'tracegate' else w
    print(f"| {name} | {' | '.join(out)} | {notes[(w, 'stream')]}; {notes[(w, 'upload')]} |")

if ('tracegate', 'hello', 8) in summary:
    print("\n### Issue 4 targets (this run)\n")
    print("| target | Tracegate | verdict |\n|---|---|---|")
    t = summary[('tracegate', 'hello', 8)]
    print(f"| hello, c=8: ≥ 0.70 of the raw spawn loop (stretch 0.90) | {t['ratio']:.2f} | {'met' if t['ratio'] >= 0.70 else 'missed by %.2f' % (0.70 - t['ratio'])} |")
    peers = {s: v for (s, p, c), v in summary.items() if p == 'hello' and c == 8 and s != 'tracegate'}
    if peers:
        best = max(peers, key=lambda s: peers[s]['rps'])
        print(f"| hello, c=8: ahead of every peer | {t['rps']:.0f} req/s vs best peer {best} {peers[best]['rps']:.0f} | "
              f"{'met' if t['rps'] > peers[best]['rps'] else 'missed'} ({t['rps'] / peers[best]['rps']:.2f}×) |")
    for prog in ('hello', 'hello.sh'):
        t64 = summary.get(('tracegate', prog, 64)); p64 = {s: v for (s, p, c), v in summary.items() if p == prog and c == 64 and s != 'tracegate'}
        if t64 and p64:
            best = min(p64, key=lambda s: p64[s]['p99'])
            print(f"| {prog}, c=64: p99 ≤ best peer's | {t64['p99']:.1f} ms vs {best} {p64[best]['p99']:.1f} ms | "
                  f"{'met' if t64['p99'] <= p64[best]['p99'] else 'missed'} ({t64['p99'] / p64[best]['p99']:.2f}×) |")
    if ('tracegate', 'stream') in sx:
        r = sx[('tracegate', 'stream')]; print(f"| streaming 1 GiB: ≥ 0.70 of the pipe | {r:.2f} | {'met' if r >= 0.7 else 'missed by %.2f' % (0.7 - r)} |")
        r = sx[('tracegate', 'upload')]; print(f"| upload 256 MiB: ≥ 0.50 of the pipe | {r:.2f} | {'met' if r >= 0.5 else 'missed by %.2f' % (0.5 - r)} |")
    rss = max(summary[k]['rss'] for k in summary if k[0] == 'tracegate' and k[2] == 64)
    print(f"| server RSS at c=64 ≤ 300 MB | {rss:.0f} MiB ({rss * 1.048576:.0f} MB) | {'met' if rss * 1.048576 <= 300 else 'missed'} |")
    try:
        ratios = next(l for l in open(f'{res}/trace-overhead.txt') if l.startswith('ratio to off')).split('\t')
        rules, session = float(ratios[2]), float(ratios[3])
        print(f"| tracing overhead (failed-request rules on, none fire): ≤ 5 % | {rules:.3f} of tracing off "
              f"(a trace session recording everything: {session:.3f}) | {'met' if rules >= 0.95 else 'missed'} |")
    except (OSError, StopIteration, IndexError, ValueError):
        print("| tracing overhead ≤ 5 % | not measured (trace-overhead.txt missing) | — |")
