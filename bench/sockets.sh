#!/usr/bin/env bash
# Samples the service's sockets every 2 s while a load benchmark runs, one line per sample on stdout: the time, the
# server's established connections, the request bytes they hold unread (sum and largest Recv-Q), the bytes the
# clients have not yet sent (Send-Q), the connections in TIME-WAIT, and the threads above 5% CPU (`top -H`).
#
#   bench/sockets.sh [PORT] > sockets.log &     # PORT: the service's port, default 18080; stop it with kill
set -euo pipefail
port=${1:-18080}
while true; do
    server=$(ss -tnH state established "( sport = :$port )" |
        awk '{n++; q+=$1; if ($1>m) m=$1} END {printf "%d connections, unread %d bytes (largest %d)", n, q, m}')
    clients=$(ss -tnH state established "( dport = :$port )" | awk '{q+=$2} END {printf "unsent %d bytes", q}')
    waiting=$(ss -tnH state time-wait "( sport = :$port or dport = :$port )" | wc -l)
    threads=$(top -H -b -n1 | awk 'NR>7 && $9>5 {printf "%s:%s ", $12, $9}')
    echo "$(date +%T) $server; $clients; time-wait $waiting | $threads"
    sleep 2
done
