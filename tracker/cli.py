"""The `flask --app app tracker ...` commands. Each feature adds its own commands to this group."""

import click
from flask.cli import AppGroup

from tracker import FEATURES, import_feature_module

tracker_cli = AppGroup("tracker", help="tracker's own commands: demo data, tokens, jobs, imports.")


def register_feature_commands() -> None:
    """Features define `register(group)` in their cli.py; importing them here keeps the group in one place."""
    for name in (*FEATURES, "demo"):
        module = import_feature_module(name, "cli")
        if module is not None:
            module.register(tracker_cli)


@tracker_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="command line", help="A label for the token, shown to administrators.")
def create_token(email: str, name: str) -> None:
    """Print a new API bearer token for the user with EMAIL."""
    from tracker.auth import services

    user = services.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with the email address {email}")
    click.echo(services.create_api_token(user, name))


register_feature_commands()
