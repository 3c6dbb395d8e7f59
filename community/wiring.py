"""How an app built on community joins in at startup, declared in one call.

Each app's ``AppConfig.ready`` names its periodic duties and its receivers of
community's signals (erasing a member, the retention purge); :meth:`wire`
registers them, so every app connects them the same way, under the same
``dispatch_uid`` convention (``<app>.erase``, ``<app>.purge``).

An apps.py imports this module, not the class: Django takes an app's config to
be the one AppConfig subclass its apps.py holds, and a second one in its
namespace (this base) would leave the app with Django's plain AppConfig, whose
``ready`` wires nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import AppConfig


class WiredAppConfig(AppConfig):
    def wire(
        self,
        *,
        duties: Iterable[Callable[[], Any]] = (),
        socket_duties: Iterable[Callable[..., Any]] = (),
        sweeps: Iterable[Callable[[], Any]] = (),
        erase: Callable[..., Any] | None = None,
        purge: Callable[..., Any] | None = None,
    ) -> None:
        """Register *duties* (``periodic.register_duty``), *socket_duties* and
        *sweeps*, in the order given; connect *erase* to ``member_erasing`` and
        *purge* to ``retention_due``."""
        # Imported here, as Django asks of anything ready() runs.
        from community.signals import member_erasing, retention_due
        from realtime import periodic

        for duty in duties:
            periodic.register_duty(duty)
        for duty in socket_duties:
            periodic.register_socket_duty(duty)
        for sweep in sweeps:
            periodic.register_sweep(sweep)
        if erase is not None:
            member_erasing.connect(erase, dispatch_uid=f"{self.name}.erase")
        if purge is not None:
            retention_due.connect(purge, dispatch_uid=f"{self.name}.purge")
