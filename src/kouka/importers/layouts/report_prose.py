"""Text before the first project: the report's title, its introduction, and the total it states
(本市交付額 812万3,000円, or in a sentence: 交付金の総額は812万3,000円です。)."""

import re

from kouka.importers.blocks import Block, Kind
from kouka.importers.build import AMOUNT, Build
from kouka.importers.fields import apply
from kouka.importers.labels import Field, field_of
from kouka.importers.layouts.base import Layout

_TOTAL_LINE_RE = re.compile(r"^(?P<label>.+?)\s*[:：]?\s*(?P<amount>" + AMOUNT + r")\s*$")
# The total said in a sentence of its own: 交付金の総額は812万3,000円です。/ 令和5年度の交付額合計は、…となりました。
_TOTAL_SENTENCE_RE = re.compile(
    r"^(?:[^、。]{0,14}?年度(?:の|における|に)\s*)?(?P<label>[^、。]{2,16}?)\s*[はが][、,]?\s*(?P<amount>" + AMOUNT
    + r")\s*(?:です|でした|となりました|となっています|となります|である)?\s*[。.]?\s*$")


class ReportProse(Layout):
    def prose(self, build: Build, block: Block) -> bool:
        if build.state.project is not None:
            return False
        text = block.text
        for form in (_TOTAL_LINE_RE, _TOTAL_SENTENCE_RE):
            total = form.match(text)
            labelled = field_of(total.group("label")) if total else None
            if total and labelled and labelled[0] is Field.TOTAL and build.money(total.group("amount")) is not None:
                apply(build, (Field.TOTAL, ""), total.group("amount"), block, label=total.group("label").strip())
                return True
        report = build.report
        looks_like_title = "。" not in text and len(text) <= 60 and not report.introduction
        if block.kind is Kind.HEADING or looks_like_title:
            if not report.title and ("交付金" in text or "効果" in text or "検証" in text):
                report.title = text
                return True
            if block.kind is Kind.HEADING:
                build.unplaced(block, text)
                return True
        report.introduction.append(text)
        return True
