"""The department workbook, out and back: the pure core the command line and the web application call.

:func:`kouka.exchange.export.export_workbook` writes one .xlsx for a department and a fiscal year;
:func:`kouka.exchange.reading.read_workbook` reads a filled one back, bounded and safe;
:func:`kouka.exchange.plan.plan_changes` compares it field by field with what it was made from and with kouka's
current report (changes, conflicts, unreadable values, what it will not touch); :func:`kouka.exchange.plan.apply_plan`
gives the new report. Nothing here touches a database or a file.
"""
