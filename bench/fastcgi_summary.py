#!/usr/bin/env python3
"""Markdown table from one bench/fastcgi.sh results dir: per row the median over reps, and the ratio to
nginx_fpm computed per rep (same rep, same c) and then the median; then issue 10's two targets.
usage: fastcgi_summary.py RESULTS_DIR"""
import collections, re, statistics, sys

res = sys.argv[1]
med = statistics.median
BASE = 'nginx_fpm'


def ms(x):
    m = re.match(r'([\d.]+)(us|ms|s)$', x or '')
    return float(m[1]) * {'us': 1e-3, 'ms': 1, 's': 1e3}[m[2]] if m else float('nan')


runs = collections.defaultdict(dict)   # (server, c) -> rep -> row
order, loads = [], []
for line in open(f'{res}/http.tsv'):
    if not line.strip():
        continue
    s, c, rep, rps, p50, p99, rss, rss_pool, load, err = line.rstrip('\n').split('\t')
    k = (s, int(c))
    if k not in order:
        order.append(k)
    runs[k][rep] = dict(rps=float(rps or 0), p50=ms(p50), p99=ms(p99), rss=int(rss or 0), rss_pool=int(rss_pool or 0), err=err)
    loads.append(float(load))

conns = sorted({c for _, c in order})
servers = list(dict.fromkeys(s for s, _ in order))
top = max(conns)


def ratio(k, field):
    base = runs.get((BASE, k[1]), {})
    return [r[field] / base[rep][field] for rep, r in runs[k].items() if rep in base and base[rep][field]]


print(f"load average (1 min) at the start of each wrk run: min {min(loads):.1f}, median {med(loads):.1f}, max {max(loads):.1f}\n")
print(f"| server | c | req/s (median) | runs | ÷ {BASE} req/s | p50 ms | p99 ms | ÷ {BASE} p99 | peak RSS MiB c={top}: server | + its php-fpm pool | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
summary = {}
for c in conns:
    for s in servers:
        k = (s, c)
        if k not in runs:
            continue
        rs = list(runs[k].values())
        row = dict(rps=med(r['rps'] for r in rs), p50=med(r['p50'] for r in rs), p99=med(r['p99'] for r in rs),
                   q=med(ratio(k, 'rps')) if ratio(k, 'rps') else float('nan'),
                   q99=med(ratio(k, 'p99')) if ratio(k, 'p99') else float('nan'),
                   rss=max(r['rss'] for r in rs) / 1024, rss_pool=max(r['rss_pool'] for r in rs) / 1024)
        summary[k] = row
        errs = max((r['err'] for r in rs), key=len)
        name = s if s == BASE else f"**{s}**"
        print(f"| {name} | {c} | {row['rps']:.0f} | {', '.join('%.0f' % r['rps'] for r in rs)} | {row['q']:.2f} "
              f"| {row['p50']:.2f} | {row['p99']:.2f} | {row['q99']:.2f} "
              f"| {('%.0f' % row['rss']) if c == top else ''} | {('%.0f' % row['rss_pool']) if c == top else ''} | {errs} |")

print("\n| issue 10 target | measured | verdict |\n|---|---|---|")
t8 = summary.get(('tracegate_fpm', 8))
if t8:
    print(f"| Tracegate → php-fpm ≥ 1.0 × {BASE} req/s at c=8 | {t8['q']:.2f} × (runs {', '.join('%.2f' % x for x in ratio(('tracegate_fpm', 8), 'rps'))}) "
          f"| {'met' if t8['q'] >= 1.0 else 'missed by %.2f' % (1 - t8['q'])} |")
tt = summary.get(('tracegate_fpm', top))
if tt:
    b99 = summary[(BASE, top)]['p99']
    print(f"| p99 at c={top} no worse than {BASE}'s | {tt['p99']:.1f} ms vs {b99:.1f} ms, "
          f"{tt['q99']:.2f} × (runs {', '.join('%.2f' % x for x in ratio(('tracegate_fpm', top), 'p99'))}) "
          f"| {'met' if tt['q99'] <= 1.0 else 'missed: %.2f ×' % tt['q99']} |")
