#!/bin/bash
# Records a server's kernel TCP counters every 100 ms while a SYN flood hits it (netns lab).
set -e
ip netns del cpsrv 2>/dev/null || true; ip netns del cpcli 2>/dev/null || true
ip netns add cpsrv; ip netns add cpcli
ip link add v-srv netns cpsrv type veth peer name v-cli netns cpcli
ip -n cpsrv addr add 10.77.0.1/24 dev v-srv; ip -n cpcli addr add 10.77.0.2/24 dev v-cli
ip -n cpsrv link set v-srv up; ip -n cpcli link set v-cli up; ip -n cpsrv link set lo up; ip -n cpsrv route add default dev v-srv; ip -n cpcli route add default dev v-cli
ip netns exec cpsrv sysctl -q -w net.ipv4.tcp_syncookies=1 net.ipv4.tcp_max_syn_backlog=128
ip netns exec cpsrv python3 -c "import socket,time;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('10.77.0.1',80));s.listen(64);time.sleep(30)" &
LP=$!
sleep 0.5
sample() {
  ip netns exec cpsrv awk -v t="$1" '
    FNR==1 && FILENAME ~ /netstat/ {split($0,h)} FNR==2 && FILENAME ~ /netstat/ {for(i=2;i<=NF;i++) v[h[i]]=$i}
    /^Tcp:/ && FILENAME ~ /snmp/ {if(!th){split($0,th2);th=1}else{for(i=2;i<=NF;i++) v["T_" th2[i]]=$i}}
    END {printf "%d,%s,%s,%s,%s,%s,%s,", t, v["SyncookiesSent"], v["SyncookiesRecv"], v["TCPReqQFullDoCookies"], v["TCPReqQFullDrop"], v["ListenDrops"], v["T_PassiveOpens"]}' /proc/net/netstat /proc/net/snmp
  cat /sys/class/net/v-cli/statistics/tx_packets 2>/dev/null || ip netns exec cpsrv cat /sys/class/net/v-srv/statistics/rx_packets
}
echo "t_ms,syncookies_sent,syncookies_recv,reqq_full_do_cookies,reqq_full_drop,listen_drops,passive_opens,nic_rx_packets"
start=$(date +%s%3N)
for i in $(seq 1 100); do
  now=$(($(date +%s%3N)-start))
  if [ $i -eq 20 ]; then ip netns exec cpcli timeout 4 hping3 -q -S -p 80 --flood --rand-source 10.77.0.1 >/dev/null 2>&1 & fi
  if [ $i -eq 10 ]; then for k in 1 2 3 4 5; do ip netns exec cpcli bash -c "exec 3<>/dev/tcp/10.77.0.1/80" 2>/dev/null || true; done; fi
  ip netns exec cpsrv sh -c "$(declare -f sample); sample $now" 2>/dev/null || sample $now
  sleep 0.07
done
kill $LP 2>/dev/null || true
ip netns del cpsrv; ip netns del cpcli
