"""What every command shares: the console and turning known errors into one-line messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer
from rich.console import Console

from catalog.files import CatalogFileError
from catalog.load import CatalogNotEmptyError
from catalog.validate import CatalogValidationError
from jdskills.local_postgres import LocalPostgresError

console = Console()
err_console = Console(stderr=True)
T = TypeVar("T")

KNOWN_ERRORS: tuple[type[Exception], ...] = (
    LocalPostgresError, CatalogFileError, CatalogNotEmptyError, FileNotFoundError,
)


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Known failures end the command with one line (and exit 1), not a traceback."""
    try:
        yield
    except CatalogValidationError as e:
        for row_error in e.errors[:200]:
            err_console.print(str(row_error), highlight=False, markup=False)
        if len(e.errors) > 200:
            err_console.print(f"... and {len(e.errors) - 200} more", highlight=False)
        fail(str(e))
    except KNOWN_ERRORS as e:
        fail(str(e))
    except Exception as e:  # database unreachable and the like
        import psycopg
        import sqlalchemy.exc

        if isinstance(e, psycopg.OperationalError | sqlalchemy.exc.OperationalError):
            fail(f"cannot reach the database: {str(e).splitlines()[0]} "
                 "(check DATABASE_URL, or unset it to use the local Postgres)")
        raise


def run_friendly(fn: Callable[[], T]) -> T:
    with friendly_errors():
        return fn()
