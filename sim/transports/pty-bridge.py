# Makes a pseudo-terminal for the EC20 simulator: prints the slave's path (/dev/pts/N) as the first
# line on stdout, then relays bytes: pty master -> stdout, stdin -> pty master. Exits when stdin
# closes. The slave stays open here too, so the master does not fail with EIO between clients.
import os
import pty
import select
import sys
import tty

master, slave = pty.openpty()
tty.setraw(slave)
os.write(1, (os.ttyname(slave) + "\n").encode())
while True:
    readable, _, _ = select.select([master, 0], [], [])
    if master in readable:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if data:
            os.write(1, data)
    if 0 in readable:
        data = os.read(0, 4096)
        if not data:
            break
        os.write(master, data)
os.close(slave)
os.close(master)
