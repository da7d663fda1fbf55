"""Every change to stored data, one function a write: ``<entity>_<action>`` (``kpi_actual_set``,
``cycle_transition``), each in one transaction, each recorded in the history. Views and the API parse input
and call one of these; :mod:`kouka.web.services.writes` holds the lock-compare-save-record pattern they share.
"""
