#!/usr/bin/env python3
"""A throwaway PostgreSQL server for the tests, benchmarks and local runs, as root on a machine of the
project's kind: initdb as the postgres user into DIR, then a server that
listens only on a Unix socket in DIR (no TCP port to collide with anything).

  pg_server.py start DIR PORT    prints the connection URL
  pg_server.py stop DIR
  pg_server.py restart DIR PORT  (the tests' database outage)
"""
import glob
import os
import pwd
import shutil
import subprocess
import sys


def bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise SystemExit("pg_server: PostgreSQL is not installed (scripts/install-deps.sh installs it)")
    return os.path.dirname(found[-1])


def as_postgres(*args):
    command = list(args)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--"] + command
    return subprocess.run(command, check=True, capture_output=True, text=True)


def url(directory, port):
    return f"postgresql://rtm@/postgres?host={directory}&port={port}"


def stop(directory):
    if os.path.exists(os.path.join(directory, "data", "postmaster.pid")):
        subprocess.run((["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) +
                       [os.path.join(bin_dir(), "pg_ctl"), "-D", os.path.join(directory, "data"), "-m", "fast",
                        "-w", "stop"], capture_output=True)


def start(directory, port, fresh=True):
    data = os.path.join(directory, "data")
    if fresh:
        stop(directory)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(directory, user.pw_uid, user.pw_gid)
        as_postgres(os.path.join(bin_dir(), "initdb"), "-D", data, "-A", "trust", "-U", "rtm", "--no-sync")
    as_postgres(os.path.join(bin_dir(), "pg_ctl"), "-D", data, "-w", "-l", os.path.join(directory, "server.log"),
                "-o", f"-p {port} -k {directory} -c listen_addresses='' -c fsync=off", "start")
    print(url(directory, port), flush=True)


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    command, directory = sys.argv[1], os.path.abspath(sys.argv[2])
    if command == "start":
        start(directory, int(sys.argv[3]))
    elif command == "stop":
        stop(directory)
    elif command == "restart":
        stop(directory)
        start(directory, int(sys.argv[3]), fresh=False)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
