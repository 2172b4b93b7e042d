"""Administrator commands: accounts, teams, backup and restore, through ``kompas``."""

from __future__ import annotations

import io

import pytest

from index.settings import get_settings
from ui.cli import main as kompas

PASSWORD = "beheer-wachtwoord-123"


@pytest.fixture()
def cli(workspace_settings, monkeypatch, capsys):
    """Run ``kompas`` against the test workspace database; return (exit code, stdout, stderr)."""
    monkeypatch.setenv("KOMPAS_DATA_DIR", str(workspace_settings.data_dir))
    monkeypatch.setenv("KOMPAS_DATABASE_URL", workspace_settings.database_url)
    get_settings.cache_clear()

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = kompas(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    get_settings.cache_clear()


def test_user_and_team_commands(cli):
    assert cli("user", "add", "beleid@example.org", "--name", "Beleid", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert cli("team", "add", "gemeente-x", "--name", "Gemeente X")[0] == 0
    assert cli("team", "add-member", "gemeente-x", "beleid@example.org", "--role", "lead")[0] == 0

    code, users, _ = cli("user", "list")
    assert code == 0
    assert "beleid@example.org\tBeleid\tactief\tgemeente-x" in users
    assert "1 leden" in cli("team", "list")[1]

    assert cli("team", "remove-member", "gemeente-x", "beleid@example.org")[0] == 0
    assert "0 leden" in cli("team", "list")[1]


def test_disable_and_reset_password(cli):
    cli("user", "add", "tijdelijk@example.org", "--password-stdin", stdin=PASSWORD + "\n")

    assert cli("user", "disable", "tijdelijk@example.org")[0] == 0
    assert "uitgeschakeld" in cli("user", "list")[1]
    assert cli("user", "enable", "tijdelijk@example.org")[0] == 0
    assert cli("user", "reset-password", "tijdelijk@example.org", "--password-stdin", stdin="nieuw-wachtwoord-456\n")[0] == 0


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("user", "add", "geen-adres", "--password-stdin"), PASSWORD + "\n", "ongeldig e-mailadres"),
        (("user", "add", "kort@example.org", "--password-stdin"), "kort\n", "te kort"),
        (("user", "add", "terminal@example.org"), "", "--password-stdin"),
        (("team", "add", "Foute Naam"), "", "ongeldige team-id"),
        (("team", "add-member", "bestaat-niet", "x@example.org"), "", "geen team"),
        (("user", "disable", "onbekend@example.org"), "", "geen account"),
    ],
)
def test_invalid_admin_input_is_explained(cli, args, stdin, message):
    code, _, err = cli(*args, stdin=stdin)

    assert code == 1
    assert message in err


def test_backup_and_restore_commands(cli, tmp_path):
    cli("user", "add", "bewaard@example.org", "--password-stdin", stdin=PASSWORD + "\n")
    target = tmp_path / "backup.json.gz"

    assert cli("backup", str(target))[0] == 0
    code, _, err = cli("restore", str(target))
    assert code == 1
    assert "--force" in err
    assert cli("restore", str(target), "--force")[0] == 0
    assert "bewaard@example.org" in cli("user", "list")[1]
