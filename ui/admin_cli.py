"""Administrator subcommands of ``kompas``: accounts and teams."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from assistant.workspace import accounts
from assistant.workspace.db import Database
from assistant.workspace.models import Membership, Team, User
from index.settings import get_settings


def _read_password(args: argparse.Namespace) -> str:
    """Read a new password from stdin (``--password-stdin``) or ask for it twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise accounts.AccountError("geen terminal om het wachtwoord te vragen; geef het via standaardinvoer met --password-stdin")
    first = getpass.getpass("Nieuw wachtwoord: ")
    if getpass.getpass("Herhaal het wachtwoord: ") != first:
        raise accounts.AccountError("de wachtwoorden zijn niet gelijk")
    return first


def _run(action) -> int:
    database = Database.from_settings(get_settings())
    try:
        with database.session() as db:
            action(db)
    except accounts.AccountError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    """Run ``kompas user add|list|disable|enable|reset-password``."""
    def action(db) -> None:
        if args.user_command == "add":
            password = None if args.no_password else _read_password(args)
            user = accounts.create_user(db, args.email, args.name or args.email, password)
            print(f"Account {user.email} aangemaakt.")
        elif args.user_command == "list":
            for user in db.query(User).order_by(User.email):
                teams = ", ".join(sorted(m.team.slug for m in user.memberships))
                state = "actief" if user.is_active else "uitgeschakeld"
                print(f"{user.email}\t{user.display_name}\t{state}\t{teams}")
        elif args.user_command in ("disable", "enable"):
            user = accounts.get_user(db, args.email)
            user.is_active = args.user_command == "enable"
            if not user.is_active:
                accounts.end_all_sessions(db, user)
            print(f"Account {user.email} is {'weer actief' if user.is_active else 'uitgeschakeld'}.")
        elif args.user_command == "reset-password":
            user = accounts.get_user(db, args.email)
            user.password_hash = accounts.hash_password(_read_password(args))
            accounts.end_all_sessions(db, user)
            print(f"Wachtwoord van {user.email} is gewijzigd; bestaande logins zijn beëindigd.")
    return _run(action)


def cmd_team(args: argparse.Namespace) -> int:
    """Run ``kompas team add|list|add-member|remove-member``."""
    def action(db) -> None:
        if args.team_command == "add":
            team = accounts.create_team(db, args.slug, args.name or args.slug)
            print(f"Team {team.slug} aangemaakt.")
        elif args.team_command == "list":
            for team in db.query(Team).order_by(Team.slug):
                members = db.query(Membership).filter(Membership.team_id == team.id).count()
                print(f"{team.slug}\t{team.name}\t{members} leden")
        elif args.team_command == "add-member":
            team, user = accounts.get_team(db, args.slug), accounts.get_user(db, args.email)
            accounts.add_member(db, team, user, args.role)
            print(f"{user.email} is {args.role} van {team.slug}.")
        elif args.team_command == "remove-member":
            team, user = accounts.get_team(db, args.slug), accounts.get_user(db, args.email)
            accounts.remove_member(db, team, user)
            print(f"{user.email} is geen lid meer van {team.slug}.")
    return _run(action)


def cmd_backup(args: argparse.Namespace) -> int:
    """Run ``kompas backup FILE``."""
    from assistant.workspace.backup import write_backup

    database = Database.from_settings(get_settings())
    try:
        counts = write_backup(database, Path(args.file))
    finally:
        database.close()
    print(f"Back-up geschreven naar {args.file}: " + ", ".join(f"{name} {count}" for name, count in counts.items() if count))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Run ``kompas restore FILE [--force]``."""
    from assistant.workspace.backup import BackupError, restore_backup

    database = Database.from_settings(get_settings())
    try:
        counts = restore_backup(database, Path(args.file), force=args.force)
    except BackupError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"Back-up {args.file} teruggezet: " + ", ".join(f"{name} {count}" for name, count in counts.items() if count))
    return 0


def add_parsers(commands) -> None:
    """Register the ``user`` and ``team`` subcommands."""
    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create an account")
    add.add_argument("email")
    add.add_argument("--name", help="display name (default: the e-mail address)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--no-password", action="store_true", help="no password: log in only through the identity gateway")
    user_commands.add_parser("list", help="list accounts with their teams")
    for name, help_text in (("disable", "disable an account and end its logins"), ("enable", "enable a disabled account")):
        sub = user_commands.add_parser(name, help=help_text)
        sub.add_argument("email")
    reset = user_commands.add_parser("reset-password", help="set a new password and end existing logins")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(handler=cmd_user)

    team = commands.add_parser("team", help="manage teams")
    team_commands = team.add_subparsers(dest="team_command", required=True)
    team_add = team_commands.add_parser("add", help="create a team")
    team_add.add_argument("slug", help="short id, for example gemeente-utrecht")
    team_add.add_argument("--name", help="display name")
    team_commands.add_parser("list", help="list teams")
    member = team_commands.add_parser("add-member", help="add an account to a team, or change its role")
    member.add_argument("slug")
    member.add_argument("email")
    member.add_argument("--role", choices=accounts.ROLES, default="member")
    remove = team_commands.add_parser("remove-member", help="remove an account from a team")
    remove.add_argument("slug")
    remove.add_argument("email")
    team.set_defaults(handler=cmd_team)

    backup = commands.add_parser("backup", help="write the workspace database (accounts, teams, notes, links, chats) to a file")
    backup.add_argument("file", help="target file, for example backup-2026-12-04.json.gz")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the workspace database with a backup file")
    restore.add_argument("file")
    restore.add_argument("--force", action="store_true", help="replace a database that already contains accounts")
    restore.set_defaults(handler=cmd_restore)
