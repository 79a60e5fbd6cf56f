"""Sockets the client tests provoke connection failures with."""

from collections.abc import Iterator
from contextlib import contextmanager
import socket


@contextmanager
def never_accepting_url() -> Iterator[str]:
    """Yield the URL of a loopback server that never accepts a connection.

    Its accept queue is filled and never emptied: further SYNs are dropped, so a
    client's connect times out (nothing can have been sent).
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            for filler in fillers:
                filler.close()
