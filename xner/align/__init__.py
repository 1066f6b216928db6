"""Word alignment: the :class:`Aligner` protocol, backends chosen by name, extraction and symmetrisation."""
