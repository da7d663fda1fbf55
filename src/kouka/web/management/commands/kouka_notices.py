"""``python -m django kouka_notices --days 7``: the deadline notices, for a cron job or a systemd timer.

Bounded (at most kouka.web.services.notices.MAX_NOTICES mails a run) and idempotent: each deadline's notice
goes to each recipient once, however often the command runs.
"""

from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.web.management.base import TranslatedCommand
from kouka.web.services.notices import notice_deadlines


class Command(TranslatedCommand):
    help = gettext_noop("期限が近づいた年度の通知をメールで送ります（同じ通知は一度だけ）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help=_("何日前から通知するか（既定: 7）"))
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help=_("基準日（試験用、YYYY-MM-DD）"))

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        sent = notice_deadlines(today=today, days=max(0, min(options["days"], 60)))
        self.stdout.write(_("通知を{count}件送りました").format(count=sent))
