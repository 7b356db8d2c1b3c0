"""The health checks themselves. Each reads what it needs from the HealthContext and returns one Finding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from peewee import DatabaseError

from devcell.core.config import redacted_url
from devcell.core.db import POSTGRESQL_POOL, is_postgresql, server_facts, transaction, utcnow
from devcell.core.disk import MB, human
from devcell.core.jobs import JobRun
from devcell.core.processes import live_processes
from devcell.core.scheduler import last_run
from devcell.health._pi import read_power, read_temperature
from devcell.health.registry import Check, Finding, Fix, HealthContext, Severity

# Disk thresholds agree with the request guard: critical exactly when it refuses changes (free below the
# `disk_floor_mb` floor), a warning from twice the floor, or under 10 % free once that is also under 5 GiB: on a
# 32 GB SD card 10 % (3 GB) is worth a warning, on a 250 GB disk 10 % (25 GB) is years of a team's data, and a
# warning there would only teach the admin to ignore the badge. A disk with under 1 MB free is critical even with
# a floor of 0: SQLite cannot write there either.
WARN_FREE = 0.10
WARN_FREE_CAP = 5 * 1024 * MB
FULL_BYTES = MB
BACKUP_WARN, BACKUP_CRITICAL = timedelta(hours=26), timedelta(days=3)
HOT_C, CRITICAL_C = 80.0, 85.0
RUN_BACKUP = Fix("Back up now", action="run_backup")
RESTORE = "sudo systemctl stop devcell && sudo -u devcell devcell restore ARCHIVE && sudo systemctl start devcell"


def disk_severity(free: int, total: int, floor: int) -> Severity:
    """critical when changes are refused (or nothing fits), warning when that is near, else ok."""
    if free < max(floor, FULL_BYTES):
        return "critical"
    if free < 2 * floor or free < min(WARN_FREE * total, WARN_FREE_CAP):
        return "warning"
    return "ok"


def _disk(context: HealthContext, name: str, title: str, path: Path, refuses: bool) -> Finding:
    usage = context.disk.usage(path)
    floor = int(context.setting("disk_floor_mb")) * MB
    severity = disk_severity(usage.free, usage.total, floor)
    message = f"{human(usage.free)} free of {human(usage.total)} ({usage.free_fraction:.0%}) at {path}"
    if refuses and usage.free < floor:
        message += f"; below the {human(floor)} floor (setting disk_floor_mb), so changes are refused"
    elif refuses and severity != "ok":
        message += f"; changes will be refused below {human(floor)} (setting disk_floor_mb)"
    fix = Fix("Delete old backups or free space on the disk", command=f"du -sh {path}/* | sort -h | tail")
    return Finding(name, title, severity, message, None if severity == "ok" else fix)


def disk_data(context: HealthContext) -> Finding:
    return _disk(context, "disk_data", "Disk space (data)", context.data_dir, refuses=True)


def disk_backups(context: HealthContext) -> Finding:
    return _disk(context, "disk_backups", "Disk space (backups)", context.backups.directory().path, refuses=False)


def backup_folder(context: HealthContext) -> Finding:
    """Tried for real (a file created and deleted by this process): under the service's sandbox a folder can look
    writable and still refuse every write ("Read-only file system")."""
    path = context.backups.directory().path
    problem = context.backups.folder_problem()
    if problem is None:
        return Finding("backup_folder", "Backup folder", "ok", f"Backups can be written to {path}.")
    return Finding(
        "backup_folder",
        "Backup folder",
        "critical",
        problem,
        Fix("Choose another folder", action="settings", target="backup_dir"),
    )


def backup_age(context: HealthContext) -> Finding:
    title = "Last backup"
    newest = next((e for e in context.backups.entries() if e.kind == "backup"), None)
    scheduled = bool(context.setting("backup_time"))
    if newest is None:
        return Finding("backup_age", title, "warning", "There is no backup yet.", RUN_BACKUP)
    age = utcnow() - newest.created_at
    message = f"{newest.name}, {_ago(age)} ago ({human(newest.size)})"
    if not scheduled:
        return Finding(
            "backup_age", title, "warning", message + "; scheduled backups are off.", Fix("Turn them on", "settings")
        )
    if age > BACKUP_CRITICAL:
        return Finding("backup_age", title, "critical", message, RUN_BACKUP)
    if age > BACKUP_WARN:
        return Finding("backup_age", title, "warning", message, RUN_BACKUP)
    return Finding("backup_age", title, "ok", message)


def _ago(age: timedelta) -> str:
    """ "12 minutes", "5 hours", "3 days": how long ago, in words (these messages are read by people)."""
    minutes = max(age.total_seconds(), 0) / 60
    if minutes < 1.5:
        return "a minute"
    if minutes < 90:
        return f"{minutes:.0f} minutes"
    hours = minutes / 60
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


def backup_verify(context: HealthContext) -> Finding:
    title = "Backup verification"
    newest = next((e for e in context.backups.entries() if e.kind == "backup"), None)
    if newest is None:
        return Finding("backup_verify", title, "skipped", "Nothing to verify yet.")
    verify = Fix("Verify it", action="verify_backup", target=newest.name)
    if newest.verify is None:
        return Finding("backup_verify", title, "warning", f"{newest.name} has not been verified.", verify)
    if not newest.verify.get("ok"):
        problems = " ".join(newest.verify.get("problems", []))
        return Finding("backup_verify", title, "critical", f"{newest.name} failed verification: {problems}", RUN_BACKUP)
    checked = _when(newest.verify.get("checked_at"))
    since = f" {_ago(utcnow() - checked)} ago" if checked else ""
    return Finding("backup_verify", title, "ok", f"{newest.name} verified{since}")


def _when(value: object) -> datetime | None:
    """A stored ISO timestamp as an aware UTC datetime, like utcnow(); one without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def failed_jobs(context: HealthContext) -> Finding:
    since = utcnow() - timedelta(days=1)
    with transaction():
        rows = list(
            JobRun.select(JobRun.title, JobRun.error)
            .where(JobRun.status == "failed", JobRun.finished_at >= since)
            .order_by(JobRun.finished_at.desc())
            .limit(5)
        )
    if not rows:
        return Finding("failed_jobs", "Background jobs", "ok", "No job failed in the last 24 hours.")
    listed = "; ".join(f"{row.title}: {row.error}" for row in rows[:3])
    return Finding(
        "failed_jobs", "Background jobs", "warning", f"{len(rows)} job(s) failed in the last 24 hours. {listed}"
    )


def integrity(context: HealthContext) -> Finding:
    title = "Database integrity"
    restore = Fix("Restore the newest good backup (System page, Backups), or stop the service and run", command=RESTORE)
    if context.recovery is not None and context.recovery.problem:
        message = f"The check at start found damage: {context.recovery.problem}. Changes are refused until a restore."
        return Finding("integrity", title, "critical", message, restore)
    run = last_run(context.runner, "maintenance", "succeeded")
    checked = (run.result or {}).get("integrity") if run is not None else None
    if not checked:
        return Finding("integrity", title, "skipped", "Not checked yet; the nightly maintenance checks it.")
    if not checked.get("ok"):
        return Finding(
            "integrity",
            title,
            "critical",
            f"The {checked.get('kind')} check found damage: {checked.get('message')}. Restore the newest good backup.",
            restore,
        )
    when = f" at {run.finished_at:%Y-%m-%d %H:%M} UTC" if run is not None and run.finished_at else ""
    return Finding("integrity", title, "ok", f"{checked.get('kind')} check passed{when}")


REBUILD_INDEX = Fix("Rebuild the index", action="rebuild_index")


SERVICE_LOG = Fix("Read why in the service log", command="journalctl -u devcell -n 100 --no-pager")


def index_consistency(context: HealthContext) -> Finding:
    """The search slice's own consistency report (vectors against passages, the model, the chunker), after what
    the knowledge worker (the process that holds the model and the index) went through."""
    title = "Knowledge index"
    trouble = context.index.worker_trouble() if context.index is not None else None
    if trouble is not None and trouble.starting:
        retry = f" It is tried again in {trouble.retry_in:.0f} s." if trouble.retry_in is not None else ""
        return Finding(
            "index",
            title,
            "critical",
            f"The knowledge worker (the process that holds the embedding model and the index) cannot start: it "
            f"{trouble.last} before answering. Search answers from keywords only, and new documents are indexed "
            f"once it starts.{retry}",
            SERVICE_LOG,
        )
    found = _index_finding(context, title)
    if trouble is None or found.severity != "ok":
        return found
    times = "once" if trouble.times == 1 else f"{trouble.times} times"
    return Finding(
        "index",
        title,
        "warning",
        f"{found.message} The knowledge worker stopped unexpectedly {times} in the last hour (last: it "
        f"{trouble.last}); each time, the call it was serving failed and the next one started it again.",
        SERVICE_LOG,
    )


def _index_finding(context: HealthContext, title: str) -> Finding:
    found = context.index.status() if context.index is not None else None
    if found is None:
        return Finding(
            "index", title, "skipped", "The index opens on first knowledge use (search, upload); it is checked then."
        )
    if not found.model_ready:
        return Finding(
            "index",
            title,
            "critical",
            " ".join(found.problems),
            Fix("Install the package again (it ships the model)", command="sudo apt install --reinstall devcell"),
        )
    if found.unreachable:
        # An outage, not damage: a rebuild would throw away the server's good index once it answers again.
        return Finding(
            "index",
            title,
            "warning",
            " ".join(found.problems) + " New documents are indexed once it answers.",
            Fix(
                "Start the Chroma server, or correct DEVCELL_CHROMA_URL in /etc/devcell/devcell.env",
                command=f"curl -sS {found.unreachable}/api/v2/heartbeat",
            ),
        )
    counts = f"{found.vectors} vectors for {found.chunks} passages ({found.model})"
    if not found.consistent:
        return Finding("index", title, "warning", " ".join(found.problems) + f" Now: {counts}.", REBUILD_INDEX)
    failed = found.documents.get("failed", 0)
    note = f"; {failed} document(s) failed to index (each shows why on the Knowledge page)" if failed else ""
    return Finding("index", title, "ok", f"Consistent: {counts}{note}.")


def llm(context: HealthContext) -> Finding:
    if not context.setting("llm_base_url"):
        return Finding("llm", "LLM server", "skipped", "No LLM server is configured.")
    if context.llm_probe is None:
        return Finding("llm", "LLM server", "skipped", "Reachability is not checked in this process.")
    problem = context.llm_probe()
    if problem:
        return Finding("llm", "LLM server", "warning", problem, Fix("Check the LLM settings", "settings"))
    return Finding("llm", "LLM server", "ok", "Reachable.")


def llm_context(context: HealthContext) -> Finding:
    """llm_context_tokens against the context the model's server says it runs with (a warning: DevCell already
    uses the smaller one, but the admin's setting promises more than the model holds)."""
    title = "LLM context"
    if not context.setting("llm_base_url"):
        return Finding("llm_context", title, "skipped", "No LLM server is configured.")
    if context.llm_context is None:
        return Finding("llm_context", title, "skipped", "The model's context is not checked in this process.")
    warning = context.llm_context()
    tokens = context.setting("llm_context_tokens")
    if warning:
        return Finding(
            "llm_context", title, "warning", warning,
            Fix("Lower llm_context_tokens in Settings", "settings", target="llm_context_tokens"),
        )  # fmt: skip
    return Finding(
        "llm_context", title, "ok", f"llm_context_tokens is {tokens}; the model's server reports no smaller context."
    )


def _meminfo(proc: Path) -> dict[str, int]:
    values = {}
    for line in (proc / "meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        values[key] = int(rest.split()[0]) * 1024
    return values


def memory(context: HealthContext) -> Finding:
    if not (context.proc / "meminfo").is_file():
        return Finding("memory", "Memory", "skipped", "No /proc/meminfo here.")
    info = _meminfo(context.proc)
    share = info.get("MemAvailable", 0) / max(info.get("MemTotal", 1), 1)
    swap_total, swap_free = info.get("SwapTotal", 0), info.get("SwapFree", 0)
    swap_used = (swap_total - swap_free) / swap_total if swap_total else 0.0
    message = f"{human(info.get('MemAvailable', 0))} available ({share:.0%}); swap {swap_used:.0%} used"
    fix = Fix("Stop other services on this machine, or add memory or swap", command="free -h")
    if share < 0.05:
        return Finding("memory", "Memory", "critical", message, fix)
    if share < 0.10 or swap_used > 0.5:
        return Finding("memory", "Memory", "warning", message, fix)
    return Finding("memory", "Memory", "ok", message)


def temperature(context: HealthContext) -> Finding:
    """The hottest thermal zone (a Pi's cpu-thermal), from sysfs; the firmware throttles from 80 °C."""
    found = read_temperature(context.sys)
    if found is None:
        return Finding("temperature", "CPU temperature", "skipped", "No thermal sensor here.")
    message = f"{found.celsius:.0f} °C ({found.zone})"
    fix = Fix("Improve cooling: a heatsink or fan, and air around the case")
    if found.celsius >= CRITICAL_C:
        return Finding("temperature", "CPU temperature", "critical", message, fix)
    if found.celsius >= HOT_C:
        return Finding("temperature", "CPU temperature", "warning", message + "; the CPU slows down from 80 °C", fix)
    return Finding("temperature", "CPU temperature", "ok", message)


POWER_FIX = Fix(
    "Use the official power supply (Pi 4: 5.1 V 3 A, Pi 5: 5 V 5 A) and a short cable; under-voltage can corrupt "
    "the SD card"
)


def power(context: HealthContext) -> Finding:
    """A Raspberry Pi's under-voltage and throttling flags, from the firmware's sysfs file (vcgencmd needs
    /dev/vchiq, which the service's sandbox hides)."""
    found = read_power(context.sys)
    if found is None:
        return Finding("power", "Power and throttling", "skipped", "No Raspberry Pi power sensor here.")
    now, before = found.now(), found.since_boot()
    if "under-voltage" in now:
        return Finding("power", "Power and throttling", "critical", "Under-voltage now: " + ", ".join(now), POWER_FIX)
    if now or before:
        happened = ", ".join(now) + ("; since boot: " + ", ".join(before) if before else "")
        fix = POWER_FIX if "under-voltage" in before else Fix("Improve cooling: a heatsink or fan")
        return Finding("power", "Power and throttling", "warning", happened.lstrip("; ").capitalize(), fix)
    return Finding("power", "Power and throttling", "ok", "No under-voltage or throttling since boot.")


def clock(context: HealthContext) -> Finding:
    now = datetime.now(UTC)
    if now.year < 2024:
        return Finding(
            "clock",
            "Clock",
            "critical",
            f"The clock says {now:%Y-%m-%d}: this machine has no real-time clock or time server. Backups, "
            "sessions and due dates depend on it.",
            Fix("Set the time, or point it at a time server on the LAN", command="sudo timedatectl set-ntp true"),
        )
    return Finding("clock", "Clock", "ok", f"{now:%Y-%m-%d %H:%M} UTC")


def exposure(context: HealthContext) -> Finding:
    problems = []
    if context.host in ("0.0.0.0", "::"):  # noqa: S104 - comparing, not binding
        problems.append("DevCell serves plain HTTP on every network interface (passwords cross the LAN unencrypted)")
    if context.setting("registration") == "open":
        problems.append("anyone who reaches it can create an account (registration is open)")
    if not problems:
        return Finding("exposure", "Exposure", "ok", "Served on loopback behind a proxy; registration is not open.")
    fix = Fix(
        "Put nginx with HTTPS in front (see /etc/nginx/sites-available/devcell) and close registration",
        command="echo DEVCELL_HOST=127.0.0.1 | sudo tee -a /etc/devcell/devcell.env && sudo systemctl restart devcell",
    )
    text = "; ".join(problems)
    return Finding("exposure", "Exposure", "warning", text[0].upper() + text[1:] + ".", fix)


def _cluster_scheduler(context: HealthContext) -> Finding:
    """Several processes on one PostgreSQL database: exactly one of them should run the scheduled jobs."""
    alive = live_processes()
    count = f"{len(alive)} DevCell process{'es' if len(alive) != 1 else ''} serve this database"
    if context.scheduler is not None and context.scheduler.runs_here:
        return Finding("scheduler", "Scheduled jobs", "ok", f"This process runs the scheduled jobs; {count}.")
    holders = [row.name for row in alive if row.runs_scheduler]
    if holders:
        return Finding("scheduler", "Scheduled jobs", "ok", f"{holders[0]} runs the scheduled jobs; {count}.")
    return Finding(
        "scheduler",
        "Scheduled jobs",
        "warning",
        f"No process runs the scheduled jobs (backups, maintenance) right now; {count}. One that runs takes them "
        "over within a minute of the last one stopping.",
        Fix("Check that a DevCell process runs", command="systemctl status devcell"),
    )


# A PostgreSQL server past one box: a read that takes longer than this is slow (a page makes several), and a
# server this close to its connection limit refuses the next process or pool (each process holds up to 12).
SLOW_DATABASE_MS = 50.0
CONNECTIONS_WARN = 0.8


def database(context: HealthContext) -> Finding:
    """How this process reaches its database: the SQLite file, or the PostgreSQL server (one round trip, and the
    connections left before it refuses more)."""
    title = "Database"
    if context.database_url is None:
        return Finding("database", title, "ok", "The SQLite file in the data directory.")
    shown = redacted_url(context.database_url)
    ask = Fix("Check the server and DEVCELL_DATABASE_URL", command=f"pg_isready -d '{shown}'")
    try:
        facts = server_facts()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Finding("database", title, "critical", f"The PostgreSQL server {shown} does not answer: {reason}.", ask)
    said = (
        f"PostgreSQL {facts.version} at {shown} answers in {facts.round_trip_ms:g} ms; "
        f"{facts.connections} of the {facts.connection_limit} connections its {facts.limit_of} allows are in use."
    )
    if facts.connections >= CONNECTIONS_WARN * facts.connection_limit:
        raise_it = "max_connections on the server" if facts.limit_of == "server" else "the database's CONNECTION LIMIT"
        more = Fix(f"Raise {raise_it}, or run fewer DevCell processes")
        return Finding(
            "database",
            title,
            "warning",
            f"{said} Near the limit, a new connection is refused: each DevCell process holds up to {POSTGRESQL_POOL}.",
            more,
        )
    if facts.round_trip_ms > SLOW_DATABASE_MS:
        return Finding("database", title, "warning", f"{said} That is slow: every page makes several reads.", ask)
    return Finding("database", title, "ok", said)


def _timing(value: float | None) -> str:
    return "-" if value is None else f"{value:g} ms"


def processes(context: HealthContext) -> Finding:
    """Past one box, the processes serving this database as their heartbeats describe them: the same version
    (a rolling upgrade that stopped halfway is not) and each reaching the vector index."""
    title = "DevCell processes"
    if context.database_url is None:
        return Finding("processes", title, "ok", "One process serves this appliance.")
    alive = live_processes()
    each = "; ".join(
        f"{row.name} {row.version} (database {_timing(row.database_ms)}, vectors {_timing(row.vectors_ms)})"
        for row in alive
    )
    versions = sorted({row.version for row in alive})
    if len(versions) > 1:
        return Finding(
            "processes",
            title,
            "warning",
            f"They run different versions ({', '.join(versions)}): upgrade every host to the same one. {each}.",
            Fix("Upgrade DevCell on every host", command="sudo apt install ./devcell.deb"),
        )
    cut_off = [row.name for row in alive if row.vectors == "unreachable"]
    if cut_off:
        return Finding(
            "processes",
            title,
            "warning",
            f"{', '.join(cut_off)} cannot reach the vector index; search there answers from keywords. {each}.",
            Fix("Check DEVCELL_CHROMA_URL and the network on that host"),
        )
    return Finding("processes", title, "ok", f"{len(alive)} serve this database: {each}.")


def scheduler(context: HealthContext) -> Finding:
    if is_postgresql():
        return _cluster_scheduler(context)
    if context.scheduler is None or context.scheduler.runs_here:
        return Finding("scheduler", "Scheduled jobs", "ok", "This process runs the scheduled jobs.")
    return Finding(
        "scheduler",
        "Scheduled jobs",
        "warning",
        "Another DevCell process on this data directory runs the scheduled jobs; two servers on one data "
        "directory is not a supported setup.",
        Fix("Stop the other process", command="ps -ef | grep 'devcell serve'"),
    )


CHECKS: list[Check] = [
    disk_data,
    disk_backups,
    backup_folder,
    backup_age,
    backup_verify,
    failed_jobs,
    integrity,
    index_consistency,
    llm,
    llm_context,
    memory,
    temperature,
    power,
    clock,
    exposure,
    database,
    processes,
    scheduler,
]
