import time
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from console.billing.progress import billing_progress
from console.billing.run import DEFAULT_BATCH_SIZE
from console.billing.tasks import BillingDispatch, billing_dispatch
from console.core import clock

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Bill one day's usage (default: yesterday in the billing zone): the accounts are split into "
        "shards that Celery workers bill (this process, when no broker is configured), with a "
        "progress bar until every shard is done. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="YYYY-MM-DD in the billing zone")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="accounts per transaction")
        parser.add_argument(
            "--shard-size", type=int, default=settings.BILLING_SHARD_SIZE,
            help=f"accounts per task (default {settings.BILLING_SHARD_SIZE})",
        )
        parser.add_argument("--no-wait", action="store_true", help="queue the shards and return at once")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between progress checks")

    def handle(self, *args, **options):
        day = options["date"] or clock.today() - timedelta(days=1)
        started = time.monotonic()
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        self._last = ""
        self._tty = self.stderr.isatty()
        dispatch = billing_dispatch(
            day=day, shard_size=options["shard_size"], batch_size=options["batch_size"],
            # In-process the shards run as they are queued: the bar follows them.
            on_queued=self._shards_drawn if eager else None,
        )
        if options["no_wait"] and not eager:
            self.stdout.write(
                f"Queued billing of {day}: {dispatch.accounts} accounts in {len(dispatch.shards)} shards; "
                "the workers bill them. Progress: the presenter panel, or run_billing again."
            )
            return
        self._wait(dispatch, poll=options["poll"])
        summary = dispatch.summary()
        summary.seconds = time.monotonic() - started
        self.stdout.write(str(summary))
        failures = dispatch.failures()
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(dispatch.shards)} shards failed and their accounts wait; "
                f"run again to bill them. {'; '.join(failures)}"
            )

    def _wait(self, dispatch: BillingDispatch, *, poll: float) -> None:
        """Until every shard has reported back; the bar counts the accounts of the shards that
        have, so waiting costs the database nothing. Without a result backend, until the day's
        accounts are billed (a query each time)."""
        while True:
            if dispatch.tracked:
                finished = dispatch.finished
                self._draw(dispatch.day, dispatch.accounts_done(), dispatch.accounts, f"{finished}/{len(dispatch.shards)}")
                if finished == len(dispatch.shards):
                    break
            else:
                progress = billing_progress(day=dispatch.day)
                self._draw(dispatch.day, progress.billed, progress.accounts, "")
                if progress.done:
                    break
            time.sleep(poll)
        if self._tty:
            self.stderr.write("")

    def _shards_drawn(self, dispatch: BillingDispatch) -> None:
        """In-process, after each shard (which has run by the time it is queued)."""
        self._draw(dispatch.day, dispatch.accounts_done(), dispatch.accounts, f"{dispatch.finished}")

    def _draw(self, day: date, done: int, total: int, shards: str) -> None:
        percent = 100 if not total else 100 * done // total
        filled = BAR_WIDTH * percent // 100
        line = f"Billing {day} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {done}/{total} accounts"
        if shards:
            line += f", {shards} shards done"
        if line == self._last:
            return
        self._last = line
        # On a terminal the bar redraws in place; in a log, one line per change.
        self.stderr.write(f"\r{line}" if self._tty else line, ending="" if self._tty else "\n")
