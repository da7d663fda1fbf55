"""The pure domain core: no imports from the web, HTTP or file formats."""
