"""The public dashboards (集計): the fact table of published reports, its rollups, the queries and charts."""
