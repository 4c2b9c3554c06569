"""`flask tracker demo` and `flask tracker sign-ins`."""

import hashlib
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import make_url

from tracker.auth.models import ROLE_LABELS
from tracker.db_types import today


def sign_ins_file() -> Path:
    """Where a generated demo password is kept: `demo-sign-ins.txt` for the database `make run` uses, and for any
    other database a file named after it, so loading the demo elsewhere never replaces the password of that one."""
    instance = Path(current_app.instance_path)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.drivername.startswith("sqlite") and url.database and Path(url.database) == instance / "tracker.sqlite":
        return instance / "demo-sign-ins.txt"
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return instance / f"demo-sign-ins-{name}.txt"


def print_sign_ins(password: str | None) -> None:
    # the demo builders load only when a demo command runs, not in every web worker that registers the commands
    from tracker.demo.services import load_plan

    click.echo("Demo sign-ins:")
    for spec in load_plan()["users"]:
        click.echo(f"  {spec['email']:<30} {ROLE_LABELS[spec['role']]}")
    if password:
        click.echo(f"  password for all of them: {password}")
    required = [ROLE_LABELS.get(role, role) for role in current_app.config.get("AUTH_REQUIRE_TOTP_FOR") or ()]
    click.echo("  a second factor (authenticator app) is required of: " + ", ".join(required) if required else
               "  no second factor is required here; anyone may set one up under Your account")


def register(group: click.Group) -> None:
    @group.command("demo")
    @click.option("--if-empty", is_flag=True,
                  help="Only load when the demo users are not there yet and demo.load_on_first_run is true.")
    @click.option("--scale", type=click.Choice(["barking", "national"]), default="barking",
                  help="'national' also adds synthetic data for every region and their 111 PDUs.")
    @click.option("--quiet", is_flag=True, help="Do not print the sign-ins (make run prints them once it starts).")
    def demo(if_empty: bool, scale: str, quiet: bool) -> None:
        """Load the Barking, Dagenham and Havering demo inspection and one user per role."""
        # loaded only when the command runs (see print_sign_ins)
        from tracker.demo import services

        if if_empty and (services.has_demo_users() or not current_app.config.get("DEMO_LOAD_ON_FIRST_RUN", True)):
            return
        result = services.load_demo(today())
        if result.password:
            path = sign_ins_file()
            path.write_text(result.password)
            path.chmod(0o600)
        status = "Loaded" if result.created else "Already loaded"
        click.echo(f"{status}: {result.inspection.title} "
                   f"({len(result.inspection.recommendations)} recommendations)")
        if scale == "national":
            # loaded only when the command runs (see print_sign_ins)
            from tracker.demo import national

            click.echo(national.load_national(today()))
        if not quiet:
            print_sign_ins(result.password or current_app.config.get("DEMO_PASSWORD"))

    @group.command("sign-ins")
    def sign_ins() -> None:
        """Print the demo users and, for a generated password, where it is kept."""
        path = sign_ins_file()
        password = current_app.config.get("DEMO_PASSWORD") or (path.read_text().strip() if path.exists() else None)
        print_sign_ins(password)
