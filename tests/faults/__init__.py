"""Fault tests: real daphne processes, Redis and PostgreSQL on loopback, broken on purpose.

Run them on their own with ``pytest -m faults``. The helpers here are small and
reusable: :mod:`tests.faults.resilient` (a client that reconnects, resumes and
retries like a careful real one), :mod:`tests.faults.redisproc` (a private
``redis-server``), :mod:`tests.faults.tcpproxy` (a TCP proxy that can be cut)
and :mod:`tests.faults.rawws` (a hand-made WebSocket over a raw socket).
"""
