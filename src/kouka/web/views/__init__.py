"""Views: public pages (``public``), staff pages (``staff``), import by upload (``imports``)."""
