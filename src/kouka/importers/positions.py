"""Where each imported value came from, for the layouts the assembler reads: a JSON path of the document → the
place in the source (行12, 表2 行3, Sheet1!C7, 2ページ), so that a person can check a figure against the page.

The assembler keeps the place of what it could not read (its findings); this finds the place of what it did read,
after the walk, by looking for each value's own text (a project's name, a KPI's name, a figure as the city wrote
it, an amount's label) in the blocks from the project's place on. A value written nowhere in the text (a period
taken as the report's year) has no place.
"""

from kouka.domain.model import Report
from kouka.importers.blocks import Block
from kouka.importers.labels import Field, field_of

_AMOUNTS = ((Field.COST, "cost_yen"), (Field.GRANT, "grant_yen"))


def _texts(block: Block) -> list[tuple[str, str]]:
    """(text, place) of a block: each cell with its own place when the reader gave one (Sheet1!C7)."""
    if block.text:
        return [(block.text, block.where)]
    return [(cell, block.cell_wheres[i] if i < len(block.cell_wheres) else block.where)
            for i, cell in enumerate(block.cells) if cell]


def _find(keyed: list[list[tuple[str, str]]], start: int, text: str) -> tuple[int, str, str] | None:
    """The first block at or after ``start`` holding ``text``: its index, place and the text holding it."""
    key = text.strip()
    if not key:
        return None
    for index in range(start, len(keyed)):
        for cell_key, where in keyed[index]:
            if key in cell_key:
                return index, where, cell_key
    return None


def _first_fields(blocks: list[Block]) -> list[tuple[Field | None, str, str]]:
    """The field each block's first text is labelled with (事業費：…, 交付金充当額 | …), the block's place and
    its text (the cells joined as a row reads)."""
    fields: list[tuple[Field | None, str, str]] = []
    for block in blocks:
        texts = _texts(block)
        if not texts:
            fields.append((None, block.where, ""))
            continue
        cell, where = texts[0]
        head = cell.split("：")[0].split(":")[0].strip() if len(cell) > 20 or "：" in cell or ":" in cell else cell
        labelled = field_of(head) if len(head) <= 30 else None
        row = block.text or "｜".join(text for text, _where in texts)
        fields.append((labelled[0] if labelled is not None else None, where, row))
    return fields


def _labelled(fields: list[tuple[Field | None, str, str]], start: int, end: int,
              wanted: Field) -> tuple[str, str] | None:
    """The place and text of the block between ``start`` and ``end`` labelled with ``wanted`` (事業費, 交付金充当額)."""
    for index in range(start, min(end, len(fields))):
        if fields[index][0] is wanted:
            return fields[index][1], fields[index][2]
    return None


def _project_starts(report: Report, keyed: list[list[tuple[str, str]]], path: str, sources: dict[str, str],
                    texts: dict[str, str]) -> list[int]:
    """The block where each project's name is written (the place of its title), and the end of the blocks."""
    starts: list[int] = []
    cursor = 0
    for p_index, project in enumerate(report.projects):
        found = _find(keyed, cursor, project.title) if project.title else None
        starts.append(found[0] if found else cursor)
        if found:
            sources[f"{path}.projects[{p_index}].title"] = found[1]
            texts[f"{path}.projects[{p_index}].title"] = found[2][:200]
            cursor = found[0]
    starts.append(len(keyed))
    return starts


def locate(report: Report, blocks: list[Block], path: str = "$.reports[0]",
           excerpts: dict[str, str] | None = None) -> dict[str, str]:
    """JSON path → place for the project names, amounts, KPI names and figures of ``report`` found in ``blocks``;
    ``excerpts``, when given, receives each path's text as written (the line or cell it was read from)."""
    sources: dict[str, str] = {}
    texts: dict[str, str] = excerpts if excerpts is not None else {}
    keyed = [_texts(block) for block in blocks]  # the text as written: a value read from it is a part of it
    fields = _first_fields(blocks)
    starts = _project_starts(report, keyed, path, sources, texts)
    for p_index, project in enumerate(report.projects):
        here, end = starts[p_index], max(starts[p_index + 1], starts[p_index] + 1)
        project_path = f"{path}.projects[{p_index}]"
        for wanted, name in _AMOUNTS:
            place = _labelled(fields, here, end, wanted) if getattr(project, name) is not None else None
            if place is None and getattr(project, name) is not None:
                place = _labelled(fields, 0, len(blocks), wanted)  # an overview table before the details
            if place is not None:
                sources[f"{project_path}.{name}"], texts[f"{project_path}.{name}"] = place[0], place[1][:200]
        kpi_cursor = here
        for k_index, kpi in enumerate(project.kpis):
            kpi_path = f"{project_path}.kpis[{k_index}]"
            named = _find(keyed, kpi_cursor, kpi.name)
            if named is None:
                continue
            sources[f"{kpi_path}.name"], texts[f"{kpi_path}.name"] = named[1], named[2][:200]
            kpi_cursor = named[0]
            series = [(f"{kpi_path}.baseline", kpi.baseline)] if kpi.baseline is not None else []
            series += [(f"{kpi_path}.targets.{year}", m) for year, m in sorted(kpi.targets.items())]
            series += [(f"{kpi_path}.actuals.{year}", m) for year, m in sorted(kpi.actuals.items())]
            for value_path, measurement in series:
                figure = _find(keyed, named[0], measurement.text) if measurement is not None else None
                if figure is not None:
                    sources[value_path], texts[value_path] = figure[1], figure[2][:200]
    return sources


__all__ = ["locate"]
