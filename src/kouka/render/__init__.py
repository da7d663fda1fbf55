"""Publishing: the web page, its CMS fragment, PDF, Excel, open data (CSV) and charts, made from a
:class:`~kouka.domain.model.Report` with the domain core's rules only."""
