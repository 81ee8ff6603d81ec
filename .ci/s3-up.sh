#!/usr/bin/env bash
# Starts a throw-away S3 service for the tests: Debian's Ceph radosgw on a single-node cluster whose only OSD keeps its
# data in memory (memstore). Every listener is on 127.0.0.1.
#   .ci/s3-up.sh DIR     installs the packages when missing, starts mon + OSD + radosgw, creates an S3 user, and writes
#                        DIR/env (the ATTACHE_TEST_S3_* variables, for `source`) and DIR/pids (radosgw, osd, mon).
#   .ci/s3-down.sh DIR   stops them by those pids.
# Ports: S3_PORT (7480) for S3, MON_PORT (6789) for the monitor; the OSD takes ports from 6800 up.
set -euo pipefail
dir=${1:?usage: s3-up.sh DIR}
s3_port=${S3_PORT:-7480}
mon_port=${MON_PORT:-6789}
access_key=attache-test-access
secret_key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

started=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - started) / 1000000 )) ms"; }

if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null || ! command -v curl >/dev/null; then
  apt-get install -y -qq radosgw ceph-mon ceph-osd curl >/dev/null
  echo "s3: packages installed after $(elapsed)"
fi

for port in "$s3_port" "$mon_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "s3: port $port on 127.0.0.1 is taken; set S3_PORT / MON_PORT" >&2
    exit 1
  fi
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd" "$dir/rgw"
: > "$dir/pids"
fsid=$(cat /proc/sys/kernel/random/uuid)
conf=$dir/ceph.conf
keyring=$dir/keyring

# No cephx: nothing but this host can reach the cluster. One replica, few placement groups, data in RAM (capped).
cat > "$conf" <<CONF
[global]
fsid = $fsid
# The v1 protocol named explicitly: a bare address on a port other than 6789 would be taken for v2, which this monitor does not speak.
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
# The OSD is placed in the CRUSH map below; doing it itself at start can race its first monitor map ('wrong fsid').
osd crush update on start = false
osd class update on start = false
mon max pg per osd = 1000
mon allow pool size one = true
mon warn on pool no redundancy = false
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
osd objectstore = memstore
memstore device bytes = 2147483648
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$s3_port
rgw data = $dir/rgw
CONF

ceph() { command ceph -c "$conf" -k "$keyring" "$@"; }
wait_for() { # seconds, description, command...
  local limit=$(( $1 * 10 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    limit=$(( limit - 1 ))
    if [ "$limit" -le 0 ]; then echo "s3: $what did not come up; logs in $dir/log" >&2; exit 1; fi
    sleep 0.1
  done
}
remember() { echo "$1" >> "$dir/pids"; }

ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" --keyring "$keyring"
ceph-mon -c "$conf" -i a --keyring "$keyring" --pid-file "$dir/run/mon.pid"
wait_for 10 "pid file of ceph-mon" test -s "$dir/run/mon.pid"
remember "$(cat "$dir/run/mon.pid")"
wait_for 30 "ceph-mon" ceph -s
echo "s3: monitor up after $(elapsed)"

osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(ceph osd new "$osd_uuid")
ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" 2>/dev/null
ceph-osd -c "$conf" -i "$osd_id" --pid-file "$dir/run/osd.pid" 2>/dev/null
wait_for 10 "pid file of ceph-osd" test -s "$dir/run/osd.pid"
remember "$(cat "$dir/run/osd.pid")"
ceph osd crush add-bucket localhost host >/dev/null 2>&1
ceph osd crush move localhost root=default >/dev/null 2>&1
ceph osd crush add "osd.$osd_id" 1.0 host=localhost >/dev/null 2>&1
osd_up() { ceph osd stat | grep -q '1 up'; }
wait_for 60 "ceph-osd" osd_up
echo "s3: OSD up after $(elapsed)"

radosgw -c "$conf" -n client.rgw.a -k "$keyring" --pid-file "$dir/run/rgw.pid"
wait_for 10 "pid file of radosgw" test -s "$dir/run/rgw.pid"
remember "$(cat "$dir/run/rgw.pid")"
wait_for 90 "radosgw" curl -s -o /dev/null "http://127.0.0.1:$s3_port/"
radosgw-admin -c "$conf" -k "$keyring" user create --uid=attache-tests --display-name="Attache tests" \
  --access-key="$access_key" --secret-key="$secret_key" >/dev/null
echo "s3: radosgw answering on 127.0.0.1:$s3_port after $(elapsed)"

cat > "$dir/env" <<ENV
export ATTACHE_TEST_S3_ENDPOINT=http://127.0.0.1:$s3_port
export ATTACHE_TEST_S3_ACCESS_KEY=$access_key
export ATTACHE_TEST_S3_SECRET_KEY=$secret_key
ENV
