#!/usr/bin/env python3
"""ring_stalls.py: where a veth's receive ring overflowed, and what the receiving CPU did meanwhile, from an ftrace
text dump that veth_synflood.sh writes with TRACE=DIR (mono clock; the events of its trace_start()).

Usage: ring_stalls.py TRACE [--cpu 1] [--dev f0] [--clusters 20]

Prints the longest gaps between the device's NAPI polls on that CPU and, for every burst of drops (the generator's
xdp_devmap_xmit drops: the device's ring was full; xdp_bulk_tx drops: its XDP_TX found the peer's ring full), how long
before it the last poll was, who held the CPU in between (from sched_switch) and the CPU's raw events there. A gap in
which the CPU shows no event at all while a wakeup of the NAPI thread was pending means the vCPU itself did not run.
"""
import argparse
import collections
import re

LINE = re.compile(r"^\s*(.*?)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+([\d.]+):\s+(\w+):\s*(.*)$")
KV = re.compile(r"(\w+)=(\S+)")
RAW = ("sched_switch", "sched_waking", "reschedule_entry", "call_function_single_entry", "local_timer_entry",
       "softirq_entry", "workqueue_execute_start", "hrtimer_expire_entry", "irq_handler_entry")

ap = argparse.ArgumentParser()
ap.add_argument("trace")
ap.add_argument("--cpu", type=int, default=1)
ap.add_argument("--dev", default="f0")
ap.add_argument("--clusters", type=int, default=20)
args = ap.parse_args()

events = []  # (time, cpu, comm, pid, name, fields, flags)
for line in open(args.trace, errors="replace"):
    m = LINE.match(line)
    if m:
        comm, pid, cpu, flags, ts, name, rest = m.groups()
        events.append((float(ts), int(cpu), comm, int(pid), name, rest, flags))
events.sort(key=lambda e: e[0])

drops, polls = [], []
for t, cpu, comm, pid, name, rest, flags in events:
    if name in ("xdp_devmap_xmit", "xdp_bulk_tx"):
        n = int(dict(KV.findall(rest)).get("drops", 0))
        if n > 0:
            drops.append((t, n, "rx ring full" if name == "xdp_devmap_xmit" else "peer's ring full (XDP_TX)"))
    elif name == "napi_poll" and cpu == args.cpu and f"device {args.dev} " in rest:
        polls.append(t)
on_cpu = [e for e in events if e[1] == args.cpu]
print(f"{len(events)} events; {len(polls)} {args.dev} polls on CPU {args.cpu}; {len(drops)} drop events, "
      f"{sum(d[1] for d in drops)} frames: {dict(collections.Counter(d[2] for d in drops))}")


def holders(t0, t1):
    """Time per task current on the CPU in [t0, t1] (from sched_switch), and the other events there."""
    cur, last, per, other = None, t0, collections.Counter(), collections.Counter()
    for t, cpu, comm, pid, name, rest, flags in on_cpu:
        if t >= t1:
            break
        if name == "sched_switch":
            nxt = rest.split(" ==> ")[1].split(" next_pid=")[0].replace("next_comm=", "")
            if t >= t0:
                per[cur or comm] += t - max(last, t0)
                last = t
            cur = nxt
        elif t >= t0:
            other[name] += 1
    per[cur or "?"] += t1 - max(last, t0)
    return per, other


def show(label, t0, t1):
    per, other = holders(t0, t1)
    top = ", ".join(f"{k} {v * 1e3:.2f} ms" for k, v in per.most_common(4))
    print(f"  {label}: {t0:.6f} .. {t1:.6f} ({(t1 - t0) * 1e3:.2f} ms): {top}; events {dict(other)}")


print(f"longest gaps between {args.dev} polls on CPU {args.cpu}:")
for gap, t in sorted(((polls[i + 1] - polls[i], polls[i]) for i in range(len(polls) - 1)), reverse=True)[:10]:
    show("gap", t, t + gap)

clusters = []
for d in drops:
    if clusters and d[0] - clusters[-1][-1][0] < 0.005:
        clusters[-1].append(d)
    else:
        clusters.append([d])
print(f"{len(clusters)} bursts of drops")
for c in clusters[: args.clusters]:
    t = c[0][0]
    before = [p for p in polls if p <= t]
    after = [p for p in polls if p > t]
    t0 = before[-1] if before else t
    t1 = after[0] if after else t
    print(f"at {t:.6f}: {sum(x[1] for x in c)} frames ({c[0][2]}); the last poll {(t - t0) * 1e3:.2f} ms before, "
          f"the next {(t1 - t) * 1e3:.2f} ms after")
    show("between those polls", t0, t1)
    for e in on_cpu:
        if t0 - 0.0002 <= e[0] <= t1 and e[4] in RAW:
            print(f"    {e[0]:.6f} {e[2]}-{e[3]} {e[4]}: {e[5][:140]}")
    for e in events:  # the wakeups of the NAPI thread sent from other CPUs (the IPI that should resume this one)
        if t0 <= e[0] <= t1 and e[1] != args.cpu and e[4] == "sched_waking" and f"target_cpu={args.cpu:03d}" in e[5]:
            print(f"    {e[0]:.6f} (CPU {e[1]}) {e[2]}-{e[3]} sched_waking: {e[5][:140]}")
