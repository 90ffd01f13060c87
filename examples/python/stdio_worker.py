#!/usr/bin/env python3
"""An asockio worker run as a child process (a process link), standard library only.

    started by the node: {"transport": "process", "command": ["python3", "examples/python/stdio_worker.py", "worker-1"]}

It speaks the framed protocol of docs/PROTOCOL.md over its stdin and stdout, with the frame
functions of echo_client.py; there is no handshake (its parent named it). Each task
"task <job> <op> <args>" is answered "result <job> <value>"; ops: sum, upper. It says hello on
stderr (which the node logs) and exits at the end of stdin.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from echo_client import read_frame, send_frame  # noqa: E402


class Stdio:
    """The two calls echo_client's frame functions make on a socket, over stdin and stdout."""

    def sendall(self, data: bytes):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()

    def recv(self, n: int) -> bytes:
        return sys.stdin.buffer.read1(n)  # b"" at the end of stdin


def compute(op: str, args: str) -> str:
    if op == "sum":
        return str(sum(int(x) for x in args.split()))
    if op == "upper":
        return args.upper()
    return "unknown command " + op


def main(argv):
    name = argv[1] if len(argv) > 1 else "worker"
    print("worker %s ready (pid %d)" % (name, os.getpid()), file=sys.stderr, flush=True)
    pipe = Stdio()
    while True:
        try:
            task = read_frame(pipe).decode()
        except ConnectionError:
            return 0  # end of stdin: the node closed the link
        _, job, op, args = (task.split(" ", 3) + [""])[:4]
        send_frame(pipe, ("result %s %s" % (job, compute(op, args))).encode())


if __name__ == "__main__":
    sys.exit(main(sys.argv))
