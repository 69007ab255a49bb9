#!/usr/bin/env bash
# A private Docker Engine for Berth's end-to-end tests.
#
#   eval "$(bash scripts/test-engine.sh start)"   # start (or reuse) an engine, export DOCKER_HOST
#   bash scripts/test-engine.sh env                # print the export line of the running private engine
#   bash scripts/test-engine.sh status             # exit 0 when the private engine answers
#   bash scripts/test-engine.sh stop               # stop it, unmount what it left, keep its image cache
#   bash scripts/test-engine.sh stop --purge       # ... and delete its data-root as well
#
# Why private: tests must never touch the user's own engine (/var/run/docker.sock) nor its
# containers, networks, bridge (docker0) or iptables chains. The private dockerd has its own
# socket, data-root, exec-root, pidfile, bridge interface and address pool, and runs with
# --iptables=false (a second dockerd with iptables on would delete the first one's DOCKER chains
# at start-up); ports published on 127.0.0.1 still work through docker-proxy (the userland proxy).
#
# Only stdout carries the `export` lines; every message goes to stderr.
#
# Environment:
#   BERTH_TEST_ENGINE_DIR      state folder (default: <repo>/.test-engine, git-ignored)
#   BERTH_TEST_ENGINE_TIMEOUT  seconds to wait for the daemon to answer (default 60)
#   BERTH_TEST_ENGINE_PRIVATE  1: ignore an answering $DOCKER_HOST and start the private engine
#   BERTH_TEST_ENGINE_STORAGE_DRIVER  e.g. vfs where overlay2 cannot work (default: dockerd's choice)
#   BERTH_TEST_ENGINE_SWARM    1: make the engine a single-node swarm manager (idempotent). Use it only
#                              with a state folder of its own (BERTH_TEST_ENGINE_DIR=<repo>/.test-engine-swarm):
#                              other test runs share the default engine and must not find it in a swarm.
#   DOCKER_HOST                when set and answering, `start` reuses it instead
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${BERTH_TEST_ENGINE_DIR:-$REPO/.test-engine}
TIMEOUT=${BERTH_TEST_ENGINE_TIMEOUT:-60}
BASE_IMAGE=berth-test/busybox:1

# Everything derived from the state folder, so two checkouts get two engines that do not clash.
HASH=$(printf '%s' "$STATE" | sha256sum | cut -c1-6)
BRIDGE=berth${HASH}                                   # 11 chars; Linux allows 15

# Address slot k (0..23) is 10.(200+2k).0.0/15: the bridge gets 10.(200+2k).0.1/24, the pool for
# user-defined (compose) networks is 10.(201+2k).0.0/16. The first slot, from the hash, whose
# addresses no other interface holds (a crashed engine's leftovers) is kept in $STATE/slot, so the
# engine's saved networks stay inside its pool across restarts.
slot_in_use() {
  ip -4 -o addr show 2>/dev/null | awk -v me="$BRIDGE" '$2 != me { print $4 }' \
    | grep -qE "^10\.($((200 + $1 * 2))|$((201 + $1 * 2)))\."
}
pick_slot() {
  local k i
  if [[ -s $STATE/slot ]]; then cat "$STATE/slot"; return; fi
  k=$(( 16#${HASH:0:4} % 24 ))
  for ((i = 0; i < 24; i++)); do
    slot_in_use $(( (k + i) % 24 )) || { k=$(( (k + i) % 24 )); break; }
  done
  mkdir -p "$STATE" && echo "$k" >"$STATE/slot"
  echo "$k"
}
set_addresses() {
  local k=$1
  BRIDGE_CIDR=10.$((200 + k * 2)).0.1/24              # the default "bridge" network
  POOL=10.$((201 + k * 2)).0.0/16                     # user-defined networks, /24 each
  OURS=10.$((200 + k * 2)).0.0/15                     # both of the above
}
if [[ -s $STATE/slot ]]; then set_addresses "$(<"$STATE/slot")"; else set_addresses $(( 16#${HASH:0:4} % 24 )); fi

# Unix socket paths must stay under 108 bytes, containerd's socket lives under the exec-root.
if (( ${#STATE} <= 60 )); then RUN=$STATE/run; else RUN=/run/berth-test/$HASH; fi
SOCK=$RUN/docker.sock
PIDFILE=$RUN/dockerd.pid
DATA=$STATE/data
LOG=$STATE/dockerd.log

log() { printf 'test-engine: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

answers() { # answers <docker-host>: the engine replies within 5 s
  DOCKER_HOST=$1 timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

ensure_tools() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  is_static_busybox || missing+=(busybox-static)
  command -v ip >/dev/null || missing+=(iproute2)
  # The registry tests: a real registry with htpasswd auth.
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  # A real terminal for the interactive exec/run tests, a real browser for the pictures of a stack.
  command -v tmux >/dev/null || missing+=(tmux)
  command -v chromium >/dev/null || missing+=(chromium)
  (( ${#missing[@]} == 0 )) && return 0
  [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (apt-get install -y ${missing[*]})"
  log "installing ${missing[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

is_static_busybox() {
  local bb
  bb=$(command -v busybox 2>/dev/null) || return 1
  # A dynamically linked busybox would not run inside an image that holds nothing else.
  ! LC_ALL=C ldd "$bb" >/dev/null 2>&1
}

daemon_pid() { # prints the pid of our dockerd when it is alive
  local pid
  [[ -s $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  alive "$pid" && grep -qaF -- "$RUN" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

alive() { # alive <pid>: running and not a zombie (PID 1 here reaps orphans late)
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# Lazy unmount of whatever a crashed daemon left mounted under our folders (overlay, netns, shm).
unmount_leftovers() {
  local dirs=("$STATE" "$RUN") mp d
  for d in "${dirs[@]}"; do
    [[ -d $d ]] || continue
    # Deepest first: mountinfo field 5 is the mount point (octal escapes kept, which is fine for ours).
    awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r mp; do
      umount -l "$mp" 2>/dev/null || true
    done
  done
}

# After a crash (dockerd killed with -9): the containerd it started, and the shims with the
# container processes under them, all found by our own exec-root in their command line.
kill_leftover_children() {
  local pid child argv0
  for pid in $(grep -laF -- "$RUN/containerd" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    # Only containerd and its shims (grep itself matches its own pattern).
    argv0=$({ tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null | head -n 1) || continue
    [[ ${argv0##*/} == containerd* ]] || continue
    if [[ ${argv0##*/} == containerd-shim* ]]; then
      # A container's init dies with its shim only when told: kill it first (its pid namespace goes with it).
      for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill -9 "$child" 2>/dev/null || true; done
    fi
    kill -9 "$pid" 2>/dev/null || true
  done
}

# dockerd believes a containerd pidfile whose pid still exists, even a zombie: drop a stale one so
# that dockerd starts a fresh containerd (which then reattaches to any shim still running).
drop_stale_containerd_pidfile() {
  local f=$RUN/containerd/containerd.pid pid
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  if ! alive "$pid" || ! grep -qaF -- "$RUN/containerd" "/proc/$pid/cmdline" 2>/dev/null; then rm -f "$f"; fi
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add name "$BRIDGE" type bridge
  fi
  if ! ip -4 -o addr show dev "$BRIDGE" | grep -qF " $BRIDGE_CIDR "; then
    ip addr flush dev "$BRIDGE"
    ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

# A default dockerd with iptables on sets the FORWARD policy to DROP, and bridged traffic goes
# through FORWARD (br_netfilter): container-to-container traffic on our bridges would be dropped.
# One ACCEPT rule for our own subnets, tagged, removed by `stop`.
fw_rule() { FW_RULE=(FORWARD -s "$OURS" -d "$OURS" -m comment --comment "berth-test-$HASH" -j ACCEPT); }
allow_forwarding() {
  command -v iptables >/dev/null || return 0
  fw_rule
  iptables -w 5 -C "${FW_RULE[@]}" 2>/dev/null && return 0
  iptables -w 5 -I "${FW_RULE[@]}" 2>/dev/null || log "warning: could not add an iptables FORWARD rule for $OURS; containers may not reach each other if another dockerd set FORWARD to DROP"
}
remove_forwarding() {
  command -v iptables >/dev/null || return 0
  fw_rule
  while iptables -w 5 -D "${FW_RULE[@]}" 2>/dev/null; do :; done
}

start_daemon() {
  mkdir -p "$STATE" "$RUN" "$DATA"
  log "starting a private dockerd (socket $SOCK, log $LOG)"
  # Left by a crashed daemon: without live-restore the new daemon would only kill them, slowly.
  kill_leftover_children
  drop_stale_containerd_pidfile
  rm -f "$SOCK" "$PIDFILE"
  set_addresses "$(pick_slot)"
  ensure_bridge
  : >"$LOG"
  local t0=$SECONDS
  # setsid: the daemon must outlive the shell (and the process group) that started it.
  setsid dockerd \
    --host "unix://$SOCK" \
    --data-root "$DATA" \
    --exec-root "$RUN" \
    --pidfile "$PIDFILE" \
    --bridge "$BRIDGE" \
    --default-address-pool "base=$POOL,size=24" \
    --iptables=false --ip-masq=false --ip-forward=false \
    --userland-proxy=true \
    ${BERTH_TEST_ENGINE_STORAGE_DRIVER:+--storage-driver "$BERTH_TEST_ENGINE_STORAGE_DRIVER"} \
    --exec-opt native.cgroupdriver=cgroupfs \
    --cgroup-parent berth-test \
    --shutdown-timeout 3 \
    --log-level warn \
    </dev/null >>"$LOG" 2>&1 9>&- &
  local launched=$!
  while ! answers "unix://$SOCK"; do
    if ! kill -0 "$launched" 2>/dev/null; then
      log "dockerd exited during start-up; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1
    fi
    if (( SECONDS - t0 >= TIMEOUT )); then
      log "dockerd did not answer within ${TIMEOUT}s; last lines of $LOG:"; tail -n 30 "$LOG" >&2
      kill "$launched" 2>/dev/null || true; exit 1
    fi
    sleep 0.2
  done
  log "dockerd answers after $((SECONDS - t0))s"
}

# berth-test/busybox:1 — a one-layer image from the host's static busybox, with every applet linked.
import_base_image() {
  DOCKER_HOST=$1 docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  local root bb applet t0=$SECONDS
  root=$(mktemp -d)
  bb=$(command -v busybox)
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/www,proc,sys,dev}
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  tar --numeric-owner --owner=0 --group=0 -C "$root" -c . | DOCKER_HOST=$1 docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["sh"]' \
    --change 'LABEL dev.berth.test-image=busybox' \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  log "imported $BASE_IMAGE in $((SECONDS - t0))s"
}

# A single-node swarm on 127.0.0.1, overlay subnets cut from the upper quarter of this engine's
# own pool (local networks are allocated from its bottom), manager and VXLAN ports derived from
# the slot. Every swarm numbers its overlays' VNIs from 4096, and the kernel keeps one VXLAN socket
# per (VNI, UDP port) in the host's network namespace: two swarms on one host with the default
# port 4789 refuse each other's networks ("error creating vxlan interface: file exists").
ensure_swarm() {
  local state k pool port dev
  k=$(<"$STATE/slot")
  port=$((4790 + k))
  state=$(DOCKER_HOST=$1 docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true)
  [[ $state == active ]] && return 0
  # A killed engine of this slot can leave VXLAN devices on our port behind in the host namespace.
  for dev in $(ip -d -o link show type vxlan 2>/dev/null | awk -v p="dstport $port " 'index($0, p) { sub(":", "", $2); sub("@.*", "", $2); print $2 }'); do
    log "removing the leftover VXLAN device $dev (port $port)"
    ip link delete "$dev" 2>/dev/null || true
  done
  # Swarm's gossip port is fixed (7946, not configurable in Docker 20.10): a second swarm on this
  # host would start, but its overlay networking would not work. Say so instead of flaky tests.
  if ss -Hltn "sport = :7946" 2>/dev/null | grep -q .; then
    die "port 7946 (Swarm's gossip port, fixed in Docker 20.10) is taken on this host, most likely by another swarm engine: stop it first (BERTH_TEST_ENGINE_DIR=<its folder> BERTH_TEST_ENGINE_PRIVATE=1 bash scripts/test-engine.sh stop)"
  fi
  pool=10.$((201 + k * 2)).192.0/18
  log "initialising a single-node swarm (overlay pool $pool, VXLAN port $port)"
  DOCKER_HOST=$1 docker swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$((23770 + k))" \
    --default-addr-pool "$pool" --default-addr-pool-mask-length 24 --data-path-port "$port" >/dev/null
}

cmd_start() {
  ensure_tools
  if [[ -n ${DOCKER_HOST:-} && ${BERTH_TEST_ENGINE_PRIVATE:-0} != 1 ]] && answers "$DOCKER_HOST"; then
    log "reusing the engine at $DOCKER_HOST"
    import_base_image "$DOCKER_HOST"
    printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
    return 0
  fi
  [[ -n ${DOCKER_HOST:-} && ${BERTH_TEST_ENGINE_PRIVATE:-0} != 1 ]] && log "DOCKER_HOST=$DOCKER_HOST does not answer; starting a private engine"
  mkdir -p "$STATE" "$RUN"
  # One start at a time per state folder (parallel CI steps, two terminals).
  exec 9>"$STATE/lock"
  flock -w "$((TIMEOUT + 30))" 9 || die "another start holds $STATE/lock"
  if daemon_pid >/dev/null && answers "unix://$SOCK"; then
    log "private engine already running (pid $(daemon_pid))"
  else
    if pid=$(daemon_pid); then
      log "dockerd pid $pid does not answer; stopping it"
      stop_daemon
    fi
    start_daemon
  fi
  allow_forwarding
  import_base_image "unix://$SOCK"
  [[ ${BERTH_TEST_ENGINE_SWARM:-0} != 1 ]] || ensure_swarm "unix://$SOCK"
  printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
}

stop_daemon() {
  local pid i
  if pid=$(daemon_pid); then
    # A test engine's containers hold nothing worth a graceful stop; waiting for each one's stop
    # timeout (PID 1 ignoring SIGTERM) would make every stop take 10 s.
    local running
    running=$(DOCKER_HOST=unix://$SOCK timeout 10 docker ps -q 2>/dev/null || true)
    [[ -z $running ]] || DOCKER_HOST=unix://$SOCK timeout 20 docker kill $running >/dev/null 2>&1 || true
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then log "dockerd $pid ignored SIGTERM for 30s; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  kill_leftover_children
  unmount_leftovers
  rm -f "$SOCK" "$PIDFILE"
  delete_bridges
  remove_forwarding
}

# Our bridge, and the br-<id> bridges dockerd made for user-defined networks in our pool (it
# leaves them behind when it stops).
delete_bridges() {
  local a=10.${OURS#10.} octet dev
  octet=${a#10.}; octet=${octet%%.*}
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE" 2>/dev/null || true
  ip -4 -o addr show 2>/dev/null | awk -v o1="10.$octet." -v o2="10.$((octet + 1))." \
    '($2 ~ /^br-[0-9a-f]+$/ || $2 == "docker_gwbridge") && (index($4, o1) == 1 || index($4, o2) == 1) { print $2 }' | sort -u | while read -r dev; do
    ip link delete "$dev" 2>/dev/null || true
  done
}

cmd_stop() {
  if [[ ! -d $STATE ]]; then log "no private engine here ($STATE)"; return 0; fi
  if daemon_pid >/dev/null; then log "stopping the private dockerd (pid $(daemon_pid))"; else log "private dockerd not running; cleaning up"; fi
  stop_daemon
  if [[ ${1:-} == --purge ]]; then
    log "deleting $DATA"
    rm -rf --one-file-system "$DATA" "$RUN"
  fi
}

cmd_env() {
  if daemon_pid >/dev/null && answers "unix://$SOCK"; then
    printf 'export DOCKER_HOST=%q\n' "unix://$SOCK"
  else
    die "no private engine answers at unix://$SOCK (run: eval \"\$(bash scripts/test-engine.sh start)\")"
  fi
}

cmd_status() {
  if daemon_pid >/dev/null && answers "unix://$SOCK"; then log "running: unix://$SOCK (pid $(daemon_pid))"; else log "not running"; return 1; fi
}

case ${1:-} in
  start) cmd_start ;;
  stop) shift; cmd_stop "$@" ;;
  env) cmd_env ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop [--purge]|env|status" >&2; exit 2 ;;
esac
