"""The career framework as files: the Markdown + YAML format (``files``), its
import and export (``importer``) and the default framework (``default/``)."""
