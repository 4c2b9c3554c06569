"""The `flask --app app tracker ...` commands. Each feature adds its own commands to this group."""

import click
from flask import current_app
from flask.cli import AppGroup

from tracker import config
from tracker.auth import services
from tracker.features import FEATURES, import_feature_module

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
@click.option("--expires-in", default=None, help="Stop the token working after this long, e.g. 90d, 12w or 24h.")
def create_token(email: str, name: str, expires_in: str | None) -> None:
    """Print a new API bearer token for the user with EMAIL."""
    user = services.find_user(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"No active user with the email address {email}")
    try:
        lifetime = services.parse_duration(expires_in) if expires_in else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--expires-in") from error
    click.echo(services.create_api_token(user, name, lifetime))


@tracker_cli.command("base-url")
@click.option(
    "--record",
    "address",
    default=None,
    metavar="URL",
    help="Record URL as the address this database is served at (make run does), for commands run elsewhere.",
)
def base_url(address: str | None) -> None:
    """Print where links in emails start, or record the address make run serves."""
    if address is None:
        click.echo(current_app.config["APP_BASE_URL"])
        return
    try:
        config.record_address(current_app.instance_path, current_app.config["SQLALCHEMY_DATABASE_URI"], address)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--record") from error


register_feature_commands()
