"""``python -m django kouka_notices --days 7``: the deadline notices, for a cron job or a systemd timer.

Bounded (at most kouka.web.services.notices.MAX_NOTICES mails a run) and idempotent: each deadline's notice
goes to each recipient once, however often the command runs.
"""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kouka.web.services.notices import notice_deadlines


class Command(BaseCommand):
    help = "期限が近づいた年度の通知をメールで送ります（同じ通知は一度だけ）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="何日前から通知するか（既定: 7）")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="基準日（試験用、YYYY-MM-DD）")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        sent = notice_deadlines(today=today, days=max(0, min(options["days"], 60)))
        self.stdout.write(f"通知を{sent}件送りました")
