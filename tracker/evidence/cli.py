"""`flask tracker move-uploads --to database|filesystem`: move evidence files between storage backends."""

import click

from tracker.evidence.storage import move_uploads as move
from tracker.templating import one_or_many, pluralise


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
        already = len(result.already)
        click.echo(
            f"moved {pluralise(len(result.moved), 'file')} to the {to}; "
            f"{already} {one_or_many(already, 'was', 'were')} there already"
        )
        mismatched = one_or_many(len(result.mismatched), "not matching its checksum", "not matching their checksums")
        for label, ids in (("missing", result.missing), (mismatched, result.mismatched)):
            if ids:
                click.echo(
                    f"{pluralise(len(ids), 'file')} {label} (evidence {', '.join(map(str, ids))}): left as they are",
                    err=True,
                )
        if result.missing or result.mismatched:
            raise SystemExit(1)
