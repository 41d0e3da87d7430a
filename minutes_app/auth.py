"""Who may use the web UI: users from a file or the environment, and the rule that guards binding.

The UI is safe by default: it binds to loopback, where no login is needed and the single local
user is the admin. Binding to any other address exposes council papers to a network, so it is
refused unless users are configured. A user is ``name:password`` or ``name:password:admin``;
only admins see the Documents tab and may upload or remove files.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from minutes_core.settings import Settings, SettingsError

log = logging.getLogger(__name__)

USERS_ENV = "MINUTES_USERS"
ADMIN_FLAG = "admin"


@dataclass(frozen=True)
class User:
    """One login of the web UI."""

    name: str
    password: str
    admin: bool = False


def parse_users(text: str, origin: str) -> dict[str, User]:
    """Users from ``user:password[:admin]`` entries, one a line or separated by commas.

    Blank lines and lines starting with ``#`` are skipped. A malformed entry raises
    SettingsError naming ``origin`` and the entry's position (never the password).
    """
    users: dict[str, User] = {}
    entries = [e.strip() for line in text.splitlines() for e in line.split(",")]
    position = 0
    for entry in entries:
        if not entry or entry.startswith("#"):
            continue
        position += 1
        name, sep, rest = entry.partition(":")
        password, admin = rest, False
        if rest.endswith(f":{ADMIN_FLAG}"):
            password, admin = rest[: -len(ADMIN_FLAG) - 1], True
        if not sep or not name.strip() or not password:
            raise SettingsError(
                f"{origin}: user entry {position} is not 'user:password' or 'user:password:admin'")
        name = name.strip()
        if name in users:
            raise SettingsError(f"{origin}: user {name!r} is listed twice")
        users[name] = User(name, password, admin)
    return users


def load_users(settings: Settings, environ: dict[str, str] | None = None) -> dict[str, User]:
    """Users from ``settings.auth_file`` and the MINUTES_USERS variable (the file's win on a clash)."""
    environ = os.environ if environ is None else environ
    users = parse_users(environ.get(USERS_ENV, ""), USERS_ENV)
    if settings.auth_file:
        path = Path(settings.auth_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise SettingsError(f"Cannot read the users file {path}: {error.strerror}") from error
        users.update(parse_users(text, str(path)))
    return users


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(settings: Settings, users: dict[str, User]) -> None:
    """Refuse a non-loopback host without users: the UI would be open to the whole network."""
    if not is_loopback(settings.host) and not users:
        raise SettingsError(
            f"Refusing to serve on {settings.host} without login: set auth_file to a file of "
            f"'user:password[:admin]' lines or the {USERS_ENV} variable, or bind to 127.0.0.1")


class Authenticator:
    """The login check handed to Gradio, and the admin test the handlers use."""

    def __init__(self, users: dict[str, User]):
        self.users = users

    @property
    def enabled(self) -> bool:
        return bool(self.users)

    def __call__(self, name: str, password: str) -> bool:
        user = self.users.get(name)
        # Compare even for unknown names, so timing does not reveal which names exist.
        expected = user.password if user else "\x00unknown user"
        ok = hmac.compare_digest(password.encode("utf-8"), expected.encode("utf-8"))
        if not (ok and user):
            log.warning("failed login for %r", name)
        return bool(ok and user)

    def is_admin(self, name: str | None) -> bool:
        """Without auth the one local user is the admin; with auth only users marked admin."""
        if not self.enabled:
            return True
        user = self.users.get(name or "")
        return bool(user and user.admin)
