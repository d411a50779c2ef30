"""Run a command and write its peak memory and CPU time to a file: ``python _child.py OUT CMD...``.

A benchmark's own process may be large (it prepared inputs); a child forked from it inherits that
size in its peak-memory record (Linux keeps the high-water mark across exec). This small launcher
starts the measured command from a process of a few megabytes, so the command's max RSS is its own.
OUT receives "max_rss_kib cpu_seconds"; the exit code is the command's.
"""

import os
import subprocess
import sys

proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}\n")
sys.exit(os.waitstatus_to_exitcode(status))
