"""Text-layout check for figures (2-D axes; of 3-D axes only the titles): every drawn label inside the canvas, no two labels overlapping."""


def drawn_texts(fig):
    """The Text artists a draw of ``fig`` actually shows (titles, labels, drawn tick labels,
    legends, free texts), each with its window extent."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = list(fig.texts)
    if getattr(fig, "_suptitle", None) is not None:
        texts.append(fig._suptitle)
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, *ax.texts]
        if hasattr(ax, "zaxis"):          # 3-D tick labels are placed at draw time by mplot3d: titles only
            continue
        for axis in (ax.xaxis, ax.yaxis):
            texts.append(axis.label)
            ticks = axis._update_ticks()                      # only the ticks inside the view
            texts += [t.label1 for t in ticks] + [t.label2 for t in ticks]
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    texts = [t for t in dict.fromkeys(texts) if t.get_visible() and t.get_text().strip()]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts]


def layout_problems(fig, pad=1.0):
    """Labels that leave the canvas or overlap another label (empty list: clean)."""
    boxes = drawn_texts(fig)
    c = fig.bbox
    problems = [f"outside the canvas: {label!r}" for label, b in boxes
                if b.x0 < c.x0 - pad or b.x1 > c.x1 + pad or b.y0 < c.y0 - pad or b.y1 > c.y1 + pad]
    for i, (la, a) in enumerate(boxes):
        for lb, b in boxes[i + 1:]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > pad and h > pad:
                problems.append(f"overlap: {la!r} and {lb!r}")
    return problems
