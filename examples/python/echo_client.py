#!/usr/bin/env python3
"""A complete asockio client in plain Python (standard library only), written from docs/PROTOCOL.md.

    python3 examples/python/echo_client.py [HOST:PORT | UNIX_SOCKET_PATH] [NAME] [MESSAGE...]

Connects (default 127.0.0.1:25000), introduces itself with NAME, waits for OK, sends each
MESSAGE and prints what comes back. Exit code 0 on success, 1 when refused or cut off.
"""
import socket
import struct
import sys


def send_frame(sock, payload: bytes):
    sock.sendall(struct.pack("<Q", len(payload)) + payload)  # 8-byte little-endian length, then payload


def read_exactly(sock, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("server closed the connection")
        data += chunk
    return data


def read_frame(sock) -> bytes:
    (length,) = struct.unpack("<Q", read_exactly(sock, 8))
    return read_exactly(sock, length)


def main(argv):
    target = argv[1] if len(argv) > 1 else "127.0.0.1:25000"
    name = argv[2] if len(argv) > 2 else "python-client"
    messages = argv[3:] or ["hello from python"]
    if "/" in target or target.endswith(".sock"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(target)
    else:
        host, port = target.rsplit(":", 1)
        sock = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
    sock.settimeout(10)
    with sock:
        send_frame(sock, name.encode())
        answer = read_frame(sock)
        if answer != b"OK":
            print("refused:", answer.decode(errors="replace"), file=sys.stderr)
            return 1
        for message in messages:
            send_frame(sock, message.encode())
            print(read_frame(sock).decode(errors="replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
