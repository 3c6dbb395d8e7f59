"""Creating accountable people: facilitators and peer supporters sign in with a password."""

from __future__ import annotations

import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from community.handles import HANDLE_CHARS, handle_key
from community.models import Member
from community.sessions import member_access_set


class CreateStaffCommand(BaseCommand):
    role: str = ""

    def add_arguments(self, parser):
        parser.add_argument("handle")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input (for scripts).",
        )
        parser.add_argument(
            "--password-env",
            metavar="NAME",
            help="Read the password from this environment variable (for scripts).",
        )

    def _password(self, options) -> str:
        if options["password_env"]:
            value = os.environ.get(options["password_env"], "")
            if not value:
                raise CommandError(f"Environment variable {options['password_env']} is empty.")
            return value
        if options["password_stdin"]:
            return sys.stdin.readline().rstrip("\n")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords don't match.")
        return first

    def handle(self, *args, handle: str, **options):
        if not HANDLE_CHARS.fullmatch(handle) or not (
            settings.HANDLE_MIN_LENGTH <= len(handle) <= settings.HANDLE_MAX_LENGTH
        ):
            raise CommandError("A handle is 3 to 24 letters, digits and underscores.")
        password = self._password(options)
        existing = Member.objects.filter(handle_key=handle_key(handle)).first()
        try:
            validate_password(password, existing or Member(handle=handle))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if existing is not None:
            if existing.handle != handle:
                raise CommandError(f"{existing.handle} already exists and looks like {handle}.")
            was = existing.role
            # Through the service: a changed role ends the person's sessions.
            member_access_set(member_id=existing.pk, role=self.role)
            existing.refresh_from_db()
            existing.set_password(password)
            existing.save(update_fields=["password"])
            if was != self.role:
                self.stdout.write(
                    f"{handle} already existed as a {was} and is now a {self.role}: every "
                    "session of theirs has ended, and they sign in again at "
                    "/facilitators/login/ with the new password."
                )
            else:
                self.stdout.write(f"{handle} is a {self.role}; password updated.")
            return
        Member.objects.create_user(handle, password, role=self.role)
        self.stdout.write(f"Created {self.role} {handle}.")
