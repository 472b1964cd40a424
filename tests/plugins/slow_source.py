"""A real web server on 127.0.0.1 that is slow on purpose, for the linkback limits' tests.

``/trickle…`` sends one header line every ``drip`` seconds (at most ``lines`` of them), the
way a source holds a fetch for as long as it likes; ``/held…`` waits until the test calls
``release()``, then answers a page that links to ``target``. It counts the requests it got and
how many were open at once, so a test can see what the blog fetched without asking the blog.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class SlowSource:
    """A raw-socket server thread; one thread per connection."""

    def __init__(self, target: str, drip: float = 0.5, lines: int = 40) -> None:
        self.target, self.drip, self.lines = target, drip, lines
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.paths: list[str] = []
        self.open = self.most_open = 0
        self._released = threading.Event()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def release(self) -> None:
        """Let every held request (and any later one) have its page."""
        self._released.set()

    def wait_open(self, count: int, timeout: float = 15.0) -> bool:
        """Whether ``count`` requests are being answered at once, within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.open >= count:
                return True
            time.sleep(0.05)
        return False

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _answer(self, conn: socket.socket) -> None:
        with conn, self._counted():
            conn.settimeout(30)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode()
            with self._lock:
                self.paths.append(path)
            try:
                if path.startswith("/trickle"):
                    self._trickle(conn)
                else:
                    self._released.wait(timeout=30)
                    self._page(conn)
            except OSError:
                pass  # the blog gave up on us: what the tests want

    @contextmanager
    def _counted(self) -> Iterator[None]:
        with self._lock:
            self.open += 1
            self.most_open = max(self.most_open, self.open)
        try:
            yield
        finally:
            with self._lock:
                self.open -= 1

    def _trickle(self, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(self.lines):
            if self._stopped.wait(self.drip):
                return
            conn.sendall(f"X-Drip-{n}: still here\r\n".encode())
        self._page(conn, status_line=False)

    def _page(self, conn: socket.socket, status_line: bool = True) -> None:
        body = f'<html><title>Slow</title><p>See <a href="{self.target}">this</a>.</p></html>'
        head = "HTTP/1.1 200 OK\r\n" if status_line else ""
        head += f"Content-Type: text/html\r\nContent-Length: {len(body)}\r\n"
        conn.sendall(f"{head}Connection: close\r\n\r\n{body}".encode())

    def __enter__(self) -> SlowSource:
        thread = threading.Thread(target=self._serve, daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._released.set()
        self.listener.close()
        for thread in self._threads:
            thread.join(timeout=5)
