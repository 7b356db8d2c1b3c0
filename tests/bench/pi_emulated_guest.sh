#!/bin/sh
# The emulated Pi's side of `build.py bench pi_emulated` (tests/bench/pi_emulated.py): run once at boot by
# devcell-pi-check.service as root, from the read-only payload disk. It installs the package as an admin would,
# waits for the service and prints `@@pi KEY VALUE` lines on the serial console for the host to read; the host
# then runs the smoke test through the forwarded port. After that it streams the service's journal to the
# console, so a crash in the service (a segfault in onnxruntime, say) reaches the host's log.
set -u
mark() { printf '@@pi %s %s\n' "$1" "$2"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }'; }
fail() {
    journalctl -b --no-pager -n 40 -u devcell 2>/dev/null | sed 's/^/@@pi log /'
    mark failed "$1"
    exit 1
}

mark booted "$(uptime_s)"
mark kernel "$(uname -r) $(uname -m)"
mark cpu_features "$(grep -m1 '^Features' /proc/cpuinfo | cut -d: -f2 | tr -s ' ' | sed 's/^ //')"
mark cpus "$(nproc)"
mark memory_kib "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
mark systemd "$(systemctl is-system-running 2>&1)"

cp /mnt/payload/devcell.deb /root/devcell.deb
started=$(uptime_s)
# No internet here (restrict=on): the package must install from what a plain Debian 12 has.
if ! apt-get install -y --no-install-recommends /root/devcell.deb >/root/install.log 2>&1; then
    tail -n 30 /root/install.log | sed 's/^/@@pi log /'
    fail "apt-get install ./devcell.deb"
fi
mark install_s "$(since "$started")"
started=$(uptime_s)
mark version "$(dpkg-query -W -f '${Version} ${Architecture}' devcell)"

# postinst starts the service (systemd is PID 1 here): wait for its first answer, then time a restart (a start
# with the database already migrated, as after a reboot).
wait_health() {
    until curl -fsS -o /dev/null http://127.0.0.1:9000/api/health; do
        systemctl is-failed -q devcell.service && fail "devcell.service failed before /api/health answered"
        sleep 0.5
    done
}
if systemctl is-active -q devcell.service; then mark started_by_postinst yes; else
    mark started_by_postinst no
    systemctl start devcell.service || fail "systemctl start devcell"
fi
wait_health
mark install_to_health_s "$(since "$started")"
started=$(uptime_s)
systemctl restart devcell.service || fail "systemctl restart devcell"
wait_health
mark health_s "$(since "$started")"
mark unit "$(systemctl show -p ActiveState -p SubState -p MainPID devcell.service | tr '\n' ' ')"
mark setup_code "$(runuser -u devcell -- devcell setup-code)"
mark ready 1
exec journalctl -f -n 0 -o cat -u devcell.service | sed -u 's/^/@@pi journal /'
