"""``python -m django kouka_artifacts fill|reclaim``: the stored pages and downloads of publications.

``fill`` renders what is missing of every latest publication (after a bulk load, or a release that renders
differently); ``reclaim`` deletes what no publication needs any more (:func:`kouka.web.artifacts.artifacts_reclaim`),
for a cron job or a systemd timer.
"""

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kouka.web import selectors
from kouka.web.artifacts import KINDS, artifacts_fill, artifacts_reclaim
from kouka.web.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop("公表資料のページとダウンロードを作成（fill）、不要になったものを削除（reclaim）します")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("fill", "reclaim"))
        parser.add_argument("--language", action="append", default=[],
                            help=_("fill: 作成する言語（既定: すべて。繰り返し指定可）"))
        parser.add_argument("--kind", action="append", default=[], choices=sorted(KINDS),
                            help=_("fill: 作成するもの（既定: すべて。繰り返し指定可）"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reclaim":
            reclaimed = artifacts_reclaim(live=selectors.publication_digests())
            self.stdout.write(_("{folders}個のフォルダ（{files}個のファイル）を削除しました").format(
                folders=reclaimed.folders, files=reclaimed.files))
            return
        rendered = 0
        for publication in selectors.publications_latest().select_related("cycle__municipality").iterator(
                chunk_size=200):
            rendered += artifacts_fill(publication, languages=tuple(options["language"]),
                                       kinds=tuple(options["kind"]))
        self.stdout.write(_("{count}個のファイルを作成しました").format(count=rendered))
