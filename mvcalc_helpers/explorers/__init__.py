"""Slider explorers: one module per chapter, all built on :class:`Explorer`.

An explorer owns a matplotlib ``Figure`` (not pyplot's: it is never auto-displayed), a set of
ipywidgets controls, an ``ipywidgets.Image`` that shows the rendered figure and an
``ipywidgets.HTML`` readout with the key number. Moving a control calls the explorer's
update function, which changes the existing artists (no figure rebuild) and returns the
readout text; the figure is then re-rendered with Agg.

Notebooks call one builder per explorer, e.g. ``mh.partial_slice_explorer()``; tests call
``explorer.update(name=value)`` and check that ``explorer.readout_text`` and
``explorer.png`` changed.
"""
