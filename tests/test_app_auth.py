"""Who may use the web UI: the users file format, binding rules and the admin test."""

from __future__ import annotations

import pytest

from minutes_app.auth import Authenticator, User, check_binding, is_loopback, load_users, parse_users
from minutes_core.settings import Settings, SettingsError


@pytest.mark.parametrize("text, expected", [
    ("", {}),
    ("# comment\n\nann:secret\n", {"ann": User("ann", "secret")}),
    ("bob:pw:admin", {"bob": User("bob", "pw", True)}),
    ("ann:a:b:c", {"ann": User("ann", "a:b:c")}),          # colons inside a password
    ("ann:x, bob:y:admin", {"ann": User("ann", "x"), "bob": User("bob", "y", True)}),
])
def test_parse_users_reads_user_password_and_admin_flag(text, expected):
    assert parse_users(text, "users.txt") == expected


@pytest.mark.parametrize("text", ["ann", "ann:", ":hunter2", "ann::admin", "ann:hunter2\nann:hunter3"])
def test_parse_users_rejects_malformed_entries_without_echoing_passwords(text):
    with pytest.raises(SettingsError) as error:
        parse_users(text, "users.txt")
    assert "users.txt" in str(error.value)
    assert "hunter" not in str(error.value)


def test_load_users_merges_env_and_file(tmp_path):
    users_file = tmp_path / "users.txt"
    users_file.write_text("ann:file-pw:admin\n")
    settings = Settings(auth_file=str(users_file))
    users = load_users(settings, {"MINUTES_USERS": "ann:env-pw,bob:b"})
    assert users == {"ann": User("ann", "file-pw", True), "bob": User("bob", "b")}


def test_load_users_names_a_missing_file():
    with pytest.raises(SettingsError, match="Cannot read the users file /nowhere/users.txt"):
        load_users(Settings(auth_file="/nowhere/users.txt"), {})


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("example.org", False), ("::", False),
])
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_non_loopback_binding_needs_users():
    with pytest.raises(SettingsError, match="Refusing to serve on 0.0.0.0 without login"):
        check_binding(Settings(host="0.0.0.0"), {})
    check_binding(Settings(host="0.0.0.0"), {"ann": User("ann", "x")})
    check_binding(Settings(host="127.0.0.1"), {})


def test_authenticator_checks_passwords_and_admins():
    auth = Authenticator({"ann": User("ann", "pw"), "root": User("root", "pw2", True)})
    assert auth("ann", "pw") and not auth("ann", "PW") and not auth("nobody", "pw")
    assert auth.is_admin("root") and not auth.is_admin("ann") and not auth.is_admin(None)
    assert Authenticator({}).is_admin(None)  # no login: the one local user is the admin
