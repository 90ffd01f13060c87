"""Python asyncio + httptools answering GET /<n> with n bytes of 'X'; --uvloop uses uvloop's event loop.

    /usr/bin/python3 python/httpserver.py PORT [--uvloop]
"""
import asyncio
import sys

import httptools

RESPONSES = {}


def response(n):
    r = RESPONSES.get(n)
    if r is None:
        r = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % n + b"X" * n
        RESPONSES[n] = r
    return r


class HttpProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)
        self.url = None

    def on_url(self, url):
        self.url = url

    def on_message_complete(self):
        try:
            n = int(self.url[1:])
        except ValueError:
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            return
        self.transport.write(response(n))
        if not self.parser.should_keep_alive():  # "Connection: close", or HTTP/1.0 without keep-alive
            self.transport.close()  # after what was written

    def data_received(self, data):
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()


def main():
    port = int(sys.argv[1])
    if "--uvloop" in sys.argv:
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(HttpProtocol, "127.0.0.1", port, backlog=4096))
    print("python http (%s) listening on 127.0.0.1:%d" % ("uvloop" if "--uvloop" in sys.argv else "asyncio", port), flush=True)
    loop.run_until_complete(server.serve_forever())


if __name__ == "__main__":
    main()
