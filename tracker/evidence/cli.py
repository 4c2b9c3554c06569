"""`flask tracker move-uploads --to database|filesystem`: move evidence files between storage backends."""

import click

from tracker.evidence.storage import move_uploads as move


def register(group: click.Group) -> None:
    @group.command("move-uploads")
    @click.option(
        "--to",
        "to",
        required=True,
        type=click.Choice(["database", "filesystem"]),
        help="The backend to move every evidence file into.",
    )
    def move_uploads(to: str) -> None:
        """Move evidence files into another storage backend, one at a time, each verified by its SHA-256.
        Stopped half-way, running it again carries on. Set [uploads] backend to the same afterwards."""
        result = move(to)
        click.echo(f"moved {len(result.moved)} files to the {to}; {len(result.already)} were there already")
        for label, ids in (("missing", result.missing), ("not matching their checksum", result.mismatched)):
            if ids:
                click.echo(
                    f"{len(ids)} files {label} (evidence {', '.join(map(str, ids))}): left as they are", err=True
                )
        if result.missing or result.mismatched:
            raise SystemExit(1)
