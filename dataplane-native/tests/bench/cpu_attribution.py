#!/usr/bin/env python3
"""cpu_attribution.py: which part of one CPU's time went to the answering path, from `perf script` of
`perf record -C CPU -F HZ -e cpu-clock -g` (veth_synflood.sh runs it on a shared machine, where other people's
processes also run on the measured CPU).

A sample is the answering path's when it ran in a thread of the path (the answerer, ksoftirqd, NAPI threads) or
in softirq or the RPS interrupt on top of any thread (the kernel's packet receive and transmit run there, whoever
was interrupted); idle when the CPU idled; anything else (other processes, their system calls, timers) is foreign.

Usage: perf script -F comm,pid,tid,cpu,ip,sym | cpu_attribution.py HZ [--pids P,...] [--detail]
--pids: the answerer's processes (all their threads); without it, samples of any process named syncookied-dp.
Prints `ours=<s> foreign=<s> idle=<s>` (seconds of CPU), and with --detail where the answering path's time went.
"""
import collections
import re
import sys

HZ = float(sys.argv[1])
PIDS = set(sys.argv[sys.argv.index("--pids") + 1].split(",")) if "--pids" in sys.argv else None
KTHREADS = re.compile(r"^(ksoftirqd/|napi/)")
DETAIL = "--detail" in sys.argv
SOFTIRQ = {"handle_softirqs", "__do_softirq", "net_rx_action", "do_softirq", "rps_trigger_softirq",
           "napi_threaded_poll"}
IDLE = re.compile(r"(idle|halt|mwait|poll_idle)")
STAGES = {
    "tpacket_rcv", "packet_rcv", "ip_rcv", "ip_list_rcv", "tcp_v4_rcv", "tcp_conn_request", "packet_sendmsg",
    "tpacket_snd", "veth_xmit", "__dev_direct_xmit", "netif_rx", "do_sys_poll", "xsk_sendmsg",
    "__xsk_generic_xmit", "xsk_generic_rcv", "__xsk_map_redirect", "bpf_prog_run_generic_xdp", "veth_xdp_rcv",
    "veth_poll", "napi_threaded_poll", "process_backlog", "enqueue_to_backlog", "schedule", "native_write_msr",
    "kfree_skb_reason", "ip_route_input_slow", "dst_destroy", "rcu_core", "__alloc_skb", "skb_release_data",
    "nf_hook_slow", "__netif_receive_skb_core", "tcp_v4_send_synack", "ip_finish_output2", "nft_do_chain",
    "dp_worker_burst", "afp_rx_burst", "afp_tx_burst", "xdp_rx_burst", "xdp_tx_burst", "dp_core_burst",
    "xdp_do_redirect", "veth_xdp_xmit", "xdp_do_flush", "__x64_sys_sendto", "__x64_sys_poll", "__x64_sys_ppoll",
    "sock_def_readable", "try_to_wake_up", "tpacket_destruct_skb", "get_rps_cpu",
}

count = collections.Counter()
comms = collections.Counter()
leaf = collections.Counter()
stage = collections.Counter()


def answerer(comm, pid):
    if PIDS is not None:
        return pid in PIDS
    return comm.startswith("syncookied-dp")


def account(comm, pid, syms):
    if comm.startswith("swapper") and not SOFTIRQ & set(syms):
        kind = "idle" if any(IDLE.search(s) for s in syms[:10]) or not syms else "foreign"
    elif answerer(comm, pid) or KTHREADS.match(comm) or SOFTIRQ & set(syms):
        kind = "ours"
    else:
        kind = "foreign"
    count[kind] += 1
    if kind == "ours" and DETAIL:
        comms[re.sub(r"[-/].*", "", comm)] += 1
        leaf[syms[0] if syms else "?"] += 1
        for s in STAGES & set(syms):
            stage[s] += 1


cur = None
for line in sys.stdin:
    if not line.strip():
        if cur:
            account(*cur)
        cur = None
    elif not line[0].isspace():
        if cur:
            account(*cur)
        m = re.match(r"^\s*(.+?)\s+(\d+)(?:/\d+)?\s+\[\d+\]", line)
        cur = (m.group(1), m.group(2), []) if m else (line.split()[0], "", [])
    elif cur is not None:
        parts = line.split()
        if len(parts) >= 2:
            cur[2].append(re.sub(r"\+0x[0-9a-f]+$", "", parts[1]))
if cur:
    account(*cur)

print("ours=%.4f foreign=%.4f idle=%.4f" % (count["ours"] / HZ, count["foreign"] / HZ, count["idle"] / HZ))
if DETAIL:
    n = max(1, count["ours"])
    print("answering path by thread: " + ", ".join("%s %.1f%%" % (c, 100 * v / n) for c, v in comms.most_common(6)))
    print("answering path, inclusive time of functions:")
    for s, v in stage.most_common(16):
        print("  %6.1f%%  %s" % (100 * v / n, s))
    print("answering path, where the samples landed:")
    for s, v in leaf.most_common(12):
        print("  %6.1f%%  %s" % (100 * v / n, s))
