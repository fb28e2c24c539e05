"""Exercises and grading: build ``exercises/`` from ``solutions/`` and grade submissions.

Modules: ``authoring`` (cell builders for solutions notebooks), ``generate`` (the
``mvcalc-build-exercises`` command), ``key`` (reading a solutions notebook as an answer key),
``sandbox`` / ``serialize`` (running untrusted notebooks, copying answers out of them),
``grader`` (scoring one submission) and ``cli`` (the ``mvcalc-grade`` command).
"""
