#!/usr/bin/env python3
"""Control-socket benchmark (a benchmark, not a test): how long a worker takes to apply HOSTS_SET / SECRETS of N
hosts in one request, over its real Unix socket (memory backend: no root, no interface).

usage: control_hosts.py [--proto1] SYNCOOKIED_DP [N ...]   (default N: 10000 100000)
Prints one line per case: hosts, request bytes, seconds, microseconds per host. Linear time shows as a constant
us/host across N (the ratio of the 100k and 10k times is ~10). --proto1 drives a worker of protocol version 1
(hosts as hosts.yml text; no multi-host SECRETS) for a before/after comparison."""
import os
import socket
import subprocess
import sys
import tempfile
import time

SECRETS = ("age_ms=0\njiffies=4300000000\ncookie_count=286666\nhz=250\ntcp_clock_ms=17200000000\n"
           "secret0=0123456789abcdef.fedcba9876543210.\nsecret1=0f1e2d3c4b5a6978.8796a5b4c3d2e1f0.\n"
           "tcp_timestamps=2\n")


def ip(i):
    return "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)


def request(s, verb, payload):
    body = payload.encode()
    s.sendall(("%s len=%d\n" % (verb, len(body))).encode() + body)
    reply = b""
    while not reply.endswith(b"\n"):
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("worker closed the socket")
        reply += chunk
    if not reply.startswith(b"OK"):
        raise SystemExit("%s: %s" % (verb, reply.decode().strip()))


def timed(s, verb, payload):
    t = time.perf_counter()
    request(s, verb, payload)
    return time.perf_counter() - t


def yaml_hosts(n, filters):
    f = '  filters:\n    "udp and dst port 53": drop\n    "tcp": pass\n' if filters else ""
    return "".join('- ip: "%s"\n  mac: "02:00:00:00:00:01"\n%s' % (ip(i), f) for i in range(n))


def main():
    args = sys.argv[1:]
    proto1 = args[0] == "--proto1"
    if proto1:
        args = args[1:]
    binary = args[0]
    sizes = [int(a) for a in args[1:]] or [10000, 100000]
    d = tempfile.mkdtemp()
    sock = os.path.join(d, "w.sock")
    w = subprocess.Popen([binary, "run", "--backend", "memory", "--iface", "mem0", "--control-socket", sock,
                          "--stats-interval", "3600"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.02)
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        s.sendall(b"HELLO 1\n" if proto1 else b"HELLO 2\n")
        s.recv(4096)
        print("%-34s %8s %10s %8s %8s" % ("case", "hosts", "bytes", "seconds", "us/host"))
        for n in sizes:
            cases = [
                ("HOSTS_SET, no filters", "HOSTS_SET",
                 "".join("ip=%s\nmac=02:00:00:00:00:01\n" % ip(i) for i in range(n))),
                ("HOSTS_SET, the same 2 filters each", "HOSTS_SET",
                 "".join("ip=%s\nmac=02:00:00:00:00:01\nfilters=drop udp and dst port 53\nfilters=pass tcp\n"
                         % ip(i) for i in range(n))),
                ("SECRETS, one record per host", "SECRETS", "".join("ip=%s\n%s" % (ip(i), SECRETS) for i in range(n))),
            ]
            if proto1:
                cases = [("HOSTS_SET, no filters", "HOSTS_SET", yaml_hosts(n, False)),
                         ("HOSTS_SET, the same 2 filters each", "HOSTS_SET", yaml_hosts(n, True))]
            for name, verb, payload in cases:
                secs = timed(s, verb, payload)
                print("%-34s %8d %10d %8.3f %8.2f" % (name, n, len(payload), secs, secs * 1e6 / n))
            # one host changed while n are configured (a protect): the whole configuration is rebuilt
            one = ('- ip: "10.255.0.1"\n  mac: "02:00:00:00:00:02"\n' if proto1
                   else "ip=10.255.0.1\nmac=02:00:00:00:00:02\n")
            secs = timed(s, "HOST_SET", one)
            print("%-34s %8d %10d %8.3f %8s" % ("HOST_SET of 1 host among them", n, len(one), secs, "-"))
            request(s, "HOSTS_SET", "[]\n" if proto1 else "")
    finally:
        w.terminate()
        w.wait()


if __name__ == "__main__":
    main()
