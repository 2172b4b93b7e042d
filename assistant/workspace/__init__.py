"""The team workspace: accounts, teams, sessions, notes and share links, stored with SQLAlchemy."""
