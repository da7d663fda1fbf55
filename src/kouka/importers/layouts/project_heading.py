"""Where a project begins: its heading (事業① 名称, 1. 名称 as a heading, ■No.2 名称), a row 事業① | 名称, or a line
numbered as a list item would be (1 名称, (1) 名称, ① 名称), taken as a project's heading only when the
project's opening fields follow it."""

import re

from kouka.domain.textnorm import halfwidth, label_key
from kouka.importers.blocks import Block, Kind
from kouka.importers.build import Build
from kouka.importers.headers import MARKED_START
from kouka.importers.labels import Field, field_of, kpi_marker, loose_project_number, project_number
from kouka.importers.layouts.base import Layout

# Fields with which a project's description begins: a loosely numbered line followed by one of them (before the
# next numbered line or heading) is a project's heading. Money is left out: it can follow a list in a summary.
_OPENING_FIELDS = (Field.DEPARTMENTS, Field.PERIOD, Field.PERIOD_START, Field.SUMMARY)
_LOOKAHEAD = 12  # blocks
_LABEL_START = re.compile(r"^\s*(【[^】]{1,20}】|[^:：\s]{1,20})")
_HEADING_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.．、\s]\s*(.+)$")
_WORDS = re.compile("[一-龥ぁ-んァ-ヴA-Za-z]")


def opening_fields_ahead(build: Build) -> set[Field]:
    """The opening fields labelled in the blocks after the current one, up to the next heading or numbered
    line (at most ``_LOOKAHEAD`` blocks)."""
    found: set[Field] = set()
    for block in build.blocks[build.position + 1:build.position + 1 + _LOOKAHEAD]:
        first = block.text or next((c for c in block.cells if c), "")
        if block.kind is Kind.HEADING or project_number(first) or loose_project_number(first):
            break
        label = _LABEL_START.match(first)
        labelled = field_of(first) or (field_of(label.group(1)) if label else None)
        if labelled is not None and labelled[0] in _OPENING_FIELDS:
            found.add(labelled[0])
    return found


def _could_be_title(title: str) -> bool:
    return not (not title or "。" in title or len(title) > 80 or field_of(title) is not None or title.startswith("の")
                or kpi_marker(title) or not _WORDS.search(title))


def loose_project_start(build: Build, first: str) -> tuple[int, str] | None:
    """A project heading numbered as a list item would be (1 名称, (1) 名称, ① 名称) when a project's opening
    fields follow it and, under a project, ones that project already has (the next project's own)."""
    numbered = loose_project_number(first)
    if numbered is None or not _could_be_title(numbered[1]):
        return None
    number = numbered[0]
    ahead = opening_fields_ahead(build)
    current = build.state.project
    if current is None or any(p.number == number and p is not current for p in build.report.projects):
        return numbered if ahead else None
    had = {Field.DEPARTMENTS: bool(current.departments), Field.PERIOD: current.start_year != 0,
           Field.PERIOD_START: current.start_year != 0, Field.SUMMARY: bool(current.summary)}
    return numbered if number != current.number and any(had[f] for f in ahead) else None


class ProjectHeading(Layout):
    def row(self, build: Build, cells: list[str], block: Block) -> bool:
        filled = [c for c in cells if c]
        first = filled[0]
        numbered = project_number(first)
        if numbered and len(filled) >= 2 and not numbered[1] and label_key(first).startswith(("事業", "No", "№")):
            build.new_project(numbered[0], filled[1])  # 事業① | 名称
            for rest in filled[2:]:
                build.unplaced(block, rest)
            return True
        if numbered and numbered[1] and len(filled) == 1 and first.startswith("事業"):
            build.new_project(*numbered)
            return True
        loose = loose_project_start(build, " ".join(filled)) if len(filled) <= 2 else None
        if loose is not None:
            build.new_project(*loose)
            return True
        return False

    def prose(self, build: Build, block: Block) -> bool:
        text = block.text
        numbered = project_number(text)
        if (numbered and numbered[1] and not numbered[1].startswith("の")
                and (block.kind is Kind.HEADING or MARKED_START.match(text))):
            build.new_project(*numbered)
            return True
        if block.kind is Kind.HEADING:
            heading_number = _HEADING_NUMBER.match(halfwidth(text))
            if heading_number and not field_of(heading_number.group(2)):
                build.new_project(int(heading_number.group(1)), text[heading_number.start(2):])
                return True
            return False
        loose = loose_project_start(build, text)
        if loose is not None:
            build.new_project(*loose)
            return True
        return False
